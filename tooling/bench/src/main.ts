/**
 * `pnpm bench`: measures the embedded event store against raw better-sqlite3 doing the same work in
 * the same process, and writes bench-results/eventstore.json at the repository root.
 * It also runs the EventStoreDB adapter over the gRPC emulator beside the embedded store (ratio =
 * adapter / embedded), the peer (Emmett's SQLite event store, ratio = Emmett / ours) on the same
 * workloads, and the cross-process subscription latency (before/after the file watcher).
 * BENCH_QUICK=1 (or `--quick`, or `pnpm bench:quick`) runs fewer, shorter runs on smaller logs
 * (under 2 minutes with the lineage bench). BENCH_RUNS, BENCH_READ_RUNS, BENCH_APPEND_MS,
 * BENCH_READ_EVENTS, BENCH_ESDB_EVENTS, BENCH_LATENCY_PROBES, BENCH_PEER_TIMEOUT_MS and BENCH_DIR
 * override the mode's defaults. The result JSON carries the machine, date, git commit and settings.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { buildEsdbScenarios } from './esdb-scenarios'
import { median, type PairedResult } from './measure'
import { benchMetadata, isQuickMode } from './metadata'
import { buildEmmettScenarios } from './peer-emmett'
import { formatLatency, formatTable, type MetricResult } from './report'
import { buildScenarios, type Scenario } from './scenarios'
import { type LatencyResult, measureSubscriptionLatency } from './subscription-latency'

const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
const resultFile = join(repositoryRoot, 'bench-results', 'eventstore.json')

function numberFromEnvironment(name: string, fallback: number): number {
  const value = process.env[name]
  if (value === undefined || value === '') return fallback
  const parsed = Number(value)
  if (!Number.isFinite(parsed) || parsed <= 0)
    throw new Error(`${name} must be a positive number, got ${value}`)
  return parsed
}

class ScenarioTimeout extends Error {}

/** A peer's scenario within its time limit; the one our own scenarios run without. */
async function measureWithin(scenario: Scenario): Promise<PairedResult> {
  if (scenario.timeoutMs === undefined) return scenario.measure()
  let timer: NodeJS.Timeout | undefined
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ScenarioTimeout(`no result within ${scenario.timeoutMs} ms`)),
      scenario.timeoutMs,
    )
  })
  try {
    return await Promise.race([scenario.measure(), limit])
  } finally {
    clearTimeout(timer)
  }
}

function targetMet(scenario: Scenario, value: number, ratio: number | null): boolean | null {
  if (!scenario.target) return null
  if (scenario.target.kind === 'value') return value >= scenario.target.min
  return ratio !== null && ratio >= scenario.target.min
}

async function main() {
  const started = performance.now()
  const quick = isQuickMode()
  // On disk, not :memory: or tmpfs, since that is what users run.
  const workDirectory = mkdtempSync(join(process.env.BENCH_DIR ?? os.tmpdir(), 'qi-bench-'))
  const settings = {
    workDirectory,
    appendRuns: numberFromEnvironment('BENCH_RUNS', quick ? 3 : 7),
    readRuns: numberFromEnvironment('BENCH_READ_RUNS', quick ? 2 : 5),
    appendBudgetMs: numberFromEnvironment('BENCH_APPEND_MS', quick ? 150 : 300),
    readEvents: numberFromEnvironment('BENCH_READ_EVENTS', quick ? 20_000 : 200_000),
    pageSize: 1000,
  }
  const esdbEvents = numberFromEnvironment('BENCH_ESDB_EVENTS', quick ? 5_000 : 20_000)
  const latencyProbes = numberFromEnvironment('BENCH_LATENCY_PROBES', quick ? 20 : 60)
  const peerTimeoutMs = numberFromEnvironment('BENCH_PEER_TIMEOUT_MS', quick ? 20_000 : 240_000)
  const metadata = benchMetadata(
    repositoryRoot,
    {
      appendRuns: settings.appendRuns,
      readRuns: settings.readRuns,
      warmUpRuns: 1,
      statistic:
        'value and baseline: median of runs; ratio: median of per-pair ratios (store run i / baseline run i, back to back)',
      appendBudgetMs: settings.appendBudgetMs,
      readEvents: settings.readEvents,
      esdbEvents,
      pageSize: settings.pageSize,
      latencyProbes,
      peerTimeoutMs,
      storage: 'temporary files on disk (WAL)',
    },
    quick,
  )
  const embedded = buildScenarios(settings)
  // The EventStoreDB adapter over the emulator, against the embedded store in the same run.
  const esdb = buildEsdbScenarios({
    workDirectory,
    runs: settings.readRuns,
    appendBudgetMs: settings.appendBudgetMs,
    readEvents: esdbEvents,
    pageSize: settings.pageSize,
  })
  const peer = buildEmmettScenarios(
    {
      workDirectory,
      runs: settings.readRuns,
      appendBudgetMs: settings.appendBudgetMs,
      readEvents: settings.readEvents,
      pageSize: settings.pageSize,
      timeoutMs: peerTimeoutMs,
    },
    embedded.ours,
  )
  const scenarios = [...embedded.scenarios, ...esdb.scenarios, ...peer]
  const { prepareReadLog } = embedded
  const cleanUp = async () => {
    await esdb.cleanUp()
    await embedded.cleanUp()
  }
  const results: MetricResult[] = []
  let latency: LatencyResult | null = null
  try {
    let readLogReady = false
    for (const scenario of scenarios) {
      if (scenario.durability === null && !readLogReady) {
        process.stdout.write(`preparing a log of ${settings.readEvents} events…\n`)
        await prepareReadLog()
        readLogReady = true
      }
      process.stdout.write(`measuring ${scenario.name}…\n`)
      let measured: PairedResult
      try {
        measured = await measureWithin(scenario)
      } catch (error) {
        // Only a peer's failure is a result; our own store failing is a failed bench.
        if (!scenario.peer) throw error
        const timedOut = error instanceof ScenarioTimeout
        results.push({
          id: scenario.id,
          name: scenario.name,
          durability: scenario.durability,
          peer: scenario.peer,
          value: null,
          unit: 'events/s',
          baseline: null,
          baselineDescription: scenario.baselineDescription,
          ratio: null,
          ...(timedOut ? { timeout: true } : {}),
          error: error instanceof Error ? error.message : String(error),
          target: scenario.target,
          met: null,
          runs: [],
          pairRatios: [],
          baselineRuns: [],
        })
        continue
      }
      const { store, baseline } = measured
      const value = median(store)
      const baselineValue = median(baseline)
      // Each store run and its baseline run are back to back, so their quotient cancels most of the
      // drift a shared machine adds (other processes, fsync latency); the median of those quotients
      // is steadier than the quotient of the two medians.
      const pairRatios = store.map((storeRate, i) => storeRate / baseline[i]!)
      const ratio = baselineValue > 0 ? median(pairRatios) : null
      results.push({
        id: scenario.id,
        name: scenario.name,
        durability: scenario.durability,
        ...(scenario.peer ? { peer: scenario.peer } : {}),
        value: Math.round(value),
        unit: 'events/s',
        baseline: Math.round(baselineValue),
        baselineDescription: scenario.baselineDescription,
        ratio: ratio === null ? null : Number(ratio.toFixed(3)),
        target: scenario.target,
        met: targetMet(scenario, value, ratio),
        runs: store.map(Math.round),
        pairRatios: pairRatios.map((pairRatio) => Number(pairRatio.toFixed(3))),
        baselineRuns: baseline.map(Math.round),
      })
    }
    process.stdout.write('measuring cross-process subscription latency…\n')
    latency = await measureSubscriptionLatency(workDirectory, latencyProbes)
  } finally {
    await cleanUp()
  }

  const report = {
    ...metadata,
    durationSeconds: Number(((performance.now() - started) / 1000).toFixed(1)),
    metrics: [...results, ...(latency ? [latency] : [])],
  }
  mkdirSync(dirname(resultFile), { recursive: true })
  writeFileSync(resultFile, `${JSON.stringify(report, null, 2)}\n`)
  process.stdout.write(`\n${formatTable(results)}\n`)
  if (latency) process.stdout.write(`\n${formatLatency(latency)}\n`)
  const { git, machine } = report
  process.stdout.write(
    `\n${report.mode} mode; ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, load ${machine.loadAverage1m}; ` +
      `commit ${git.commit?.slice(0, 10) ?? 'unknown'}${git.dirty ? ' (dirty)' : ''}; ` +
      `median of ${settings.appendRuns} (appends) / ${settings.readRuns} (reads) runs after a warm-up; ratio = median of paired ratios; ${report.durationSeconds} s in all.\nwritten to ${resultFile}\n`,
  )
}

main().then(
  // A peer's connection left open by a failed or timed-out run must not keep the bench alive.
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    )
    process.exit(1)
  },
)
