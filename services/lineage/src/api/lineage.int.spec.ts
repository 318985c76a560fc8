import { createCallerFactory } from '@qi/trpc'
import { TRPCError } from '@trpc/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lineageGraphProjection } from '../projections/graph'
import { kpiProjection } from '../projections/kpi'
import { ENTERPRISE, history, REVOKE_EVENT_ID } from '../testing/history'
import { institute, testPlatform } from '../testing/platform'
import { seed } from '../testing/seed'
import { lineageRouter } from './router'

const createCaller = createCallerFactory(lineageRouter)

describe('lineage, impact and as-of queries', () => {
  let platform: Awaited<ReturnType<typeof testPlatform>>
  let caller: ReturnType<typeof createCaller>
  let head: bigint
  let positionBeforeRevocation: bigint

  beforeAll(async () => {
    platform = await testPlatform([lineageGraphProjection, kpiProjection])
    const revokeAt = history.findIndex((e) => e.type === 'TestReportRevoked')
    positionBeforeRevocation = await seed(platform.store, history.slice(0, revokeAt))
    head = await seed(platform.store, history.slice(revokeAt))
    caller = createCaller(platform.context(institute))
  })
  afterAll(async () => {
    await platform.close()
  })

  const statusOf = (
    graph: { nodes: Array<{ id: string; status: { status: string; reason: string | null } | null }> },
    id: string,
  ) => graph.nodes.find((n) => n.id === id)?.status

  it('traces a product down to reports, lab, accreditation, calibrations and standard versions', async () => {
    const graph = await caller.ofProduct({ productId: 'P1', asOf: '2020-06-01', minPosition: head })
    const ids = graph.nodes.map((n) => n.id)
    expect(ids).toEqual(
      expect.arrayContaining([
        'product:P1',
        'certificate:CERT-1',
        'report:R-1',
        'lab:L1',
        'accreditation:CNAS L0001',
        'instrument:TH-07',
        'calibration:CAL-1',
        'standard:GB/T 1000-2015',
        'standard:GB/T 1000-2020',
        `enterprise:${ENTERPRISE}`,
        'line:LINE-1',
        'lab:CB1',
      ]),
    )
    // The calibration that covered the test date, not the later one.
    expect(ids).not.toContain('calibration:CAL-2')
    const calibration = graph.nodes.find((n) => n.id === 'calibration:CAL-1')!
    expect(calibration.data).toMatchObject({ usedOn: '2019-10-01', statusWhenUsed: { status: 'valid' } })
    expect(statusOf(graph, 'certificate:CERT-1')?.status).toBe('valid')
    expect(statusOf(graph, 'standard:GB/T 1000-2015')?.status).toBe('superseded')
    expect(graph.edges).toContainEqual(
      expect.objectContaining({
        from: 'report:R-1',
        to: 'standard:GB/T 1000-2015',
        rel: 'tested_to',
        detail: { clauses: ['5.1'] },
      }),
    )
    // Superseded but within its transition period: not a problem yet.
    expect(graph.problems).toEqual([])
  })

  it('answers as of a later date differently, and says why', async () => {
    const graph = await caller.ofProduct({ productId: 'P1', asOf: '2021-03-01' })
    expect(statusOf(graph, 'report:R-1')).toMatchObject({ status: 'revoked' })
    expect(statusOf(graph, 'certificate:CERT-1')).toMatchObject({
      status: 'suspended',
      reason: expect.stringContaining('because report R-1 was revoked'),
    })
    expect(graph.problems.map((p) => p.id)).toEqual(
      expect.arrayContaining(['certificate:CERT-1', 'report:R-1']),
    )
  })

  it('shows nothing that did not exist yet on the as-of date', async () => {
    const graph = await caller.ofProduct({ productId: 'P1', asOf: '2019-06-01' })
    expect(graph.nodes.map((n) => n.id)).not.toContain('certificate:CERT-1')
    expect(graph.nodes.map((n) => n.id)).not.toContain('report:R-1')
  })

  it('answers by store position for audits: what the record said before the revocation was entered', async () => {
    const graph = await caller.ofProduct({
      productId: 'P1',
      asOf: '2021-03-01',
      atPosition: positionBeforeRevocation,
    })
    expect(statusOf(graph, 'report:R-1')?.status).toBe('valid')
    expect(statusOf(graph, 'certificate:CERT-1')?.status).toBe('valid')
    // Every answer says which point on both axes it was read at.
    const time = { asOf: '2021-03-01', atPosition: positionBeforeRevocation }
    expect(graph).toMatchObject(time)
    expect(await caller.impact.ofReport({ reportNo: 'R-1', ...time })).toMatchObject(time)
    expect(await caller.node({ id: 'report:R-1', ...time })).toMatchObject({
      ...time,
      node: { status: { status: 'valid' } },
      history: [expect.objectContaining({ status: 'valid' })],
    })
  })

  it('traces a certificate and a report', async () => {
    const cert = await caller.ofCertificate({ certificateNo: 'CERT-1', asOf: '2020-01-01' })
    expect(cert.root).toBe('certificate:CERT-1')
    expect(cert.counts).toMatchObject({ report: 1, calibration: 1, accreditation: 2 })
    const report = await caller.ofReport({ reportNo: 'R-1', asOf: '2020-01-01' })
    expect(report.nodes.map((n) => n.id)).toContain('calibration:CAL-1')
  })

  it('shows the cause chain of a policy action on a node', async () => {
    const detail = await caller.node({ id: 'certificate:CERT-1', asOf: '2021-03-01' })
    const suspended = detail.history.find((h) => h.status === 'suspended')!
    expect(suspended.cause).toEqual({ kind: 'report_revoked', ref: 'R-1' })
    expect(suspended.causeChain).toEqual([
      expect.objectContaining({ eventId: REVOKE_EVENT_ID, type: 'TestReportRevoked', nodeId: 'report:R-1' }),
    ])
    // The scheduled expiry (2024-11-01) is not history yet on 2021-03-01.
    expect(detail.history.map((h) => h.status)).toEqual(['valid', 'suspended'])
    const later = await caller.node({ id: 'certificate:CERT-1', asOf: '2025-01-01' })
    expect(later.history.map((h) => [h.status, h.since])).toEqual([
      ['valid', '2019-11-01'],
      ['suspended', '2021-02-03'],
      ['expired', '2024-11-01'],
    ])
  })

  it('computes the impact of a standard version, grouped and counted', async () => {
    const impact = await caller.impact.ofStandard({ code: 'GB/T 1000', version: '2015', asOf: '2020-06-01' })
    expect(impact.reports).toMatchObject({ total: 1, active: 1 })
    expect(impact.certificates).toMatchObject({ total: 1, active: 1 })
    expect(impact.products.items.map((i) => i.id)).toEqual(['product:P1'])
    expect(impact.enterprises.items.map((i) => i.id)).toEqual([`enterprise:${ENTERPRISE}`])
    const later = await caller.impact.ofStandard({ code: 'GB/T 1000', version: '2015', asOf: '2021-03-01' })
    expect(later.certificates).toMatchObject({ total: 1, active: 0 })
  })

  it('computes the impact of a lab, an instrument and a report', async () => {
    const lab = await caller.impact.ofAccreditation({ labId: 'L1', asOf: '2020-06-01' })
    expect([lab.reports.total, lab.certificates.total, lab.products.total]).toEqual([1, 1, 1])
    const instrument = await caller.impact.ofCalibration({ instrumentId: 'TH-07', asOf: '2020-06-01' })
    expect(instrument.reports.items.map((r) => r.key)).toEqual(['R-1'])
    const report = await caller.impact.ofReport({ reportNo: 'R-1', asOf: '2020-06-01' })
    expect(report.certificates.items.map((c) => c.key)).toEqual(['CERT-1'])
  })

  it('computes what-if impacts without writing anything', async () => {
    const before = await platform.store.headPosition()
    const late = await caller.whatIf.suspendLab({ labId: 'L1', from: '2019-10-11', asOf: '2020-06-01' })
    expect(late.impact.reports.total).toBe(0)
    const early = await caller.whatIf.suspendLab({ labId: 'L1', from: '2019-10-01', asOf: '2020-06-01' })
    expect(early.impact.reports.total).toBe(1)
    expect(early.impact.certificates.total).toBe(1)
    const supersede = await caller.whatIf.supersedeStandard({
      code: 'GB/T 1000',
      version: '2015',
      transitionEndsOn: '2021-10-01',
      asOf: '2020-06-01',
    })
    expect(supersede.mustRecertify.map((c) => c.key)).toEqual(['CERT-1'])
    expect(await platform.store.headPosition()).toBe(before)
  })

  it('lets a renewal call off the end of the previous term, except for audits before it was recorded', async () => {
    const renewed = await caller.node({ id: 'accreditation:CNAS L0001', asOf: '2025-03-01' })
    expect(renewed.node.status?.status).toBe('active')
    const beforeRenewal = await caller.node({
      id: 'accreditation:CNAS L0001',
      asOf: '2025-03-01',
      atPosition: positionBeforeRevocation,
    })
    expect(beforeRenewal.node.status?.status).toBe('expired')
  })

  it('answers NOT_FOUND for an unknown product', async () => {
    await expect(caller.ofProduct({ productId: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('refuses anonymous callers', async () => {
    const anonymous = createCaller(platform.context(null))
    await expect(anonymous.ofProduct({ productId: 'P1' })).rejects.toBeInstanceOf(TRPCError)
  })

  it('measures the seed targets', async () => {
    const kpi = await caller.kpi({ asOf: '2020-06-01', minPosition: head })
    const value = (id: string) => kpi.kpis.find((k) => k.id === id)!
    // GB/T 1000-2015 (superseded, in its transition period); GB/T 1000-2020 is published but only
    // in force from 2020-10-01.
    expect(value('standards.national')).toMatchObject({ value: 1, target: { min: 1500 }, met: false })
    const inForce = await caller.kpi({ asOf: '2020-10-01' })
    expect(inForce.kpis.find((k) => k.id === 'standards.national')!.value).toBe(2)
    expect(value('standards.local').value).toBe(1)
    expect(value('testing.provincialCentres').value).toBe(1)
    expect(value('standards.provincialTcs').value).toBe(1)
    expect(value('brands.hubei').value).toBe(1)
    expect(value('zones.national')).toMatchObject({ value: 1, target: { min: 5, max: 6 } })
    expect(kpi.adoptionByDegree).toEqual({ MOD: 1 })
    expect(kpi.sameLineSameStandard.find((s) => s.industry === 'equipment')).toMatchObject({
      exportedProducts: 1,
      sameLineSameStandard: 1,
      ratePercent: 100,
    })
    // After the 2015 version's transition ended it no longer counts as in force.
    const later = await caller.kpi({ asOf: '2022-01-01' })
    expect(later.kpis.find((k) => k.id === 'standards.national')!.value).toBe(1)
    // Progress by year: each target's value at each year end, the last year on the date asked for.
    const progress = Object.fromEntries(later.progressByYear.map((p) => [p.year, p.values]))
    expect(later.progressByYear.map((p) => p.year)).toEqual([
      '2015',
      '2016',
      '2017',
      '2018',
      '2019',
      '2020',
      '2021',
      '2022',
    ])
    expect(progress['2020']?.['standards.national']).toBe(2)
    expect(progress['2022']?.['standards.national']).toBe(1)
    expect(progress['2022']?.['standards.groupEnterprise']).toBeUndefined() // no target, no progress
    // Reports and certificates issued per year, as the events say (business dates up to the date).
    const perYear = async (type: string, field: string) => {
      const counts: Record<string, number> = {}
      for (const e of await platform.store.readAll({ filter: { kind: 'eventType', prefixes: [type] } })) {
        const day = (e.data as Record<string, string>)[field]!
        if (e.type === type && day <= '2022-01-01')
          counts[day.slice(0, 4)] = (counts[day.slice(0, 4)] ?? 0) + 1
      }
      return counts
    }
    const reports = await perYear('TestReportIssued', 'issuedOn')
    const certificates = await perYear('CertificateIssued', 'issuedOn')
    expect(Object.keys(reports).length).toBeGreaterThan(0)
    for (const row of later.issuedByYear) {
      expect(row.reports, row.year).toBe(reports[row.year] ?? 0)
      expect(row.certificates, row.year).toBe(certificates[row.year] ?? 0)
    }
    expect(later.issuedByYear.map((r) => r.year).sort()).toEqual(
      [...new Set([...Object.keys(reports), ...Object.keys(certificates)])].sort(),
    )
  })
})
