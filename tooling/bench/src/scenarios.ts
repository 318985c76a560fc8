import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { SqliteEventStore } from '@qi/eventstore/sqlite'
import { ProjectionRunner } from '@qi/projections'
import {
  type BenchEventData,
  prepareStreamTotalUpsert,
  STREAM_TOTALS_DDL,
  streamTotalsProjection,
} from './bench-projection'
import { forDuration, type PairedResult, paired, type RunSample, timed } from './measure'
import { type Durability, openRawDatabase, RawEventLog, rawReadAll } from './raw-sqlite'

export interface BenchSettings {
  workDirectory: string
  /** Measured runs per append metric (short, time-boxed), after one warm-up pair. */
  appendRuns: number
  /** Measured runs per read metric (a pass over the whole log), after one warm-up pair. */
  readRuns: number
  /** Length of one time-boxed append run. */
  appendBudgetMs: number
  /** Size of the log that reads, subscriptions and rebuilds go through. */
  readEvents: number
  pageSize: number
}

export type Target = { kind: 'ratio'; min: number } | { kind: 'value'; min: number }

export interface Scenario {
  id: string
  name: string
  durability: Durability | null
  baselineDescription: string
  target: Target | null
  /** Set for a peer (another event store) measured against ours: `store` is the peer's side. */
  peer?: 'emmett-sqlite'
  /** A peer's scenario is given up after this long and reported as a timeout. */
  timeoutMs?: number
  measure: () => Promise<PairedResult>
}

/** Our store's runs, for peers to be measured against on the same workloads. */
export interface OurRuns {
  append: (durability: Durability, appenders: number, events: BenchEvent[]) => Promise<RunSample>
  readAll: () => Promise<RunSample>
  prepareReadLog: () => Promise<void>
}

export interface BenchEvent {
  type: string
  data: BenchEventData
  metadata: { actor: string }
}

function benchEvent(i: number): BenchEvent {
  return {
    type: 'BenchAmountRecorded',
    data: { amount: i % 100, note: 'a benchmark event' },
    metadata: { actor: 'bench' },
  }
}

export const ONE_EVENT = [benchEvent(1)]
export const HUNDRED_EVENTS = Array.from({ length: 100 }, (_, i) => benchEvent(i))
export const CONCURRENT_APPENDERS = 8

function removeDatabase(path: string) {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true })
}

export function buildScenarios(settings: BenchSettings): {
  scenarios: Scenario[]
  prepareReadLog: () => Promise<void>
  ours: OurRuns
  cleanUp: () => Promise<void>
} {
  let fileCounter = 0
  const freshPath = () => join(settings.workDirectory, `run-${++fileCounter}.db`)

  /** A time-boxed append run against a fresh store file; only the appending is timed. */
  async function storeAppendRun(
    durability: Durability,
    appenders: number,
    events: BenchEvent[],
  ): Promise<RunSample> {
    const path = freshPath()
    const store = new SqliteEventStore({ path, durability })
    try {
      const samples = await Promise.all(
        Array.from({ length: appenders }, (_, appender) => {
          let counter = 0
          return forDuration(settings.appendBudgetMs, async () => {
            // Distinct streams per appender, so concurrent appends never conflict.
            await store.appendToStream(`bench-${appender}-${counter++ % 100}`, events)
            return events.length
          })
        }),
      )
      return {
        events: samples.reduce((sum, sample) => sum + sample.events, 0),
        elapsedMs: Math.max(...samples.map((sample) => sample.elapsedMs)),
      }
    } finally {
      await store.close()
      removeDatabase(path)
    }
  }

  /** The raw baseline: better-sqlite3 is synchronous, so N appenders amount to one loop of transactions. */
  async function rawAppendRun(
    durability: Durability,
    appenders: number,
    events: BenchEvent[],
  ): Promise<RunSample> {
    const path = freshPath()
    const log = new RawEventLog(path, durability)
    try {
      let counter = 0
      return await forDuration(settings.appendBudgetMs, () => {
        const appender = counter % appenders
        const stream = Math.floor(counter / appenders) % 100
        counter++
        return log.append(`bench-${appender}-${stream}`, events)
      })
    } finally {
      log.close()
      removeDatabase(path)
    }
  }

  const readLogPath = join(settings.workDirectory, 'read-log.db')
  let readStore: SqliteEventStore | null = null

  async function prepareReadLog() {
    if (readStore) return
    const store = new SqliteEventStore({ path: readLogPath })
    const appends = settings.readEvents / HUNDRED_EVENTS.length
    for (let i = 0; i < appends; i++) await store.appendToStream(`bench-read-${i % 1000}`, HUNDRED_EVENTS)
    readStore = store
  }

  function openReadStore(): SqliteEventStore {
    if (!readStore) throw new Error('prepareReadLog() must run before the read scenarios')
    return readStore
  }

  async function storeReadAllRun(): Promise<RunSample> {
    const store = openReadStore()
    return timed(async () => {
      let from: bigint | 'start' = 'start'
      let count = 0
      for (;;) {
        const page = await store.readAll({ fromPosition: from, maxCount: settings.pageSize })
        if (page.length === 0) return count
        count += page.length
        // Forwards reads are inclusive; positions are integers, so the next page starts one after.
        from = page.at(-1)!.position + 1n
      }
    })
  }

  async function rawReadAllRun(): Promise<RunSample> {
    const db = openRawDatabase(readLogPath, 'normal')
    try {
      return await timed(() => rawReadAll(db, settings.pageSize))
    } finally {
      db.close()
    }
  }

  async function storeCatchUpRun(): Promise<RunSample> {
    const store = openReadStore()
    const head = await store.headPosition()
    if (head === null) throw new Error('the read log is empty')
    return timed(async () => {
      let count = 0
      for await (const event of store.subscribeToAll({ fromPosition: 'start' })) {
        count++
        if (event.position >= head) break
      }
      return count
    })
  }

  async function storeRebuildRun(): Promise<RunSample> {
    const directory = join(settings.workDirectory, `projection-${++fileCounter}`)
    const runner = new ProjectionRunner({
      store: openReadStore(),
      projection: streamTotalsProjection,
      directory,
    })
    try {
      return await timed(() => runner.rebuild())
    } finally {
      await runner.close()
      rmSync(directory, { recursive: true, force: true })
    }
  }

  /** What a hand-written rebuild does: page the log, upsert per event, one transaction (with checkpoint) per page. */
  async function rawRebuildRun(): Promise<RunSample> {
    const source = openRawDatabase(readLogPath, 'normal')
    const targetPath = freshPath()
    const target = openRawDatabase(targetPath, 'normal')
    try {
      target.exec(STREAM_TOTALS_DDL)
      target.exec('CREATE TABLE checkpoint (id INTEGER PRIMARY KEY CHECK (id = 1), position INTEGER)')
      target.exec('INSERT INTO checkpoint (id, position) VALUES (1, NULL)')
      const upsert = prepareStreamTotalUpsert(target)
      const saveCheckpoint = target.prepare('UPDATE checkpoint SET position = ? WHERE id = 1')
      return await timed(() =>
        rawReadAll(
          source,
          settings.pageSize,
          target.transaction((events) => {
            for (const event of events) upsert.run(event.stream_name, (event.data as BenchEventData).amount)
            saveCheckpoint.run(events.at(-1)!.position)
          }),
        ),
      )
    } finally {
      source.close()
      target.close()
      removeDatabase(targetPath)
    }
  }

  const { appendRuns, readRuns } = settings
  const scenarios: Scenario[] = []
  for (const durability of ['normal', 'full'] as const) {
    scenarios.push({
      id: `append-single-sequential-${durability}`,
      name: `1-event appends, sequential (${durability})`,
      durability,
      baselineDescription: 'better-sqlite3: one transaction per event (event row + stream row)',
      target: durability === 'normal' ? { kind: 'ratio', min: 0.7 } : null,
      measure: () =>
        paired(
          appendRuns,
          () => storeAppendRun(durability, 1, ONE_EVENT),
          () => rawAppendRun(durability, 1, ONE_EVENT),
        ),
    })
  }
  scenarios.push({
    id: 'append-100-sequential-normal',
    name: '100-event appends, sequential (normal)',
    durability: 'normal',
    baselineDescription: 'better-sqlite3: one transaction per 100 events',
    target: { kind: 'value', min: 150_000 },
    measure: () =>
      paired(
        appendRuns,
        () => storeAppendRun('normal', 1, HUNDRED_EVENTS),
        () => rawAppendRun('normal', 1, HUNDRED_EVENTS),
      ),
  })
  for (const durability of ['normal', 'full'] as const) {
    scenarios.push({
      id: `append-single-concurrent8-${durability}`,
      name: `1-event appends, ${CONCURRENT_APPENDERS} concurrent appenders (${durability})`,
      durability,
      baselineDescription:
        'better-sqlite3: one transaction per event, appenders interleaved (it is synchronous)',
      // Issue 15: group commit worth its name — 2× the per-call baseline at normal, 5× at full.
      target: { kind: 'ratio', min: durability === 'normal' ? 2 : 5 },
      measure: () =>
        paired(
          appendRuns,
          () => storeAppendRun(durability, CONCURRENT_APPENDERS, ONE_EVENT),
          () => rawAppendRun(durability, CONCURRENT_APPENDERS, ONE_EVENT),
        ),
    })
  }
  scenarios.push(
    {
      id: 'read-all-paged',
      name: `readAll, pages of ${settings.pageSize} over ${settings.readEvents} events`,
      durability: null,
      baselineDescription: 'better-sqlite3: SELECT pages by position + JSON.parse of data and metadata',
      target: null,
      measure: () => paired(readRuns, storeReadAllRun, rawReadAllRun),
    },
    {
      id: 'subscribe-to-all-catch-up',
      name: `subscribeToAll catch-up, start to head (${settings.readEvents} events)`,
      durability: null,
      baselineDescription: 'better-sqlite3: SELECT pages by position + JSON.parse of data and metadata',
      target: { kind: 'value', min: 200_000 },
      measure: () => paired(readRuns, storeCatchUpRun, rawReadAllRun),
    },
    {
      id: 'projection-rebuild',
      name: `ProjectionRunner.rebuild, upsert per event (${settings.readEvents} events)`,
      durability: null,
      baselineDescription:
        'better-sqlite3: SELECT pages + upsert per event, one transaction per page with checkpoint',
      target: null,
      measure: () => paired(readRuns, storeRebuildRun, rawRebuildRun),
    },
  )

  async function cleanUp() {
    await readStore?.close()
    readStore = null
    rmSync(settings.workDirectory, { recursive: true, force: true })
  }

  mkdirSync(settings.workDirectory, { recursive: true })
  const ours: OurRuns = { append: storeAppendRun, readAll: storeReadAllRun, prepareReadLog }
  return { scenarios, prepareReadLog, ours, cleanUp }
}
