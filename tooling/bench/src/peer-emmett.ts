/**
 * The peer: Emmett's SQLite event store (@event-driven-io/emmett-sqlite 0.38.5 on sqlite3 5.1.7),
 * on the same workloads as ours, in the same run, measured as it ships: its defaults (SQLite's
 * synchronous=FULL in WAL mode, a connection opened and closed per call on a file database), no
 * tuning. Errors and hangs are results: a run that throws is reported with its error, a scenario
 * that does not finish within its time limit as a timeout.
 * ratio = Emmett / ours (each Emmett run paired with a run of our store on the same workload, at
 * durability 'full', which is what Emmett's default amounts to).
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Event } from '@event-driven-io/emmett'
import {
  getSQLiteEventStore,
  readMessagesBatch,
  type SQLiteEventStore,
  sqliteConnection,
} from '@event-driven-io/emmett-sqlite'
import { forDuration, paired, type RunSample, timed } from './measure'
import {
  type BenchEvent,
  CONCURRENT_APPENDERS,
  HUNDRED_EVENTS,
  ONE_EVENT,
  type OurRuns,
  type Scenario,
} from './scenarios'

export interface PeerSettings {
  workDirectory: string
  runs: number
  appendBudgetMs: number
  readEvents: number
  pageSize: number
  /** Per scenario, warm-up and preparation included. */
  timeoutMs: number
}

function removeDatabase(path: string) {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true })
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** The same events in Emmett's shape (converted once, outside the timed runs). */
function asEmmettEvents(events: BenchEvent[]): Event[] {
  return events.map((event) => ({
    type: event.type,
    data: { ...event.data },
    metadata: { ...event.metadata },
  }))
}

/** Thrown by a run in which some appenders failed, so the row says how. */
export class PeerRunError extends Error {}

export function buildEmmettScenarios(settings: PeerSettings, ours: OurRuns): Scenario[] {
  let fileCounter = 0
  const freshPath = () => join(settings.workDirectory, `emmett-${++fileCounter}.db`)

  /** Same shape as our storeAppendRun: N appenders, each on streams of its own, time-boxed. */
  async function emmettAppendRun(appenders: number, benchEvents: BenchEvent[]): Promise<RunSample> {
    const events = asEmmettEvents(benchEvents)
    const path = freshPath()
    const store: SQLiteEventStore = getSQLiteEventStore({ fileName: path })
    try {
      const failures: string[] = []
      const samples = await Promise.all(
        Array.from({ length: appenders }, (_, appender) => {
          let counter = 0
          return forDuration(settings.appendBudgetMs, async () => {
            await store.appendToStream(`bench-${appender}-${counter++ % 100}`, events)
            return events.length
          }).catch((error: unknown) => {
            failures.push(message(error))
            return null
          })
        }),
      )
      if (failures.length > 0) {
        const kinds = [...new Set(failures)].join('; ')
        throw new PeerRunError(`${failures.length} of ${appenders} appenders failed: ${kinds}`)
      }
      const done = samples.filter((sample) => sample !== null)
      return {
        events: done.reduce((sum, sample) => sum + sample.events, 0),
        elapsedMs: Math.max(...done.map((sample) => sample.elapsedMs)),
      }
    } finally {
      removeDatabase(path)
    }
  }

  const readLogPath = join(settings.workDirectory, 'emmett-read-log.db')
  let readLogReady = false

  /** The same log as ours (readEvents events in 100-event appends over 1000 streams), written by Emmett. */
  async function prepareEmmettReadLog() {
    if (readLogReady) return
    const store = getSQLiteEventStore({ fileName: readLogPath })
    const events = asEmmettEvents(HUNDRED_EVENTS)
    const appends = settings.readEvents / events.length
    for (let i = 0; i < appends; i++) await store.appendToStream(`bench-read-${i % 1000}`, events)
    readLogReady = true
  }

  /** Emmett has no readAll on its store; readMessagesBatch is the $all read its own consumers page with. */
  async function emmettReadAllRun(): Promise<RunSample> {
    const connection = sqliteConnection({ fileName: readLogPath })
    try {
      return await timed(async () => {
        let after = 0n
        let count = 0
        for (;;) {
          const batch = await readMessagesBatch(connection, { after, batchSize: settings.pageSize })
          if (batch.messages.length === 0) return count
          count += batch.messages.length
          after = batch.currentGlobalPosition
        }
      })
    } finally {
      connection.close()
    }
  }

  const common = {
    peer: 'emmett-sqlite' as const,
    target: null,
    timeoutMs: settings.timeoutMs,
  }
  return [
    {
      ...common,
      id: 'peer-emmett-append-single-sequential',
      name: 'Emmett: 1-event appends, sequential',
      durability: 'full',
      baselineDescription: "our SqliteEventStore, same workload, durability 'full'",
      measure: () =>
        paired(
          settings.runs,
          () => emmettAppendRun(1, ONE_EVENT),
          () => ours.append('full', 1, ONE_EVENT),
        ),
    },
    {
      ...common,
      id: 'peer-emmett-append-100-sequential',
      name: 'Emmett: 100-event appends, sequential',
      durability: 'full',
      baselineDescription: "our SqliteEventStore, same workload, durability 'full'",
      measure: () =>
        paired(
          settings.runs,
          () => emmettAppendRun(1, HUNDRED_EVENTS),
          () => ours.append('full', 1, HUNDRED_EVENTS),
        ),
    },
    {
      ...common,
      id: 'peer-emmett-append-single-concurrent8',
      name: `Emmett: 1-event appends, ${CONCURRENT_APPENDERS} concurrent appenders`,
      durability: 'full',
      baselineDescription: "our SqliteEventStore, same workload, durability 'full'",
      measure: () =>
        paired(
          settings.runs,
          () => emmettAppendRun(CONCURRENT_APPENDERS, ONE_EVENT),
          () => ours.append('full', CONCURRENT_APPENDERS, ONE_EVENT),
        ),
    },
    {
      ...common,
      id: 'peer-emmett-read-all-paged',
      name: `Emmett: read all, pages of ${settings.pageSize} over ${settings.readEvents} events`,
      durability: null,
      baselineDescription: 'our SqliteEventStore.readAll, same page size, same log size',
      measure: async () => {
        await ours.prepareReadLog()
        await prepareEmmettReadLog()
        return paired(settings.runs, emmettReadAllRun, ours.readAll)
      },
    },
  ]
}
