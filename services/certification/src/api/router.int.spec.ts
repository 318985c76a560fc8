import { accreditation, type certification, standards, testing } from '@qi/contracts'
import { RuleViolationError } from '@qi/decider'
import { type Actor, createCallerFactory } from '@qi/trpc'
import { TRPCError } from '@trpc/server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { certificationService } from '../index'
import { actors, startTestPlatform } from './test-platform'

type Platform = Awaited<ReturnType<typeof startTestPlatform>>
let platform: Platform
const createCaller = createCallerFactory(certificationService.router)
const caller = (actor: Actor | null) => createCaller(platform.context(actor))

function reportData(reportNo: string, conformity: 'conforms' | 'does_not_conform' = 'conforms') {
  return {
    reportNo,
    labId: 'LAB-A',
    accreditationNo: 'CNAS L0001',
    customer: { name: 'Wuhan Cold Co.', enterpriseId: 'ENT-1' },
    sample: { productId: 'P-1', productName: 'Household refrigerator', model: 'BCD-200' },
    testedFrom: '2024-05-02',
    testedTo: '2024-05-06',
    results: [
      {
        method: { standardCode: 'GB 4706', standardVersion: '2019', clause: '8' },
        parameter: 'leakage',
        value: '0.2',
        unit: 'mA',
        verdict: 'pass' as const,
      },
    ],
    decisionRule: 'simple_acceptance' as const,
    conformity,
    instrumentIds: ['TH-07'],
    signatory: 'Li Wei',
    issuedOn: '2024-05-10',
  }
}

async function seedWorld(p: Platform) {
  await p.seed(
    standards.StandardPublished,
    standards.standardStream({ code: 'GB 4706', version: '2019' }),
    { code: 'GB 4706', version: '2019', publishedOn: '2019-05-01', effectiveFrom: '2020-01-01' },
    '2019-05-01',
  )
  await p.seed(
    accreditation.LabRegistered,
    accreditation.labStream('CB-A'),
    {
      labId: 'CB-A',
      name: 'Hubei Certification Centre',
      kind: 'certification_body',
      region: 'Wuhan',
      centreLevel: 'provincial',
    },
    '2021-01-01',
  )
  await p.seed(
    accreditation.LabAccredited,
    accreditation.labStream('CB-A'),
    {
      labId: 'CB-A',
      accreditationNo: 'CNAS C001',
      accreditingBody: 'CNAS',
      baseStandard: 'ISO/IEC 17065',
      validFrom: '2022-01-01',
      validUntil: '2026-12-31',
      scope: [],
      schemes: ['voluntary_product'],
    },
    '2022-01-01',
  )
  await p.seed(
    accreditation.AccreditationScopeExtended,
    accreditation.labStream('CB-A'),
    { labId: 'CB-A', accreditationNo: 'CNAS C001', lines: [], schemes: ['CCC'], on: '2023-01-01' },
    '2023-01-01',
  )
  await p.seed(testing.TestReportIssued, testing.reportStream('R-1'), reportData('R-1'), '2024-05-06')
  await p.seed(testing.TestReportIssued, testing.reportStream('R-2'), reportData('R-2'), '2024-05-06')
}

type IssueInput = z.input<typeof certification.IssueCertificate>

const certificate: IssueInput = {
  certificateNo: 'CQC-2024-0001',
  bodyId: 'CB-A',
  accreditationNo: 'CNAS C001',
  holder: { enterpriseId: 'ENT-1', name: 'Wuhan Cold Co.' },
  manufacturer: { enterpriseId: 'ENT-1', name: 'Wuhan Cold Co.' },
  factory: { productionLineId: 'LINE-1' },
  product: { productId: 'P-1', name: 'Household refrigerator', models: ['BCD-200'] },
  scheme: 'CCC',
  standards: [{ code: 'GB 4706', version: '2019' }],
  basisReports: ['R-1'],
  issuedOn: '2024-06-01',
  expiresOn: '2029-05-31',
  commandId: 'cmd-cert-0001',
}

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(TRPCError)
  return error as TRPCError
}

beforeEach(async () => {
  platform = await startTestPlatform({ projections: certificationService.projections, today: '2024-09-01' })
  await seedWorld(platform)
})
afterEach(async () => platform.close())

describe('issuing a certificate', () => {
  it('records a certificate that list, get and public verification show', async () => {
    const result = await caller(actors.bodyA).issueCertificate(certificate)
    expect(result).toMatchObject({
      streamName: 'certificate-CQC-2024-0001',
      events: ['CertificateIssued'],
      duplicate: false,
    })
    const minPosition = result.position ?? undefined

    const listed = await caller(actors.regulator).list({ holderId: 'ENT-1', minPosition })
    expect(listed.items).toMatchObject([{ certificateNo: 'CQC-2024-0001', status: 'valid', scheme: 'CCC' }])
    expect((await caller(actors.regulator).list({ search: 'refrigerator' })).total).toBe(1)
    expect((await caller(actors.regulator).list({ status: 'suspended' })).total).toBe(0)

    const verified = await caller(null).verify({ certificateNo: 'CQC-2024-0001' })
    expect(verified).toEqual({
      certificateNo: 'CQC-2024-0001',
      on: '2024-09-01',
      status: 'valid',
      statusSince: '2024-06-01',
      reason: null,
      holder: 'Wuhan Cold Co.',
      manufacturer: 'Wuhan Cold Co.',
      product: { name: 'Household refrigerator', models: ['BCD-200'] },
      scheme: 'CCC',
      standards: [{ code: 'GB 4706', version: '2019' }],
      basisReports: ['R-1'],
      issuingBody: { bodyId: 'CB-A', name: 'Hubei Certification Centre', accreditationNo: 'CNAS C001' },
      validity: { issuedOn: '2024-06-01', expiresOn: '2029-05-31' },
    })
    expect((await caller(null).verify({ certificateNo: 'CQC-2024-0001', on: '2024-05-31' })).status).toBe(
      'not_issued',
    )
    expect(await caller(null).verify({ certificateNo: 'CQC-2024-0001', on: '2029-06-01' })).toMatchObject({
      status: 'expired',
      statusSince: '2029-05-31',
    })
    expect((await caller(actors.bodyA).issueCertificate(certificate)).duplicate).toBe(true)
  })

  it.each<[string, () => Promise<unknown>, Partial<IssueInput>, RegExp, string]>([
    [
      'basis-report-valid',
      () =>
        platform.seed(
          testing.TestReportRevoked,
          testing.reportStream('R-1'),
          { reportNo: 'R-1', revokedOn: '2024-05-20', reason: 'falsified data' },
          '2024-05-20',
        ),
      {},
      /test report R-1 was revoked on 2024-05-20 \(falsified data\)/,
      'basisReports.0',
    ],
    [
      'basis-report-valid',
      () =>
        platform.seed(
          testing.TestReportAmended,
          testing.reportStream('R-1A'),
          { ...reportData('R-1A'), previousReportNo: 'R-1', reason: 'typo' },
          '2024-05-06',
        ),
      {},
      /test report R-1 was replaced by amended report R-1A; use R-1A instead/,
      'basisReports.0',
    ],
    [
      'basis-report-valid',
      () =>
        platform.seed(
          testing.TestReportIssued,
          testing.reportStream('R-3'),
          reportData('R-3', 'does_not_conform'),
          '2024-05-06',
        ),
      { basisReports: ['R-1', 'R-3'] },
      /test report R-3 states 'does_not_conform'/,
      'basisReports.1',
    ],
    [
      'body-accredited',
      () =>
        platform.seed(
          accreditation.AccreditationSuspended,
          accreditation.labStream('CB-A'),
          { labId: 'CB-A', accreditationNo: 'CNAS C001', reason: 'impartiality breach', from: '2024-05-15' },
          '2024-05-15',
        ),
      {},
      /accreditation CNAS C001 was suspended from 2024-05-15 \(impartiality breach\)/,
      'accreditationNo',
    ],
    [
      'body-accredited',
      async () => undefined,
      { scheme: 'management_system' },
      /covers CCC, voluntary_product, not the scheme management_system/,
      'scheme',
    ],
    [
      'standard-effective',
      async () => undefined,
      { standards: [{ code: 'GB 4706', version: '2022' }] },
      /GB 4706-2022 is not in the standards catalogue/,
      'standards.0',
    ],
  ])('refuses a certificate breaking %s', async (rule, arrange, change, message, field) => {
    await arrange()
    const error = await refusal(caller(actors.bodyA).issueCertificate({ ...certificate, ...change }))
    expect(error.code).toBe('PRECONDITION_FAILED')
    expect(error.message).toMatch(message)
    expect(error.cause).toBeInstanceOf(RuleViolationError)
    expect(error.cause).toMatchObject({ rule, field })
  })

  it('refuses wrong bodies, roles and input', async () => {
    expect((await refusal(caller(actors.bodyB).issueCertificate(certificate))).code).toBe('FORBIDDEN')
    expect((await refusal(caller(actors.labA).issueCertificate(certificate))).code).toBe('FORBIDDEN')
    expect(
      (await refusal(caller(actors.bodyA).issueCertificate({ ...certificate, expiresOn: '2024-01-01' })))
        .code,
    ).toBe('BAD_REQUEST')
    expect(
      (await refusal(caller(actors.bodyA).issueCertificate({ ...certificate, basisReports: [] }))).code,
    ).toBe('BAD_REQUEST')
  })
})

describe('status history', () => {
  it('keeps every status change with its dates, reason and cause, answerable as of a date', async () => {
    const body = caller(actors.bodyA)
    await body.issueCertificate(certificate)
    await body.suspendCertificate({
      certificateNo: 'CQC-2024-0001',
      from: '2024-07-01',
      reason: 'factory audit failed',
    })
    await body.restoreCertificate({
      certificateNo: 'CQC-2024-0001',
      on: '2024-08-01',
      reason: 'corrective actions verified',
    })
    const last = await caller(actors.regulator).withdrawCertificate({
      certificateNo: 'CQC-2024-0001',
      on: '2024-08-20',
      reason: 'fraudulent labelling',
    })
    const minPosition = last.position ?? undefined

    const got = await caller(actors.regulator).get({ certificateNo: 'CQC-2024-0001', minPosition })
    expect(got.status).toBe('withdrawn')
    expect(got.history).toEqual([
      { status: 'valid', validFrom: '2024-06-01', validTo: '2024-07-01', reason: null, cause: null },
      {
        status: 'suspended',
        validFrom: '2024-07-01',
        validTo: '2024-08-01',
        reason: 'factory audit failed',
        cause: { kind: 'manual', ref: null },
      },
      {
        status: 'valid',
        validFrom: '2024-08-01',
        validTo: '2024-08-20',
        reason: 'corrective actions verified',
        cause: { kind: 'manual', ref: null },
      },
      {
        status: 'withdrawn',
        validFrom: '2024-08-20',
        validTo: null,
        reason: 'fraudulent labelling',
        cause: { kind: 'manual', ref: null },
      },
    ])
    const statusOn = async (on: string) =>
      (await caller(null).verify({ certificateNo: 'CQC-2024-0001', on })).status
    expect(await statusOn('2024-06-15')).toBe('valid')
    expect(await statusOn('2024-07-15')).toBe('suspended')
    expect(await statusOn('2024-08-10')).toBe('valid')
    expect(await caller(null).verify({ certificateNo: 'CQC-2024-0001', on: '2024-08-25' })).toMatchObject({
      status: 'withdrawn',
      statusSince: '2024-08-20',
      reason: 'fraudulent labelling',
    })

    const again = await refusal(
      body.restoreCertificate({ certificateNo: 'CQC-2024-0001', on: '2024-09-01', reason: 'x' }),
    )
    expect(again.code).toBe('PRECONDITION_FAILED')
    expect(again.message).toMatch(
      /is withdrawn; only a suspended or under-review certificate can be restored/,
    )
  })

  it('changes the scope with valid reports and records it', async () => {
    const body = caller(actors.bodyA)
    await body.issueCertificate(certificate)
    const changed = await body.changeScope({
      certificateNo: 'CQC-2024-0001',
      on: '2024-07-01',
      reason: 'new model',
      models: ['BCD-200', 'BCD-210'],
      basisReports: ['R-1', 'R-2'],
    })
    const got = await body.get({ certificateNo: 'CQC-2024-0001', minPosition: changed.position ?? undefined })
    expect(got.certificate.product.models).toEqual(['BCD-200', 'BCD-210'])
    expect(got.scopeChanges).toEqual([
      {
        on: '2024-07-01',
        reason: 'new model',
        changes: { models: ['BCD-200', 'BCD-210'], basisReports: ['R-1', 'R-2'] },
      },
    ])
    const refused = await refusal(
      body.changeScope({
        certificateNo: 'CQC-2024-0001',
        on: '2024-07-02',
        reason: 'x',
        basisReports: ['R-404'],
      }),
    )
    expect(refused.message).toMatch(/test report R-404 is not on record/)
  })

  it("refuses another body's certificate, unknown numbers and roles without the right", async () => {
    await caller(actors.bodyA).issueCertificate(certificate)
    const other = await refusal(
      caller(actors.bodyB).suspendCertificate({
        certificateNo: 'CQC-2024-0001',
        from: '2024-07-01',
        reason: 'x',
      }),
    )
    expect(other.code).toBe('FORBIDDEN')
    expect(
      (
        await refusal(
          caller(actors.enterprise).withdrawCertificate({
            certificateNo: 'CQC-2024-0001',
            on: '2024-07-01',
            reason: 'x',
          }),
        )
      ).code,
    ).toBe('FORBIDDEN')
    expect(
      (
        await refusal(
          caller(actors.bodyA).suspendCertificate({
            certificateNo: 'CQC-404',
            from: '2024-07-01',
            reason: 'x',
          }),
        )
      ).code,
    ).toBe('NOT_FOUND')
    expect((await refusal(caller(actors.bodyA).get({ certificateNo: 'CQC-404' }))).code).toBe('NOT_FOUND')
    expect((await refusal(caller(null).verify({ certificateNo: 'CQC-404' }))).code).toBe('NOT_FOUND')
    const early = await refusal(
      caller(actors.bodyA).expireCertificate({ certificateNo: 'CQC-2024-0001', on: '2025-01-01' }),
    )
    expect(early.message).toMatch(/runs until 2029-05-31; withdraw it to end it earlier/)
  })
})
