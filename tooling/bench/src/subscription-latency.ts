/**
 * Cross-process subscription latency on the embedded store: this process subscribes to $all on a
 * store file, a second process appends to the same file, and the latency of one event is the time
 * from the writer's acknowledgement to its delivery here (both read CLOCK_MONOTONIC).
 * Measured twice in the same run: 'before' is a fixed 250 ms poll and no file watcher (how the
 * store behaved before the watcher), 'after' is the store's defaults (a watcher on the WAL and an
 * adaptive 5–250 ms poll as a fallback).
 */
import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SqliteEventStore, type SqliteEventStoreOptions } from '@qi/eventstore/sqlite'
import { median } from './measure'

export interface LatencySummary {
  /** Events delivered (of `probes` appended). */
  delivered: number
  probes: number
  medianMs: number | null
  p95Ms: number | null
  maxMs: number | null
}

export interface LatencyResult {
  id: string
  name: string
  unit: 'ms'
  /** The store's defaults now (file watcher + adaptive poll): median latency. */
  value: number | null
  after: LatencySummary
  /** A fixed 250 ms poll without a watcher, as the store did before. */
  before: LatencySummary
  /** before.median / after.median: how many times sooner an event arrives now. */
  improvement: number | null
  description: string
}

const here = dirname(fileURLToPath(import.meta.url))
const writerScript = join(here, 'subscription-latency-writer.ts')

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!
}

function summarise(latencies: number[], probes: number): LatencySummary {
  const sorted = [...latencies].sort((a, b) => a - b)
  const round = (value: number) => Number(value.toFixed(2))
  return {
    delivered: latencies.length,
    probes,
    medianMs: sorted.length ? round(median(sorted)) : null,
    p95Ms: sorted.length ? round(quantile(sorted, 0.95)) : null,
    maxMs: sorted.length ? round(sorted.at(-1)!) : null,
  }
}

async function measureOnce(
  path: string,
  probes: number,
  options: SqliteEventStoreOptions,
  timeoutMs: number,
): Promise<LatencySummary> {
  const store = new SqliteEventStore({ ...options, path })
  // The file exists with its schema before the writer opens it.
  const subscription = store.subscribeToAll({ fromPosition: 'end' })
  const delivered = new Map<number, bigint>()
  const acknowledged = new Map<number, bigint>()
  const tsx = createRequire(import.meta.url).resolve('tsx')
  const writer = spawn(process.execPath, ['--import', tsx, writerScript, path, String(probes), '20261127'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let buffered = ''
  writer.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString()
    const lines = buffered.split('\n')
    buffered = lines.pop()!
    for (const line of lines) {
      const [n, at] = line.split(' ')
      acknowledged.set(Number(n), BigInt(at!))
    }
  })
  const exited = new Promise<number | null>((resolve) => writer.on('exit', resolve))
  const timer = setTimeout(() => void subscription.close(), timeoutMs)
  try {
    for await (const event of subscription) {
      const n = (event.data as { n: number }).n
      delivered.set(n, process.hrtime.bigint())
      if (delivered.size >= probes) break
    }
  } finally {
    clearTimeout(timer)
    await subscription.close()
  }
  const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 10_000))])
  if (code === 'hung') writer.kill()
  else if (code !== 0) throw new Error(`the latency writer exited with ${code}`)
  await store.close()
  const latencies: number[] = []
  for (const [n, at] of delivered) {
    const ack = acknowledged.get(n)
    // Delivery can precede the ack's arrival on the pipe, never the ack itself by more than noise.
    if (ack !== undefined) latencies.push(Math.max(0, Number(at - ack) / 1e6))
  }
  return summarise(latencies, probes)
}

export async function measureSubscriptionLatency(
  workDirectory: string,
  probes: number,
): Promise<LatencyResult> {
  const timeoutMs = probes * 1000 + 30_000
  const run = async (name: string, options: SqliteEventStoreOptions) => {
    const path = join(workDirectory, `latency-${name}.db`)
    try {
      return await measureOnce(path, probes, options, timeoutMs)
    } finally {
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true })
    }
  }
  const before = await run('before', { watchFile: false, minPollIntervalMs: 250, pollIntervalMs: 250 })
  const after = await run('after', {})
  return {
    id: 'subscribe-to-all-cross-process-latency',
    name: `subscribeToAll, another process appends: ack → delivery (${probes} probes)`,
    unit: 'ms',
    value: after.medianMs,
    after,
    before,
    improvement:
      before.medianMs !== null && after.medianMs
        ? Number((before.medianMs / after.medianMs).toFixed(1))
        : null,
    description:
      'a second process appends one event at a time (20–80 ms apart, seeded); latency = its append acknowledged → delivered to a subscribeToAll in this process (CLOCK_MONOTONIC in both). before: fixed 250 ms poll, no file watcher; after: store defaults (watcher on the WAL + adaptive 5–250 ms poll)',
  }
}
