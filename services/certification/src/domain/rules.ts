import { standardKey } from '@qi/contracts'
import { RuleViolationError } from '@qi/decider'
import type { BodyAccreditationFact, CertificateFacts, StandardFact } from './facts'

/**
 * DOMAIN.md cross-context rule 2, body part: the certification body's accreditation is active on
 * the issue date and covers the certificate's scheme.
 */
export function checkBodyAccredited(
  certificate: { bodyId: string; accreditationNo: string; scheme: string; issuedOn: string },
  accreditation: BodyAccreditationFact | null,
): void {
  const rule = 'body-accredited'
  const no = certificate.accreditationNo
  const violation = (message: string, field = 'accreditationNo') =>
    new RuleViolationError(rule, message, no, field)
  if (!accreditation) throw violation(`accreditation ${no} is not on record; check the accreditation number`)
  if (accreditation.labId !== certificate.bodyId) {
    throw violation(
      `accreditation ${no} belongs to ${accreditation.labId}, not to certification body ${certificate.bodyId}`,
    )
  }
  const on = certificate.issuedOn
  if (on < accreditation.validFrom || on > accreditation.validUntil) {
    throw violation(
      `accreditation ${no} is valid ${accreditation.validFrom} to ${accreditation.validUntil}, not on ${on}`,
    )
  }
  const inactive = accreditation.inactivePeriods.find((p) => p.from <= on && (p.to === null || p.to > on))
  if (inactive) {
    const until = inactive.to ? ` until ${inactive.to}` : ''
    const reason = inactive.reason ? ` (${inactive.reason})` : ''
    throw violation(
      `accreditation ${no} was ${inactive.status} from ${inactive.from}${until}${reason}; the certificate is dated ${on}`,
    )
  }
  if (!accreditation.schemes.includes(certificate.scheme)) {
    const covered = accreditation.schemes.length > 0 ? accreditation.schemes.join(', ') : 'no scheme'
    throw violation(`accreditation ${no} covers ${covered}, not the scheme ${certificate.scheme}`, 'scheme')
  }
}

/**
 * Rule 2, basis part: every basis report exists, is not revoked, was not replaced by an amendment,
 * states conformity and was issued by the certificate's date.
 */
export function checkBasisReports(
  reportNos: readonly string[],
  on: string,
  reports: CertificateFacts['reports'],
): void {
  const rule = 'basis-report-valid'
  reportNos.forEach((reportNo, index) => {
    const field = `basisReports.${index}`
    const violation = (message: string) => new RuleViolationError(rule, message, reportNo, field)
    const report = reports[reportNo]
    if (!report) throw violation(`test report ${reportNo} is not on record`)
    if (report.revokedOn !== null) {
      const reason = report.revokeReason ? ` (${report.revokeReason})` : ''
      throw violation(
        `test report ${reportNo} was revoked on ${report.revokedOn}${reason}; it cannot be a basis report`,
      )
    }
    if (report.replacedBy !== null) {
      throw violation(
        `test report ${reportNo} was replaced by amended report ${report.replacedBy}; use ${report.replacedBy} instead`,
      )
    }
    if (report.conformity !== 'conforms') {
      throw violation(
        `test report ${reportNo} states '${report.conformity}', not conformity; it cannot support a certificate`,
      )
    }
    if (report.issuedOn > on)
      throw violation(
        `test report ${reportNo} was issued on ${report.issuedOn}, after the certificate date ${on}`,
      )
  })
}

/** Rule 2, standards part: each certificate standard is effective on the date, or within its transition. */
export function checkStandardsEffective(
  refs: ReadonlyArray<{ code: string; version: string }>,
  on: string,
  standards: CertificateFacts['standards'],
): void {
  refs.forEach((ref, index) => {
    const problem = standardProblem(ref, standards[standardKey(ref)], on)
    if (problem)
      throw new RuleViolationError('standard-effective', problem, standardKey(ref), `standards.${index}`)
  })
}

function standardProblem(
  ref: { code: string; version: string },
  standard: StandardFact | undefined,
  on: string,
): string | null {
  const key = standardKey(ref)
  if (!standard) return `standard ${key} is not in the standards catalogue`
  if (standard.publishedOn === null || standard.effectiveFrom === null)
    return `standard ${key} is a draft, not published`
  if (standard.effectiveFrom > on) return `standard ${key} only takes effect on ${standard.effectiveFrom}`
  if (standard.withdrawnOn !== null && standard.withdrawnOn <= on)
    return `standard ${key} was withdrawn on ${standard.withdrawnOn}`
  if (
    standard.supersededOn !== null &&
    standard.transitionEndsOn !== null &&
    standard.transitionEndsOn < on
  ) {
    return `standard ${key} was superseded by ${standard.replacedBy ?? 'a newer version'} on ${standard.supersededOn} and its transition ended on ${standard.transitionEndsOn}`
  }
  return null
}
