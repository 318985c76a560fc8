import { randomUUID } from 'node:crypto'
import { domainCatalogue } from '@qi/contracts'
import type { EventStore } from '@qi/eventstore'

export interface SeedEvent {
  stream: string
  type: string
  data: Record<string, unknown>
  /** Business date of the fact. */
  on: string
  causationId?: string
  id?: string
}

/** Appends events as the services would, with full envelope metadata. Returns the last position. */
export async function seed(store: EventStore, events: SeedEvent[]) {
  let position = 0n
  for (const e of events) {
    const commandId = randomUUID()
    const result = await store.appendToStream(e.stream, [
      {
        id: e.id,
        type: e.type,
        // Validated as a service would before writing: a wrong fixture fails loudly.
        data: domainCatalogue.encode(e.type, e.data),
        metadata: {
          schemaVersion: 1,
          actor: 'seed',
          org: 'seed',
          correlationId: commandId,
          causationId: e.causationId ?? null,
          commandId,
          occurredAt: e.on,
        },
      },
    ])
    position = result.position
  }
  return position
}
