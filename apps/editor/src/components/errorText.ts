import { ApiError } from '../api'
import type { Translate } from '../i18n/catalogue'

/** The server's message of a failed action, or the editor's own (the text changed under it). */
export function errorText(t: Translate, e: unknown): string {
  if (e instanceof ApiError && e.status === 0) return t('error.network')
  return (e as Error).message || String(e)
}
