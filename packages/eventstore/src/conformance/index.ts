import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  EventStoreError,
  InvalidEventError,
  InvalidStreamNameError,
  MaxAppendSizeExceededError,
  StoreClosedError,
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
  /** Appends started at once in the many-concurrent-appends test. Default 10,000. */
  concurrentAppends?: number
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

/**
 * Runs `body` and returns the unhandled rejections the process reported meanwhile (and in the few
 * event-loop turns after, when Node reports them). A rejection nobody handles ends a Node process.
 */
async function unhandledRejectionsDuring(body: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = []
  const listener = (reason: unknown) => seen.push(reason)
  process.on('unhandledRejection', listener)
  try {
    await body()
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setTimeout(resolve, 20))
  } finally {
    process.off('unhandledRejection', listener)
  }
  return seen
}

/** Resolves with what the subscription's first `next()` settles to; rejects after `waitMs`. */
async function firstOutcome(subscription: Subscription, waitMs: number) {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the subscription did not settle within ${waitMs} ms`)), waitMs)
  })
  const outcome = subscription[Symbol.asyncIterator]()
    .next()
    .then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    )
  try {
    return await Promise.race([outcome, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Takes events until one satisfies `last` (included), failing after `waitMs` instead of hanging. */
async function takeUntil(
  subscription: Subscription,
  last: (event: RecordedEvent) => boolean,
  waitMs: number,
): Promise<RecordedEvent[]> {
  const seen: RecordedEvent[] = []
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void subscription.close()
      reject(new Error(`the awaited event was not delivered within ${waitMs} ms (${seen.length} seen)`))
    }, waitMs)
  })
  const iterator = subscription[Symbol.asyncIterator]()
  const consume = (async () => {
    for (;;) {
      const next = await iterator.next()
      if (next.done) throw new Error(`the subscription ended after ${seen.length} events`)
      seen.push(next.value)
      if (last(next.value)) return seen
    }
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
  const concurrentAppends = options.concurrentAppends ?? 10_000

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

      it("refuses to soft-delete a stream that was never written, even with 'any', as EventStoreDB does", async () => {
        for (const expectedRevision of ['any', 'no_stream', 'stream_exists'] as const) {
          const name = stream(`never-${expectedRevision}`)
          const error = await rejection(store.deleteStream(name, { expectedRevision }))
          expect(error).toBeInstanceOf(WrongExpectedVersionError)
          expect((error as WrongExpectedVersionError).actual).toBe('no_stream')
          // Nothing was recorded: the stream can still be started with 'no_stream'.
          const started = await store.appendToStream(name, [ev('A')], { expectedRevision: 'no_stream' })
          expect(started.nextExpectedRevision).toBe(0n)
        }
      })

      it('tombstones a stream that was never written; it can then never be used', async () => {
        await store.tombstoneStream(stream('never'), { expectedRevision: 'no_stream' })
        expect(await rejection(store.appendToStream(stream('never'), [ev('A')]))).toBeInstanceOf(
          StreamDeletedError,
        )
      })

      it('never shows callers the system records a deletion leaves in $all', async () => {
        const isSystem = (e: RecordedEvent) => e.streamName.startsWith('$') || e.type.startsWith('$')
        const first = await store.appendToStream(stream('a'), [ev('A')])
        await store.deleteStream(stream('a'))
        const last = await store.appendToStream(stream('b'), [ev('B')])
        // Unfiltered reads: the adapter, not a filter, has to leave system events out.
        const forwards = await store.readAll({ fromPosition: first.position })
        expect(forwards.some(isSystem)).toBe(false)
        expect(forwards.filter((e) => e.streamName.startsWith(ns)).map((e) => e.type)).toEqual(['A', 'B'])
        const backwards = await store.readAll({ direction: 'backwards', maxCount: 2 })
        expect(backwards.some(isSystem)).toBe(false)
        // An unfiltered subscription (other writers may interleave on a shared server): up to B.
        const subscription = store.subscribeToAll({ fromPosition: first.position })
        const delivered = await takeUntil(subscription, (e) => e.position === last.position, waitMs)
        await subscription.close()
        expect(delivered.some(isSystem)).toBe(false)
        expect(delivered.at(-1)!.type).toBe('B')
      })

      it('checks the expected revision of a deletion', async () => {
        await store.appendToStream(stream('a'), [ev('A'), ev('B')])
        const error = await rejection(store.deleteStream(stream('a'), { expectedRevision: 0n }))
        expect(error).toBeInstanceOf(WrongExpectedVersionError)
        expect((await store.readStream(stream('a'))).length).toBe(2)
      })
    })

    describe('recording', () => {
      it('records each event at the time of its append (recordedAt)', async () => {
        // Only a sanity bound: the store's clock against this process's, with a second of slack for
        // clock granularity and the server being another process.
        const before = Date.now()
        await store.appendToStream(stream('t'), [ev('A'), ev('B')])
        const after = Date.now()
        const events = await store.readStream(stream('t'))
        for (const event of events) {
          expect(event.recordedAt).toBeInstanceOf(Date)
          expect(event.recordedAt.getTime()).toBeGreaterThanOrEqual(before - 1000)
          expect(event.recordedAt.getTime()).toBeLessThanOrEqual(after + 1000)
        }
        expect(events[1]!.recordedAt.getTime()).toBeGreaterThanOrEqual(events[0]!.recordedAt.getTime())
      })

      it(`completes ${concurrentAppends} appends started at once, each exactly once`, async () => {
        const streams = 100
        const results = await Promise.all(
          Array.from({ length: concurrentAppends }, (_, i) =>
            store.appendToStream(stream(`many-${i % streams}`), [ev('Many', { i })]),
          ),
        )
        expect(new Set(results.map((r) => r.position)).size).toBe(concurrentAppends)
        const all = await store.readAll({ filter: byNs() })
        expect(all).toHaveLength(concurrentAppends)
        expect(new Set(all.map((e) => (e.data as { i: number }).i)).size).toBe(concurrentAppends)
        for (let s = 0; s < streams; s += 33) {
          const revisions = (await store.readStream(stream(`many-${s}`))).map((e) => e.revision)
          expect(revisions).toEqual(Array.from({ length: concurrentAppends / streams }, (_, r) => BigInt(r)))
        }
      })
    })

    describe('closing the store', () => {
      it('lets 100 appends already started complete, with no unhandled rejection', async () => {
        let settled: PromiseSettledResult<unknown>[] = []
        const unhandled = await unhandledRejectionsDuring(async () => {
          // One append first, so the adapter's connection is open when the 100 start.
          await store.appendToStream(stream('warm'), [ev('Warm')])
          const appends = Array.from({ length: 100 }, (_, i) =>
            store.appendToStream(stream(`close-${i % 10}`), [ev('BeforeClose', { i })]),
          )
          await store.close()
          settled = await Promise.allSettled(appends)
        })
        expect(unhandled).toEqual([])
        const failures = settled.filter((r) => r.status === 'rejected').map((r) => String(r.reason))
        expect(failures).toEqual([])
        const positions = settled.map(
          (r) => (r as PromiseFulfilledResult<{ position: bigint }>).value.position,
        )
        expect(new Set(positions).size).toBe(100)
      })

      it('rejects every later call with StoreClosedError; a subscription reports it through its iteration', async () => {
        await store.appendToStream(stream('a'), [ev('A')])
        await store.close()
        const calls: Array<[string, () => Promise<unknown>]> = [
          ['appendToStream', () => store.appendToStream(stream('a'), [ev('B')])],
          ['readStream', () => store.readStream(stream('a'))],
          ['readAll', () => store.readAll()],
          ['deleteStream', () => store.deleteStream(stream('a'))],
          ['tombstoneStream', () => store.tombstoneStream(stream('a'))],
          ['headPosition', () => store.headPosition()],
        ]
        for (const [name, call] of calls) {
          let promise: Promise<unknown> | undefined
          expect(() => {
            promise = call()
          }, `${name} must not throw synchronously`).not.toThrow()
          expect(await rejection(promise!), name).toBeInstanceOf(StoreClosedError)
        }
        for (const subscribe of [() => store.subscribeToAll(), () => store.subscribeToStream(stream('a'))]) {
          let subscription: Subscription | undefined
          expect(() => {
            subscription = subscribe()
          }).not.toThrow()
          const outcome = await firstOutcome(subscription!, waitMs)
          expect('error' in outcome && outcome.error).toBeInstanceOf(StoreClosedError)
          await subscription!.close()
        }
      })

      it('reports an invalid stream name to a subscriber through the iteration, not by throwing', async () => {
        let subscription: Subscription | undefined
        expect(() => {
          subscription = store.subscribeToStream('')
        }).not.toThrow()
        const outcome = await firstOutcome(subscription!, waitMs)
        expect('error' in outcome && outcome.error).toBeInstanceOf(InvalidStreamNameError)
      })

      it('ends open subscriptions and lets reads already started finish', async () => {
        await store.appendToStream(
          stream('r'),
          Array.from({ length: 200 }, (_, i) => ev('R', { i })),
        )
        // Iterated by hand: leaving a for-await loop would close the subscription itself.
        const live = store.subscribeToStream(stream('r'))[Symbol.asyncIterator]()
        for (let i = 0; i < 200; i++) {
          const next = await live.next()
          expect(next.done).toBe(false)
        }
        // The live subscription now waits for an event that never comes; an $all one is still catching up.
        const waiting = live.next().then(
          (result) => ({ result }),
          (error: unknown) => ({ error }),
        )
        const catchingUp = store.subscribeToAll({ filter: byNs() })
        const catchingUpNext = firstOutcome(catchingUp, waitMs)
        const reads = [store.readStream(stream('r')), store.readAll({ filter: byNs() })]
        const unhandled = await unhandledRejectionsDuring(async () => {
          await store.close()
        })
        expect(unhandled).toEqual([])
        const [stream200, all200] = await Promise.all(reads)
        expect(stream200).toHaveLength(200)
        expect(all200).toHaveLength(200)
        expect(await waiting).toEqual({ result: { done: true, value: undefined } })
        // Closed before or after its first event: either way it ends, it does not hang or throw.
        const first = await catchingUpNext
        expect('result' in first).toBe(true)
      })
    })

    describe('limits and bad input: typed errors, nothing written', () => {
      async function expectNothingWritten(
        attempt: () => Promise<unknown>,
        errorClass: new (...args: never[]) => Error,
      ) {
        // From the head only: on a store that already holds many events a full scan would be slow.
        const from = (await store.headPosition()) ?? 'start'
        const before = await store.readAll({ fromPosition: from, filter: byNs() })
        expect(await rejection(attempt())).toBeInstanceOf(errorClass)
        expect(await store.readAll({ fromPosition: from, filter: byNs() })).toEqual(before)
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
        await expectNothingWritten(
          () => store.appendToStream(stream('a'), [{ data: {} } as EventToAppend]),
          InvalidEventError,
        )
        await expectNothingWritten(() => store.appendToStream(stream('a'), [ev('  ')]), InvalidEventError)
        await expectNothingWritten(
          () => store.appendToStream(stream('a'), [ev('  '), ev('  ')]),
          InvalidEventError,
        )
        await expectNothingWritten(() => store.appendToStream(stream('a'), []), InvalidEventError)
      })

      it('rejects an append that carries one id twice (in any case)', async () => {
        const id = '0b9c3a52-7d1e-4f60-9a8b-2c4d6e8f0a1b'
        await expectNothingWritten(
          () =>
            store.appendToStream(stream('a'), [
              { id, type: 'A', data: {} },
              { type: 'B', data: {} },
              { id: id.toUpperCase(), type: 'C', data: {} },
            ]),
          InvalidEventError,
        )
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

      it('refuses stream names and event types holding a lone UTF-16 surrogate, which cannot round-trip', async () => {
        for (const lone of ['\uD800', '\uDFFF', 'x\uDBFFy', '\uDC00\uD800']) {
          const name = `${stream('s')}${lone}`
          await expectNothingWritten(() => store.appendToStream(name, [ev('A')]), InvalidStreamNameError)
          expect(await rejection(store.readStream(name))).toBeInstanceOf(InvalidStreamNameError)
          expect(await rejection(store.deleteStream(name))).toBeInstanceOf(InvalidStreamNameError)
          await expectNothingWritten(
            () => store.appendToStream(stream('t'), [ev(`T${lone}`)]),
            InvalidEventError,
          )
        }
        // A well-formed pair (an emoji, outside the Basic Multilingual Plane) is stored as it is.
        const name = stream('😀-ok')
        await store.appendToStream(name, [ev('Made😀')])
        const [event] = await store.readStream(name)
        expect([event!.streamName, event!.type]).toEqual([name, 'Made😀'])
      })

      it('stores control and Unicode characters in data and metadata unchanged', async () => {
        const text = 'nul\u0000 bel\u0007 esc\u001b del\u007f tab\t cr\r lf\n ls\u2028 ps\u2029 bom\uFEFF'
        const data = {
          text,
          scripts: 'Ωμέγα Кириллица 中文 日本語 한국어 עברית العربية हिन्दी',
          astral: '𝄞 😀 👩‍👩‍👧 🇫🇷',
          combining: 'e\u0301 vs \u00e9',
          loneSurrogateInData: 'a\uD800b',
          [`key\u0000${text.slice(0, 4)}`]: ['\u0000', '\\', '"', "'"],
        }
        const metadata = { note: text, '😀': 'astral key' }
        await store.appendToStream(stream('u'), [ev('Unicode', data, { metadata })])
        const [event] = await store.readStream(stream('u'))
        expect(event!.data).toEqual(data)
        expect(event!.metadata).toMatchObject(metadata)
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
        const from = (await store.headPosition()) ?? 'start'
        const before = await store.readAll({ fromPosition: from, filter: byNs() })
        await fc.assert(
          fc.asyncProperty(fc.array(hostile, { minLength: 1, maxLength: 3 }), async (bad) => {
            const error = await rejection(
              store.appendToStream(stream('p'), [ev('Good'), ...(bad as EventToAppend[])]),
            )
            expect(error).toBeInstanceOf(EventStoreError)
          }),
          { seed: PROPERTY_SEED, numRuns: 60, verbose: 1 },
        )
        expect(await store.readAll({ fromPosition: from, filter: byNs() })).toEqual(before)
      })
    })
  })
}
