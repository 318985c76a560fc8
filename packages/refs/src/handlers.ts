import { type DomainEvent, domainCatalogue, type EventDefinition } from '@qi/contracts'
import type { RecordedEvent } from '@qi/eventstore'
import type Database from 'better-sqlite3'
import type { z } from 'zod'

export type Handler = (event: DomainEvent, db: Database.Database) => void

/**
 * How a read model of another context's events is wired: `...applyWith([on(Event, (data, db) => …), …])`.
 */

/** Binds a handler to one event definition, typing its data by the definition's schema. */
export function on<D extends EventDefinition>(
  definition: D,
  handler: (data: z.infer<D['schema']>, db: Database.Database, event: DomainEvent) => void,
): [string, Handler] {
  // The catalogue validated the data against this very schema, so the narrowing is sound.
  return [definition.type, (event, db) => handler(event.data as z.infer<D['schema']>, db, event)]
}

/**
 * A projection's `apply` and `handles` from one table of handlers (spread them into the
 * projection): `apply` decodes (upcasts, validates) only the events it handles, and the runner
 * passes it nothing else.
 */
export function applyWith(handlers: Array<[string, Handler]>): {
  apply: (event: RecordedEvent, db: Database.Database) => void
  handles: ReadonlySet<string>
} {
  const byType = new Map(handlers)
  return {
    apply: (event, db) => {
      const handler = byType.get(event.type)
      if (handler) handler(domainCatalogue.decode(event), db)
    },
    handles: new Set(byType.keys()),
  }
}
