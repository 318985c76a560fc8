import { join } from 'node:path'
import { type RunningEmulator, startEmulator } from '@qi/esdb-emulator'
import type { EventStore, EventToAppend } from '@qi/eventstore'
import { EsdbEventStore } from '@qi/eventstore/esdb'
import { SqliteEventStore } from '@qi/eventstore/sqlite'
import { forDuration, paired, type RunSample, timed } from './measure'
import type { Scenario } from './scenarios'

export interface EsdbBenchSettings {
  workDirectory: string
  runs: number
  appendBudgetMs: number
  /** Size of the logs readAll and the subscription catch-up go through (both stores). */
  readEvents: number
  pageSize: number
}

function benchEvents(count: number): EventToAppend[] {
  return Array.from({ length: count }, (_, i) => ({
    type: 'BenchAmountRecorded',
    data: { amount: i % 100, note: 'a benchmark event' },
    metadata: { actor: 'bench' },
  }))
}

const ONE_EVENT = benchEvents(1)
const HUNDRED_EVENTS = benchEvents(100)
const CONCURRENT_APPENDS = 2000

/**
 * The EventStoreDB adapter over the project's gRPC emulator (SQLite file behind a loopback gRPC
 * server) beside the embedded SqliteEventStore doing the same work in the same run. The ratio is
 * adapter / embedded: what going through the client, protobuf and gRPC costs. The emulator's own
 * storage is the same SQLite engine, so the ratio isolates the adapter and transport, not a real
 * EventStoreDB server's storage.
 */
export function buildEsdbScenarios(settings: EsdbBenchSettings): {
  scenarios: Scenario[]
  cleanUp: () => Promise<void>
} {
  let emulator: RunningEmulator | null = null
  let esdb: EsdbEventStore | null = null
  let embeddedLog: SqliteEventStore | null = null
  let esdbLogReady = false
  let fileCounter = 0
  let streamCounter = 0

  async function esdbStore(): Promise<EsdbEventStore> {
    if (!esdb) {
      emulator = await startEmulator({ port: 0, path: join(settings.workDirectory, 'esdb-emulator.db') })
      esdb = new EsdbEventStore({ connectionString: emulator.connectionString })
    }
    return esdb
  }

  /** Time-boxed sequential appends, each run to streams of its own so revisions never conflict. */
  async function appendRun(store: EventStore, events: EventToAppend[]): Promise<RunSample> {
    const run = ++streamCounter
    let counter = 0
    return forDuration(settings.appendBudgetMs, async () => {
      await store.appendToStream(`esdb-bench-${run}-${counter++ % 100}`, events)
      return events.length
    })
  }

  /** Many callers at once (a busy API process): what the adapter's in-flight cap and batching cost. */
  async function concurrentRun(store: EventStore): Promise<RunSample> {
    const run = ++streamCounter
    return timed(async () => {
      await Promise.all(
        Array.from({ length: CONCURRENT_APPENDS }, (_, i) =>
          store.appendToStream(`esdb-bench-c${run}-${i % 100}`, ONE_EVENT),
        ),
      )
      return CONCURRENT_APPENDS
    })
  }

  async function embeddedAppendRun(events: EventToAppend[]): Promise<RunSample> {
    const store = new SqliteEventStore({
      path: join(settings.workDirectory, `esdb-embedded-${++fileCounter}.db`),
    })
    try {
      return await appendRun(store, events)
    } finally {
      await store.close()
    }
  }

  async function fill(store: EventStore) {
    for (let i = 0; i < settings.readEvents / HUNDRED_EVENTS.length; i++)
      await store.appendToStream(`esdb-read-${i % 200}`, HUNDRED_EVENTS)
  }

  /** The same number of events in both stores; the emulator's log also holds the append runs' events, read past by position. */
  async function readLogs(): Promise<{ adapter: EventStore; embedded: EventStore }> {
    const adapter = await esdbStore()
    if (!esdbLogReady) {
      await fill(adapter)
      esdbLogReady = true
    }
    if (!embeddedLog) {
      embeddedLog = new SqliteEventStore({ path: join(settings.workDirectory, 'esdb-embedded-read.db') })
      await fill(embeddedLog)
    }
    return { adapter, embedded: embeddedLog }
  }

  /** Reads the last `readEvents` events of the log in pages. */
  async function readAllRun(store: EventStore): Promise<RunSample> {
    const head = await store.headPosition()
    if (head === null) throw new Error('the read log is empty')
    const all = await store.readAll({
      direction: 'backwards',
      fromPosition: 'end',
      maxCount: settings.readEvents,
    })
    const first = all.at(-1)!.position
    return timed(async () => {
      let from: bigint = first
      let count = 0
      for (;;) {
        const page = await store.readAll({ fromPosition: from, maxCount: settings.pageSize })
        if (page.length === 0) return count
        count += page.length
        from = page.at(-1)!.position + 1n
      }
    })
  }

  async function catchUpRun(store: EventStore): Promise<RunSample> {
    const head = await store.headPosition()
    if (head === null) throw new Error('the read log is empty')
    const all = await store.readAll({
      direction: 'backwards',
      fromPosition: 'end',
      maxCount: settings.readEvents + 1,
    })
    // Subscriptions start strictly after fromPosition: from the event before the last readEvents.
    const before = all.length > settings.readEvents ? all.at(-1)!.position : 'start'
    return timed(async () => {
      let count = 0
      const subscription = store.subscribeToAll({ fromPosition: before })
      try {
        for await (const event of subscription) {
          count++
          if (event.position >= head) break
        }
      } finally {
        await subscription.close()
      }
      return count
    })
  }

  const description = 'SqliteEventStore (embedded), the same work in the same run'
  const scenarios: Scenario[] = [
    {
      id: 'esdb-append-single-sequential',
      name: 'EsdbEventStore via emulator: 1-event appends, sequential',
      durability: 'normal',
      baselineDescription: description,
      target: null,
      measure: async () => {
        const adapter = await esdbStore()
        return paired(
          settings.runs,
          () => appendRun(adapter, ONE_EVENT),
          () => embeddedAppendRun(ONE_EVENT),
        )
      },
    },
    {
      id: 'esdb-append-100-sequential',
      name: 'EsdbEventStore via emulator: 100-event appends, sequential',
      durability: 'normal',
      baselineDescription: description,
      target: null,
      measure: async () => {
        const adapter = await esdbStore()
        return paired(
          settings.runs,
          () => appendRun(adapter, HUNDRED_EVENTS),
          () => embeddedAppendRun(HUNDRED_EVENTS),
        )
      },
    },
    {
      id: 'esdb-append-single-concurrent',
      name: `EsdbEventStore via emulator: ${CONCURRENT_APPENDS} 1-event appends started at once`,
      durability: 'normal',
      baselineDescription: description,
      target: null,
      measure: async () => {
        const adapter = await esdbStore()
        return paired(
          settings.runs,
          () => concurrentRun(adapter),
          async () => {
            const store = new SqliteEventStore({
              path: join(settings.workDirectory, `esdb-embedded-${++fileCounter}.db`),
            })
            try {
              return await concurrentRun(store)
            } finally {
              await store.close()
            }
          },
        )
      },
    },
    {
      id: 'esdb-read-all-paged',
      name: `EsdbEventStore via emulator: readAll, pages of ${settings.pageSize} over ${settings.readEvents} events`,
      durability: null,
      baselineDescription: description,
      target: null,
      measure: async () => {
        const { adapter, embedded } = await readLogs()
        return paired(
          settings.runs,
          () => readAllRun(adapter),
          () => readAllRun(embedded),
        )
      },
    },
    {
      id: 'esdb-subscribe-to-all-catch-up',
      name: `EsdbEventStore via emulator: subscribeToAll catch-up (${settings.readEvents} events)`,
      durability: null,
      baselineDescription: description,
      target: null,
      measure: async () => {
        const { adapter, embedded } = await readLogs()
        return paired(
          settings.runs,
          () => catchUpRun(adapter),
          () => catchUpRun(embedded),
        )
      },
    },
  ]

  async function cleanUp() {
    await esdb?.close()
    await emulator?.stop()
    await embeddedLog?.close()
  }

  return { scenarios, cleanUp }
}
