import type {
  accreditation,
  certification,
  EventOf,
  industrialization,
  metrology,
  testing,
} from '@qi/contracts'
import type { NodeKind } from './ids'
import type { StageOf } from './stages'

type Data<D> = EventOf<D> extends { data: infer T } ? T : never

/** One status change an event records: node (kind + natural key), stage reached, business date. */
export interface StatusChange {
  kind: NodeKind
  key: string
  stage: string
  on: string
  reason?: string
  cause?: { kind: string; ref?: string }
}

const change = <K extends NodeKind>(
  kind: K,
  key: string,
  stage: StageOf<K>,
  on: string,
  reason?: string,
  cause?: { kind: string; ref?: string },
): StatusChange => ({ kind, key, stage, on, reason, cause })

type Rule<D> = (data: Data<D>, occurredOn: string) => StatusChange[]
const rule = <D>(_event: D, fn: Rule<D>) => fn as Rule<unknown>

const causeText = (cause: { kind: string; ref?: string } | undefined) => {
  if (!cause || cause.kind === 'manual') return ''
  const what: Record<string, string> = {
    report_revoked: `report ${cause.ref} was revoked`,
    accreditation_changed: `the accreditation of ${cause.ref} changed`,
    standard_superseded: `standard ${cause.ref} was superseded`,
    recall: `recall ${cause.ref}`,
  }
  return ` because ${what[cause.kind] ?? cause.kind}`
}

/**
 * Event type → the status changes it records: **the one table to extend** when an event starts to
 * change a status (its stage goes into LIFECYCLES in ./stages at its place in the lifecycle).
 * Registrations (no business date of their own) use the date they were entered, `occurredOn`.
 *
 * Standards are not here either: see ./standard-stages.
 *
 * Accreditation terms (LabAccredited, AccreditationExpired) are not here: a term's end can be called
 * off by a renewal, which the graph's handlers for those two events write (Writer.term).
 */
export const STATUS_CHANGES: Record<string, Rule<unknown>> = {
  // ---- standards ----
  // Not here: a standard's stage dates are folded from its events (./standard-stages), since a later
  // fact re-dates a stage (corrections, retractions, splits); the graph and the KPI write them.

  // ---- accreditation ----
  LabRegistered: rule({} as typeof accreditation.LabRegistered, (d, occurredOn) => [
    change('lab', d.labId, 'registered', occurredOn),
  ]),
  AccreditationSuspended: rule({} as typeof accreditation.AccreditationSuspended, (d) => [
    change('accreditation', d.accreditationNo, 'suspended', d.from, `suspended ${d.from}: ${d.reason}`),
  ]),
  AccreditationRestored: rule({} as typeof accreditation.AccreditationRestored, (d) => [
    change('accreditation', d.accreditationNo, 'restored', d.on, `restored ${d.on}: ${d.reason}`),
  ]),
  AccreditationWithdrawn: rule({} as typeof accreditation.AccreditationWithdrawn, (d) => [
    change('accreditation', d.accreditationNo, 'withdrawn', d.on, `withdrawn ${d.on}: ${d.reason}`),
  ]),

  // ---- metrology ----
  InstrumentRegistered: rule({} as typeof metrology.InstrumentRegistered, (d, occurredOn) => [
    change('instrument', d.instrumentId, 'registered', occurredOn),
  ]),
  InstrumentCalibrated: rule({} as typeof metrology.InstrumentCalibrated, (d) =>
    d.passed
      ? [
          change(
            'calibration',
            d.certificateNo,
            'calibrated',
            d.calibratedOn,
            `calibrated ${d.calibratedOn}, due ${d.dueOn}`,
          ),
          change('calibration', d.certificateNo, 'expired', d.dueOn, `calibration due ${d.dueOn}`),
        ]
      : [
          change(
            'calibration',
            d.certificateNo,
            'failed',
            d.calibratedOn,
            `calibration ${d.calibratedOn} failed`,
          ),
        ],
  ),
  CalibrationExpired: rule({} as typeof metrology.CalibrationExpired, (d) => [
    change('calibration', d.certificateNo, 'expired', d.on, `calibration expired ${d.on}`),
  ]),
  InstrumentRetired: rule({} as typeof metrology.InstrumentRetired, (d) => [
    change('instrument', d.instrumentId, 'retired', d.on, `retired ${d.on}: ${d.reason}`),
  ]),

  // ---- testing ----
  TestReportIssued: rule({} as typeof testing.TestReportIssued, (d) => [
    change('report', d.reportNo, 'issued', d.issuedOn, `issued ${d.issuedOn}`),
  ]),
  TestReportAmended: rule({} as typeof testing.TestReportAmended, (d) => [
    change('report', d.reportNo, 'issued', d.issuedOn, `issued ${d.issuedOn}`),
    change(
      'report',
      d.previousReportNo,
      'amended',
      d.issuedOn,
      `amended ${d.issuedOn} by report ${d.reportNo}: ${d.reason}`,
    ),
  ]),
  TestReportFlagged: rule({} as typeof testing.TestReportFlagged, (d) => [
    change('report', d.reportNo, 'flagged', d.on, `flagged ${d.on}: ${d.reason}`, d.cause),
  ]),
  TestReportRevoked: rule({} as typeof testing.TestReportRevoked, (d) => [
    change('report', d.reportNo, 'revoked', d.revokedOn, `revoked ${d.revokedOn}: ${d.reason}`),
  ]),

  // ---- certification ----
  CertificateIssued: rule({} as typeof certification.CertificateIssued, (d) => [
    change(
      'certificate',
      d.certificateNo,
      'issued',
      d.issuedOn,
      `issued ${d.issuedOn}, expires ${d.expiresOn}`,
    ),
    change('certificate', d.certificateNo, 'expired', d.expiresOn, `expired ${d.expiresOn}`),
  ]),
  CertificateSuspended: rule({} as typeof certification.CertificateSuspended, (d) => [
    change(
      'certificate',
      d.certificateNo,
      'suspended',
      d.from,
      `suspended ${d.from}${causeText(d.cause)}: ${d.reason}`,
      d.cause,
    ),
  ]),
  CertificateRestored: rule({} as typeof certification.CertificateRestored, (d) => [
    change('certificate', d.certificateNo, 'restored', d.on, `restored ${d.on}: ${d.reason}`),
  ]),
  CertificateWithdrawn: rule({} as typeof certification.CertificateWithdrawn, (d) => [
    change(
      'certificate',
      d.certificateNo,
      'withdrawn',
      d.on,
      `withdrawn ${d.on}${causeText(d.cause)}: ${d.reason}`,
      d.cause,
    ),
  ]),
  CertificateExpired: rule({} as typeof certification.CertificateExpired, (d) => [
    change(
      'certificate',
      d.certificateNo,
      'expired',
      d.on,
      d.reason ? `expired ${d.on}${causeText(d.cause)}: ${d.reason}` : `expired ${d.on}`,
      d.cause,
    ),
  ]),
  CertificateReviewOpened: rule({} as typeof certification.CertificateReviewOpened, (d) => [
    change(
      'certificate',
      d.certificateNo,
      'under_review',
      d.on,
      `under review since ${d.on}${causeText(d.cause)}: ${d.reason}`,
      d.cause,
    ),
  ]),

  // ---- industrialization ----
  EnterpriseRegistered: rule({} as typeof industrialization.EnterpriseRegistered, (d, occurredOn) => [
    change('enterprise', d.enterpriseId, 'registered', occurredOn),
  ]),
  ProductRegistered: rule({} as typeof industrialization.ProductRegistered, (d, occurredOn) => [
    change('product', d.productId, 'registered', occurredOn),
  ]),
  ProductionLineRegistered: rule({} as typeof industrialization.ProductionLineRegistered, (d, occurredOn) => [
    change('line', d.lineId, 'registered', occurredOn),
  ]),
  ProductRecalled: rule({} as typeof industrialization.ProductRecalled, (d) => [
    change(
      'recall',
      d.recallId,
      'announced',
      d.announcedOn,
      `recall announced ${d.announcedOn}: ${d.reason}`,
    ),
    change(
      'product',
      d.productId,
      'recalled',
      d.announcedOn,
      `recalled ${d.announcedOn} (${d.recallId}): ${d.reason}`,
      {
        kind: 'recall',
        ref: d.recallId,
      },
    ),
  ]),
}
