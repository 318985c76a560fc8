import { randomUUID } from 'node:crypto'
import { API_KEY_HEADER, type ApiKeyResolver, type QiContext } from '@qi/trpc'
import type { Platform } from './platform'

export function createContextFactory(platform: Platform, resolveKey: ApiKeyResolver) {
  return ({
    headers,
    requestId = randomUUID(),
  }: {
    headers: Record<string, string | string[] | undefined>
    /** The HTTP request's id, so that a 500's reference matches the server log. */
    requestId?: string
  }): QiContext => {
    const raw = headers[API_KEY_HEADER]
    const apiKey = Array.isArray(raw) ? raw[0] : raw
    const actor = apiKey ? resolveKey(apiKey) : null
    return { actor, invalidApiKey: Boolean(apiKey) && !actor, requestId, deps: platform }
  }
}
