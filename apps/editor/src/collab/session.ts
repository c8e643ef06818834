import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { collabUrl } from '../api'
import type { UserIdentity } from '../settings'
import { ConnectionMonitor } from './connection'

/** The Y.XmlFragment holding the treaty, in y-prosemirror's encoding: a public contract with the server and other tools. */
export const TREATY_FRAGMENT = 'treaty'

/**
 * One open document: its Y.Doc, the websocket provider (stock y-websocket, room = document
 * id), awareness carrying this person's name and colour, and the connection monitor. The
 * session never writes content: the server seeds documents.
 */
export interface CollabSession {
  docId: string
  ydoc: Y.Doc
  fragment: Y.XmlFragment
  provider: WebsocketProvider
  connection: ConnectionMonitor
  destroy(): void
}

export function openSession(docId: string, user: UserIdentity, url: string = collabUrl()): CollabSession {
  const ydoc = new Y.Doc()
  const provider = new WebsocketProvider(url, docId, ydoc)
  provider.awareness.setLocalStateField('user', { name: user.name, color: user.color })
  const connection = new ConnectionMonitor(provider, ydoc)
  return {
    docId,
    ydoc,
    fragment: ydoc.getXmlFragment(TREATY_FRAGMENT),
    provider,
    connection,
    destroy() {
      connection.destroy()
      provider.destroy()
      ydoc.destroy()
    },
  }
}
