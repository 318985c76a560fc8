import { randomUUID } from 'node:crypto'
import type { Context as TraceContext } from '@opentelemetry/api'
import {
  type Actor,
  API_KEY_HEADER,
  type ApiKeyResolver,
  type QiContext,
  type RequestLog,
  SEEN_POSITION_HEADER,
} from '@qi/trpc'
import type { Platform } from './platform'

export function createContextFactory(platform: Platform, resolveKey: ApiKeyResolver) {
  return ({
    headers,
    requestId,
    log,
    traceContext,
    resolved,
  }: {
    headers: Record<string, string | string[] | undefined>
    /** The HTTP request's id, so that a 500's reference matches the server log. */
    requestId?: string
    log?: RequestLog
    traceContext?: TraceContext
    /** The actor the server already resolved from these headers' key (one lookup per request). */
    resolved?: Actor | null
  }): QiContext => {
    const raw = headers[API_KEY_HEADER]
    const apiKey = Array.isArray(raw) ? raw[0] : raw
    const actor = resolved !== undefined ? resolved : apiKey ? resolveKey(apiKey) : null
    const seen = headers[SEEN_POSITION_HEADER]
    return {
      actor,
      invalidApiKey: Boolean(apiKey) && !actor,
      requestId: requestId ?? randomUUID(),
      deps: platform,
      log,
      traceContext,
      ...(seen === undefined ? {} : { seenPosition: Array.isArray(seen) ? seen[0] : seen }),
    }
  }
}
