import { accreditation, metrology, standards, type testing } from '@qi/contracts'
import { type Actor, createCallerFactory, router } from '@qi/trpc'
import { batchedMutation } from '@qi/trpc/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { testingService } from '../index'
import { actors, startTestPlatform } from './test-platform'

/*
 * One successor per report under races: two amendments of the same report (different new numbers),
 * batched in one request or sent concurrently, end with exactly one amendment on record.
 */
const TRIALS = 100

let platform: Awaited<ReturnType<typeof startTestPlatform>>
const caller = (actor: Actor) => createCallerFactory(testingService.router)(platform.context(actor))
const api = router({ testing: testingService.router })

const original = (reportNo: string): z.input<typeof testing.IssueTestReport> => ({
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
      verdict: 'pass',
    },
  ],
  decisionRule: 'simple_acceptance',
  conformity: 'conforms',
  instrumentIds: ['TH-07'],
  signatory: 'Li Wei',
  issuedOn: '2024-05-10',
})

const amendment = (previousReportNo: string, reportNo: string) => ({
  ...original(reportNo),
  issuedOn: '2024-05-20',
  previousReportNo,
  reason: 'wrong model on the cover page',
  commandId: `amend-${reportNo}`,
})

beforeAll(async () => {
  platform = await startTestPlatform({ projections: testingService.projections, today: '2024-09-01' })
  const p = platform
  const gb4706 = standards.standardStream({ code: 'GB 4706', version: '2019' })
  await p.seed(
    standards.StandardDrafted,
    gb4706,
    {
      code: 'GB 4706',
      version: '2019',
      kind: 'national_mandatory',
      mandatory: true,
      titleZh: '家用电器安全',
      ics: ['97.040.30'],
      ledByProvince: false,
    },
    '2018-06-01',
  )
  await p.seed(
    standards.StandardPublished,
    gb4706,
    { code: 'GB 4706', version: '2019', publishedOn: '2019-05-01', effectiveFrom: '2020-01-01' },
    '2019-05-01',
  )
  const lab = accreditation.labStream('LAB-A')
  await p.seed(
    accreditation.LabRegistered,
    lab,
    { labId: 'LAB-A', name: 'Lab A', kind: 'testing_lab', region: 'Wuhan', centreLevel: 'provincial' },
    '2021-01-01',
  )
  await p.seed(
    accreditation.LabAccredited,
    lab,
    {
      labId: 'LAB-A',
      accreditationNo: 'CNAS L0001',
      accreditingBody: 'CNAS',
      baseStandard: 'ISO/IEC 17025',
      validFrom: '2022-01-01',
      validUntil: '2026-12-31',
      scope: [
        {
          lineId: 'L2',
          object: '家用电冰箱',
          parameter: 'leakage',
          method: { standardCode: 'GB 4706', standardVersion: '2019', clause: '8' },
        },
      ],
    },
    '2022-01-01',
  )
  await p.seed(
    metrology.InstrumentRegistered,
    metrology.instrumentStream('TH-07'),
    { instrumentId: 'TH-07', ownerLabId: 'LAB-A', name: 'TH-07', quantity: 'current', level: 'working' },
    '2021-01-01',
  )
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
  for (const prefix of ['B', 'C']) {
    for (let trial = 0; trial < TRIALS; trial++) {
      await caller(actors.labA).issueReport({
        ...original(`${prefix}${trial}`),
        commandId: `issue-${prefix}${trial}`,
      })
    }
  }
})
afterAll(async () => platform.close())

async function amendmentsOf(previousReportNo: string) {
  const all = await platform.store.readAll()
  return all.filter(
    (e) =>
      e.type === 'TestReportAmended' &&
      (e.data as { previousReportNo: string }).previousReportNo === previousReportNo,
  ).length
}

describe('one successor per report, under races', () => {
  it(`a batched request of two amendments ends with exactly one (${TRIALS} of ${TRIALS} trials)`, async () => {
    let exactlyOne = 0
    for (let trial = 0; trial < TRIALS; trial++) {
      const outcomes = await batchedMutation(api, platform.context(actors.labA), 'testing.amendReport', [
        amendment(`B${trial}`, `B${trial}-X`),
        amendment(`B${trial}`, `B${trial}-Y`),
      ])
      for (const o of outcomes) if (!o.ok) expect(['PRECONDITION_FAILED', 'CONFLICT']).toContain(o.code)
      if (outcomes.filter((o) => o.ok).length === 1 && (await amendmentsOf(`B${trial}`)) === 1) exactlyOne++
    }
    expect(exactlyOne).toBe(TRIALS)
  })

  it(`two concurrent amendments end with exactly one (${TRIALS} of ${TRIALS} trials)`, async () => {
    let exactlyOne = 0
    for (let trial = 0; trial < TRIALS; trial++) {
      const outcomes = await Promise.allSettled([
        caller(actors.labA).amendReport(amendment(`C${trial}`, `C${trial}-X`)),
        caller(actors.labA).amendReport(amendment(`C${trial}`, `C${trial}-Y`)),
      ])
      if (
        outcomes.filter((o) => o.status === 'fulfilled').length === 1 &&
        (await amendmentsOf(`C${trial}`)) === 1
      )
        exactlyOne++
    }
    expect(exactlyOne).toBe(TRIALS)
  })
})
