import { DocumentsPage } from './components/DocumentsPage'
import { EditorPage } from './components/EditorPage'
import { JoinPage } from './components/JoinPage'
import { I18nProvider } from './i18n/I18n'
import { useRoute } from './route'

export function App() {
  return (
    <I18nProvider>
      <Routes />
    </I18nProvider>
  )
}

function Routes() {
  const route = useRoute()
  // `key`: a different document is a fresh session, editor and undo history.
  if (route.name === 'join') return <JoinPage token={route.token} />
  return route.name === 'document' ? <EditorPage key={route.id} docId={route.id} /> : <DocumentsPage />
}
