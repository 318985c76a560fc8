import type { certification } from '@qi/contracts'
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
import { type CertificateEvent, certificateDecider } from './certificate'
import type { CertificateFacts } from './facts'

type IssueData = z.infer<typeof certification.IssueCertificate>

const certificate: IssueData = {
  certificateNo: 'CQC-2024-0001',
  bodyId: 'CB-A',
  accreditationNo: 'CNAS C001',
  holder: { enterpriseId: 'ENT-1', name: 'Wuhan Cold Co.' },
  manufacturer: { enterpriseId: 'ENT-1', name: 'Wuhan Cold Co.' },
  factory: { productionLineId: 'LINE-1', address: 'Wuhan' },
  product: { productId: 'P-1', name: 'Household refrigerator', models: ['BCD-200'] },
  scheme: 'CCC',
  standards: [
    { code: 'GB 4706', version: '2019' },
    { code: 'GB/T 1234', version: '2020' },
  ],
  basisReports: ['R-1', 'R-2'],
  issuedOn: '2024-06-01',
  expiresOn: '2029-05-31',
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

const conformingReport = (reportNo: string) => ({
  reportNo,
  labId: 'LAB-A',
  issuedOn: '2024-05-10',
  conformity: 'conforms' as const,
  replacedBy: null,
  revokedOn: null,
  revokeReason: null,
})

function validFacts(): CertificateFacts {
  return {
    accreditation: {
      accreditationNo: 'CNAS C001',
      labId: 'CB-A',
      validFrom: '2022-01-01',
      validUntil: '2026-12-31',
      schemes: ['CCC', 'voluntary_product'],
      inactivePeriods: [],
    },
    reports: { 'R-1': conformingReport('R-1'), 'R-2': conformingReport('R-2') },
    standards: {
      'GB 4706-2019': effective('GB 4706', '2019'),
      'GB/T 1234-2020': effective('GB/T 1234', '2020'),
    },
  }
}

const { commandId: _unused, ...content } = { ...certificate, commandId: 'x' }
const issued: CertificateEvent = { type: 'CertificateIssued', data: content }
const bodyA = { role: 'certification_body', org: 'CB-A' }
const bodyB = { role: 'certification_body', org: 'CB-B' }
const suspended: CertificateEvent = {
  type: 'CertificateSuspended',
  data: {
    certificateNo: 'CQC-2024-0001',
    from: '2024-07-01',
    reason: 'factory audit failed',
    cause: { kind: 'manual' },
  },
}

function issue(facts: CertificateFacts) {
  return spec(certificateDecider).given([]).when({ type: 'IssueCertificate', data: certificate, facts })
}

function expectViolation(facts: CertificateFacts, rule: string, message: RegExp, field: string) {
  const error = issue(facts).thenThrows(RuleViolationError, message) as RuleViolationError
  expect(error.rule).toBe(rule)
  expect(error.field).toBe(field)
}

describe('IssueCertificate', () => {
  it('issues a certificate on valid reports under an accreditation for the scheme', () => {
    issue(validFacts()).then([issued])
  })
  it('refuses a certificate number already used', () => {
    spec(certificateDecider)
      .given([issued])
      .when({ type: 'IssueCertificate', data: certificate, facts: validFacts() })
      .thenThrows(ConflictError, /already exists/)
  })

  describe('body-accredited', () => {
    it('refuses an unknown accreditation', () => {
      expectViolation(
        { ...validFacts(), accreditation: null },
        'body-accredited',
        /CNAS C001 is not on record/,
        'accreditationNo',
      )
    })
    it("refuses another body's accreditation", () => {
      const facts = validFacts()
      facts.accreditation!.labId = 'CB-B'
      expectViolation(
        facts,
        'body-accredited',
        /belongs to CB-B, not to certification body CB-A/,
        'accreditationNo',
      )
    })
    it('refuses an issue date outside the validity', () => {
      const facts = validFacts()
      facts.accreditation!.validUntil = '2024-05-31'
      expectViolation(
        facts,
        'body-accredited',
        /valid 2022-01-01 to 2024-05-31, not on 2024-06-01/,
        'accreditationNo',
      )
    })
    it('refuses while the accreditation is suspended', () => {
      const facts = validFacts()
      facts.accreditation!.inactivePeriods = [
        { status: 'suspended', from: '2024-05-15', to: null, reason: 'complaints' },
      ]
      expectViolation(
        facts,
        'body-accredited',
        /was suspended from 2024-05-15 \(complaints\)/,
        'accreditationNo',
      )
    })
    it('refuses a scheme the accreditation does not cover', () => {
      const facts = validFacts()
      facts.accreditation!.schemes = ['management_system']
      expectViolation(facts, 'body-accredited', /covers management_system, not the scheme CCC/, 'scheme')
    })
  })

  describe('basis-report-valid', () => {
    it('refuses an unknown report', () => {
      const facts = validFacts()
      facts.reports['R-2'] = undefined
      expectViolation(facts, 'basis-report-valid', /test report R-2 is not on record/, 'basisReports.1')
    })
    it('refuses a revoked report, naming it', () => {
      const facts = validFacts()
      facts.reports['R-1'] = {
        ...conformingReport('R-1'),
        revokedOn: '2024-05-20',
        revokeReason: 'falsified data',
      }
      expectViolation(
        facts,
        'basis-report-valid',
        /test report R-1 was revoked on 2024-05-20 \(falsified data\)/,
        'basisReports.0',
      )
    })
    it('refuses a report replaced by an amendment, naming the replacement', () => {
      const facts = validFacts()
      facts.reports['R-1'] = { ...conformingReport('R-1'), replacedBy: 'R-1A' }
      expectViolation(
        facts,
        'basis-report-valid',
        /R-1 was replaced by amended report R-1A; use R-1A instead/,
        'basisReports.0',
      )
    })
    it('refuses a report without a conformity statement', () => {
      const facts = validFacts()
      facts.reports['R-2'] = { ...conformingReport('R-2'), conformity: 'does_not_conform' }
      expectViolation(facts, 'basis-report-valid', /R-2 states 'does_not_conform'/, 'basisReports.1')
    })
    it('refuses a report issued after the certificate', () => {
      const facts = validFacts()
      facts.reports['R-2'] = { ...conformingReport('R-2'), issuedOn: '2024-06-02' }
      expectViolation(
        facts,
        'basis-report-valid',
        /R-2 was issued on 2024-06-02, after the certificate date 2024-06-01/,
        'basisReports.1',
      )
    })
  })

  describe('standard-effective', () => {
    it('refuses a standard not in the catalogue', () => {
      const facts = validFacts()
      facts.standards['GB/T 1234-2020'] = undefined
      expectViolation(
        facts,
        'standard-effective',
        /GB\/T 1234-2020 is not in the standards catalogue/,
        'standards.1',
      )
    })
    it('refuses a withdrawn standard', () => {
      const facts = validFacts()
      facts.standards['GB 4706-2019'] = { ...effective('GB 4706', '2019'), withdrawnOn: '2024-01-01' }
      expectViolation(facts, 'standard-effective', /GB 4706-2019 was withdrawn on 2024-01-01/, 'standards.0')
    })
    it('refuses a superseded version past its transition', () => {
      const facts = validFacts()
      facts.standards['GB 4706-2019'] = {
        ...effective('GB 4706', '2019'),
        supersededOn: '2023-01-01',
        replacedBy: 'GB 4706-2022',
        transitionEndsOn: '2024-05-31',
      }
      expectViolation(
        facts,
        'standard-effective',
        /superseded by GB 4706-2022 on 2023-01-01 and its transition ended on 2024-05-31/,
        'standards.0',
      )
    })
    it('accepts a superseded version within its transition', () => {
      const facts = validFacts()
      facts.standards['GB 4706-2019'] = {
        ...effective('GB 4706', '2019'),
        supersededOn: '2023-01-01',
        replacedBy: 'GB 4706-2022',
        transitionEndsOn: '2024-06-01',
      }
      issue(facts).then([issued])
    })
    it('refuses a standard not yet effective', () => {
      const facts = validFacts()
      facts.standards['GB/T 1234-2020'] = { ...effective('GB/T 1234', '2020'), effectiveFrom: '2024-07-01' }
      expectViolation(facts, 'standard-effective', /only takes effect on 2024-07-01/, 'standards.1')
    })
  })
})

describe('status changes', () => {
  const when = (given: CertificateEvent[], command: Parameters<typeof certificateDecider.decide>[0]) =>
    spec(certificateDecider).given(given).when(command)

  it('suspends a valid certificate with a manual cause', () => {
    when([issued], {
      type: 'SuspendCertificate',
      data: { certificateNo: 'CQC-2024-0001', from: '2024-07-01', reason: 'factory audit failed' },
      requestedBy: bodyA,
    }).then([suspended])
  })
  it('refuses to suspend a suspended certificate', () => {
    const error = when([issued, suspended], {
      type: 'SuspendCertificate',
      data: { certificateNo: 'CQC-2024-0001', from: '2024-07-02', reason: 'again' },
      requestedBy: bodyA,
    }).thenThrows(
      RuleViolationError,
      /is suspended; only a valid or under-review certificate can be suspended/,
    )
    expect((error as RuleViolationError).rule).toBe('certificate-status')
  })
  it("refuses another body's certificate", () => {
    when([issued], {
      type: 'SuspendCertificate',
      data: { certificateNo: 'CQC-2024-0001', from: '2024-07-01', reason: 'x' },
      requestedBy: bodyB,
    }).thenThrows(ForbiddenError, /issued by CB-A; only that body can suspend it/)
  })
  it('lets a regulator suspend any certificate', () => {
    when([issued], {
      type: 'SuspendCertificate',
      data: { certificateNo: 'CQC-2024-0001', from: '2024-07-01', reason: 'factory audit failed' },
      requestedBy: { role: 'regulator', org: 'SAMR' },
    }).then([suspended])
  })
  it('refuses an unknown certificate', () => {
    when([], {
      type: 'SuspendCertificate',
      data: { certificateNo: 'CQC-404', from: '2024-07-01', reason: 'x' },
      requestedBy: bodyA,
    }).thenThrows(NotFoundError, /CQC-404/)
  })
  it('refuses a change dated before the last one', () => {
    const error = when([issued, suspended], {
      type: 'RestoreCertificate',
      data: { certificateNo: 'CQC-2024-0001', on: '2024-06-15', reason: 'fixed' },
      requestedBy: bodyA,
    }).thenThrows(RuleViolationError, /last changed on 2024-07-01; a later change cannot be dated 2024-06-15/)
    expect((error as RuleViolationError).rule).toBe('status-date-order')
  })

  it('restores a suspended certificate', () => {
    const data = { certificateNo: 'CQC-2024-0001', on: '2024-08-01', reason: 'corrective actions verified' }
    when([issued, suspended], { type: 'RestoreCertificate', data, requestedBy: bodyA }).then([
      { type: 'CertificateRestored', data },
    ])
  })
  it('refuses to restore a valid certificate', () => {
    when([issued], {
      type: 'RestoreCertificate',
      data: { certificateNo: 'CQC-2024-0001', on: '2024-08-01', reason: 'x' },
      requestedBy: bodyA,
    }).thenThrows(RuleViolationError, /only a suspended or under-review certificate can be restored/)
  })
  it('refuses to restore after expiry', () => {
    when([issued, suspended], {
      type: 'RestoreCertificate',
      data: { certificateNo: 'CQC-2024-0001', on: '2029-06-01', reason: 'x' },
      requestedBy: bodyA,
    }).thenThrows(RuleViolationError, /expired on 2029-05-31/)
  })

  it('withdraws a suspended certificate', () => {
    const data = { certificateNo: 'CQC-2024-0001', on: '2024-09-01', reason: 'no corrective action' }
    when([issued, suspended], { type: 'WithdrawCertificate', data, requestedBy: bodyA }).then([
      { type: 'CertificateWithdrawn', data: { ...data, cause: { kind: 'manual' } } },
    ])
  })
  it('refuses to withdraw a withdrawn certificate', () => {
    const withdrawn: CertificateEvent = {
      type: 'CertificateWithdrawn',
      data: { certificateNo: 'CQC-2024-0001', on: '2024-09-01', reason: 'x', cause: { kind: 'manual' } },
    }
    when([issued, withdrawn], {
      type: 'WithdrawCertificate',
      data: { certificateNo: 'CQC-2024-0001', on: '2024-09-02', reason: 'x' },
      requestedBy: bodyA,
    }).thenThrows(
      RuleViolationError,
      /is withdrawn; only a valid or under-review or suspended certificate can be withdrawn/,
    )
  })

  it('expires a certificate on or after its expiry date', () => {
    const data = { certificateNo: 'CQC-2024-0001', on: '2029-05-31' }
    when([issued], { type: 'ExpireCertificate', data, requestedBy: bodyA }).then([
      { type: 'CertificateExpired', data },
    ])
  })
  it('refuses to expire a certificate early', () => {
    const error = when([issued], {
      type: 'ExpireCertificate',
      data: { certificateNo: 'CQC-2024-0001', on: '2025-01-01' },
      requestedBy: bodyA,
    }).thenThrows(RuleViolationError, /runs until 2029-05-31; withdraw it to end it earlier/)
    expect((error as RuleViolationError).rule).toBe('certificate-expiry')
  })
  it('refuses to expire an expired certificate', () => {
    const expired: CertificateEvent = {
      type: 'CertificateExpired',
      data: { certificateNo: 'CQC-2024-0001', on: '2029-05-31' },
    }
    when([issued, expired], {
      type: 'ExpireCertificate',
      data: { certificateNo: 'CQC-2024-0001', on: '2029-06-01' },
      requestedBy: bodyA,
    }).thenThrows(RuleViolationError, /is expired/)
  })
})

describe('ChangeCertificateScope', () => {
  const change = (
    data: z.infer<typeof certification.ChangeCertificateScope>,
    facts = validFacts(),
    given: CertificateEvent[] = [issued],
  ) =>
    spec(certificateDecider)
      .given(given)
      .when({ type: 'ChangeCertificateScope', data, facts, requestedBy: bodyA })

  it('adds models and basis reports that are valid', () => {
    const data = {
      certificateNo: 'CQC-2024-0001',
      on: '2024-07-01',
      reason: 'new model',
      models: ['BCD-200', 'BCD-210'],
      basisReports: ['R-1', 'R-2'],
    }
    change(data).then([{ type: 'CertificateScopeChanged', data }])
  })
  it('checks new basis reports', () => {
    const facts = validFacts()
    facts.reports['R-2'] = { ...conformingReport('R-2'), revokedOn: '2024-06-20', revokeReason: 'error' }
    change(
      { certificateNo: 'CQC-2024-0001', on: '2024-07-01', reason: 'x', basisReports: ['R-1', 'R-2'] },
      facts,
    ).thenThrows(RuleViolationError, /R-2 was revoked/)
  })
  it('checks new standards', () => {
    const facts = validFacts()
    facts.standards['GB 4706-2019'] = { ...effective('GB 4706', '2019'), withdrawnOn: '2024-06-15' }
    change(
      {
        certificateNo: 'CQC-2024-0001',
        on: '2024-07-01',
        reason: 'x',
        standards: [{ code: 'GB 4706', version: '2019' }],
      },
      facts,
    ).thenThrows(RuleViolationError, /withdrawn on 2024-06-15/)
  })
  it('refuses a change that changes nothing', () => {
    change({ certificateNo: 'CQC-2024-0001', on: '2024-07-01', reason: 'x' }).thenThrows(
      InvalidCommandError,
      /name the models/,
    )
  })
  it('refuses to change a withdrawn certificate', () => {
    const withdrawn: CertificateEvent = {
      type: 'CertificateWithdrawn',
      data: { certificateNo: 'CQC-2024-0001', on: '2024-06-10', reason: 'x', cause: { kind: 'manual' } },
    }
    change(
      { certificateNo: 'CQC-2024-0001', on: '2024-07-01', reason: 'x', models: ['BCD-200'] },
      validFacts(),
      [issued, withdrawn],
    ).thenThrows(RuleViolationError, /only a valid or under-review or suspended certificate can be changed/)
  })
})
