import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SqliteEventStore } from '@qi/eventstore/sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LiveTurns, type Projection, ProjectionRunner, ProjectionWaitTimeoutError } from './runner'

/** Counts events per stream; `version` lets a test change the projection's shape. */
function counter(version = 1, failOn?: string): Projection {
  return {
    name: 'counter',
    version,
    setup(db) {
      db.exec('CREATE TABLE counts (stream TEXT PRIMARY KEY, n INTEGER NOT NULL)')
    },
    apply(event, db) {
      if (event.type === failOn) throw new Error(`cannot apply ${event.type}`)
      db.prepare(
        'INSERT INTO counts (stream, n) VALUES (?, 1) ON CONFLICT (stream) DO UPDATE SET n = n + 1',
      ).run(event.streamName)
    },
  }
}

const counts = (runner: ProjectionRunner) =>
  Object.fromEntries(
    (
      runner.db.prepare('SELECT stream, n FROM counts ORDER BY stream').all() as Array<{
        stream: string
        n: number
      }>
    ).map((r) => [r.stream, r.n]),
  )

async function appendMany(store: SqliteEventStore, stream: string, n: number) {
  let last = 0n
  for (let i = 0; i < n; i++)
    last = (await store.appendToStream(stream, [{ type: 'Tick', data: { i } }])).position
  return last
}

describe('ProjectionRunner', () => {
  let dir: string
  let store: SqliteEventStore
  const runners: ProjectionRunner[] = []
  const track = (runner: ProjectionRunner) => {
    runners.push(runner)
    return runner
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'qi-proj-'))
    store = new SqliteEventStore({ path: join(dir, 'events.db') })
  })
  afterEach(async () => {
    for (const runner of runners.splice(0)) await runner.close().catch(() => {})
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('catches up on existing events, then follows live appends; waitFor reads its own writes', async () => {
    await appendMany(store, 'a', 5)
    const runner = track(new ProjectionRunner({ store, projection: counter(), batchSize: 2 }))
    await runner.start()
    expect(counts(runner)).toEqual({ a: 5 })
    const last = await appendMany(store, 'b', 3)
    await runner.waitFor(last, 30_000)
    expect(counts(runner)).toEqual({ a: 5, b: 3 })
    expect(runner.checkpoint).toBe(last)
    expect(runner.status().state).toBe('live')
  })

  it('applies a live batch nobody waits for on its turn, and at once when someone starts waiting', async () => {
    /** Turns that are never granted: a batch waits until `hurry` (a caller's waitFor). */
    const deferred = () => {
      let resolve!: () => void
      const promise = new Promise<void>((done) => {
        resolve = done
      })
      return { promise, resolve }
    }
    class HeldTurns extends LiveTurns {
      taken = 0
      takenOnce = deferred()
      override take() {
        this.taken += 1
        this.takenOnce.resolve()
        const turn = deferred()
        return { turn: turn.promise, hurry: turn.resolve }
      }
    }
    const turns = new HeldTurns()
    const runner = track(new ProjectionRunner({ store, projection: counter(), liveTurns: turns }))
    await runner.start()
    const last = await appendMany(store, 'a', 3)
    await turns.takenOnce.promise
    // gathered, waiting for its turn: not applied yet
    expect(runner.checkpoint).toBeNull()
    expect(counts(runner)).toEqual({})
    await runner.waitFor(last, 30_000)
    expect(counts(runner)).toEqual({ a: 3 })
    // a batch someone already waits for does not wait for a turn
    const taken = turns.taken
    const next = store.appendToStream('b', [{ type: 'Tick', data: {} }])
    const { position } = await next
    await runner.waitFor(position, 30_000)
    expect(counts(runner)).toEqual({ a: 3, b: 1 })
    expect(turns.taken).toBeLessThanOrEqual(taken + 1)
  })

  it('applies a live batch someone waits for in the turn of its commit, not a turn of the loop later', async () => {
    const runner = track(new ProjectionRunner({ store, projection: counter() }))
    await runner.start()
    await runner.waitFor(await appendMany(store, 'a', 2), 30_000)
    const next = ((await store.headPosition()) ?? 0n) + 1n
    const applied = runner.waitFor(next, 30_000).then(() => 'applied')
    const { position } = await store.appendToStream('b', [{ type: 'Tick', data: {} }])
    expect(position).toBe(next)
    const turn = new Promise((done) => setImmediate(() => done('a turn of the loop passed')))
    expect(await Promise.race([applied, turn])).toBe('applied')
    expect(counts(runner)).toEqual({ a: 2, b: 1 })
  })

  it('gives live turns one per turn of the event loop, in order; hurry ends a wait at once', async () => {
    const turns = new LiveTurns()
    const order: string[] = []
    const a = turns.take()
    const b = turns.take()
    const c = turns.take()
    void a.turn.then(() => order.push('a'))
    void b.turn.then(() => order.push('b'))
    void c.turn.then(() => order.push('c'))
    c.hurry()
    await Promise.resolve()
    expect(order).toEqual(['c'])
    await new Promise((done) => setImmediate(done))
    expect(order).toEqual(['c', 'a'])
    await new Promise((done) => setImmediate(done))
    expect(order).toEqual(['c', 'a', 'b'])
  })

  it('times out a wait for a position the store never reaches, with a clear error', async () => {
    const runner = track(new ProjectionRunner({ store, projection: counter() }))
    await runner.start()
    await expect(runner.waitFor(999n, 50)).rejects.toBeInstanceOf(ProjectionWaitTimeoutError)
  })

  it('resumes from its stored checkpoint after a restart without applying anything twice', async () => {
    await appendMany(store, 'a', 4)
    const directory = join(dir, 'rm')
    const first = new ProjectionRunner({ store, projection: counter(), directory })
    await first.start()
    await first.close()
    await appendMany(store, 'a', 2)
    const second = track(new ProjectionRunner({ store, projection: counter(), directory }))
    await second.start()
    expect(counts(second)).toEqual({ a: 6 })
  })

  it('rebuilds into a new generation while the old one keeps serving, then switches', async () => {
    await appendMany(store, 'a', 50)
    const directory = join(dir, 'rm')
    const runner = track(new ProjectionRunner({ store, projection: counter(), directory, batchSize: 10 }))
    await runner.start()
    const oldDb = runner.db
    const servedDuringRebuild: number[] = []
    const processed = await runner.rebuild(() => {
      // Queries during the rebuild still read the old generation, complete and consistent.
      servedDuringRebuild.push(
        (runner.db.prepare("SELECT n FROM counts WHERE stream = 'a'").get() as { n: number }).n,
      )
    })
    expect(processed).toBe(50)
    expect(servedDuringRebuild.length).toBeGreaterThan(0)
    expect(servedDuringRebuild.every((n) => n === 50)).toBe(true)
    expect(runner.db).not.toBe(oldDb)
    expect(runner.status().generation).toBe(2)
    expect(counts(runner)).toEqual({ a: 50 })
    // Live events keep flowing into the new generation.
    const last = await appendMany(store, 'b', 2)
    await runner.waitFor(last, 30_000)
    expect(counts(runner)).toEqual({ a: 50, b: 2 })
    // And the switch survives a restart.
    await runner.close()
    const reopened = track(new ProjectionRunner({ store, projection: counter(), directory }))
    await reopened.start()
    expect(reopened.status().generation).toBe(2)
    expect(counts(reopened)).toEqual({ a: 50, b: 2 })
  })

  it('runs the projection bulk load around a rebuild only: begin before the first event, end before the switch', async () => {
    await appendMany(store, 'a', 25)
    const calls: string[] = []
    const base = counter()
    const projection: Projection = {
      ...base,
      apply(event, db) {
        if (calls.at(-1) !== 'apply') calls.push('apply')
        base.apply(event, db)
      },
      bulkLoad: {
        begin(db) {
          calls.push('begin')
          db.exec('DROP INDEX IF EXISTS counts_by_n')
        },
        end(db) {
          calls.push('end')
          db.exec('CREATE INDEX counts_by_n ON counts (n)')
        },
      },
    }
    const runner = track(new ProjectionRunner({ store, projection, batchSize: 10 }))
    await runner.start()
    expect(calls).toEqual(['apply'])
    const oldDb = runner.db
    await runner.rebuild(() => {
      // Not switched before `end`: queries still read the old generation.
      expect(runner.db).toBe(oldDb)
    })
    expect(calls).toEqual(['apply', 'begin', 'apply', 'end'])
    expect(counts(runner)).toEqual({ a: 25 })
    expect(
      runner.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'counts_by_n'").get(),
    ).toEqual({
      name: 'counts_by_n',
    })
  })

  it('builds a fresh generation from position 0 when the projection version changes', async () => {
    await appendMany(store, 'a', 3)
    const directory = join(dir, 'rm')
    const v1 = new ProjectionRunner({ store, projection: counter(1), directory })
    await v1.start()
    await v1.close()
    const v2 = track(new ProjectionRunner({ store, projection: counter(2), directory }))
    await v2.start()
    expect(v2.status()).toMatchObject({ version: 2, generation: 2 })
    expect(counts(v2)).toEqual({ a: 3 })
  })

  it('stops on an event it cannot apply, reports the error, and leaves the checkpoint before it', async () => {
    const good = await appendMany(store, 'a', 2)
    await store.appendToStream('a', [{ type: 'Poison', data: {} }])
    const runner = track(new ProjectionRunner({ store, projection: counter(1, 'Poison'), batchSize: 1 }))
    await expect(runner.start()).rejects.toThrow(/cannot apply Poison/)
    expect(runner.status()).toMatchObject({
      state: 'failed',
      lastError: `counter stopped at event ${good + 1n} (Poison in a): cannot apply Poison`,
      checkpoint: good,
      parked: 0,
    })
    await expect(runner.waitFor(good + 1n)).rejects.toThrow(/cannot apply Poison/)
  })

  it('stores no checkpoint for batches that change nothing, then stores it at close; a restart replays them harmlessly', async () => {
    // Counts only 'Tick' events: the 'Noise' in between changes no row.
    const ticks: Projection = {
      ...counter(),
      apply(event, db) {
        if (event.type === 'Tick') counter().apply(event, db)
      },
    }
    const storedCheckpoint = (runner: ProjectionRunner) =>
      (
        runner.db.prepare('SELECT checkpoint FROM projection_meta WHERE id = 1').get() as {
          checkpoint: string
        }
      ).checkpoint
    const readModels = join(dir, 'readmodels')
    const first = track(new ProjectionRunner({ store, projection: ticks, directory: readModels }))
    await first.start()
    const tick = await appendMany(store, 'a', 1)
    await first.waitFor(tick)
    expect(storedCheckpoint(first)).toBe(String(tick))
    let noise = 0n
    for (let i = 0; i < 5; i++)
      noise = (await store.appendToStream('b', [{ type: 'Noise', data: { i } }])).position
    await first.waitFor(noise)
    expect(first.checkpoint).toBe(noise)
    expect(storedCheckpoint(first)).toBe(String(tick))
    await first.close()

    const second = track(new ProjectionRunner({ store, projection: ticks, directory: readModels }))
    expect(second.checkpoint).toBe(noise)
    await second.start()
    const last = await appendMany(store, 'a', 2)
    await second.waitFor(last)
    expect(counts(second)).toEqual({ a: 3 })
    expect(storedCheckpoint(second)).toBe(String(last))
  })

  it('hands apply only the event types the projection handles; the checkpoint still follows every event', async () => {
    const seen: string[] = []
    const ticksOnly: Projection = {
      ...counter(),
      handles: new Set(['Tick']),
      // Counts whatever it is given: a Noise event reaching it would show in the counts.
      apply(event, db) {
        seen.push(event.type)
        counter().apply(event, db)
      },
    }
    const storedCheckpoint = (runner: ProjectionRunner) =>
      BigInt(
        (
          runner.db.prepare('SELECT checkpoint FROM projection_meta WHERE id = 1').get() as {
            checkpoint: string
          }
        ).checkpoint,
      )
    const readModels = join(dir, 'readmodels')
    await store.appendToStream('b', [{ type: 'Noise', data: { i: -1 } }])
    const first = track(
      new ProjectionRunner({ store, projection: ticksOnly, directory: readModels, batchSize: 300 }),
    )
    await first.start()
    const tick = await appendMany(store, 'a', 2)
    await first.waitFor(tick)
    // 1,500 events it does not handle, in batches of at most 300: none reaches apply, the checkpoint
    // moves on, and the stored one lags by less than 1,000 events.
    const { position: noise } = await store.appendToStream(
      'b',
      Array.from({ length: 1500 }, (_, i) => ({ type: 'Noise', data: { i } })),
    )
    await first.waitFor(noise, 30_000)
    expect(first.checkpoint).toBe(noise)
    expect(noise - storedCheckpoint(first)).toBeLessThan(1000n)
    expect(seen).toEqual(['Tick', 'Tick'])
    expect(counts(first)).toEqual({ a: 2 })
    await first.close()

    // A restart resumes from the stored checkpoint; a rebuild from 0 gives the same read model.
    const second = track(new ProjectionRunner({ store, projection: ticksOnly, directory: readModels }))
    expect(second.checkpoint).toBe(noise)
    await second.start()
    const last = await appendMany(store, 'a', 1)
    await second.waitFor(last)
    expect(counts(second)).toEqual({ a: 3 })
    seen.length = 0
    await second.rebuild()
    expect(counts(second)).toEqual({ a: 3 })
    expect(seen).toEqual(['Tick', 'Tick', 'Tick'])
    expect(second.checkpoint).toBe(last)
  })
})
