import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  EventStoreError,
  InvalidEventError,
  InvalidStreamNameError,
  MaxAppendSizeExceededError,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '../errors'
import type { EventStore, EventToAppend, RecordedEvent, Subscription } from '../types'

export interface ConformanceOptions {
  /** Appends per writer in the concurrency test (4 writers). Default 1000. */
  appendsPerWriter?: number
  /** The adapter guarantees positions without gaps (the embedded store does; EventStoreDB does not). */
  gapFreePositions?: boolean
  /** Bounded wait for subscriptions, generous for a busy 2-core machine. Default 60 s. */
  waitMs?: number
}

export type StoreFactory = () => EventStore | Promise<EventStore>

const PROPERTY_SEED = 20261125

function ev(type: string, data: unknown = { n: 1 }, extra: Partial<EventToAppend> = {}): EventToAppend {
  return { type, data, ...extra }
}

/** Takes `count` events from a subscription, failing after `waitMs` instead of hanging. */
export async function take(
  subscription: Subscription,
  count: number,
  waitMs: number,
): Promise<RecordedEvent[]> {
  const seen: RecordedEvent[] = []
  if (count === 0) return seen
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void subscription.close()
      reject(new Error(`subscription delivered ${seen.length} of ${count} events within ${waitMs} ms`))
    }, waitMs)
  })
  const consume = (async () => {
    for await (const event of subscription) {
      seen.push(event)
      if (seen.length >= count) break
    }
    return seen
  })()
  try {
    return await Promise.race([consume, timeout])
  } finally {
    clearTimeout(timer)
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected the operation to fail, but it succeeded')
}

/**
 * The EventStore contract. Every adapter runs this suite unchanged. Tests use unique stream names,
 * so the suite also runs against a shared real server.
 */
export function runEventStoreConformance(
  adapterName: string,
  factory: StoreFactory,
  options: ConformanceOptions = {},
) {
  const perWriter = options.appendsPerWriter ?? 1000
  const waitMs = options.waitMs ?? 60_000

  describe(`EventStore conformance: ${adapterName}`, () => {
    let store: EventStore
    let ns: string
    const stream = (name: string) => `${ns}-${name}`
    const byNs = () => ({ kind: 'streamName' as const, prefixes: [`${ns}-`] })

    beforeEach(async () => {
      store = await factory()
      ns = `c${randomUUID().slice(0, 8)}`
    })
    afterEach(async () => {
      await store.close()
    })

    describe('append and expected revision', () => {
      it('starts a stream at revision 0 and reads back what was written', async () => {
        const result = await store.appendToStream(
          stream('a'),
          [ev('Opened', { name: '标准' }, { metadata: { actor: 'u1' } }), ev('Renamed', { name: 'b' })],
          { expectedRevision: 'no_stream' },
        )
        expect(result.nextExpectedRevision).toBe(1n)
        const events = await store.readStream(stream('a'))
        expect(events.map((e) => [e.revision, e.type, e.data])).toEqual([
          [0n, 'Opened', { name: '标准' }],
          [1n, 'Renamed', { name: 'b' }],
        ])
        expect(events[0]!.metadata).toMatchObject({ actor: 'u1' })
        expect(events[0]!.streamName).toBe(stream('a'))
        expect(events[0]!.recordedAt).toBeInstanceOf(Date)
        expect(events[1]!.position).toBe(result.position)
        expect(events[1]!.position > events[0]!.position).toBe(true)
      })

      it("rejects 'no_stream' on an existing stream with the actual revision", async () => {
        await store.appendToStream(stream('a'), [ev('A'), ev('B')])
        const error = await rejection(
          store.appendToStream(stream('a'), [ev('C')], { expectedRevision: 'no_stream' }),
        )
        expect(error).toBeInstanceOf(WrongExpectedVersionError)
        expect((error as WrongExpectedVersionError).expected).toBe('no_stream')
        expect((error as WrongExpectedVersionError).actual).toBe(1n)
      })

      it("rejects 'stream_exists' on a missing stream and accepts it on an existing one", async () => {
        const error = await rejection(
          store.appendToStream(stream('a'), [ev('A')], { expectedRevision: 'stream_exists' }),
        )
        expect(error).toBeInstanceOf(WrongExpectedVersionError)
        expect((error as WrongExpectedVersionError).actual).toBe('no_stream')
        await store.appendToStream(stream('a'), [ev('A')])
        const ok = await store.appendToStream(stream('a'), [ev('B')], { expectedRevision: 'stream_exists' })
        expect(ok.nextExpectedRevision).toBe(1n)
      })

      it('accepts the exact revision and rejects a stale one', async () => {
        await store.appendToStream(stream('a'), [ev('A')])
        const ok = await store.appendToStream(stream('a'), [ev('B')], { expectedRevision: 0n })
        expect(ok.nextExpectedRevision).toBe(1n)
        const error = await rejection(store.appendToStream(stream('a'), [ev('C')], { expectedRevision: 0n }))
        expect(error).toBeInstanceOf(WrongExpectedVersionError)
        expect((error as WrongExpectedVersionError).expected).toBe(0n)
        expect((error as WrongExpectedVersionError).actual).toBe(1n)
        const missing = await rejection(
          store.appendToStream(stream('b'), [ev('C')], { expectedRevision: 3n }),
        )
        expect((missing as WrongExpectedVersionError).actual).toBe('no_stream')
      })

      it("appends with 'any' whatever the stream's state", async () => {
        await store.appendToStream(stream('a'), [ev('A')], { expectedRevision: 'any' })
        const r = await store.appendToStream(stream('a'), [ev('B')], { expectedRevision: 'any' })
        expect(r.nextExpectedRevision).toBe(1n)
      })

      it('lets exactly one of two concurrent writers at the same revision win', async () => {
        await store.appendToStream(stream('a'), [ev('A')])
        const results = await Promise.allSettled([
          store.appendToStream(stream('a'), [ev('B')], { expectedRevision: 0n }),
          store.appendToStream(stream('a'), [ev('C')], { expectedRevision: 0n }),
        ])
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
        const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult
        expect(failed.reason).toBeInstanceOf(WrongExpectedVersionError)
        expect(await store.readStream(stream('a'))).toHaveLength(2)
      })
    })

    describe('idempotence', () => {
      it('returns the first result for a retried append and stores nothing twice', async () => {
        const events = [ev('A', { n: 1 }, { id: randomUUID() }), ev('B', { n: 2 }, { id: randomUUID() })]
        const first = await store.appendToStream(stream('a'), events, { expectedRevision: 'no_stream' })
        const retry = await store.appendToStream(stream('a'), events, { expectedRevision: 'no_stream' })
        expect(retry).toEqual(first)
        const next = [ev('C', {}, { id: randomUUID() })]
        const third = await store.appendToStream(stream('a'), next, { expectedRevision: 1n })
        expect(await store.appendToStream(stream('a'), next, { expectedRevision: 1n })).toEqual(third)
        expect(await store.appendToStream(stream('a'), next, { expectedRevision: 'any' })).toEqual(third)
        const read = await store.readStream(stream('a'))
        expect(read.map((e) => e.type)).toEqual(['A', 'B', 'C'])
        expect(read[2]!.id).toBe(next[0]!.id)
      })

      it('rejects a retry whose ids meet a stream that has moved past its expected revision', async () => {
        const events = [ev('A', {}, { id: randomUUID() })]
        await store.appendToStream(stream('a'), events, { expectedRevision: 'no_stream' })
        await store.appendToStream(stream('a'), [ev('B')])
        const error = await rejection(store.appendToStream(stream('a'), events, { expectedRevision: 5n }))
        expect(error).toBeInstanceOf(WrongExpectedVersionError)
        expect(await store.readStream(stream('a'))).toHaveLength(2)
      })
    })

    describe('reads', () => {
      it('reads a stream forwards and backwards, from a revision, with a limit', async () => {
        await store.appendToStream(
          stream('a'),
          Array.from({ length: 10 }, (_, i) => ev(`E${i}`)),
        )
        const fwd = await store.readStream(stream('a'), { fromRevision: 3n, maxCount: 4 })
        expect(fwd.map((e) => e.revision)).toEqual([3n, 4n, 5n, 6n])
        const back = await store.readStream(stream('a'), { direction: 'backwards', maxCount: 3 })
        expect(back.map((e) => e.revision)).toEqual([9n, 8n, 7n])
        const backFrom = await store.readStream(stream('a'), { direction: 'backwards', fromRevision: 2n })
        expect(backFrom.map((e) => e.revision)).toEqual([2n, 1n, 0n])
      })

      it('throws StreamNotFoundError for a stream that was never written', async () => {
        expect(await rejection(store.readStream(stream('nothing')))).toBeInstanceOf(StreamNotFoundError)
      })

      it('reads $all forwards inclusive and backwards exclusive of the given position', async () => {
        const a = await store.appendToStream(stream('a'), [ev('A1')])
        const b = await store.appendToStream(stream('b'), [ev('B1')])
        const c = await store.appendToStream(stream('a'), [ev('A2')])
        const fwd = await store.readAll({ fromPosition: b.position, filter: byNs() })
        expect(fwd.map((e) => e.type)).toEqual(['B1', 'A2'])
        const back = await store.readAll({ direction: 'backwards', fromPosition: c.position, filter: byNs() })
        expect(back.map((e) => e.type).slice(0, 2)).toEqual(['B1', 'A1'])
        expect(back.map((e) => e.position).slice(0, 2)).toEqual([b.position, a.position])
        const limited = await store.readAll({ fromPosition: a.position, maxCount: 2, filter: byNs() })
        expect(limited.map((e) => e.type)).toEqual(['A1', 'B1'])
      })

      it('filters $all by stream-name prefix and by event-type prefix', async () => {
        await store.appendToStream(stream('std-1'), [ev('StandardPublished')])
        await store.appendToStream(stream('lab-1'), [ev('LabAccredited')])
        await store.appendToStream(stream('std-2'), [ev('StandardWithdrawn')])
        const std = await store.readAll({ filter: { kind: 'streamName', prefixes: [`${ns}-std-`] } })
        expect(std.map((e) => e.streamName)).toEqual([stream('std-1'), stream('std-2')])
        const typed = await store.readAll({ filter: { kind: 'eventType', prefixes: ['LabAcc'] } })
        expect(typed.filter((e) => e.streamName.startsWith(ns)).map((e) => e.type)).toEqual(['LabAccredited'])
        expect(typed.every((e) => e.type.startsWith('LabAcc'))).toBe(true)
      })

      it('gives strictly increasing positions in append order across streams', async () => {
        const positions: bigint[] = []
        for (let i = 0; i < 20; i++) {
          positions.push((await store.appendToStream(stream(`s${i % 3}`), [ev('E')])).position)
        }
        for (let i = 1; i < positions.length; i++) expect(positions[i]! > positions[i - 1]!).toBe(true)
        const all = await store.readAll({ filter: byNs() })
        expect(all.map((e) => e.position)).toEqual(positions)
        if (options.gapFreePositions) {
          for (let i = 1; i < positions.length; i++) expect(positions[i]! - positions[i - 1]!).toBe(1n)
        }
      })
    })

    describe('subscriptions', () => {
      it('catches up on $all, then delivers live events, starting after the given position', async () => {
        const first = await store.appendToStream(stream('a'), [ev('A1')])
        await store.appendToStream(stream('a'), [ev('A2'), ev('A3')])
        const sub = store.subscribeToAll({ fromPosition: first.position, filter: byNs() })
        const pending = take(sub, 4, waitMs)
        await store.appendToStream(stream('b'), [ev('B1')])
        await store.appendToStream(stream('a'), [ev('A4')])
        const seen = await pending
        await sub.close()
        expect(seen.map((e) => e.type)).toEqual(['A2', 'A3', 'B1', 'A4'])
      })

      it('applies an event-type filter to a subscription', async () => {
        const sub = store.subscribeToAll({ filter: { kind: 'eventType', prefixes: [`${ns}Keep`] } })
        const pending = take(sub, 2, waitMs)
        await store.appendToStream(stream('a'), [ev(`${ns}Keep1`), ev('Drop'), ev(`${ns}Keep2`)])
        const seen = await pending
        await sub.close()
        expect(seen.map((e) => e.type)).toEqual([`${ns}Keep1`, `${ns}Keep2`])
      })

      it('subscribes to one stream from the start and stays live', async () => {
        await store.appendToStream(stream('a'), [ev('A1')])
        await store.appendToStream(stream('other'), [ev('X')])
        const sub = store.subscribeToStream(stream('a'))
        const pending = take(sub, 3, waitMs)
        await store.appendToStream(stream('a'), [ev('A2')])
        await store.appendToStream(stream('other'), [ev('Y')])
        await store.appendToStream(stream('a'), [ev('A3')])
        const seen = await pending
        await sub.close()
        expect(seen.map((e) => [e.type, e.revision])).toEqual([
          ['A1', 0n],
          ['A2', 1n],
          ['A3', 2n],
        ])
      })

      it('delivers every event exactly once, in position order, while 4 writers append concurrently', async () => {
        const writers = 4
        const total = writers * perWriter
        const sub = store.subscribeToAll({ filter: byNs() })
        const pending = take(sub, total, waitMs)
        const acknowledged: bigint[] = []
        await Promise.all(
          Array.from({ length: writers }, async (_, w) => {
            for (let i = 0; i < perWriter; i++) {
              const r = await store.appendToStream(stream(`w${w}`), [ev('Tick', { w, i })], {
                expectedRevision: i === 0 ? 'no_stream' : BigInt(i - 1),
              })
              acknowledged.push(r.position)
            }
          }),
        )
        const seen = await pending
        await sub.close()
        const positions = seen.map((e) => e.position)
        expect(new Set(positions).size).toBe(total)
        for (let i = 1; i < positions.length; i++) expect(positions[i]! > positions[i - 1]!).toBe(true)
        expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(
          [...acknowledged].sort((a, b) => (a < b ? -1 : 1)),
        )
        for (let w = 0; w < writers; w++) {
          const mine = seen
            .filter((e) => e.streamName === stream(`w${w}`))
            .map((e) => (e.data as { i: number }).i)
          expect(mine).toEqual(Array.from({ length: perWriter }, (_, i) => i))
        }
      })
    })

    describe('deletion', () => {
      it('soft delete: reads as not found, a later append restarts it with revisions continuing', async () => {
        await store.appendToStream(stream('a'), [ev('A'), ev('B')])
        await store.deleteStream(stream('a'), { expectedRevision: 1n })
        expect(await rejection(store.readStream(stream('a')))).toBeInstanceOf(StreamNotFoundError)
        const again = await store.appendToStream(stream('a'), [ev('C')])
        expect(again.nextExpectedRevision).toBe(2n)
        const events = await store.readStream(stream('a'))
        expect(events.map((e) => [e.type, e.revision])).toEqual([['C', 2n]])
      })

      it('tombstone: every later append or read fails with StreamDeletedError', async () => {
        await store.appendToStream(stream('a'), [ev('A')])
        await store.tombstoneStream(stream('a'))
        expect(await rejection(store.appendToStream(stream('a'), [ev('B')]))).toBeInstanceOf(
          StreamDeletedError,
        )
        expect(await rejection(store.readStream(stream('a')))).toBeInstanceOf(StreamDeletedError)
      })

      it('checks the expected revision of a deletion', async () => {
        await store.appendToStream(stream('a'), [ev('A'), ev('B')])
        const error = await rejection(store.deleteStream(stream('a'), { expectedRevision: 0n }))
        expect(error).toBeInstanceOf(WrongExpectedVersionError)
        expect((await store.readStream(stream('a'))).length).toBe(2)
      })
    })

    describe('limits and bad input: typed errors, nothing written', () => {
      async function expectNothingWritten(
        attempt: () => Promise<unknown>,
        errorClass: new (...args: never[]) => Error,
      ) {
        const before = await store.readAll({ filter: byNs() })
        expect(await rejection(attempt())).toBeInstanceOf(errorClass)
        expect(await store.readAll({ filter: byNs() })).toEqual(before)
      }

      it('rejects an append over 1 MiB', async () => {
        const big = 'x'.repeat(1024 * 1024 + 1)
        await expectNothingWritten(
          () => store.appendToStream(stream('a'), [ev('Small'), ev('Big', { big })]),
          MaxAppendSizeExceededError,
        )
      })

      it('rejects an empty stream name and a missing or empty type', async () => {
        await expectNothingWritten(() => store.appendToStream('', [ev('A')]), InvalidStreamNameError)
        await expectNothingWritten(
          () => store.appendToStream(stream('a'), [ev('A'), { data: {} } as EventToAppend]),
          InvalidEventError,
        )
        await expectNothingWritten(() => store.appendToStream(stream('a'), [ev('  ')]), InvalidEventError)
        await expectNothingWritten(() => store.appendToStream(stream('a'), []), InvalidEventError)
      })

      it('rejects data that JSON cannot carry', async () => {
        const circular: Record<string, unknown> = {}
        circular.self = circular
        for (const data of [
          { n: 1n },
          { f: () => 1 },
          { x: Number.NaN },
          circular,
          undefined,
          { d: new Date() },
        ]) {
          await expectNothingWritten(
            () => store.appendToStream(stream('a'), [{ type: 'A', data }]),
            InvalidEventError,
          )
        }
      })

      it('stores an undefined property as absent, as JSON does', async () => {
        await store.appendToStream(stream('a'), [ev('A', { kept: 1, dropped: undefined })])
        const [event] = await store.readStream(stream('a'))
        expect(event!.data).toEqual({ kept: 1 })
      })

      it('rejects hostile input with a typed error and leaves the store unchanged (property)', async () => {
        const hostile = fc.oneof(
          fc.record({ type: fc.constantFrom('', ' ', undefined as unknown as string), data: fc.jsonValue() }),
          fc.record({ type: fc.string({ minLength: 1 }), data: fc.constant(undefined) }),
          fc.record({
            type: fc.string({ minLength: 1 }),
            data: fc.jsonValue(),
            id: fc.string({ maxLength: 20 }),
          }),
          fc.record({
            type: fc.string({ minLength: 1 }),
            data: fc.jsonValue(),
            metadata: fc.constantFrom([], 'm', 7),
          }),
        )
        const before = await store.readAll({ filter: byNs() })
        await fc.assert(
          fc.asyncProperty(fc.array(hostile, { minLength: 1, maxLength: 3 }), async (bad) => {
            const error = await rejection(
              store.appendToStream(stream('p'), [ev('Good'), ...(bad as EventToAppend[])]),
            )
            expect(error).toBeInstanceOf(EventStoreError)
          }),
          { seed: PROPERTY_SEED, numRuns: 60, verbose: 1 },
        )
        expect(await store.readAll({ filter: byNs() })).toEqual(before)
      })
    })
  })
}
