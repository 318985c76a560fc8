import type { testing } from '@qi/contracts'
import {
  ConflictError,
  ForbiddenError,
  InvalidCommandError,
  NotFoundError,
  RuleViolationError,
} from '@qi/decider'
import { spec } from '@qi/decider/testing'
import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import type { PreviousReportFact, ReportFacts } from './facts'
import { type ReportEvent, reportDecider } from './report'

type IssueData = z.infer<typeof testing.IssueTestReport>

const report: IssueData = {
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
      parameter: 'energy consumption',
      value: '0.52',
      unit: 'kWh/24h',
      verdict: 'pass',
    },
    {
      method: { standardCode: 'GB 4706', standardVersion: '2019', clause: '8' },
      parameter: 'leakage current',
      value: '0.2',
      unit: 'mA',
      verdict: 'pass',
    },
  ],
  decisionRule: 'simple_acceptance',
  conformity: 'conforms',
  instrumentIds: ['TH-07', 'PM-02'],
  signatory: 'Li Wei',
  issuedOn: '2024-05-10',
}

const effective = (code: string, version: string) => ({
  code,
  version,
  publishedOn: '2019-01-01',
  effectiveFrom: '2020-01-01',
  supersededOn: null,
  replacedBy: null,
  transitionEndsOn: null,
  withdrawnOn: null,
})

const calibrated = (instrumentId: string) => ({
  instrumentId,
  ownerLabId: 'LAB-A',
  retiredOn: null,
  calibrations: [
    {
      certificateNo: `CAL-${instrumentId}`,
      calibratedOn: '2024-01-10',
      dueOn: '2025-01-09',
      passed: true,
      expiredOn: null,
    },
  ],
})

function validFacts(): ReportFacts {
  return {
    accreditation: {
      accreditationNo: 'CNAS L0001',
      labId: 'LAB-A',
      validFrom: '2022-01-01',
      validUntil: '2026-12-31',
      inactivePeriods: [],
      scope: [
        {
          lineId: 'L1',
          method: { standardCode: 'GB/T 1234', standardVersion: '2020', clause: '5.1' },
          addedOn: '2022-01-01',
          removedOn: null,
        },
        {
          lineId: 'L2',
          method: { standardCode: 'GB 4706', standardVersion: '2019', clause: '8' },
          addedOn: '2022-01-01',
          removedOn: null,
        },
      ],
    },
    instruments: { 'TH-07': calibrated('TH-07'), 'PM-02': calibrated('PM-02') },
    standards: {
      'GB/T 1234-2020': effective('GB/T 1234', '2020'),
      'GB 4706-2019': effective('GB 4706', '2019'),
    },
  }
}

const { commandId: _unused, ...reportContent } = { ...report, commandId: 'x' }
const issued: ReportEvent = { type: 'TestReportIssued', data: reportContent }
const labA = { role: 'lab', org: 'LAB-A' }

function issue(facts: ReportFacts) {
  return spec(reportDecider).given([]).when({ type: 'IssueTestReport', data: report, facts })
}

function expectViolation(facts: ReportFacts, rule: string, message: RegExp, field: string) {
  const error = issue(facts).thenThrows(RuleViolationError, message) as RuleViolationError
  expect(error.rule).toBe(rule)
  expect(error.field).toBe(field)
}

describe('IssueTestReport', () => {
  it('issues a report whose lab, methods, instruments and standards are all in order', () => {
    issue(validFacts()).then([issued])
  })

  it('refuses a report number already used', () => {
    spec(reportDecider)
      .given([issued])
      .when({ type: 'IssueTestReport', data: report, facts: validFacts() })
      .thenThrows(ConflictError, /already exists/)
  })

  describe('accreditation-active', () => {
    it('refuses an unknown accreditation', () => {
      expectViolation(
        { ...validFacts(), accreditation: null },
        'accreditation-active',
        /CNAS L0001 is not on record/,
        'accreditationNo',
      )
    })
    it("refuses another lab's accreditation", () => {
      const facts = validFacts()
      facts.accreditation!.labId = 'LAB-B'
      expectViolation(
        facts,
        'accreditation-active',
        /belongs to lab LAB-B, not to lab LAB-A/,
        'accreditationNo',
      )
    })
    it('refuses tests outside the validity', () => {
      const facts = validFacts()
      facts.accreditation!.validUntil = '2024-05-03'
      expectViolation(facts, 'accreditation-active', /valid 2022-01-01 to 2024-05-03/, 'accreditationNo')
    })
    it('refuses tests during a suspension', () => {
      const facts = validFacts()
      facts.accreditation!.inactivePeriods = [
        { status: 'suspended', from: '2024-05-01', to: '2024-06-01', reason: 'audit findings' },
      ]
      expectViolation(
        facts,
        'accreditation-active',
        /was suspended from 2024-05-01 until 2024-06-01 \(audit findings\)/,
        'accreditationNo',
      )
    })
    it('accepts tests after a suspension ended', () => {
      const facts = validFacts()
      facts.accreditation!.inactivePeriods = [
        { status: 'suspended', from: '2024-03-01', to: '2024-05-02', reason: 'audit' },
      ]
      issue(facts).then([issued])
    })
    it('refuses tests after a withdrawal', () => {
      const facts = validFacts()
      facts.accreditation!.inactivePeriods = [
        { status: 'withdrawn', from: '2024-04-01', to: null, reason: 'fraud' },
      ]
      expectViolation(facts, 'accreditation-active', /was withdrawn from 2024-04-01/, 'accreditationNo')
    })
  })

  describe('method-in-scope', () => {
    it('names both versions when the scope covers another version of the standard', () => {
      const facts = validFacts()
      facts.accreditation!.scope[0]!.method.standardVersion = '2010'
      expectViolation(
        facts,
        'method-in-scope',
        /GB\/T 1234-2020 §5.1 is not in the scope .* covers GB\/T 1234-2010, not GB\/T 1234-2020/,
        'results.0.method',
      )
    })
    it('refuses a clause the scope does not cover', () => {
      const facts = validFacts()
      facts.accreditation!.scope[1]!.method.clause = '9'
      expectViolation(facts, 'method-in-scope', /GB 4706-2019 §8 is not in the scope/, 'results.1.method')
    })
    it('refuses a line removed before the tests ended', () => {
      const facts = validFacts()
      facts.accreditation!.scope[0]!.removedOn = '2024-05-04'
      expectViolation(facts, 'method-in-scope', /GB\/T 1234-2020 §5.1/, 'results.0.method')
    })
  })

  describe('instrument-calibrated', () => {
    it('refuses an unregistered instrument', () => {
      const facts = validFacts()
      facts.instruments['PM-02'] = undefined
      expectViolation(facts, 'instrument-calibrated', /instrument PM-02 is not registered/, 'instrumentIds.1')
    })
    it('refuses an instrument whose calibration expired before the tests ended', () => {
      const facts = validFacts()
      facts.instruments['TH-07']!.calibrations[0]!.dueOn = '2024-03-01'
      expectViolation(
        facts,
        'instrument-calibrated',
        /instrument TH-07 calibration expired 2024-03-01/,
        'instrumentIds.0',
      )
    })
    it('refuses a calibration metrology recorded as expired early', () => {
      const facts = validFacts()
      facts.instruments['TH-07']!.calibrations[0]!.expiredOn = '2024-05-03'
      expectViolation(
        facts,
        'instrument-calibrated',
        /TH-07 calibration expired 2024-05-03/,
        'instrumentIds.0',
      )
    })
    it('refuses a failed calibration', () => {
      const facts = validFacts()
      facts.instruments['PM-02']!.calibrations[0]!.passed = false
      expectViolation(
        facts,
        'instrument-calibrated',
        /PM-02 failed its calibration on 2024-01-10/,
        'instrumentIds.1',
      )
    })
    it('refuses an instrument calibrated only after the tests began', () => {
      const facts = validFacts()
      facts.instruments['PM-02']!.calibrations[0]!.calibratedOn = '2024-05-03'
      expectViolation(
        facts,
        'instrument-calibrated',
        /PM-02 has no calibration on or before 2024-05-02/,
        'instrumentIds.1',
      )
    })
    it('refuses a retired instrument', () => {
      const facts = validFacts()
      facts.instruments['PM-02']!.retiredOn = '2024-04-30'
      expectViolation(facts, 'instrument-calibrated', /PM-02 was retired on 2024-04-30/, 'instrumentIds.1')
    })
  })

  describe('standard-effective', () => {
    it('refuses a standard not in the catalogue', () => {
      const facts = validFacts()
      facts.standards['GB 4706-2019'] = undefined
      expectViolation(
        facts,
        'standard-effective',
        /GB 4706-2019 is not in the standards catalogue/,
        'results.1.method',
      )
    })
    it('refuses a draft standard', () => {
      const facts = validFacts()
      facts.standards['GB/T 1234-2020'] = {
        ...effective('GB/T 1234', '2020'),
        publishedOn: null,
        effectiveFrom: null,
      }
      expectViolation(facts, 'standard-effective', /GB\/T 1234-2020 is a draft/, 'results.0.method')
    })
    it('refuses a standard not yet in effect', () => {
      const facts = validFacts()
      facts.standards['GB/T 1234-2020'] = { ...effective('GB/T 1234', '2020'), effectiveFrom: '2024-06-01' }
      expectViolation(facts, 'standard-effective', /only takes effect on 2024-06-01/, 'results.0.method')
    })
    it('refuses a withdrawn standard', () => {
      const facts = validFacts()
      facts.standards['GB 4706-2019'] = { ...effective('GB 4706', '2019'), withdrawnOn: '2024-01-01' }
      expectViolation(
        facts,
        'standard-effective',
        /GB 4706-2019 was withdrawn on 2024-01-01/,
        'results.1.method',
      )
    })
    it('refuses a superseded version past its transition', () => {
      const facts = validFacts()
      facts.standards['GB/T 1234-2020'] = {
        ...effective('GB/T 1234', '2020'),
        supersededOn: '2023-01-01',
        replacedBy: 'GB/T 1234-2023',
        transitionEndsOn: '2024-01-01',
      }
      expectViolation(
        facts,
        'standard-effective',
        /GB\/T 1234-2020 was superseded by GB\/T 1234-2023 on 2023-01-01 and its transition ended on 2024-01-01/,
        'results.0.method',
      )
    })
    it('accepts a superseded version within its transition', () => {
      const facts = validFacts()
      facts.standards['GB/T 1234-2020'] = {
        ...effective('GB/T 1234', '2020'),
        supersededOn: '2024-01-01',
        replacedBy: 'GB/T 1234-2023',
        transitionEndsOn: '2024-12-31',
      }
      issue(facts).then([issued])
    })
  })
})

describe('AmendTestReport', () => {
  const previous: PreviousReportFact = {
    reportNo: 'R-2024-001',
    labId: 'LAB-A',
    status: 'valid',
    replacedBy: null,
    revokedOn: null,
  }
  const amendment = {
    ...report,
    reportNo: 'R-2024-001A',
    previousReportNo: 'R-2024-001',
    reason: 'typo in model',
  }
  const amend = (previousReport: PreviousReportFact | null, facts = validFacts(), requestedBy = labA) =>
    spec(reportDecider)
      .given([])
      .when({ type: 'AmendTestReport', data: amendment, facts: { ...facts, previousReport }, requestedBy })

  it('replaces a valid report of the same lab', () => {
    amend(previous).then([{ type: 'TestReportAmended', data: amendment }])
  })
  it('refuses an unknown previous report', () => {
    amend(null).thenThrows(NotFoundError, /R-2024-001/)
  })
  it("refuses to amend another lab's report", () => {
    amend({ ...previous, labId: 'LAB-B' }).thenThrows(ForbiddenError, /issued by lab LAB-B/)
  })
  it('refuses to amend a revoked report', () => {
    const error = amend({ ...previous, status: 'revoked', revokedOn: '2024-05-20' }).thenThrows(
      RuleViolationError,
      /revoked on 2024-05-20/,
    )
    expect((error as RuleViolationError).rule).toBe('previous-report-amendable')
  })
  it('refuses to amend a report already replaced', () => {
    amend({ ...previous, status: 'amended', replacedBy: 'R-2024-001B' }).thenThrows(
      RuleViolationError,
      /already replaced by report R-2024-001B/,
    )
  })
  it('refuses an amendment reusing the previous number', () => {
    spec(reportDecider)
      .given([])
      .when({
        type: 'AmendTestReport',
        data: { ...amendment, reportNo: 'R-2024-001' },
        facts: { ...validFacts(), previousReport: previous },
        requestedBy: labA,
      })
      .thenThrows(InvalidCommandError, /different/)
  })
  it('refuses an amendment number already used', () => {
    spec(reportDecider)
      .given([{ type: 'TestReportIssued', data: { ...reportContent, reportNo: 'R-2024-001A' } }])
      .when({
        type: 'AmendTestReport',
        data: amendment,
        facts: { ...validFacts(), previousReport: previous },
        requestedBy: labA,
      })
      .thenThrows(ConflictError, /already exists/)
  })
  it('checks the amended report against rule 1 too', () => {
    const facts = validFacts()
    facts.instruments['TH-07']!.calibrations[0]!.dueOn = '2024-03-01'
    amend(previous, facts).thenThrows(RuleViolationError, /TH-07 calibration expired 2024-03-01/)
  })
})

describe('RevokeTestReport', () => {
  const revoke = { reportNo: 'R-2024-001', revokedOn: '2024-06-01', reason: 'sample mix-up' }
  it('revokes a valid report', () => {
    spec(reportDecider)
      .given([issued])
      .when({ type: 'RevokeTestReport', data: revoke, requestedBy: labA })
      .then([{ type: 'TestReportRevoked', data: revoke }])
  })
  it('lets a regulator revoke any report', () => {
    spec(reportDecider)
      .given([issued])
      .when({ type: 'RevokeTestReport', data: revoke, requestedBy: { role: 'regulator', org: 'SAMR-HB' } })
      .then([{ type: 'TestReportRevoked', data: revoke }])
  })
  it('refuses an unknown report', () => {
    spec(reportDecider)
      .given([])
      .when({ type: 'RevokeTestReport', data: revoke, requestedBy: labA })
      .thenThrows(NotFoundError, /R-2024-001/)
  })
  it("refuses another lab's report", () => {
    spec(reportDecider)
      .given([issued])
      .when({ type: 'RevokeTestReport', data: revoke, requestedBy: { role: 'lab', org: 'LAB-B' } })
      .thenThrows(ForbiddenError, /only that lab or a regulator/)
  })
  it('refuses a report already revoked', () => {
    spec(reportDecider)
      .given([issued, { type: 'TestReportRevoked', data: revoke }])
      .when({ type: 'RevokeTestReport', data: revoke, requestedBy: labA })
      .thenThrows(RuleViolationError, /already revoked/)
  })
  it('refuses a revocation dated before the issue', () => {
    spec(reportDecider)
      .given([issued])
      .when({ type: 'RevokeTestReport', data: { ...revoke, revokedOn: '2024-05-01' }, requestedBy: labA })
      .thenThrows(RuleViolationError, /issued on 2024-05-10/)
  })
})

describe('FlagReport (issued by the accreditation-changed policy)', () => {
  const flag = {
    reportNo: reportContent.reportNo,
    on: '2024-05-01',
    reason: 'issued while the accreditation of the lab was suspended',
    cause: { kind: 'accreditation_changed' as const, ref: reportContent.labId },
  }
  it('flags a valid report once', () => {
    spec(reportDecider)
      .given([issued])
      .when({ type: 'FlagReport', data: flag })
      .then([{ type: 'TestReportFlagged', data: flag }])
    spec(reportDecider)
      .given([issued, { type: 'TestReportFlagged', data: flag }])
      .when({ type: 'FlagReport', data: flag })
      .thenNothing()
  })
  it('leaves a revoked report alone', () => {
    spec(reportDecider)
      .given([
        issued,
        {
          type: 'TestReportRevoked',
          data: { reportNo: reportContent.reportNo, revokedOn: '2024-06-01', reason: 'x' },
        },
      ])
      .when({ type: 'FlagReport', data: flag })
      .thenNothing()
  })
  it('names an unknown report', () => {
    spec(reportDecider)
      .given([])
      .when({ type: 'FlagReport', data: flag })
      .thenThrows(NotFoundError, /not found/)
  })
})
