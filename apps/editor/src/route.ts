import { useEffect, useState, type MouseEvent } from 'react'

/**
 * Where the app is: `/` (the documents), `/d/<id>` (one document) — the paths the server
 * answers with the app and prints at start — or `/join#token=…` (an invitation link: the
 * token travels in the fragment, which never reaches a server or its logs). `#/d/<id>` is
 * read too, for links made by hand.
 */
export type Route = { name: 'documents' } | { name: 'document'; id: string } | { name: 'join'; token: string | null }

export function parseRoute(loc: Pick<Location, 'hash' | 'pathname'>): Route {
  if (/^\/join\/?$/.test(loc.pathname)) return { name: 'join', token: tokenInFragment(loc.hash) }
  const fromHash = /^#\/d\/([^/?#]+)/.exec(loc.hash)
  if (fromHash) return { name: 'document', id: decodeURIComponent(fromHash[1]) }
  const fromPath = /^\/d\/([^/?#]+)/.exec(loc.pathname)
  if (fromPath) return { name: 'document', id: decodeURIComponent(fromPath[1]) }
  return { name: 'documents' }
}

/** The `token` parameter of a `#token=…` fragment (also `#…&token=…`), else null. */
export function tokenInFragment(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''))
  const token = params.get('token')?.trim()
  return token ? token : null
}

export function documentHref(id: string): string {
  return `/d/${encodeURIComponent(id)}`
}

export function hrefOf(route: Route): string {
  // A join route is never linked to with its token: the token stays out of the history.
  return route.name === 'document' ? documentHref(route.id) : route.name === 'join' ? '/join' : '/'
}

const CHANGE = 'accord:navigate'

export function navigate(route: Route, { replace = false }: { replace?: boolean } = {}): void {
  if (replace) window.history.replaceState(null, '', hrefOf(route))
  else window.history.pushState(null, '', hrefOf(route))
  window.dispatchEvent(new Event(CHANGE))
}

/** Takes the token out of the address bar (and the history entry) without leaving the page. */
export function forgetFragment(): void {
  window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search)
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
