import type { MethodRef } from '@qi/contracts'

/**
 * Cross-context facts the report rules need. The router reads them from the `testing.refs`
 * projection (built from standards, accreditation and metrology events) and passes them inside the
 * command, so the decider stays pure and every rule is covered by given/when/then specs.
 */

export interface StandardFact {
  code: string
  version: string
  publishedOn: string | null
  effectiveFrom: string | null
  supersededOn: string | null
  /** `code-version` of the replacing standard. */
  replacedBy: string | null
  transitionEndsOn: string | null
  withdrawnOn: string | null
}

/** A period in which the accreditation did not cover work; `to` is exclusive, null while open. */
export interface InactivePeriod {
  status: 'suspended' | 'withdrawn' | 'expired'
  from: string
  to: string | null
  reason: string | null
}

export interface ScopeLineFact {
  lineId: string
  method: MethodRef
  addedOn: string
  /** The line no longer covers work from this date on. */
  removedOn: string | null
}

export interface AccreditationFact {
  accreditationNo: string
  labId: string
  validFrom: string
  validUntil: string
  inactivePeriods: InactivePeriod[]
  scope: ScopeLineFact[]
}

export interface CalibrationFact {
  certificateNo: string
  calibratedOn: string
  dueOn: string
  passed: boolean
  /** Set when metrology recorded the calibration as expired (possibly before its due date). */
  expiredOn: string | null
}

export interface InstrumentFact {
  instrumentId: string
  ownerLabId: string
  retiredOn: string | null
  calibrations: CalibrationFact[]
}

export interface ReportFacts {
  accreditation: AccreditationFact | null
  instruments: Record<string, InstrumentFact | undefined>
  /** Keyed by `code-version` (contracts' standardKey). */
  standards: Record<string, StandardFact | undefined>
}

/** What the amend rules need to know about the report being replaced (from `testing.reports`). */
export interface PreviousReportFact {
  reportNo: string
  labId: string
  status: 'valid' | 'amended' | 'revoked'
  replacedBy: string | null
  revokedOn: string | null
}
