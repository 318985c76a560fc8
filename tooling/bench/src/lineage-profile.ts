/**
 * For profiling the lineage graph (not part of `pnpm bench`): rebuilds it from an existing dataset
 * file (`pnpm dataset -- --out <file>`) beside the raw read of the same events (wall and CPU time of
 * this process, which says more on a shared machine), then times lineage and impact queries.
 *   node --cpu-prof --import tsx src/lineage-profile.ts <events.db> [rebuild|lineage|impact|all]
 * Leaves the rebuilt graph in a temporary folder (printed) for sqlite3.
 */
import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { SqliteEventStore } from '@qi/eventstore/sqlite'
import { lineageGraphProjection, lineageService } from '@qi/lineage'
import { ProjectionRunner } from '@qi/projections'
import { createCallerFactory, type QiContext } from '@qi/trpc'
import { openRawDatabase, rawReadAll } from './raw-sqlite'

async function main() {
  const path = process.argv[2]!
  const what = process.argv[3] ?? 'all'
  const store = new SqliteEventStore({ path })
  const dir = mkdtempSync(join(os.tmpdir(), 'qi-lp-'))
  console.log(`graph in ${dir}`)
  const runner = new ProjectionRunner({ store, projection: lineageGraphProjection, directory: dir })
  const cpu = () => {
    const u = process.cpuUsage()
    return (u.user + u.system) / 1e6
  }
  let c = cpu()
  let t = performance.now()
  const raw = openRawDatabase(path, 'normal')
  rawReadAll(raw, 1000)
  const rawS = (performance.now() - t) / 1000
  raw.close()
  const rawC = cpu() - c
  c = cpu()
  t = performance.now()
  const n = await runner.rebuild()
  const rb = (performance.now() - t) / 1000
  const rbC = cpu() - c
  console.log(`cpu: rebuild ${rbC.toFixed(2)} s raw ${rawC.toFixed(2)} s ratio ${(rbC / rawC).toFixed(1)}x`)
  console.log(
    `rebuild ${n} in ${rb.toFixed(2)} s; raw read ${rawS.toFixed(2)} s; ratio ${(rb / rawS).toFixed(1)}x`,
  )
  if (what === 'rebuild') return
  const deps: QiContext['deps'] = {
    store,
    runner: () => runner,
    runners: () => [runner],
    now: () => new Date('2026-01-01T12:00:00Z'),
  }
  const caller = createCallerFactory(lineageService.router)({
    actor: { userId: 'b', org: 'b', orgName: 'b', role: 'standards_institute' },
    invalidApiKey: false,
    requestId: 'b',
    deps,
  })
  const products = (
    runner.db.prepare("SELECT key FROM nodes WHERE kind='product' LIMIT 200").all() as { key: string }[]
  ).map((r) => r.key)
  if (what === 'all' || what === 'lineage') {
    t = performance.now()
    const times: number[] = []
    const c0 = cpu()
    for (const p of products) {
      const s = performance.now()
      await caller.ofProduct({ productId: p, asOf: '2026-01-01' })
      times.push(performance.now() - s)
    }
    times.sort((a, b) => a - b)
    console.log(
      `ofProduct p50 ${times[100]!.toFixed(2)} p99 ${times[197]!.toFixed(2)} ms; cpu per call ${(((cpu() - c0) * 1000) / products.length).toFixed(2)} ms`,
    )
    const past: number[] = []
    for (const p of products) {
      const s = performance.now()
      try {
        await caller.ofProduct({ productId: p, asOf: '2019-06-30' })
      } catch {}
      past.push(performance.now() - s)
    }
    past.sort((a, b) => a - b)
    console.log(`ofProduct past p50 ${past[100]!.toFixed(2)} p99 ${past[197]!.toFixed(2)} ms`)
  }
  if (what === 'all' || what === 'impact') {
    const std = runner.db
      .prepare(
        "SELECT to_id, count(*) c FROM edges WHERE rel='tested_to' GROUP BY to_id ORDER BY c DESC LIMIT 1",
      )
      .get() as { to_id: string; c: number }
    const key = std.to_id.slice('standard:'.length)
    const i = key.lastIndexOf('-')
    const times: number[] = []
    const c0 = cpu()
    let r: unknown
    for (let k = 0; k < 30; k++) {
      const s = performance.now()
      r = await caller.impact.ofStandard({
        code: key.slice(0, i),
        version: key.slice(i + 1),
        asOf: '2026-01-01',
      })
      times.push(performance.now() - s)
    }
    times.sort((a, b) => a - b)
    const x = r as Record<string, { total: number; active: number }>
    console.log(`impact cpu per call ${(((cpu() - c0) * 1000) / 30).toFixed(1)} ms`)
    console.log(
      `impact ${std.to_id} (${std.c}) p50 ${times[15]!.toFixed(1)} max ${times[29]!.toFixed(1)} ms`,
      ['reports', 'certificates', 'products', 'enterprises']
        .map((g) => `${g} ${x[g]!.total}/${x[g]!.active}`)
        .join(' '),
    )
  }
  await runner.close()
  await store.close()
}
main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
