import type { Actor } from './roles'

/** Resolves an API key to an actor; returns null for unknown keys. */
export type ApiKeyResolver = (apiKey: string) => Actor | null

export const API_KEY_HEADER = 'x-api-key'

/**
 * What every procedure sees. Services add their own dependencies through `services`, a record
 * composed once in apps/api; they read it with a typed accessor of their own.
 */
export interface QiContext {
  actor: Actor | null
  /** The key was present but did not resolve: the caller is told, not silently treated as public. */
  invalidApiKey: boolean
  requestId: string
  services: Record<string, unknown>
}
