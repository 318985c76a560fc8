import { createEventCatalogue, defineEvent, type EventOf } from '@qi/contracts'
import { SqliteEventStore } from '@qi/eventstore/sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { deterministicEventId, handleCommand } from './command-handler'
import type { Decider } from './decider'
import { RuleViolationError } from './errors'
import { spec } from './testing'

// A small instrument-booking aggregate: enough behaviour to exercise the runtime.
const Booked = defineEvent({
  type: 'TestSlotBooked',
  context: 'test',
  description: 'a slot was booked',
  schema: z.object({ slot: z.number().int() }),
})
const Cancelled = defineEvent({
  type: 'TestSlotCancelled',
  context: 'test',
  description: 'a slot was cancelled',
  schema: z.object({ slot: z.number().int() }),
})
type Event = EventOf<typeof Booked> | EventOf<typeof Cancelled>
type Command = { kind: 'book'; slot: number } | { kind: 'cancel'; slot: number }
interface State {
  booked: Set<number>
}

const bookings: Decider<Command, Event, State> = {
  initialState: () => ({ booked: new Set() }),
  evolve: (state, event) => {
    const booked = new Set(state.booked)
    if (event.type === 'TestSlotBooked') booked.add(event.data.slot)
    else booked.delete(event.data.slot)
    return { booked }
  },
  decide: (command, state) => {
    if (command.kind === 'book') {
      if (state.booked.has(command.slot)) {
        throw new RuleViolationError(
          'slot-free',
          `slot ${command.slot} is already booked`,
          String(command.slot),
          'slot',
        )
      }
      return [{ type: 'TestSlotBooked', data: { slot: command.slot } }]
    }
    if (!state.booked.has(command.slot)) return []
    return [{ type: 'TestSlotCancelled', data: { slot: command.slot } }]
  },
}

const catalogue = createEventCatalogue([Booked, Cancelled])
const context = { actor: 'u1', org: 'lab-1', occurredAt: '2025-03-01' }

describe('decider specs (given / when / then)', () => {
  it('books a free slot', () => {
    spec(bookings)
      .given([])
      .when({ kind: 'book', slot: 1 })
      .then([{ type: 'TestSlotBooked', data: { slot: 1 } }])
  })
  it('refuses a booked slot, naming the rule', () => {
    const error = spec(bookings)
      .given([{ type: 'TestSlotBooked', data: { slot: 1 } }])
      .when({ kind: 'book', slot: 1 })
      .thenThrows(RuleViolationError, /already booked/)
    expect((error as RuleViolationError).rule).toBe('slot-free')
  })
  it('cancelling a free slot changes nothing', () => {
    spec(bookings).given([]).when({ kind: 'cancel', slot: 3 }).thenNothing()
  })
})

describe('handleCommand on a real store', () => {
  let store: SqliteEventStore
  beforeEach(() => {
    store = new SqliteEventStore()
  })
  afterEach(async () => {
    await store.close()
  })
  const run = (command: Command, commandId?: string) =>
    handleCommand({
      store,
      catalogue,
      decider: bookings,
      streamName: 'room-1',
      command,
      context: { ...context, commandId },
    })

  it('appends decided events with the envelope metadata at the loaded revision', async () => {
    const first = await run({ kind: 'book', slot: 1 }, 'cmd-first-1')
    const second = await run({ kind: 'book', slot: 2 })
    expect(first.revision).toBe(0n)
    expect(second.revision).toBe(1n)
    const [event] = await store.readStream('room-1', { maxCount: 1 })
    expect(event!.metadata).toMatchObject({
      schemaVersion: 1,
      actor: 'u1',
      org: 'lab-1',
      commandId: 'cmd-first-1',
      correlationId: 'cmd-first-1',
      causationId: null,
      occurredAt: '2025-03-01',
    })
    expect(event!.id).toBe(deterministicEventId('room-1', 'cmd-first-1', 0))
  })

  it('makes a retried command (same commandId) a no-op returning the first result', async () => {
    const first = await run({ kind: 'book', slot: 1 }, 'cmd-retry-1')
    const retry = await run({ kind: 'book', slot: 1 }, 'cmd-retry-1')
    expect(retry.duplicate).toBe(true)
    expect(retry.position).toBe(first.position)
    expect(retry.revision).toBe(first.revision)
    expect(await store.readStream('room-1')).toHaveLength(1)
  })

  it('refuses with the domain error and writes nothing', async () => {
    await run({ kind: 'book', slot: 1 })
    await expect(run({ kind: 'book', slot: 1 })).rejects.toThrow(RuleViolationError)
    expect(await store.readStream('room-1')).toHaveLength(1)
  })

  it('retries on a concurrent write and decides again on the new state', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => run({ kind: 'book', slot: i % 3 })),
    )
    const ok = results.filter((r) => r.status === 'fulfilled')
    const refused = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[]
    // Each of the three slots is booked exactly once; the second booking of each is refused.
    expect(ok).toHaveLength(3)
    expect(refused.every((r) => r.reason instanceof RuleViolationError)).toBe(true)
    const slots = (await store.readStream('room-1')).map((e) => (e.data as { slot: number }).slot).sort()
    expect(slots).toEqual([0, 1, 2])
  })

  it('returns an empty result when the decider emits nothing', async () => {
    const result = await run({ kind: 'cancel', slot: 9 })
    expect(result.events).toEqual([])
    expect(result.revision).toBeNull()
  })
})
