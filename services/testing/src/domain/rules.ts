import { type MethodRef, methodKey, standardKey } from '@qi/contracts'
import { RuleViolationError } from '@qi/decider'
import type { AccreditationFact, InstrumentFact, ReportFacts, StandardFact } from './facts'

/** The parts of a report the rules look at. */
export interface ReportUnderTest {
  labId: string
  accreditationNo: string
  testedFrom: string
  testedTo: string
  results: ReadonlyArray<{ method: MethodRef }>
  instrumentIds: readonly string[]
}

/**
 * DOMAIN.md cross-context rule 1: at the test dates the lab's accreditation is active and covers
 * each method with that standard version, every instrument has a valid calibration, and every
 * standard is effective. Throws the first violation, naming the rule, the item and the field.
 */
export function checkReportRules(report: ReportUnderTest, facts: ReportFacts): void {
  const accreditation = checkAccreditationActive(report, facts.accreditation)
  checkMethodsInScope(report, accreditation)
  checkInstrumentsCalibrated(report, facts.instruments)
  checkStandardsEffective(report, facts.standards)
}

function checkAccreditationActive(report: ReportUnderTest, accreditation: AccreditationFact | null) {
  const rule = 'accreditation-active'
  const field = 'accreditationNo'
  const no = report.accreditationNo
  if (!accreditation) {
    throw new RuleViolationError(
      rule,
      `accreditation ${no} is not on record; check the accreditation number`,
      no,
      field,
    )
  }
  if (accreditation.labId !== report.labId) {
    throw new RuleViolationError(
      rule,
      `accreditation ${no} belongs to lab ${accreditation.labId}, not to lab ${report.labId}`,
      no,
      field,
    )
  }
  if (report.testedFrom < accreditation.validFrom || report.testedTo > accreditation.validUntil) {
    throw new RuleViolationError(
      rule,
      `accreditation ${no} is valid ${accreditation.validFrom} to ${accreditation.validUntil}; the tests ran ${report.testedFrom} to ${report.testedTo}`,
      no,
      field,
    )
  }
  const inactive = accreditation.inactivePeriods.find(
    (period) => period.from <= report.testedTo && (period.to === null || period.to > report.testedFrom),
  )
  if (inactive) {
    const until = inactive.to ? ` until ${inactive.to}` : ''
    const reason = inactive.reason ? ` (${inactive.reason})` : ''
    throw new RuleViolationError(
      rule,
      `accreditation ${no} was ${inactive.status} from ${inactive.from}${until}${reason}; the tests ran ${report.testedFrom} to ${report.testedTo}`,
      no,
      field,
    )
  }
  return accreditation
}

function checkMethodsInScope(report: ReportUnderTest, accreditation: AccreditationFact) {
  const coveringLines = accreditation.scope.filter(
    (line) =>
      line.addedOn <= report.testedFrom && (line.removedOn === null || line.removedOn > report.testedTo),
  )
  report.results.forEach((result, index) => {
    const { method } = result
    const covered = coveringLines.some(
      (line) =>
        line.method.standardCode === method.standardCode &&
        line.method.standardVersion === method.standardVersion &&
        line.method.clause === method.clause,
    )
    if (covered) return
    const otherVersions = [
      ...new Set(
        coveringLines
          .filter(
            (line) =>
              line.method.standardCode === method.standardCode &&
              line.method.standardVersion !== method.standardVersion,
          )
          .map((line) => `${line.method.standardCode}-${line.method.standardVersion}`),
      ),
    ]
    const hint =
      otherVersions.length > 0
        ? `; the scope covers ${otherVersions.join(', ')}, not ${method.standardCode}-${method.standardVersion}`
        : '; extend the scope or use a method in it'
    throw new RuleViolationError(
      'method-in-scope',
      `method ${methodKey(method)} is not in the scope of accreditation ${accreditation.accreditationNo} at the test dates${hint}`,
      methodKey(method),
      `results.${index}.method`,
    )
  })
}

function checkInstrumentsCalibrated(report: ReportUnderTest, instruments: ReportFacts['instruments']) {
  const rule = 'instrument-calibrated'
  report.instrumentIds.forEach((instrumentId, index) => {
    const field = `instrumentIds.${index}`
    const instrument = instruments[instrumentId]
    if (!instrument) {
      throw new RuleViolationError(
        rule,
        `instrument ${instrumentId} is not registered in metrology`,
        instrumentId,
        field,
      )
    }
    const problem = calibrationProblem(instrument, report.testedFrom, report.testedTo)
    if (problem)
      throw new RuleViolationError(rule, `instrument ${instrumentId} ${problem}`, instrumentId, field)
  })
}

/** Why the instrument could not be used from `from` to `to`, or null when it could. */
function calibrationProblem(instrument: InstrumentFact, from: string, to: string): string | null {
  if (instrument.retiredOn !== null && instrument.retiredOn <= to)
    return `was retired on ${instrument.retiredOn}`
  const validUntil = (c: InstrumentFact['calibrations'][number]) =>
    c.expiredOn !== null && c.expiredOn < c.dueOn ? c.expiredOn : c.dueOn
  const valid = instrument.calibrations.some((c) => c.passed && c.calibratedOn <= from && validUntil(c) >= to)
  if (valid) return null
  const before = instrument.calibrations
    .filter((c) => c.calibratedOn <= from)
    .sort((a, b) => (a.calibratedOn < b.calibratedOn ? -1 : a.calibratedOn > b.calibratedOn ? 1 : 0))
  const latest = before.at(-1)
  if (!latest) return `has no calibration on or before ${from}; calibrate it before testing`
  if (!latest.passed)
    return `failed its calibration on ${latest.calibratedOn} (certificate ${latest.certificateNo})`
  return `calibration expired ${validUntil(latest)} (certificate ${latest.certificateNo}); the tests ran until ${to}`
}

function checkStandardsEffective(report: ReportUnderTest, standards: ReportFacts['standards']) {
  report.results.forEach((result, index) => {
    const ref = { code: result.method.standardCode, version: result.method.standardVersion }
    const problem = standardProblem(ref, standards[standardKey(ref)], report.testedFrom, report.testedTo)
    if (problem) {
      throw new RuleViolationError('standard-effective', problem, standardKey(ref), `results.${index}.method`)
    }
  })
}

/** Why the standard could not be applied from `from` to `to`, or null when it could. */
function standardProblem(
  ref: { code: string; version: string },
  standard: StandardFact | undefined,
  from: string,
  to: string,
): string | null {
  const key = standardKey(ref)
  if (!standard) return `standard ${key} is not in the standards catalogue`
  if (standard.publishedOn === null || standard.effectiveFrom === null)
    return `standard ${key} is a draft, not published`
  if (standard.effectiveFrom > from) return `standard ${key} only takes effect on ${standard.effectiveFrom}`
  if (standard.withdrawnOn !== null && standard.withdrawnOn <= to)
    return `standard ${key} was withdrawn on ${standard.withdrawnOn}`
  if (
    standard.supersededOn !== null &&
    standard.transitionEndsOn !== null &&
    standard.transitionEndsOn < to
  ) {
    return `standard ${key} was superseded by ${standard.replacedBy ?? 'a newer version'} on ${standard.supersededOn} and its transition ended on ${standard.transitionEndsOn}`
  }
  return null
}
