import { createCallerFactory } from '@qi/trpc'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AccessRegistry } from '../access'
import { Platform } from '../platform'
import { appRouter } from '../root'
import { type DemoResult, loadDemo } from './load-demo'

const createCaller = createCallerFactory(appRouter)
const TODAY = '2026-11-25'

describe('demo data loaded through the commands', () => {
  let platform: Platform
  let access: AccessRegistry
  let result: DemoResult
  const as = (role: string) => {
    const key = result.keys.find((k) => k.role === role)!
    const actor = access.resolve(key.apiKey)!
    return createCaller({ actor, invalidApiKey: false, requestId: 't', deps: platform })
  }

  beforeAll(async () => {
    platform = await Platform.start({ now: () => new Date(`${TODAY}T08:00:00Z`) })
    access = AccessRegistry.open()
    result = await loadDemo(platform, access, { today: TODAY })
  }, 120_000)
  afterAll(async () => {
    access.close()
    await platform.close()
  })

  it('creates an API key per demo organisation that resolves to its role', () => {
    expect(result.keys.length).toBeGreaterThanOrEqual(14)
    for (const key of result.keys) {
      expect(key.apiKey).toMatch(new RegExp(`^qi_${key.role}_`))
      expect(access.resolve(key.apiKey)).toMatchObject({ org: key.orgId, role: key.role })
    }
    expect(result.events).toBeGreaterThan(150)
  })

  it('is a no-op when loaded again (every command has a fixed commandId)', async () => {
    const before = await platform.store.headPosition()
    await loadDemo(platform, access, { today: TODAY })
    expect(await platform.store.headPosition()).toBe(before)
  })

  it('traces the kettle from its CCC certificate down to the calibration and the standard version', async () => {
    const graph = await as('standards_institute').lineage.ofProduct({ productId: 'MJ-17' })
    const ids = graph.nodes.map((n) => n.id)
    expect(ids).toEqual(
      expect.arrayContaining([
        'certificate:CCC-2023-0107001',
        'report:HBQI-2023-0001',
        'accreditation:CNAS L0586',
        'instrument:HBQI-TH-07',
        'calibration:HBMI-2023-001',
        'instrument:HBMI-STD-I01',
        // The reference standard's calibration that covered the working instrument's calibration.
        'calibration:NIM-2023-1',
        'standard:GB 4706.1-2005',
      ]),
    )
    expect(graph.problems.filter((p) => p.kind === 'calibration')).toEqual([])
    expect(graph.nodes.find((n) => n.id === 'certificate:CCC-2023-0107001')!.status?.status).toBe('valid')
  })

  it('keeps labs and enterprises registered today in lineage answered as of a past date', async () => {
    const graph = await as('standards_institute').lineage.ofProduct({
      productId: 'MJ-17',
      asOf: '2024-01-01',
    })
    const ids = graph.nodes.map((n) => n.id)
    expect(ids).toEqual(
      expect.arrayContaining([
        'lab:HBQI',
        'lab:CQC-WH',
        'enterprise:91420100MA4K0MJ003',
        'certificate:CCC-2023-0107001',
      ]),
    )
    expect(ids).not.toContain('report:HBQI-2025-0006') // issued in 2025
  })

  it('shows the revoked report, the recall and the suspended lab in the lineage and KPIs', async () => {
    const institute = as('standards_institute')
    const cooker = await institute.lineage.ofProduct({ productId: 'MJ-30' })
    expect(cooker.nodes.find((n) => n.id === 'report:WHQT-2024-0009')!.status?.status).toBe('revoked')
    const duck = await institute.lineage.ofProduct({ productId: 'ZH-YB-01' })
    expect(duck.nodes.find((n) => n.id === 'product:ZH-YB-01')!.status?.status).toBe('recalled')
    const kpi = await institute.lineage.kpi({})
    expect(kpi.kpis.find((k) => k.id === 'standards.provincialTcs')!.value).toBe(2)
    expect(kpi.sameLineSameStandard.find((s) => s.industry === 'automotive')).toMatchObject({
      exportedProducts: 2,
      sameLineSameStandard: 1,
    })
  })

  it('fills every service: standards, labs, instruments due soon, reports, certificates, enterprises', async () => {
    const regulator = as('regulator')
    expect((await regulator.standards.list({ limit: 100, offset: 0 })).total).toBe(14)
    expect((await regulator.accreditation.listLabs({ limit: 50, offset: 0 })).items ?? []).toBeDefined()
    const instruments = await regulator.metrology.listInstruments({ limit: 50, offset: 0 })
    const statuses = JSON.stringify(instruments)
    expect(statuses).toContain('due_soon')
    expect(statuses).toContain('expired')
    const verify = await createCaller({
      actor: null,
      invalidApiKey: false,
      requestId: 't',
      deps: platform,
    }).certification.verify({
      certificateNo: 'CCC-2023-0107001',
    })
    expect(verify).toMatchObject({ certificateNo: 'CCC-2023-0107001' })
  })
})
