import { createCallerFactory } from '@qi/trpc'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lineageGraphProjection } from '../projections/graph'
import { kpiProjection } from '../projections/kpi'
import { ENTERPRISE, history } from '../testing/history'
import { institute, testPlatform } from '../testing/platform'
import { type SeedEvent, seed } from '../testing/seed'
import { lineageRouter } from './router'

const createCaller = createCallerFactory(lineageRouter)
const stream = `one-licence-${ENTERPRISE}`
const licence = { enterpriseId: ENTERPRISE, licenceNo: 'XK42-010-0001' }

/** 先证后核 on the enterprise licence covering P1: issued, verification failed (suspended), passed on re-verification, restored. */
const licensing: SeedEvent[] = [
  {
    stream,
    type: 'LicenceIssuedBeforeVerification',
    on: '2020-01-10',
    data: {
      ...licence,
      applicationId: 'APP-1',
      kind: 'new',
      productCategories: ['电热水壶'],
      site: '武汉市东西湖区',
      appliedOn: '2020-01-09',
      issuedOn: '2020-01-10',
      expiresOn: '2025-01-09',
      verificationDueOn: '2020-02-09',
      products: ['P1'],
    },
  },
  {
    stream,
    type: 'OnSiteVerificationFailed',
    on: '2020-02-01',
    data: {
      enterpriseId: ENTERPRISE,
      applicationId: 'APP-1',
      verifiedOn: '2020-02-01',
      inspector: 'inspector-li',
      findings: '耐压试验台缺失',
      consequence: 'suspended',
    },
  },
  {
    stream,
    type: 'EnterpriseLicenceSuspended',
    on: '2020-02-01',
    data: { ...licence, from: '2020-02-01', cause: { kind: 'verification_failed', applicationId: 'APP-1' } },
  },
  {
    stream,
    type: 'OnSiteVerificationPassed',
    on: '2020-03-01',
    data: {
      enterpriseId: ENTERPRISE,
      applicationId: 'APP-1',
      verifiedOn: '2020-03-01',
      inspector: 'inspector-li',
    },
  },
  {
    stream,
    type: 'EnterpriseLicenceRestored',
    on: '2020-03-05',
    data: { ...licence, on: '2020-03-05', reason: '整改完成，复核通过', applicationId: 'APP-1' },
  },
]

describe('lineage and impact of an enterprise licence (先证后核)', () => {
  let platform: Awaited<ReturnType<typeof testPlatform>>
  let caller: ReturnType<typeof createCaller>
  let beforeRestoration: bigint
  let head: bigint

  beforeAll(async () => {
    platform = await testPlatform([lineageGraphProjection, kpiProjection])
    await seed(platform.store, history)
    beforeRestoration = await seed(platform.store, licensing.slice(0, -1))
    head = await seed(platform.store, licensing.slice(-1))
    caller = createCaller(platform.context(institute))
  })
  afterAll(async () => {
    await platform.close()
  })

  const node = (graph: { nodes: Array<{ id: string; status: { status: string } | null }> }, id: string) =>
    graph.nodes.find((n) => n.id === id)

  it('shows product → licence → verification with their statuses as of a date', async () => {
    const suspended = await caller.ofProduct({ productId: 'P1', asOf: '2020-02-15', minPosition: head })
    expect(node(suspended, 'licence:XK42-010-0001')?.status).toMatchObject({
      status: 'suspended',
      reason: expect.stringContaining('the on-site verification failed'),
    })
    expect(node(suspended, 'verification:APP-1')?.status).toMatchObject({ status: 'failed' })
    expect(suspended.edges).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ from: 'product:P1', rel: 'licensed_under', to: 'licence:XK42-010-0001' }),
        expect.objectContaining({
          from: 'licence:XK42-010-0001',
          rel: 'verified_by',
          to: 'verification:APP-1',
        }),
      ]),
    )
    expect(suspended.problems.map((p) => p.id)).toEqual(
      expect.arrayContaining(['licence:XK42-010-0001', 'verification:APP-1']),
    )

    const restored = await caller.ofProduct({ productId: 'P1', asOf: '2020-04-01' })
    expect(node(restored, 'licence:XK42-010-0001')?.status).toMatchObject({ status: 'active' })
    expect(node(restored, 'verification:APP-1')?.status).toMatchObject({ status: 'passed' })
    expect(restored.problems.map((p) => p.id)).not.toContain('licence:XK42-010-0001')

    // Before the licence was issued, the product does not rest on it yet.
    const before = await caller.ofProduct({ productId: 'P1', asOf: '2020-01-01' })
    expect(node(before, 'licence:XK42-010-0001')).toBeUndefined()
  })

  it('answers as recorded at a store position: before the restoration was entered, still suspended', async () => {
    const graph = await caller.ofProduct({
      productId: 'P1',
      asOf: '2020-04-01',
      atPosition: beforeRestoration,
    })
    expect(node(graph, 'licence:XK42-010-0001')?.status).toMatchObject({ status: 'suspended' })
  })

  it('lists what rests on the licence: products, their certificates and makers (impact.ofLicence)', async () => {
    const impact = await caller.impact.ofLicence({ licenceNo: 'XK42-010-0001', asOf: '2020-02-15' })
    expect(impact.source).toMatchObject({ id: 'licence:XK42-010-0001', status: { status: 'suspended' } })
    expect(impact.products.items.map((i) => i.id)).toEqual(['product:P1'])
    expect(impact.certificates.items.map((i) => i.id)).toEqual(['certificate:CERT-1'])
    expect(impact.enterprises.items.map((i) => i.id)).toEqual([`enterprise:${ENTERPRISE}`])
    // Typed the way people type it.
    const typed = await caller.impact.ofLicence({ licenceNo: ' xk42-010-0001 ', asOf: '2020-02-15' })
    expect(typed.source.id).toBe('licence:XK42-010-0001')
    await expect(caller.impact.ofLicence({ licenceNo: 'XK-NONE' })).rejects.toThrow(/not found/)
  })
})
