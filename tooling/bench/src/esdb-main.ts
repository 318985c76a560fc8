/**
 * `pnpm bench:esdb`: only the EventStoreDB adapter's scenarios (adapter over the gRPC emulator beside
 * the embedded store, same run), with small defaults so it takes about a minute. Prints the table and
 * writes nothing: bench-results/eventstore.json stays the full bench's (`pnpm bench`).
 * BENCH_READ_RUNS (3), BENCH_APPEND_MS (300) and BENCH_ESDB_EVENTS (5000) override the defaults.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { buildEsdbScenarios } from './esdb-scenarios'
import { median } from './measure'
import { formatTable, type MetricResult } from './report'

function fromEnvironment(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback)
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`)
  return value
}

async function main() {
  const workDirectory = mkdtempSync(join(process.env.BENCH_DIR ?? os.tmpdir(), 'qi-bench-esdb-'))
  const { scenarios, cleanUp } = buildEsdbScenarios({
    workDirectory,
    runs: fromEnvironment('BENCH_READ_RUNS', 3),
    appendBudgetMs: fromEnvironment('BENCH_APPEND_MS', 300),
    readEvents: fromEnvironment('BENCH_ESDB_EVENTS', 5000),
    pageSize: 1000,
  })
  const results: MetricResult[] = []
  try {
    for (const scenario of scenarios) {
      process.stdout.write(`measuring ${scenario.name}…\n`)
      const { store, baseline } = await scenario.measure()
      const pairRatios = store.map((rate, i) => rate / baseline[i]!)
      results.push({
        id: scenario.id,
        name: scenario.name,
        durability: scenario.durability,
        value: Math.round(median(store)),
        unit: 'events/s',
        baseline: Math.round(median(baseline)),
        baselineDescription: scenario.baselineDescription,
        ratio: Number(median(pairRatios).toFixed(3)),
        pairRatios,
        target: scenario.target,
        met: null,
        runs: store.map(Math.round),
        baselineRuns: baseline.map(Math.round),
      })
    }
  } finally {
    await cleanUp()
    rmSync(workDirectory, { recursive: true, force: true })
  }
  process.stdout.write(
    `\n${formatTable(results)}\n(ratio = adapter / embedded; "raw" column = embedded store)\n`,
  )
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  )
  process.exit(1)
})
