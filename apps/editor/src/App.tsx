import { DocumentsPage } from './components/DocumentsPage'
import { EditorPage } from './components/EditorPage'
import { I18nProvider } from './i18n/I18n'
import { useRoute } from './route'
import { UserProvider } from './UserContext'

export function App() {
  return (
    <I18nProvider>
      <UserProvider>
        <Routes />
      </UserProvider>
    </I18nProvider>
  )
}

function Routes() {
  const route = useRoute()
  // `key`: a different document is a fresh session, editor and undo history.
  return route.name === 'document' ? <EditorPage key={route.id} docId={route.id} /> : <DocumentsPage />
}
