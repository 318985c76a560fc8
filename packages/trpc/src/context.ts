import type { Context as TraceContext } from '@opentelemetry/api'
import type { EventStore } from '@qi/eventstore'
import type { PolicyRunner, ProjectionRunner } from '@qi/projections'
import type { RequestLog } from './observe'
import type { Actor } from './roles'

/** Resolves an API key to an actor; returns null for unknown keys. */
export type ApiKeyResolver = (apiKey: string) => Actor | null

export const API_KEY_HEADER = 'x-api-key'

/**
 * The highest store position a client was told of (a mutation's `position`): every read model a
 * query reads is brought at least that far (up to the store's head) before it answers, so a client
 * reads its own writes on any replica without passing `minPosition` to each query (the web app).
 */
export const SEEN_POSITION_HEADER = 'x-qi-seen-position'

/** What a service's procedures may use: the store, read models by projection name, the clock. */
export interface ServiceDeps {
  store: EventStore
  /** The runner of a registered projection (its `db` for queries, `waitFor` for read-your-writes). */
  runner(projectionName: string): ProjectionRunner
  /** Every registered projection runner (for status pages). */
  runners(): ProjectionRunner[]
  /** Every running policy (process manager), for operations pages; absent in service test platforms. */
  policies?(): PolicyRunner[]
  /** Business "today" and timestamps come from here so tests can fix the clock. */
  now(): Date
}

/** What every procedure sees. */
export interface QiContext {
  actor: Actor | null
  /** The key was present but did not resolve: the caller is told, not silently treated as public. */
  invalidApiKey: boolean
  requestId: string
  deps: ServiceDeps
  /** The request's logger (request id bound); absent for in-process callers. */
  log?: RequestLog
  /** The HTTP request's trace context, parent of the procedure's span. */
  traceContext?: TraceContext
  /** The request's `SEEN_POSITION_HEADER`, as sent (checked when a read model is read). */
  seenPosition?: string
}
