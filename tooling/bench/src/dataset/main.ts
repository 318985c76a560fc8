/**
 * `pnpm dataset -- --events 1000000 --seed 42 --out /tmp/lineage.db`: writes the lineage benchmark's
 * history into a SqliteEventStore file (the file must not exist yet).
 */
import { existsSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { SqliteEventStore } from '@qi/eventstore/sqlite'
import { generateDataset } from './generate'

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`)
  return index >= 0 ? process.argv[index + 1] : undefined
}

async function main() {
  const events = Number(argument('events') ?? 1_000_000)
  const seed = Number(argument('seed') ?? 20_260_101)
  const out = argument('out')
  if (!out) throw new Error('--out <file> is required')
  if (existsSync(out)) throw new Error(`${out} exists; the generator writes a fresh history only`)
  if (!Number.isInteger(events) || events < 1000) throw new Error('--events must be a whole number ≥ 1000')
  process.stdout.write(`seed ${seed}, about ${events} events → ${out}\n`)
  const started = performance.now()
  const store = new SqliteEventStore({ path: out })
  const summary = await generateDataset(store, {
    events,
    seed,
    validate: 'sample',
    onProgress: (message) =>
      process.stdout.write(`  ${((performance.now() - started) / 1000).toFixed(1)} s: ${message}\n`),
  })
  await store.close()
  process.stdout.write(
    `${summary.events} events in ${((performance.now() - started) / 1000).toFixed(1)} s\n${JSON.stringify(
      { eventsByType: summary.eventsByType, widelyUsed: summary.widelyUsed },
      null,
      2,
    )}\n`,
  )
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
})
