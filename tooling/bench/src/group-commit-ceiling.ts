/**
 * `pnpm --filter @qi/bench bench:ceiling`: how far group commit is from what batching alone could
 * give. For 8 concurrent 1-event appenders (the bench's concurrent scenarios), in one run, alternated:
 * - ours: the store, 8 appenders awaiting their appends (one transaction per group of 8);
 * - raw batch of 8: better-sqlite3 writing 8 appends (the raw baseline's rows: event + stream upsert)
 *   in one transaction, with no store code at all: the ceiling of group commit at this group size;
 * - raw per call: the bench's baseline, one transaction per append.
 * Prints events/s, ratios to raw per call (median of paired ratios), CPU per event (process-wide:
 * the checkpoint thread included), time inside the write transaction per group, and WAL frames
 * (pages written) per event. BENCH_RUNS (default 7), BENCH_APPEND_MS (default 300), BENCH_DIR.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { SqliteEventStore } from '@qi/eventstore/sqlite'
import { forDuration, median } from './measure'
import { type Durability, RawEventLog } from './raw-sqlite'
import { CONCURRENT_APPENDERS, ONE_EVENT } from './scenarios'

const runs = Number(process.env.BENCH_RUNS ?? 7)
const budgetMs = Number(process.env.BENCH_APPEND_MS ?? 300)
const directory = mkdtempSync(join(process.env.BENCH_DIR ?? os.tmpdir(), 'qi-ceiling-'))
const APPENDERS = CONCURRENT_APPENDERS
const kinds = ['ours', 'raw batch of 8', 'raw per call'] as const
type Kind = (typeof kinds)[number]
interface Run {
  rate: number
  cpuPerEvent: number
  transactionPerGroup: number | null
}

let files = 0
const streamOf = (appender: number, counter: number) => `bench-${appender}-${counter % 100}`

function removeDatabase(path: string) {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true })
}

async function run(kind: Kind, durability: Durability): Promise<Run> {
  const path = join(directory, `run-${++files}.db`)
  const cpu = process.cpuUsage()
  let events = 0
  let elapsedMs = 0
  let transactionMs = 0
  let groups = 0
  try {
    if (kind === 'ours') {
      const store = new SqliteEventStore({
        path,
        durability,
        onCommit: ({ durationMs }) => {
          transactionMs += durationMs
          groups++
        },
      })
      try {
        const samples = await Promise.all(
          Array.from({ length: APPENDERS }, (_, appender) => {
            let counter = 0
            return forDuration(budgetMs, async () => {
              await store.appendToStream(streamOf(appender, counter++), ONE_EVENT)
              return 1
            })
          }),
        )
        events = samples.reduce((sum, sample) => sum + sample.events, 0)
        elapsedMs = Math.max(...samples.map((sample) => sample.elapsedMs))
      } finally {
        await store.close()
      }
    } else {
      const log = new RawEventLog(path, durability)
      try {
        let counter = 0
        const sample =
          kind === 'raw per call'
            ? await forDuration(budgetMs, () => {
                const appender = counter % APPENDERS
                const stream = Math.floor(counter / APPENDERS)
                counter++
                return log.append(streamOf(appender, stream), ONE_EVENT)
              })
            : await forDuration(budgetMs, () => {
                const appends = Array.from({ length: APPENDERS }, (_, appender) => ({
                  streamName: streamOf(appender, counter),
                  events: ONE_EVENT,
                }))
                counter++
                const started = performance.now()
                const written = log.appendBatch(appends)
                transactionMs += performance.now() - started
                groups++
                return written
              })
        events = sample.events
        elapsedMs = sample.elapsedMs
      } finally {
        log.close()
      }
    }
  } finally {
    removeDatabase(path)
  }
  const used = process.cpuUsage(cpu)
  return {
    rate: events / (elapsedMs / 1000),
    cpuPerEvent: (used.user + used.system) / events,
    transactionPerGroup: groups > 0 ? (transactionMs * 1000) / groups : null,
  }
}

/** WAL frames written per event over 100 groups of 8, after 1000 groups to fill the tables. */
async function framesPerEvent(kind: 'ours' | 'raw batch of 8' | 'raw per call'): Promise<number> {
  const path = join(directory, `frames-${++files}.db`)
  const groups = async (count: number, write: (group: number) => Promise<void> | void) => {
    for (let group = 0; group < count; group++) await write(group)
  }
  const walFrames = (db: { pragma: (sql: string) => unknown }) =>
    (db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>)[0]!.log
  try {
    if (kind === 'ours') {
      const store = new SqliteEventStore({ path, checkpoints: 'inline' })
      store.db.pragma('wal_autocheckpoint = 0')
      const write = (group: number) =>
        Promise.all(
          Array.from({ length: APPENDERS }, (_, appender) =>
            store.appendToStream(streamOf(appender, group), ONE_EVENT),
          ),
        ).then(() => undefined)
      await groups(1000, write)
      store.db.pragma('wal_checkpoint(TRUNCATE)')
      await groups(100, (group) => write(1000 + group))
      const frames = walFrames(store.db)
      await store.close()
      return frames / (100 * APPENDERS)
    }
    const log = new RawEventLog(path, 'normal')
    log.db.pragma('wal_autocheckpoint = 0')
    const write = (group: number) => {
      const appends = Array.from({ length: APPENDERS }, (_, appender) => ({
        streamName: streamOf(appender, group),
        events: ONE_EVENT,
      }))
      if (kind === 'raw batch of 8') log.appendBatch(appends)
      else for (const append of appends) log.append(append.streamName, append.events)
    }
    await groups(1000, write)
    log.db.pragma('wal_checkpoint(TRUNCATE)')
    await groups(100, (group) => write(1000 + group))
    const frames = walFrames(log.db)
    log.close()
    return frames / (100 * APPENDERS)
  } finally {
    removeDatabase(path)
  }
}

async function main() {
  for (const durability of ['normal', 'full'] as const) {
    const results = new Map<Kind, Run[]>(kinds.map((kind) => [kind, []]))
    for (const kind of kinds) await run(kind, durability) // warm-up
    for (let i = 0; i < runs; i++)
      for (const kind of kinds) results.get(kind)!.push(await run(kind, durability))
    const perCall = results.get('raw per call')!
    process.stdout.write(
      `\n${durability}: ${APPENDERS} concurrent 1-event appenders, ${runs} runs of ${budgetMs} ms\n`,
    )
    for (const kind of kinds) {
      const rs = results.get(kind)!
      const inTransaction = rs.every((r) => r.transactionPerGroup !== null)
        ? `, ${median(rs.map((r) => r.transactionPerGroup!)).toFixed(0)} µs in the transaction per group`
        : ''
      process.stdout.write(
        `  ${kind.padEnd(15)} ${String(Math.round(median(rs.map((r) => r.rate)))).padStart(7)} ev/s  ` +
          `${median(rs.map((r, i) => r.rate / perCall[i]!.rate)).toFixed(2)}× raw per call, ` +
          `${median(rs.map((r) => r.cpuPerEvent)).toFixed(1)} µs CPU per event${inTransaction}\n`,
      )
    }
  }
  process.stdout.write('\nWAL frames (pages written) per event, groups of 8:\n')
  for (const kind of kinds)
    process.stdout.write(`  ${kind.padEnd(15)} ${(await framesPerEvent(kind)).toFixed(2)}\n`)
  process.stdout.write(
    `\nload ${os
      .loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')}\n`,
  )
}

main()
  .finally(() => rmSync(directory, { recursive: true, force: true }))
  .then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
      process.exit(1)
    },
  )
