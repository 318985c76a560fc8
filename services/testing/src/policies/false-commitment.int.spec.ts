import { licensing, testing } from '@qi/contracts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startTestPlatform } from '../api/test-platform'
import { testingService } from '../index'
import { falseCommitmentPolicy } from './false-commitment'

const report = (reportNo: string, labId: string, issuedOn: string) => ({
  reportNo,
  labId,
  accreditationNo: 'CNAS L0001',
  customer: { name: 'Wuhan Cold Co.' },
  sample: { productId: 'P-1', productName: 'Household refrigerator', model: 'BCD-200' },
  testedFrom: issuedOn,
  testedTo: issuedOn,
  results: [
    {
      method: { standardCode: 'GB 4706', standardVersion: '2019', clause: '8' },
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
  issuedOn,
})

let platform: Awaited<ReturnType<typeof startTestPlatform>>
beforeEach(async () => {
  platform = await startTestPlatform({ projections: testingService.projections, today: '2025-09-01' })
})
afterEach(() => platform.close())

async function revoke(matter: 'lab_qualification_first' | 'metrology_repair', holderId = 'LAB-A') {
  await platform.seed(
    licensing.ApprovalRevokedForFalseCommitment,
    licensing.commitmentStream('QA-1'),
    {
      approvalId: 'QA-1',
      holderId,
      matter,
      inspectedOn: '2025-08-01',
      inspector: 'inspector-wang',
      findings: 'the technical manager named in the commitment never worked there',
      doneUnder: { from: '2025-06-15', to: '2025-08-01' },
    },
    '2025-08-01',
  )
  const [event] = await platform.store.readStream(licensing.commitmentStream('QA-1'))
  await falseCommitmentPolicy(platform.deps).react(event!)
}

const flags = async (reportNo: string) =>
  (await platform.store.readStream(testing.reportStream(reportNo))).filter(
    (e) => e.type === 'TestReportFlagged',
  )

describe('testing.false-commitment policy', () => {
  it('flags the reports a lab issued under a qualification revoked for a false commitment, once', async () => {
    await platform.seed(
      testing.TestReportIssued,
      testing.reportStream('R-before'),
      report('R-before', 'LAB-A', '2025-06-01'),
      '2025-06-01',
    )
    await platform.seed(
      testing.TestReportIssued,
      testing.reportStream('R-under'),
      report('R-under', 'LAB-A', '2025-07-01'),
      '2025-07-01',
    )
    await platform.seed(
      testing.TestReportIssued,
      testing.reportStream('R-other'),
      report('R-other', 'LAB-B', '2025-07-01'),
      '2025-07-01',
    )
    await revoke('lab_qualification_first')
    await revoke('lab_qualification_first') // the same trigger handled again (after a crash): no second flag
    const [flag, ...more] = await flags('R-under')
    expect(more).toEqual([])
    expect(flag?.data).toMatchObject({ on: '2025-08-01', cause: { kind: 'false_commitment', ref: 'LAB-A' } })
    expect(await flags('R-before')).toEqual([])
    expect(await flags('R-other')).toEqual([])
  })

  it('leaves reports alone when the revoked approval was an enterprise’s metrology licence', async () => {
    await platform.seed(
      testing.TestReportIssued,
      testing.reportStream('R-under'),
      report('R-under', 'LAB-A', '2025-07-01'),
      '2025-07-01',
    )
    await revoke('metrology_repair')
    expect(await flags('R-under')).toEqual([])
  })
})
