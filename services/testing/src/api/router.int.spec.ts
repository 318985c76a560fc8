import { accreditation, metrology, standards, type testing } from '@qi/contracts'
import { RuleViolationError } from '@qi/decider'
import { type Actor, createCallerFactory } from '@qi/trpc'
import { TRPCError } from '@trpc/server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { testingService } from '../index'
import { actors, startTestPlatform } from './test-platform'

type Platform = Awaited<ReturnType<typeof startTestPlatform>>
let platform: Platform
const createCaller = createCallerFactory(testingService.router)
const caller = (actor: Actor | null) => createCaller(platform.context(actor))

async function seedWorld(p: Platform) {
  const std = (code: string, version: string) => standards.standardStream({ code, version })
  const draft = (code: string, version: string) => ({
    code,
    version,
    kind: 'national_recommended' as const,
    mandatory: false,
    titleZh: `${code} 标准`,
    ics: ['97.040.30'],
    ledByProvince: false,
  })
  await p.seed(standards.StandardDrafted, std('GB/T 1234', '2010'), draft('GB/T 1234', '2010'), '2009-06-01')
  await p.seed(
    standards.StandardPublished,
    std('GB/T 1234', '2010'),
    { code: 'GB/T 1234', version: '2010', publishedOn: '2010-01-01', effectiveFrom: '2010-06-01' },
    '2010-01-01',
  )
  await p.seed(standards.StandardDrafted, std('GB/T 1234', '2020'), draft('GB/T 1234', '2020'), '2019-06-01')
  await p.seed(
    standards.StandardPublished,
    std('GB/T 1234', '2020'),
    { code: 'GB/T 1234', version: '2020', publishedOn: '2020-03-01', effectiveFrom: '2020-10-01' },
    '2020-03-01',
  )
  await p.seed(
    standards.StandardSuperseded,
    std('GB/T 1234', '2010'),
    {
      code: 'GB/T 1234',
      version: '2010',
      replacedBy: { code: 'GB/T 1234', version: '2020' },
      supersededOn: '2020-10-01',
      transitionEndsOn: '2021-10-01',
    },
    '2020-10-01',
  )
  await p.seed(
    standards.StandardPublished,
    std('GB 4706', '2019'),
    { code: 'GB 4706', version: '2019', publishedOn: '2019-05-01', effectiveFrom: '2020-01-01' },
    '2019-05-01',
  )
  await p.seed(
    accreditation.LabRegistered,
    accreditation.labStream('LAB-A'),
    {
      labId: 'LAB-A',
      name: 'Hubei Appliance Test Centre',
      kind: 'testing_lab',
      region: 'Wuhan',
      centreLevel: 'provincial',
    },
    '2021-01-01',
  )
  await p.seed(
    accreditation.LabAccredited,
    accreditation.labStream('LAB-A'),
    {
      labId: 'LAB-A',
      accreditationNo: 'CNAS L0001',
      accreditingBody: 'CNAS',
      baseStandard: 'ISO/IEC 17025',
      validFrom: '2022-01-01',
      validUntil: '2026-12-31',
      scope: [
        {
          lineId: 'L1',
          object: '家用电冰箱',
          parameter: 'energy',
          method: { standardCode: 'GB/T 1234', standardVersion: '2020', clause: '5.1' },
        },
        {
          lineId: 'L2',
          object: '家用电冰箱',
          parameter: 'leakage',
          method: { standardCode: 'GB 4706', standardVersion: '2019', clause: '8' },
        },
        {
          lineId: 'L3',
          object: '家用电冰箱',
          parameter: 'energy',
          method: { standardCode: 'GB/T 1234', standardVersion: '2010', clause: '5.1' },
        },
      ],
    },
    '2022-01-01',
  )
  await p.seed(
    accreditation.AccreditationSuspended,
    accreditation.labStream('LAB-A'),
    { labId: 'LAB-A', accreditationNo: 'CNAS L0001', reason: 'surveillance findings', from: '2024-07-01' },
    '2024-07-01',
  )
  await p.seed(
    accreditation.AccreditationRestored,
    accreditation.labStream('LAB-A'),
    { labId: 'LAB-A', accreditationNo: 'CNAS L0001', reason: 'corrective actions closed', on: '2024-08-01' },
    '2024-08-01',
  )
  for (const instrumentId of ['TH-07', 'PM-02']) {
    await p.seed(
      metrology.InstrumentRegistered,
      metrology.instrumentStream(instrumentId),
      { instrumentId, ownerLabId: 'LAB-A', name: instrumentId, quantity: 'temperature', level: 'working' },
      '2021-01-01',
    )
  }
  await p.seed(
    metrology.InstrumentCalibrated,
    metrology.instrumentStream('TH-07'),
    {
      instrumentId: 'TH-07',
      certificateNo: 'CAL-1',
      calibratingLabId: 'HBMI',
      calibratedOn: '2024-01-10',
      dueOn: '2025-01-09',
      uncertainty: '0.1 K',
      passed: true,
    },
    '2024-01-10',
  )
  await p.seed(
    metrology.InstrumentCalibrated,
    metrology.instrumentStream('PM-02'),
    {
      instrumentId: 'PM-02',
      certificateNo: 'CAL-2',
      calibratingLabId: 'HBMI',
      calibratedOn: '2023-03-01',
      dueOn: '2024-03-01',
      uncertainty: '0.5 %',
      passed: true,
    },
    '2023-03-01',
  )
}

type IssueInput = z.input<typeof testing.IssueTestReport>

const report: IssueInput = {
  reportNo: 'R-2024-001',
  labId: 'LAB-A',
  accreditationNo: 'CNAS L0001',
  customer: { name: 'Wuhan Cold Co.', enterpriseId: 'ENT-1' },
  sample: { productId: 'P-1', productName: 'Household refrigerator', model: 'BCD-200', batch: 'B7' },
  testedFrom: '2024-05-02',
  testedTo: '2024-05-06',
  results: [
    {
      method: { standardCode: 'GB/T 1234', standardVersion: '2020', clause: '5.1' },
      parameter: 'energy',
      value: '0.52',
      unit: 'kWh/24h',
      verdict: 'pass',
    },
    {
      method: { standardCode: 'GB 4706', standardVersion: '2019', clause: '8' },
      parameter: 'leakage',
      value: '0.2',
      unit: 'mA',
      verdict: 'pass',
    },
  ],
  decisionRule: 'simple_acceptance',
  conformity: 'conforms',
  instrumentIds: ['TH-07'],
  signatory: 'Li Wei',
  issuedOn: '2024-05-10',
  commandId: 'cmd-issue-0001',
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
  platform = await startTestPlatform({ projections: testingService.projections, today: '2024-09-01' })
  await seedWorld(platform)
})
afterEach(async () => platform.close())

describe('issuing a report', () => {
  it('records a valid report that list, get and public verification show', async () => {
    const lab = caller(actors.labA)
    const result = await lab.issueReport(report)
    expect(result).toMatchObject({
      streamName: 'report-R-2024-001',
      duplicate: false,
      events: ['TestReportIssued'],
    })

    const [recorded] = await platform.store.readStream('report-R-2024-001')
    expect(recorded?.metadata).toMatchObject({
      occurredAt: '2024-05-06',
      org: 'LAB-A',
      commandId: 'cmd-issue-0001',
    })
    expect(recorded?.metadata.checkedAtPosition).toBeDefined()

    const listed = await lab.listReports({ labId: 'LAB-A', minPosition: result.position ?? undefined })
    expect(listed.total).toBe(1)
    expect(listed.items[0]).toMatchObject({
      reportNo: 'R-2024-001',
      status: 'valid',
      productName: 'Household refrigerator',
    })
    const searched = await lab.listReports({ search: 'BCD', minPosition: result.position ?? undefined })
    expect(searched.items.map((r) => r.reportNo)).toEqual(['R-2024-001'])

    const got = await caller(actors.regulator).getReport({ reportNo: 'R-2024-001' })
    expect(got.report.instrumentIds).toEqual(['TH-07'])
    expect(got.history).toEqual([
      { status: 'valid', validFrom: '2024-05-10', validTo: null, reason: null, replacedBy: null },
    ])

    const verified = await caller(null).verifyReport({ reportNo: 'R-2024-001' })
    expect(verified).toMatchObject({
      lab: { labId: 'LAB-A', name: 'Hubei Appliance Test Centre' },
      customerName: 'Wuhan Cold Co.',
      on: '2024-09-01',
      status: 'valid',
      standards: [
        { code: 'GB/T 1234', version: '2020' },
        { code: 'GB 4706', version: '2019' },
      ],
    })
    expect(JSON.stringify(verified)).not.toContain('ENT-1')
    expect((await caller(null).verifyReport({ reportNo: 'R-2024-001', on: '2024-05-01' })).status).toBe(
      'not_issued',
    )
  })

  it('treats a retried command as a no-op', async () => {
    const lab = caller(actors.labA)
    const first = await lab.issueReport(report)
    const retry = await lab.issueReport(report)
    expect(retry).toMatchObject({ duplicate: true, position: first.position })
  })

  it('sees a calibration recorded just before the report (read models caught up first)', async () => {
    await platform.seed(
      metrology.InstrumentCalibrated,
      metrology.instrumentStream('PM-02'),
      {
        instrumentId: 'PM-02',
        certificateNo: 'CAL-3',
        calibratingLabId: 'HBMI',
        calibratedOn: '2024-04-01',
        dueOn: '2025-03-31',
        uncertainty: '0.5 %',
        passed: true,
      },
      '2024-04-01',
    )
    const result = await caller(actors.labA).issueReport({ ...report, instrumentIds: ['TH-07', 'PM-02'] })
    expect(result.events).toEqual(['TestReportIssued'])
  })

  it.each<[string, Partial<IssueInput>, RegExp, string]>([
    [
      'instrument-calibrated',
      { instrumentIds: ['TH-07', 'PM-02'] },
      /instrument PM-02 calibration expired 2024-03-01/,
      'instrumentIds.1',
    ],
    [
      'method-in-scope',
      {
        results: [
          {
            ...report.results[1]!,
            method: { standardCode: 'GB 4706', standardVersion: '2022', clause: '8' },
          },
        ],
      },
      /GB 4706-2022 §8 is not in the scope of accreditation CNAS L0001 .* covers GB 4706-2019, not GB 4706-2022/,
      'results.0.method',
    ],
    [
      'standard-effective',
      {
        results: [
          {
            ...report.results[0]!,
            method: { standardCode: 'GB/T 1234', standardVersion: '2010', clause: '5.1' },
          },
        ],
      },
      /GB\/T 1234-2010 was superseded by GB\/T 1234-2020 on 2020-10-01 and its transition ended on 2021-10-01/,
      'results.0.method',
    ],
    [
      'accreditation-active',
      { testedFrom: '2024-07-10', testedTo: '2024-07-12', issuedOn: '2024-07-15' },
      /accreditation CNAS L0001 was suspended from 2024-07-01 until 2024-08-01 \(surveillance findings\)/,
      'accreditationNo',
    ],
  ])('refuses a report breaking %s, naming the item and field', async (rule, change, message, field) => {
    const error = await refusal(caller(actors.labA).issueReport({ ...report, ...change }))
    expect(error.code).toBe('PRECONDITION_FAILED')
    expect(error.message).toMatch(message)
    expect(error.cause).toBeInstanceOf(RuleViolationError)
    expect(error.cause).toMatchObject({ rule, field })
    expect(await caller(actors.labA).listReports({})).toMatchObject({ total: 0 })
  })

  it.each<[string, () => Promise<unknown>, RegExp]>([
    [
      'a scope line reduced before the tests',
      () =>
        platform.seed(
          accreditation.AccreditationScopeReduced,
          accreditation.labStream('LAB-A'),
          {
            labId: 'LAB-A',
            accreditationNo: 'CNAS L0001',
            lineIds: ['L2'],
            reason: 'no proficiency testing',
            on: '2024-04-01',
          },
          '2024-04-01',
        ),
      /method GB 4706-2019 §8 is not in the scope of accreditation CNAS L0001/,
    ],
    [
      'a withdrawn standard',
      () =>
        platform.seed(
          standards.StandardWithdrawn,
          standards.standardStream({ code: 'GB 4706', version: '2019' }),
          { code: 'GB 4706', version: '2019', withdrawnOn: '2024-05-01', reason: 'obsolete' },
          '2024-05-01',
        ),
      /standard GB 4706-2019 was withdrawn on 2024-05-01/,
    ],
    [
      'a retired instrument',
      () =>
        platform.seed(
          metrology.InstrumentRetired,
          metrology.instrumentStream('TH-07'),
          { instrumentId: 'TH-07', on: '2024-05-04', reason: 'damaged' },
          '2024-05-04',
        ),
      /instrument TH-07 was retired on 2024-05-04/,
    ],
    [
      'a calibration metrology recorded as expired early',
      () =>
        platform.seed(
          metrology.CalibrationExpired,
          metrology.instrumentStream('TH-07'),
          { instrumentId: 'TH-07', certificateNo: 'CAL-1', on: '2024-05-03' },
          '2024-05-03',
        ),
      /instrument TH-07 calibration expired 2024-05-03 \(certificate CAL-1\)/,
    ],
    [
      'a withdrawn accreditation',
      () =>
        platform.seed(
          accreditation.AccreditationWithdrawn,
          accreditation.labStream('LAB-A'),
          { labId: 'LAB-A', accreditationNo: 'CNAS L0001', reason: 'fraud', on: '2024-04-15' },
          '2024-04-15',
        ),
      /accreditation CNAS L0001 was withdrawn from 2024-04-15 \(fraud\)/,
    ],
  ])('follows the other contexts: refuses a report after %s', async (_change, arrange, message) => {
    await arrange()
    const error = await refusal(caller(actors.labA).issueReport(report))
    expect(error.code).toBe('PRECONDITION_FAILED')
    expect(error.message).toMatch(message)
  })

  it('refuses a lab issuing as another lab and roles other than lab', async () => {
    expect((await refusal(caller(actors.labB).issueReport(report))).code).toBe('FORBIDDEN')
    expect((await refusal(caller(actors.enterprise).issueReport(report))).code).toBe('FORBIDDEN')
    expect((await refusal(caller(null).issueReport(report))).code).toBe('UNAUTHORIZED')
  })

  it('refuses malformed input before any rule runs', async () => {
    const error = await refusal(caller(actors.labA).issueReport({ ...report, results: [] }))
    expect(error.code).toBe('BAD_REQUEST')
    const dates = await refusal(caller(actors.labA).issueReport({ ...report, issuedOn: '2024-05-01' }))
    expect(dates.code).toBe('BAD_REQUEST')
  })

  it('answers NOT_FOUND for unknown report numbers', async () => {
    expect((await refusal(caller(actors.labA).getReport({ reportNo: 'nope' }))).code).toBe('NOT_FOUND')
    expect((await refusal(caller(null).verifyReport({ reportNo: 'nope' }))).code).toBe('NOT_FOUND')
  })
})

describe('amending and revoking', () => {
  it('an amendment replaces the report from its issue date; the old one shows as amended', async () => {
    const lab = caller(actors.labA)
    await lab.issueReport(report)
    const amended = await lab.amendReport({
      ...report,
      reportNo: 'R-2024-001A',
      sample: { ...report.sample, model: 'BCD-201' },
      issuedOn: '2024-05-20',
      previousReportNo: 'R-2024-001',
      reason: 'wrong model on the cover page',
      commandId: 'cmd-amend-0001',
    })
    expect(amended.events).toEqual(['TestReportAmended'])
    const minPosition = amended.position ?? undefined

    const old = await caller(null).verifyReport({ reportNo: 'R-2024-001', on: '2024-06-01', minPosition })
    expect(old).toMatchObject({
      status: 'amended',
      statusSince: '2024-05-20',
      replacedBy: 'R-2024-001A',
      reason: 'wrong model on the cover page',
    })
    expect((await caller(null).verifyReport({ reportNo: 'R-2024-001', on: '2024-05-15' })).status).toBe(
      'valid',
    )
    expect((await caller(null).verifyReport({ reportNo: 'R-2024-001A', on: '2024-06-01' })).status).toBe(
      'valid',
    )
    expect((await lab.listReports({ status: 'amended' })).items.map((r) => r.reportNo)).toEqual([
      'R-2024-001',
    ])

    const again = await refusal(
      lab.amendReport({
        ...report,
        reportNo: 'R-2024-001B',
        previousReportNo: 'R-2024-001',
        reason: 'again',
        commandId: 'cmd-amend-0002',
      }),
    )
    expect(again.code).toBe('PRECONDITION_FAILED')
    expect(again.message).toMatch(/already replaced by report R-2024-001A; amend R-2024-001A instead/)
  })

  it('refuses amending an unknown or foreign report', async () => {
    const amendUnknown = caller(actors.labA).amendReport({
      ...report,
      reportNo: 'R-9',
      previousReportNo: 'R-404',
      reason: 'fix',
    })
    expect((await refusal(amendUnknown)).code).toBe('NOT_FOUND')
  })

  it('a regulator revokes a report; verification shows the revocation with its date and reason', async () => {
    await caller(actors.labA).issueReport(report)
    const regulator = caller(actors.regulator)
    const revoked = await regulator.revokeReport({
      reportNo: 'R-2024-001',
      revokedOn: '2024-06-15',
      reason: 'falsified data',
      commandId: 'cmd-revoke-01',
    })
    const verified = await caller(null).verifyReport({
      reportNo: 'R-2024-001',
      minPosition: revoked.position ?? undefined,
    })
    expect(verified).toMatchObject({ status: 'revoked', statusSince: '2024-06-15', reason: 'falsified data' })
    expect((await caller(null).verifyReport({ reportNo: 'R-2024-001', on: '2024-06-14' })).status).toBe(
      'valid',
    )

    const twice = await refusal(
      regulator.revokeReport({ reportNo: 'R-2024-001', revokedOn: '2024-06-16', reason: 'again' }),
    )
    expect(twice.code).toBe('PRECONDITION_FAILED')
    expect(
      (
        await refusal(
          caller(actors.labB).revokeReport({ reportNo: 'R-2024-001', revokedOn: '2024-06-16', reason: 'x' }),
        )
      ).code,
    ).toBe('FORBIDDEN')
    expect(
      (await refusal(regulator.revokeReport({ reportNo: 'R-404', revokedOn: '2024-06-16', reason: 'x' })))
        .code,
    ).toBe('NOT_FOUND')
  })
})
