import { accreditation, domainCatalogue, type EventDefinition, metrology, standards } from '@qi/contracts'
import type { Actor } from '@qi/trpc'
import { createCallerFactory } from '@qi/trpc'
import { TRPCError } from '@trpc/server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { Platform } from './platform'
import { appRouter } from './root'

/**
 * THE CHAIN (DOMAIN.md rules 1 and 2) through the composed API: standards, accreditation and
 * metrology facts are seeded as those contexts' events; a lab issues a report through the testing
 * router and a certification body certifies on it through the certification router. Every broken
 * link is refused with the reason a user needs to fix it.
 */

const lab: Actor = { userId: 'u-lab', org: 'LAB-A', orgName: 'Hubei Appliance Test Centre', role: 'lab' }
const body: Actor = {
  userId: 'u-cb',
  org: 'CB-A',
  orgName: 'Hubei Certification Centre',
  role: 'certification_body',
}
const regulator: Actor = {
  userId: 'u-reg',
  org: 'SAMR-HB',
  orgName: 'Hubei market supervision',
  role: 'regulator',
}

let platform: Platform
let seeded = 0
const createCaller = createCallerFactory(appRouter)
const api = (actor: Actor | null) =>
  createCaller({ actor, invalidApiKey: false, requestId: 'chain-test', deps: platform })

/** Appends another context's event with the metadata its own service would write. */
async function seed<D extends EventDefinition>(
  definition: D,
  streamName: string,
  data: z.input<D['schema']>,
  occurredAt: string,
) {
  seeded += 1
  await platform.store.appendToStream(streamName, [
    {
      type: definition.type,
      data: domainCatalogue.encode(definition.type, data),
      metadata: {
        schemaVersion: definition.version,
        actor: 'chain-seed',
        org: definition.context,
        correlationId: `chain-seed-${seeded}`,
        causationId: null,
        commandId: `chain-seed-command-${seeded}`,
        occurredAt,
      },
    },
  ])
}

async function seedWorld() {
  const publish = async (code: string, version: string, publishedOn: string, effectiveFrom: string) =>
    seed(
      standards.StandardPublished,
      standards.standardStream({ code, version }),
      { code, version, publishedOn, effectiveFrom },
      publishedOn,
    )
  await publish('GB 4706', '2019', '2019-05-01', '2020-01-01')
  await publish('GB/T 1234', '2010', '2010-01-01', '2010-06-01')
  await publish('GB/T 1234', '2020', '2020-03-01', '2020-10-01')
  await seed(
    standards.StandardSuperseded,
    standards.standardStream({ code: 'GB/T 1234', version: '2010' }),
    {
      code: 'GB/T 1234',
      version: '2010',
      replacedBy: { code: 'GB/T 1234', version: '2020' },
      supersededOn: '2020-10-01',
      transitionEndsOn: '2021-10-01',
    },
    '2020-10-01',
  )

  const labStream = accreditation.labStream('LAB-A')
  await seed(
    accreditation.LabRegistered,
    labStream,
    {
      labId: 'LAB-A',
      name: 'Hubei Appliance Test Centre',
      kind: 'testing_lab',
      region: 'Wuhan',
      centreLevel: 'provincial',
    },
    '2021-01-01',
  )
  const line = (lineId: string, standardCode: string, standardVersion: string, clause: string) => ({
    lineId,
    object: '家用电冰箱',
    parameter: 'safety',
    method: { standardCode, standardVersion, clause },
  })
  await seed(
    accreditation.LabAccredited,
    labStream,
    {
      labId: 'LAB-A',
      accreditationNo: 'CNAS L0001',
      accreditingBody: 'CNAS',
      baseStandard: 'ISO/IEC 17025',
      validFrom: '2022-01-01',
      validUntil: '2026-12-31',
      scope: [
        line('L1', 'GB 4706', '2019', '8'),
        line('L2', 'GB/T 1234', '2020', '5.1'),
        line('L3', 'GB/T 1234', '2010', '5.1'),
      ],
    },
    '2022-01-01',
  )
  await seed(
    accreditation.AccreditationSuspended,
    labStream,
    { labId: 'LAB-A', accreditationNo: 'CNAS L0001', reason: 'surveillance findings', from: '2024-07-01' },
    '2024-07-01',
  )
  await seed(
    accreditation.AccreditationRestored,
    labStream,
    { labId: 'LAB-A', accreditationNo: 'CNAS L0001', reason: 'findings closed', on: '2024-08-01' },
    '2024-08-01',
  )

  const bodyStream = accreditation.labStream('CB-A')
  await seed(
    accreditation.LabRegistered,
    bodyStream,
    {
      labId: 'CB-A',
      name: 'Hubei Certification Centre',
      kind: 'certification_body',
      region: 'Wuhan',
      centreLevel: 'provincial',
    },
    '2021-01-01',
  )
  await seed(
    accreditation.LabAccredited,
    bodyStream,
    {
      labId: 'CB-A',
      accreditationNo: 'CNAS C001',
      accreditingBody: 'CNAS',
      baseStandard: 'ISO/IEC 17065',
      validFrom: '2022-01-01',
      validUntil: '2026-12-31',
      scope: [],
      schemes: ['CCC'],
    },
    '2022-01-01',
  )

  for (const [instrumentId, calibratedOn, dueOn] of [
    ['TH-07', '2024-01-10', '2025-01-09'],
    ['PM-02', '2023-03-01', '2024-03-01'],
  ] as const) {
    const stream = metrology.instrumentStream(instrumentId)
    await seed(
      metrology.InstrumentRegistered,
      stream,
      { instrumentId, ownerLabId: 'LAB-A', name: instrumentId, quantity: 'electrical', level: 'working' },
      '2021-01-01',
    )
    await seed(
      metrology.InstrumentCalibrated,
      stream,
      {
        instrumentId,
        certificateNo: `CAL-${instrumentId}`,
        calibratingLabId: 'HBMI',
        calibratedOn,
        dueOn,
        uncertainty: '0.5 %',
        passed: true,
      },
      calibratedOn,
    )
  }
}

const method = (standardCode: string, standardVersion: string, clause: string) => ({
  standardCode,
  standardVersion,
  clause,
})

function report(reportNo: string, overrides: Record<string, unknown> = {}) {
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
        method: method('GB 4706', '2019', '8'),
        parameter: 'leakage current',
        value: '0.2',
        unit: 'mA',
        verdict: 'pass' as const,
      },
    ],
    decisionRule: 'simple_acceptance' as const,
    conformity: 'conforms' as const,
    instrumentIds: ['TH-07'],
    signatory: 'Li Wei',
    issuedOn: '2024-05-10',
    ...overrides,
  }
}

function certificate(certificateNo: string, basisReports: string[]) {
  return {
    certificateNo,
    bodyId: 'CB-A',
    accreditationNo: 'CNAS C001',
    holder: { enterpriseId: 'ENT-1', name: 'Wuhan Cold Co.' },
    manufacturer: { enterpriseId: 'ENT-1', name: 'Wuhan Cold Co.' },
    factory: { productionLineId: 'LINE-1' },
    product: { productId: 'P-1', name: 'Household refrigerator', models: ['BCD-200'] },
    scheme: 'CCC' as const,
    standards: [{ code: 'GB 4706', version: '2019' }],
    basisReports,
    issuedOn: '2024-06-01',
    expiresOn: '2029-05-31',
  }
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
  platform = await Platform.start()
  await seedWorld()
})
afterEach(async () => platform.close())

describe('standard → testing → certification chain', () => {
  it('a report issued within scope, with calibrated instruments, on an effective standard supports a certificate', async () => {
    const issued = await api(lab).testing.issueReport(report('R-1'))
    expect(issued.events).toEqual(['TestReportIssued'])
    const certified = await api(body).certification.issueCertificate(certificate('CQC-1', ['R-1']))
    expect(certified.events).toEqual(['CertificateIssued'])

    const verified = await api(null).certification.verify({
      certificateNo: 'CQC-1',
      on: '2024-06-15',
      minPosition: certified.position ?? undefined,
    })
    expect(verified).toMatchObject({
      status: 'valid',
      basisReports: ['R-1'],
      issuingBody: { name: 'Hubei Certification Centre' },
    })
    expect(await api(null).testing.verifyReport({ reportNo: 'R-1', on: '2024-06-15' })).toMatchObject({
      status: 'valid',
      lab: { name: 'Hubei Appliance Test Centre' },
    })
  })

  it.each([
    [
      'an expired calibration',
      { instrumentIds: ['TH-07', 'PM-02'] },
      /instrument PM-02 calibration expired 2024-03-01/,
    ],
    [
      'a method out of scope (another version)',
      {
        results: [
          {
            method: method('GB 4706', '2022', '8'),
            parameter: 'leakage current',
            value: '0.2',
            unit: 'mA',
            verdict: 'pass',
          },
        ],
      },
      /method GB 4706-2022 §8 is not in the scope of accreditation CNAS L0001 .*covers GB 4706-2019, not GB 4706-2022/,
    ],
    [
      'a superseded standard version past its transition',
      {
        results: [
          {
            method: method('GB/T 1234', '2010', '5.1'),
            parameter: 'energy',
            value: '0.5',
            unit: 'kWh',
            verdict: 'pass',
          },
        ],
      },
      /standard GB\/T 1234-2010 was superseded by GB\/T 1234-2020 on 2020-10-01 and its transition ended on 2021-10-01/,
    ],
    [
      'a suspended accreditation',
      { testedFrom: '2024-07-08', testedTo: '2024-07-09', issuedOn: '2024-07-10' },
      /accreditation CNAS L0001 was suspended from 2024-07-01 until 2024-08-01 \(surveillance findings\)/,
    ],
  ])('refuses the report on %s, and the certificate then has no basis', async (_link, overrides, reason) => {
    const refused = await refusal(api(lab).testing.issueReport(report('R-BROKEN', overrides)))
    expect(refused.code).toBe('PRECONDITION_FAILED')
    expect(refused.message).toMatch(reason)

    const noBasis = await refusal(
      api(body).certification.issueCertificate(certificate('CQC-BROKEN', ['R-BROKEN'])),
    )
    expect(noBasis.code).toBe('PRECONDITION_FAILED')
    expect(noBasis.message).toMatch(/test report R-BROKEN is not on record/)
  })

  it('refuses a certificate on a revoked report, naming the report', async () => {
    await api(lab).testing.issueReport(report('R-2'))
    await api(regulator).testing.revokeReport({
      reportNo: 'R-2',
      revokedOn: '2024-05-20',
      reason: 'falsified data',
    })
    const refused = await refusal(api(body).certification.issueCertificate(certificate('CQC-2', ['R-2'])))
    expect(refused.code).toBe('PRECONDITION_FAILED')
    expect(refused.message).toMatch(
      /test report R-2 was revoked on 2024-05-20 \(falsified data\); it cannot be a basis report/,
    )
    expect((await refusal(api(regulator).certification.get({ certificateNo: 'CQC-2' }))).code).toBe(
      'NOT_FOUND',
    )
  })

  it('refuses a certificate on a report replaced by an amendment, naming the replacement', async () => {
    await api(lab).testing.issueReport(report('R-3'))
    await api(lab).testing.amendReport({ ...report('R-3A'), previousReportNo: 'R-3', reason: 'wrong batch' })
    const refused = await refusal(api(body).certification.issueCertificate(certificate('CQC-3', ['R-3'])))
    expect(refused.message).toMatch(/R-3 was replaced by amended report R-3A; use R-3A instead/)
    const certified = await api(body).certification.issueCertificate(certificate('CQC-3', ['R-3A']))
    expect(certified.events).toEqual(['CertificateIssued'])
  })
})
