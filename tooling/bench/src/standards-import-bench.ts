/**
 * The standards import benchmark (`pnpm --filter @qi/bench bench:standards`): generates a seeded
 * ISO-like catalogue (chains, splits, merges, supplements, partial dates, withdrawals; shuffled),
 * writes it as NDJSON, imports it into an empty embedded store through `importCatalogueFile` (the
 * code behind `qi import standards`), then catches the standards catalogue projection up. Reports
 * editions/s for the import and for import + projection, and the peak RSS sampled every 50 ms.
 * Writes bench-results/standards-import.json. BENCH_STANDARDS_EDITIONS and BENCH_DIR override.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { SqliteEventStore } from '@qi/eventstore/sqlite'
import { ProjectionRunner } from '@qi/projections'
import { catalogueProjection, generateCatalogue, importCatalogueFile } from '@qi/standards'

const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
const resultFile = join(repositoryRoot, 'bench-results', 'standards-import.json')
const EDITIONS = Number(process.env.BENCH_STANDARDS_EDITIONS ?? 50_000)
const SEED = 20261127

async function main() {
  const base = process.env.BENCH_DIR ?? os.tmpdir()
  mkdirSync(base, { recursive: true })
  const dir = mkdtempSync(join(base, 'qi-standards-import-'))
  let peakRss = process.memoryUsage().rss
  const rssBefore = peakRss
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss)
  }, 50)
  try {
    const records = generateCatalogue(EDITIONS, SEED)
    const file = join(dir, 'catalogue.ndjson')
    writeFileSync(file, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`)
    const lines = records.length
    records.length = 0
    const store = new SqliteEventStore({ path: join(dir, 'events.db') })
    const started = performance.now()
    const report = await importCatalogueFile(
      { store, actor: { userId: 'bench', org: 'BENCH' }, today: '2026-06-01' },
      file,
      { batchId: 'bench-import' },
    )
    const importSeconds = (performance.now() - started) / 1000
    const runner = new ProjectionRunner({
      store,
      projection: catalogueProjection,
      directory: join(dir, 'readmodels'),
    })
    const projectionStarted = performance.now()
    await runner.start()
    await runner.waitFor((await store.headPosition()) ?? undefined)
    const projectionSeconds = (performance.now() - projectionStarted) / 1000
    await runner.close()
    const events = Number((await store.headPosition()) ?? 0n) + 1
    await store.close()
    clearInterval(sampler)
    const result = {
      scenario: 'standards import into an empty embedded store (NDJSON, batches of 5,000 lines)',
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? 'unknown', node: process.version },
      seed: SEED,
      lines,
      events,
      written: report.written,
      edges: report.edges,
      rejected: report.rejected.length,
      pendingEdges: report.pendingEdges.length,
      importSeconds: Number(importSeconds.toFixed(2)),
      editionsPerSecond: Math.round(lines / importSeconds),
      projectionCatchUpSeconds: Number(projectionSeconds.toFixed(2)),
      editionsPerSecondIncludingProjection: Math.round(lines / (importSeconds + projectionSeconds)),
      rssBeforeMb: Math.round(rssBefore / 1e6),
      peakRssMb: Math.round(peakRss / 1e6),
      target: { editionsPerSecond: 5000 },
    }
    console.log(JSON.stringify(result, null, 2))
    writeFileSync(resultFile, `${JSON.stringify(result, null, 2)}\n`)
  } finally {
    clearInterval(sampler)
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
