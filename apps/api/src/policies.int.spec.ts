import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expireAfterTransition } from '@qi/certification'
import type { RecordedEvent } from '@qi/eventstore'
import { createCallerFactory } from '@qi/trpc'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AccessRegistry } from './access'
import { demoKettleReport } from './demo/kettle-report'
import { type DemoResult, loadDemo } from './demo/load-demo'
import { Platform } from './platform'
import { appRouter } from './root'

const createCaller = createCallerFactory(appRouter)

async function eventsOfType(platform: Platform, type: string): Promise<RecordedEvent[]> {
  return platform.store.readAll({ filter: { kind: 'eventType', prefixes: [type] } })
}

describe('policies (process managers) on the demo history', () => {
  let dir: string
  let platform: Platform
  let access: AccessRegistry
  let demo: DemoResult
  // Before the demo's accreditations come up for renewal (a renewal starts a new term the
  // accreditation service then checks suspensions against).
  let today = '2026-06-01'
  const options = () => ({ dataDir: dir, now: () => new Date(`${today}T08:00:00Z`), timers: false })
  const as = (role: string, org?: string) => {
    const key = demo.keys.find((k) => k.role === role && (!org || k.orgId === org))!
    return createCaller({
      actor: access.resolve(key.apiKey),
      invalidApiKey: false,
      requestId: 't',
      deps: platform,
    })
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qi-policies-'))
    platform = await Platform.start(options())
    access = AccessRegistry.open(dir)
    demo = await loadDemo(platform, access, { today })
    await platform.settle()
  }, 300_000)
  afterAll(async () => {
    access.close()
    await platform.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('suspends the certificate whose only basis report was revoked, naming the report, caused by the revocation', async () => {
    const cert = await as('certification_body', 'CQC-WH').certification.get({
      certificateNo: 'CCC-2024-0107044',
    })
    expect(cert.status).toBe('suspended')
    expect(cert.history.at(-1)).toMatchObject({
      status: 'suspended',
      validFrom: '2025-05-20',
      cause: { kind: 'report_revoked', ref: 'WHQT-2024-0009' },
      reason: expect.stringContaining('basis report WHQT-2024-0009 revoked'),
    })
    const [revoked] = await eventsOfType(platform, 'TestReportRevoked')
    const [suspended] = (await eventsOfType(platform, 'CertificateSuspended')).filter(
      (e) => e.streamName === 'certificate-CCC-2024-0107044',
    )
    expect(suspended!.metadata).toMatchObject({
      causationId: revoked!.id,
      actor: 'policy:certification.report-revoked',
    })
    // The lineage explorer can show the chain of cause.
    const node = await as('standards_institute').lineage.node({ id: 'certificate:CCC-2024-0107044' })
    const suspension = node.history.find((h) => h.status === 'suspended')!
    expect(suspension.causeChain[0]).toMatchObject({
      type: 'TestReportRevoked',
      nodeId: 'report:WHQT-2024-0009',
    })
  })

  it('puts the recalled product’s certificate under review', async () => {
    const cert = await as('regulator').certification.get({ certificateNo: 'HBCC-P-2023-0311' })
    expect(cert.status).toBe('under_review')
    expect(cert.history.at(-1)).toMatchObject({ cause: { kind: 'recall', ref: 'RC-2025-017' } })
  })

  it('flags reports issued after a lab’s suspension and reviews the certificates resting on them', async () => {
    const { position } = await as('regulator').accreditation.suspend({
      labId: 'HBQI',
      accreditationNo: 'CNAS L0586',
      reason: '监督评审发现人员能力不符合',
      from: '2024-04-10',
    })
    await platform.settle()
    const steel = await as('regulator').testing.getReport({ reportNo: 'HBQI-2024-0201' })
    expect(steel.flags).toEqual([expect.objectContaining({ on: '2024-04-10', labId: 'HBQI' })])
    const older = await as('regulator').testing.getReport({ reportNo: 'HBQI-2023-0101' })
    expect(older.flags).toEqual([])
    const cert = await as('regulator').certification.get({
      certificateNo: 'HBCC-P-2024-0420',
      minPosition: position ?? undefined,
    })
    expect(cert.status).toBe('under_review')
    expect(cert.history.at(-1)).toMatchObject({ cause: { kind: 'accreditation_changed', ref: 'HBQI' } })
  })

  it('gives certificates on a superseded version a deadline, and expires those not re-certified after it', async () => {
    const institute = as('standards_institute')
    await institute.standards.draft({
      code: 'GB 4706.1',
      version: '2024',
      titleZh: '家用和类似用途电器的安全 第1部分：通用要求',
      ics: ['13.120'],
      ledByProvince: false,
      replaces: { code: 'GB 4706.1', version: '2005' },
    })
    await institute.standards.publish({
      code: 'GB 4706.1',
      version: '2024',
      publishedOn: '2024-03-15',
      effectiveFrom: '2025-06-01',
    })
    await institute.standards.supersede({
      code: 'GB 4706.1',
      version: '2005',
      replacedBy: { code: 'GB 4706.1', version: '2024' },
      supersededOn: '2024-03-15',
      transitionEndsOn: '2027-06-01',
    })
    await platform.settle()
    const cb = as('certification_body', 'CQC-WH')
    const kettle = await cb.certification.get({ certificateNo: 'CCC-2023-0107001' })
    expect(kettle.transitionDeadlines).toEqual([
      { standard: 'GB 4706.1-2005', replacedBy: 'GB 4706.1-2024', deadline: '2027-06-01' },
    ])
    // The kettle is re-certified to the new version; the (suspended) cooker certificate is not.
    await cb.certification.changeScope({
      certificateNo: 'CCC-2023-0107001',
      on: '2026-01-10',
      reason: '换版认证',
      standards: [{ code: 'GB 4706.1', version: '2024' }],
    })
    await platform.settle()
    expect(await expireAfterTransition(platform)).toBe(0) // before the deadline nothing expires
    today = '2027-06-02'
    expect(await expireAfterTransition(platform)).toBe(1)
    expect(await expireAfterTransition(platform)).toBe(0) // idempotent
    await platform.settle()
    const cooker = await cb.certification.get({ certificateNo: 'CCC-2024-0107044' })
    expect(cooker.status).toBe('expired')
    expect(cooker.history.at(-1)).toMatchObject({
      validFrom: '2027-06-01',
      cause: { kind: 'standard_superseded', ref: 'GB 4706.1-2005' },
    })
    expect((await cb.certification.get({ certificateNo: 'CCC-2023-0107001' })).status).toBe('valid')
    today = '2026-06-01'
  })

  it('lifts the transition deadline when the replacement link is retracted, and nothing expires at the old deadline', async () => {
    const institute = as('standards_institute')
    const newer = { code: 'GB 18401', version: '2025' }
    await institute.standards.draft({
      ...newer,
      titleZh: '国家纺织产品基本安全技术规范',
      ics: ['59.080.01'],
      ledByProvince: false,
    })
    await institute.standards.publish({ ...newer, publishedOn: '2025-03-01', effectiveFrom: '2025-09-01' })
    const link = { code: 'GB 18401', version: '2010', replacedBy: newer }
    await institute.standards.supersede({
      ...link,
      supersededOn: '2025-03-01',
      transitionEndsOn: '2027-03-01',
    })
    await platform.settle()
    const cb = as('certification_body', 'HBCC')
    const certificateNo = 'HBCC-P-2024-0533'
    const { status } = await cb.certification.get({ certificateNo })
    expect((await cb.certification.get({ certificateNo })).transitionDeadlines).toEqual([
      { standard: 'GB 18401-2010', replacedBy: 'GB 18401-2025', deadline: '2027-03-01' },
    ])
    await institute.standards.retractReplacement({ ...link, reason: '误录的代替关系' })
    await platform.settle()
    expect((await cb.certification.get({ certificateNo })).transitionDeadlines).toEqual([])
    expect(await eventsOfType(platform, 'CertificateTransitionDeadlineLifted')).toHaveLength(1)
    today = '2027-03-02'
    try {
      expect(await expireAfterTransition(platform)).toBe(0)
    } finally {
      today = '2026-06-01'
    }
    // Still in the state the demo left it in (a live one): not expired at the retracted deadline.
    expect((await cb.certification.get({ certificateNo })).status).toBe(status)
    expect(status).not.toBe('expired')
  })

  it('issues no duplicate follow-up after a crash that lost the policies’ checkpoints', async () => {
    const follow = [
      'CertificateSuspended',
      'CertificateReviewOpened',
      'CertificateTransitionDeadlineSet',
      'TestReportFlagged',
    ]
    const count = async () =>
      Object.fromEntries(
        await Promise.all(follow.map(async (t) => [t, (await eventsOfType(platform, t)).length])),
      )
    const before = await count()
    const head = await platform.store.headPosition()
    await platform.close()
    // As if the process died after issuing commands but before saving where it was: replay from 0.
    rmSync(join(dir, 'policies'), { recursive: true, force: true })
    platform = await Platform.start(options())
    await platform.settle()
    expect(await count()).toEqual(before)
    expect(await platform.store.headPosition()).toBe(head)
    expect(platform.policies().every((p) => p.status().handled > 0 || p.status().lastError === null)).toBe(
      true,
    )
  })

  it('handles a burst of revocations together: each certificate suspended once, one resting on two of the reports too', async () => {
    const lab = as('lab', 'HBQI')
    const body = as('certification_body', 'CQC-WH')
    const maker = { enterpriseId: '91420100MA4K0MJ003', name: '武汉美家电器有限公司' }
    const reports = ['BURST-1', 'BURST-2', 'BURST-3', 'BURST-4']
    for (const reportNo of reports) await lab.testing.issueReport(demoKettleReport(reportNo))
    const certificates = {
      'BURST-C1': ['BURST-1'],
      'BURST-C2': ['BURST-2'],
      'BURST-C34': ['BURST-3', 'BURST-4'],
    }
    for (const [certificateNo, basisReports] of Object.entries(certificates))
      await body.certification.issueCertificate({
        certificateNo,
        bodyId: 'CQC-WH',
        accreditationNo: 'CNAS C001-M',
        holder: maker,
        manufacturer: maker,
        factory: { productionLineId: 'MJ-A1', address: '湖北省' },
        product: { productId: 'MJ-17', name: '电热水壶', models: ['MJ-17'] },
        scheme: 'voluntary_product',
        standards: [{ code: 'GB 4706.1', version: '2005' }],
        basisReports,
        issuedOn: '2023-04-01',
        expiresOn: '2028-03-31',
      })
    // The policy is stopped while the four revocations are recorded, so that it finds them together.
    const policy = platform.policies().find((p) => p.policy.name === 'certification.report-revoked')!
    await policy.stop()
    for (const reportNo of reports)
      await lab.testing.revokeReport({ reportNo, revokedOn: '2025-05-20', reason: 'burst' })
    const handled = policy.status().handled
    policy.start()
    await platform.settle()
    expect(policy.status()).toMatchObject({ state: 'running', handled: handled + 4 })
    for (const certificateNo of Object.keys(certificates)) {
      const stream = await platform.store.readStream(`certificate-${certificateNo}`)
      // BURST-C34: suspended at BURST-3 (BURST-4 revoked too, no valid basis left); the reaction to
      // BURST-4 then finds it suspended and adds nothing.
      expect(stream.map((e) => e.type)).toEqual(['CertificateIssued', 'CertificateSuspended'])
      expect((await body.certification.get({ certificateNo })).status).toBe('suspended')
    }
    const [c34] = (await platform.store.readStream('certificate-BURST-C34')).slice(1)
    expect(c34!.data).toMatchObject({ cause: { kind: 'report_revoked', ref: 'BURST-3' } })
  })

  it('reads its own writes across the policy: certification.get with afterPolicies waits for the suspension', async () => {
    const policy = platform.policies().find((p) => p.policy.name === 'certification.report-revoked')!
    await policy.stop()
    const { position } = await as('lab', 'HBQI').testing.revokeReport({
      reportNo: 'HBQI-2023-0101',
      revokedOn: '2026-05-01',
      reason: 'read your writes',
    })
    const certificateNo = 'HBCC-P-2023-0311'
    const body = as('regulator')
    let answered = false
    const read = body.certification
      .get({ certificateNo, minPosition: position!, afterPolicies: true })
      .finally(() => {
        answered = true
      })
    // With the policy stopped the read waits (the read model itself is at the revocation already).
    await platform.runner('certification.certificates').waitFor(position)
    for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve))
    expect(answered).toBe(false)
    policy.start()
    const certificate = await read
    expect(certificate.history.at(-1)).toMatchObject({
      cause: { kind: 'report_revoked', ref: 'HBQI-2023-0101' },
    })
  })
})
