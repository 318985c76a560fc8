import type { certification } from '@qi/contracts'
import { RuleViolationError } from '@qi/decider'
import { spec } from '@qi/decider/testing'
import { describe, it } from 'vitest'
import type { z } from 'zod'
import { type CertificateEvent, certificateDecider } from './certificate'

const content: z.infer<typeof certification.CertificateIssued.schema> = {
  certificateNo: 'C-1',
  bodyId: 'CB-A',
  accreditationNo: 'CNAS C001',
  holder: { enterpriseId: 'ENT-1', name: 'Wuhan Cold Co.' },
  manufacturer: { enterpriseId: 'ENT-1', name: 'Wuhan Cold Co.' },
  factory: {},
  product: { productId: 'P-1', name: 'Refrigerator', models: ['BCD-200'] },
  scheme: 'CCC',
  standards: [{ code: 'GB 4706.1', version: '2005' }],
  basisReports: ['R-1'],
  issuedOn: '2024-06-01',
  expiresOn: '2029-05-31',
}
const issued: CertificateEvent = { type: 'CertificateIssued', data: content }
const platform = { role: 'admin', org: 'qi-ledger' }
const cause = { kind: 'report_revoked' as const, ref: 'R-1' }
const old = { code: 'GB 4706.1', version: '2005' }
const newer = { code: 'GB 4706.1', version: '2024' }
const deadlineSet: CertificateEvent = {
  type: 'CertificateTransitionDeadlineSet',
  data: { certificateNo: 'C-1', standard: old, replacedBy: newer, deadline: '2027-06-01' },
}

describe('certificate commands issued by policies', () => {
  it('suspends with the cause the policy names', () => {
    spec(certificateDecider)
      .given([issued])
      .when({
        type: 'SuspendCertificate',
        data: { certificateNo: 'C-1', from: '2025-01-10', reason: 'basis report R-1 revoked' },
        requestedBy: platform,
        cause,
      })
      .then([
        {
          type: 'CertificateSuspended',
          data: { certificateNo: 'C-1', from: '2025-01-10', reason: 'basis report R-1 revoked', cause },
        },
      ])
  })

  it('opens a review on a certificate in force, and not on a suspended one', () => {
    const review = {
      certificateNo: 'C-1',
      on: '2025-02-01',
      reason: 'recall RC-1',
      cause: { kind: 'recall' as const, ref: 'RC-1' },
    }
    spec(certificateDecider)
      .given([issued])
      .when({ type: 'OpenReview', data: review })
      .then([{ type: 'CertificateReviewOpened', data: review }])
    spec(certificateDecider)
      .given([
        issued,
        {
          type: 'CertificateSuspended',
          data: { certificateNo: 'C-1', from: '2025-01-01', reason: 'x', cause: { kind: 'manual' } },
        },
      ])
      .when({ type: 'OpenReview', data: review })
      .thenNothing()
  })

  it('lets the body close a review by restoring the certificate', () => {
    spec(certificateDecider)
      .given([
        issued,
        {
          type: 'CertificateReviewOpened',
          data: {
            certificateNo: 'C-1',
            on: '2025-02-01',
            reason: 'recall',
            cause: { kind: 'recall', ref: 'RC-1' },
          },
        },
      ])
      .when({
        type: 'RestoreCertificate',
        data: { certificateNo: 'C-1', on: '2025-03-01', reason: 'recall closed, product conforms' },
        requestedBy: { role: 'certification_body', org: 'CB-A' },
      })
      .then([
        {
          type: 'CertificateRestored',
          data: { certificateNo: 'C-1', on: '2025-03-01', reason: 'recall closed, product conforms' },
        },
      ])
  })

  it('sets a transition deadline once, only for a standard the certificate is on', () => {
    spec(certificateDecider)
      .given([issued])
      .when({ type: 'SetTransitionDeadline', data: deadlineSet.data as never })
      .then([deadlineSet])
    spec(certificateDecider)
      .given([issued, deadlineSet])
      .when({ type: 'SetTransitionDeadline', data: deadlineSet.data as never })
      .thenNothing()
    spec(certificateDecider)
      .given([issued])
      .when({
        type: 'SetTransitionDeadline',
        data: {
          certificateNo: 'C-1',
          standard: { code: 'GB 1', version: '2000' },
          replacedBy: newer,
          deadline: '2027-06-01',
        },
      })
      .thenNothing()
  })

  it('lifts a transition deadline whose replacement link was retracted, once, and no expiry follows', () => {
    const lifted: CertificateEvent = {
      type: 'CertificateTransitionDeadlineLifted',
      data: { certificateNo: 'C-1', standard: old, replacedBy: newer, reason: 'recorded in error' },
    }
    spec(certificateDecider)
      .given([issued, deadlineSet])
      .when({ type: 'LiftTransitionDeadline', data: lifted.data as never })
      .then([lifted])
    spec(certificateDecider)
      .given([issued, deadlineSet, lifted])
      .when({ type: 'LiftTransitionDeadline', data: lifted.data as never })
      .thenNothing()
    spec(certificateDecider)
      .given([issued])
      .when({ type: 'LiftTransitionDeadline', data: lifted.data as never })
      .thenNothing()
    spec(certificateDecider)
      .given([issued, deadlineSet, lifted])
      .when({
        type: 'ExpireAtTransitionDeadline',
        data: { certificateNo: 'C-1', standard: old, on: '2027-07-01' },
      })
      .thenNothing()
  })

  it('expires a certificate still on the old version once the deadline has passed', () => {
    const when = (on: string) => ({
      type: 'ExpireAtTransitionDeadline' as const,
      data: { certificateNo: 'C-1', standard: old, on },
    })
    spec(certificateDecider).given([issued, deadlineSet]).when(when('2027-05-31')).thenNothing()
    spec(certificateDecider)
      .given([issued, deadlineSet])
      .when(when('2027-06-02'))
      .thenMatches([
        {
          type: 'CertificateExpired',
          data: {
            certificateNo: 'C-1',
            on: '2027-06-01',
            reason:
              'not re-certified to the version replacing GB 4706.1-2005 by the transition deadline 2027-06-01',
            cause: { kind: 'standard_superseded', ref: 'GB 4706.1-2005' },
          },
        },
      ])
  })

  it('does not expire a certificate re-certified to the new version', () => {
    spec(certificateDecider)
      .given([
        issued,
        deadlineSet,
        {
          type: 'CertificateScopeChanged',
          data: { certificateNo: 'C-1', on: '2026-01-10', reason: 're-certified', standards: [newer] },
        },
      ])
      .when({
        type: 'ExpireAtTransitionDeadline',
        data: { certificateNo: 'C-1', standard: old, on: '2027-07-01' },
      })
      .thenNothing()
  })

  it('still refuses a manual suspension of a certificate that is not in force', () => {
    spec(certificateDecider)
      .given([
        issued,
        {
          type: 'CertificateWithdrawn',
          data: { certificateNo: 'C-1', on: '2025-01-01', reason: 'x', cause: { kind: 'manual' } },
        },
      ])
      .when({
        type: 'SuspendCertificate',
        data: { certificateNo: 'C-1', from: '2025-02-01', reason: 'y' },
        requestedBy: platform,
      })
      .thenThrows(RuleViolationError, /withdrawn/)
  })
})
