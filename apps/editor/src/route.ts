import { useEffect, useState, type MouseEvent } from 'react'

/**
 * Where the app is: `/` (the documents) or `/d/<id>` (one document) — the paths the server
 * answers with the app and prints at start. `#/d/<id>` is read too, for links made by hand.
 */
export type Route = { name: 'documents' } | { name: 'document'; id: string }

export function parseRoute(loc: Pick<Location, 'hash' | 'pathname'>): Route {
  const fromHash = /^#\/d\/([^/?#]+)/.exec(loc.hash)
  if (fromHash) return { name: 'document', id: decodeURIComponent(fromHash[1]) }
  const fromPath = /^\/d\/([^/?#]+)/.exec(loc.pathname)
  if (fromPath) return { name: 'document', id: decodeURIComponent(fromPath[1]) }
  return { name: 'documents' }
}

export function documentHref(id: string): string {
  return `/d/${encodeURIComponent(id)}`
}

export function hrefOf(route: Route): string {
  return route.name === 'document' ? documentHref(route.id) : '/'
}

const CHANGE = 'accord:navigate'

export function navigate(route: Route): void {
  window.history.pushState(null, '', hrefOf(route))
  window.dispatchEvent(new Event(CHANGE))
}

/** onClick for in-app links: a plain click navigates without reloading; modified clicks (new tab) behave as links do. */
export function followLink(route: Route) {
  return (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
    e.preventDefault()
    navigate(route)
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location))
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location))
    window.addEventListener('popstate', update)
    window.addEventListener('hashchange', update)
    window.addEventListener(CHANGE, update)
    return () => {
      window.removeEventListener('popstate', update)
      window.removeEventListener('hashchange', update)
      window.removeEventListener(CHANGE, update)
    }
  }, [])
  return route
}
