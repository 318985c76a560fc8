import { createCallerFactory } from '@qi/trpc'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AccessRegistry } from '../access'
import { Platform } from '../platform'
import { appRouter } from '../root'
import { type DemoResult, loadDemo } from './load-demo'

const createCaller = createCallerFactory(appRouter)
const TODAY = '2026-11-25'

describe('the licensing reforms in the demo', () => {
  let platform: Platform
  let access: AccessRegistry
  let result: DemoResult
  const as = (orgId: string) => {
    const key = result.keys.find((k) => k.orgId === orgId)!
    const actor = access.resolve(key.apiKey)!
    return createCaller({ actor, invalidApiKey: false, requestId: 't', deps: platform }).licensing
  }

  beforeAll(async () => {
    platform = await Platform.start({ now: () => new Date(`${TODAY}T08:00:00Z`), timers: false })
    access = AccessRegistry.open()
    result = await loadDemo(platform, access, { today: TODAY })
  }, 120_000)
  afterAll(async () => {
    access.close()
    await platform.close()
  })

  it('shows the regulator every process in each of its states', async () => {
    const view = await as('HBAMR').processes({})
    const statuses = (rows: Array<{ status: string }>) => [...new Set(rows.map((r) => r.status))].sort()
    expect(statuses(view.licences)).toEqual(['revoked', 'suspended', 'valid'])
    expect(statuses(view.applications)).toEqual([
      'awaiting_verification',
      'verification_failed',
      'verification_missed',
      'verified',
    ])
    expect(view.licences.find((l) => l.legacy.length > 0)).toBeDefined()
    // Restored after a passed re-verification; expired by the timer and replaced by a new licence.
    expect(view.licences.find((l) => l.cause?.kind === 'restored')).toMatchObject({
      licenceNo: 'XK42-006-00101',
      status: 'valid',
      cause: { applicationId: 'XKSQ-2025-0107' },
    })
    expect(view.licences.flatMap((l) => l.previous)).toEqual([
      expect.objectContaining({ licenceNo: 'XK42-020-00090', status: 'expired' }),
    ])
    expect(view.dueWork.some((w) => w.kind === 'expiry')).toBe(true)
    expect(view.parallel.flatMap((p) => p.branches).every((b) => b.reviewerOrg !== null)).toBe(true)
    expect(statuses(view.approvals)).toEqual(['approved', 'revoked', 'verified'])
    expect(view.approvals.some((a) => a.overdue)).toBe(true)
    expect(statuses(view.cmark.declarations)).toEqual(['declared', 'withdrawn'])
    expect(statuses(view.cmark.checks)).toEqual(['failed', 'passed', 'scheduled'])
    expect(statuses(view.parallel)).toEqual(['approved', 'open', 'refused'])
    expect(view.parallel.some((p) => p.branches.some((b) => b.overdue))).toBe(true)
    expect(view.dueWork.length).toBeGreaterThan(0)
    expect(view.specialEquipment.exams.map((e) => e.certificateNo !== null)).toEqual([true, false, true])
    expect(view.specialEquipment.qualifications.map((q) => q.kind).sort()).toEqual([
      'derived',
      'manufacturing',
      'manufacturing',
    ])
  })

  it('shows an enterprise only its own processes', async () => {
    const view = await as('91420100MA4K0DF001').processes({})
    expect(view.licences.map((l) => l.enterpriseId)).toEqual(['91420100MA4K0DF001'])
    expect(view.approvals).toEqual([])
    expect(new Set(view.applications.map((a) => a.enterpriseId))).toEqual(new Set(['91420100MA4K0DF001']))
  })

  it('flags the report a lab issued under a qualification revoked for a false commitment', async () => {
    await platform.settle()
    const key = result.keys.find((k) => k.orgId === 'HBAMR')!
    const regulator = createCaller({
      actor: access.resolve(key.apiKey)!,
      invalidApiKey: false,
      requestId: 't',
      deps: platform,
    })
    const report = await regulator.testing.getReport({ reportNo: 'WHQT-2025-0001' })
    expect(report.flags).toEqual([
      expect.objectContaining({ on: '2025-09-01', reason: expect.stringContaining('CMA-2025-0202') }),
    ])
  })

  it('measures the reforms', async () => {
    const kpis = await as('HBAMR').kpis({})
    expect(kpis.commitments.foundFalse).toBe(1)
    expect(kpis.cmarkChecks).toEqual({ done: 2, failed: 1 })
    expect(kpis.verifications.missed).toBe(1)
    expect(kpis.parallelWaiting).toMatchObject({ manufacturing_licence: 2 })
  })
})
