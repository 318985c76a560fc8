/**
 * Cross-context facts rule 2 needs. The router reads them from the `certification.refs` projection
 * (built from testing, accreditation and standards events) and passes them inside the command, so
 * the decider stays pure and every rule is covered by given/when/then specs.
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

export interface BasisReportFact {
  reportNo: string
  labId: string
  issuedOn: string
  conformity: 'conforms' | 'does_not_conform' | 'no_statement'
  /** The amended report that replaced this one. */
  replacedBy: string | null
  revokedOn: string | null
  revokeReason: string | null
}

/** A period in which the accreditation did not cover work; `to` is exclusive, null while open. */
export interface InactivePeriod {
  status: 'suspended' | 'withdrawn' | 'expired'
  from: string
  to: string | null
  reason: string | null
}

export interface BodyAccreditationFact {
  accreditationNo: string
  /** The accredited organisation: for a certification body, its bodyId. */
  labId: string
  validFrom: string
  validUntil: string
  schemes: string[]
  inactivePeriods: InactivePeriod[]
}

export interface CertificateFacts {
  accreditation: BodyAccreditationFact | null
  reports: Record<string, BasisReportFact | undefined>
  /** Keyed by `code-version` (contracts' standardKey). */
  standards: Record<string, StandardFact | undefined>
}
