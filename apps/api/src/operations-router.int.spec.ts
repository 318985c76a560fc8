import type { Projection } from '@qi/projections'
import { createCallerFactory } from '@qi/trpc'
import { startTestPlatform, type TestPlatform } from '@qi/trpc/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { operationsRouter } from './operations-router'

const known = new Set<string>()
/** Totals per warehouse; an event naming a warehouse it does not know is poison (parked). */
const stock: Projection = {
  name: 'test.stock',
  version: 1,
  onPoison: 'park',
  setup(db) {
    db.exec('CREATE TABLE stock (warehouse TEXT PRIMARY KEY, n INTEGER NOT NULL)')
  },
  apply(event, db) {
    if (event.type !== 'Stocked') return
    const { warehouse } = event.data as { warehouse: string }
    if (!known.has(warehouse)) throw new Error(`unknown warehouse ${warehouse}`)
    db.prepare('INSERT INTO stock VALUES (?, 1) ON CONFLICT (warehouse) DO UPDATE SET n = n + 1').run(
      warehouse,
    )
  },
}

const admin = { userId: 'ops', org: 'QI', orgName: 'Operators', role: 'admin' as const }
const lab = { userId: 'lab', org: 'HBQI', orgName: 'Lab', role: 'lab' as const }

describe('operations.deadLetters', () => {
  let platform: TestPlatform
  beforeEach(async () => {
    known.clear()
    known.add('wuhan')
    platform = await startTestPlatform({ projections: [stock], today: '2026-11-27' })
  })
  afterEach(() => platform.close())
  const caller = (actor: typeof admin | typeof lab) =>
    createCallerFactory(operationsRouter)(platform.context(actor))
  const stocked = (warehouse: string) =>
    platform.store.appendToStream('stock-1', [{ type: 'Stocked', data: { warehouse } }])

  it('lists parked events, retries one once it can be applied, skips another with a reason, and audits both', async () => {
    await stocked('wuhan')
    const xiangyang = await stocked('xiangyang')
    const yichang = await stocked('yichang')
    await platform.deps.runner('test.stock').waitFor(yichang.position)

    const parked = await caller(admin).deadLetters.list()
    expect(parked.map((d) => [d.runner, d.position, d.error])).toEqual([
      ['test.stock', xiangyang.position, 'unknown warehouse xiangyang'],
      ['test.stock', yichang.position, 'unknown warehouse yichang'],
    ])

    await expect(
      caller(admin).deadLetters.retry({ runner: 'test.stock', position: xiangyang.position }),
    ).rejects.toMatchObject({ code: 'PRECONDITION_FAILED', message: expect.stringMatching(/stays parked/) })

    known.add('xiangyang')
    await caller(admin).deadLetters.retry({ runner: 'test.stock', position: xiangyang.position })
    await caller(admin).deadLetters.skip({
      runner: 'test.stock',
      position: yichang.position,
      reason: 'test data',
    })
    expect(await caller(admin).deadLetters.list()).toEqual([])
    expect(
      platform.deps
        .runner('test.stock')
        .db.prepare('SELECT warehouse, n FROM stock ORDER BY warehouse')
        .all(),
    ).toEqual([
      { warehouse: 'wuhan', n: 1 },
      { warehouse: 'xiangyang', n: 1 },
    ])

    const audit = await platform.store.readStream('operations-deadletters')
    expect(audit.map((e) => [e.type, (e.data as { position: string }).position, e.metadata.actor])).toEqual([
      ['DeadLetterRetried', xiangyang.position.toString(), 'ops'],
      ['DeadLetterSkipped', yichang.position.toString(), 'ops'],
    ])
    expect((audit[1]!.data as { reason: string }).reason).toBe('test data')
  })

  it('refuses other roles, an unknown event, and a skip without a reason, writing nothing', async () => {
    const head = await platform.store.headPosition()
    await expect(caller(lab).deadLetters.list()).rejects.toMatchObject({ code: 'FORBIDDEN' })
    await expect(
      caller(admin).deadLetters.retry({ runner: 'test.stock', position: 99n }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
    await expect(
      caller(admin).deadLetters.skip({ runner: 'nope', position: 1n, reason: 'x' }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
    await expect(
      caller(admin).deadLetters.skip({ runner: 'test.stock', position: 1n } as never),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' })
    expect(await platform.store.headPosition()).toBe(head)
  })
})
