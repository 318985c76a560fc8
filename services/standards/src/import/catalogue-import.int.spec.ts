import { domainCatalogue, standardKey } from '@qi/contracts'
import type { RecordedEvent } from '@qi/eventstore'
import { createCallerFactory } from '@qi/trpc'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { standardsRouter } from '../api/router'
import { actorOf, startTestPlatform } from '../api/test-platform'
import { type RecordedStandardEvent, statusOn, supplementsOn } from '../domain/as-of'
import { catalogueProjection } from '../projections/catalogue'
import { generateCatalogue } from './generate'

const SEED = 4242
const EDITIONS = 10_000
const BATCH = 2_000
const TODAY = '2026-06-01'

let platform: Awaited<ReturnType<typeof startTestPlatform>>
beforeAll(async () => {
  platform = await startTestPlatform([catalogueProjection], TODAY)
})
afterAll(async () => {
  await platform.close()
})

async function allStandardEvents(): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = []
  let from = 0n
  for (;;) {
    const page = await platform.store.readAll({ fromPosition: from, maxCount: 5000 })
    out.push(...page)
    if (page.length < 5000) return out
    from = (page.at(-1) as RecordedEvent).position + 1n
  }
}

describe(`bulk import of a generated catalogue (seed ${SEED})`, () => {
  it('imports ≥ 10,000 shuffled editions, idempotently, and answers as-of like the oracle on every key date', async () => {
    const api = createCallerFactory(standardsRouter)(platform.context(actorOf('standards_institute', 'ISO')))
    const records = generateCatalogue(EDITIONS, SEED)
    expect(records.length).toBeGreaterThanOrEqual(EDITIONS)
    const lines = records.map((record, i) => ({ line: i + 1, record }))

    const runImport = async (tag: string) => {
      let pending: Array<{ from: string; to: string }> = []
      const totals = { written: 0, edges: 0, rejected: [] as Array<{ line: number; reason: string }> }
      for (let i = 0; i < lines.length; i += BATCH) {
        const report = await api.importBatch({
          batchId: `import-${tag}-${i}`,
          lines: lines.slice(i, i + BATCH),
          edges: pending,
        })
        pending = report.pendingEdges
        totals.written += report.written
        totals.edges += report.edges
        totals.rejected.push(...report.rejected)
      }
      return { ...totals, pending }
    }
    const first = await runImport('first')
    expect({ rejected: first.rejected.slice(0, 5), pending: first.pending.slice(0, 5) }).toEqual({
      rejected: [],
      pending: [],
    })
    expect(first.edges).toBeGreaterThan(EDITIONS / 2)
    const again = await runImport('again')
    expect({ written: again.written, edges: again.edges, rejected: again.rejected.length }).toEqual({
      written: 0,
      edges: 0,
      rejected: 0,
    })

    // The oracle over what was recorded.
    const byKey = new Map<string, RecordedStandardEvent[]>()
    for (const e of await allStandardEvents()) {
      if (!e.type.startsWith('Standard')) continue
      const decoded = domainCatalogue.decode(e)
      const data = decoded.data as RecordedStandardEvent['data']
      const k = standardKey(data)
      byKey.set(k, [
        ...(byKey.get(k) ?? []),
        { type: e.type, data, position: e.position, occurredAt: String(decoded.metadata.occurredAt) },
      ])
    }
    expect(byKey.size).toBeGreaterThanOrEqual(EDITIONS)
    const head = (await platform.store.headPosition()) ?? undefined
    const keysByCode = new Map<string, Array<{ code: string; version: string }>>()
    for (const events of byKey.values()) {
      const { code, version } = (events[0] as RecordedStandardEvent).data
      keysByCode.set(code, [...(keysByCode.get(code) ?? []), { code, version }])
    }
    let checks = 0
    for (const [code, keys] of keysByCode) {
      // Key dates (every date recorded for an edition of the code) and the day before each.
      const keyDates = new Set<string>()
      for (const key of keys) {
        for (const e of byKey.get(standardKey(key)) ?? []) {
          for (const value of Object.values(e.data)) {
            if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) keyDates.add(value)
          }
        }
      }
      const dayBefore = (day: string) => new Date(Date.parse(day) - 86_400_000).toISOString().slice(0, 10)
      const dates = new Set([...keyDates, ...[...keyDates].map(dayBefore)])
      for (const on of dates) {
        const expected = keys
          .map((key) => ({ key, status: statusOn(byKey.get(standardKey(key)) ?? [], key, on) }))
          .filter((x) => x.status !== null)
        const list = await api.list({ codes: [code], asOf: on, limit: 200, minPosition: head })
        expect({ code, on, statuses: Object.fromEntries(list.items.map((i) => [i.key, i.status])) }).toEqual({
          code,
          on,
          statuses: Object.fromEntries(expected.map((x) => [standardKey(x.key), x.status])),
        })
        checks += 1
        if (!keyDates.has(on)) continue
        const inForce = await api.inForce({ code, on })
        expect({
          code,
          on,
          inForce: inForce.editions.map((e) => [`${e.code}-${e.version}`, [...e.supplements].sort()]),
        }).toEqual({
          code,
          on,
          inForce: expected
            .filter((x) => x.status === 'effective')
            .sort((a, b) => (a.key.version < b.key.version ? 1 : -1))
            .map((x) => [standardKey(x.key), supplementsOn(byKey.get(standardKey(x.key)) ?? [], x.key, on)]),
        })
        checks += 1
      }
    }
    console.info(`import: ${byKey.size} editions, ${checks} as-of checks against the oracle`)
  }, 900_000)
})
