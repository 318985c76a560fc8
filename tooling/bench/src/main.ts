/**
 * `pnpm bench`: measures the embedded event store against raw better-sqlite3 doing the same work in
 * the same process, and writes bench-results/eventstore.json at the repository root.
 * It also runs the EventStoreDB adapter over the gRPC emulator beside the embedded store (ratio =
 * adapter / embedded). BENCH_RUNS, BENCH_READ_RUNS, BENCH_APPEND_MS, BENCH_READ_EVENTS,
 * BENCH_ESDB_EVENTS and BENCH_DIR override the defaults.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { buildEsdbScenarios } from './esdb-scenarios'
import { median } from './measure'
import { formatTable, type MetricResult } from './report'
import { buildScenarios, type Scenario } from './scenarios'

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

function targetMet(scenario: Scenario, value: number, ratio: number | null): boolean | null {
  if (!scenario.target) return null
  if (scenario.target.kind === 'value') return value >= scenario.target.min
  return ratio !== null && ratio >= scenario.target.min
}

async function main() {
  const started = performance.now()
  // On disk, not :memory: or tmpfs, since that is what users run.
  const workDirectory = mkdtempSync(join(process.env.BENCH_DIR ?? os.tmpdir(), 'qi-bench-'))
  const settings = {
    workDirectory,
    appendRuns: numberFromEnvironment('BENCH_RUNS', 7),
    readRuns: numberFromEnvironment('BENCH_READ_RUNS', 5),
    appendBudgetMs: numberFromEnvironment('BENCH_APPEND_MS', 300),
    readEvents: numberFromEnvironment('BENCH_READ_EVENTS', 200_000),
    pageSize: 1000,
  }
  const embedded = buildScenarios(settings)
  // The EventStoreDB adapter over the emulator, against the embedded store in the same run.
  const esdb = buildEsdbScenarios({
    workDirectory,
    runs: settings.readRuns,
    appendBudgetMs: settings.appendBudgetMs,
    readEvents: numberFromEnvironment('BENCH_ESDB_EVENTS', 20_000),
    pageSize: settings.pageSize,
  })
  const scenarios = [...embedded.scenarios, ...esdb.scenarios]
  const { prepareReadLog } = embedded
  const cleanUp = async () => {
    await esdb.cleanUp()
    await embedded.cleanUp()
  }
  const results: MetricResult[] = []
  try {
    let readLogReady = false
    for (const scenario of scenarios) {
      if (scenario.durability === null && !readLogReady) {
        process.stdout.write(`preparing a log of ${settings.readEvents} events…\n`)
        await prepareReadLog()
        readLogReady = true
      }
      process.stdout.write(`measuring ${scenario.name}…\n`)
      const { store, baseline } = await scenario.measure()
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
  } finally {
    await cleanUp()
  }

  const cpus = os.cpus()
  const report = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      totalMemoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    },
    settings: {
      appendRuns: settings.appendRuns,
      readRuns: settings.readRuns,
      warmUpRuns: 1,
      statistic:
        'value and baseline: median of runs; ratio: median of per-pair ratios (store run i / baseline run i, back to back)',
      appendBudgetMs: settings.appendBudgetMs,
      readEvents: settings.readEvents,
      pageSize: settings.pageSize,
      storage: 'temporary files on disk (WAL)',
    },
    durationSeconds: Number(((performance.now() - started) / 1000).toFixed(1)),
    metrics: results,
  }
  mkdirSync(dirname(resultFile), { recursive: true })
  writeFileSync(resultFile, `${JSON.stringify(report, null, 2)}\n`)
  process.stdout.write(`\n${formatTable(results)}\n`)
  process.stdout.write(
    `\n${report.machine.cpus} × ${report.machine.cpuModel}, Node ${report.machine.node}; ` +
      `median of ${settings.appendRuns} (appends) / ${settings.readRuns} (reads) runs after a warm-up; ratio = median of paired ratios; ${report.durationSeconds} s in all.\nwritten to ${resultFile}\n`,
  )
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  )
  process.exit(1)
})
