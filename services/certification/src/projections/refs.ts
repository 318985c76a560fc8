import { accreditation, standardKey, testing } from '@qi/contracts'
import type { Projection } from '@qi/projections'
import {
  ACCREDITATION_TERMS_SQL,
  applyWith,
  inactivePeriodHandlers,
  loadAccreditationTerm,
  loadStandardLifecycle,
  on,
  recordAccreditationTerm,
  STANDARD_LIFECYCLE_SQL,
  standardLifecycleHandlers,
} from '@qi/refs'
import type Database from 'better-sqlite3'
import type { BasisReportFact, BodyAccreditationFact, CertificateFacts } from '../domain/facts'

/**
 * certification's own copy of the facts rule 2 needs: test reports (with amendments and
 * revocations) from testing, accreditations with schemes and inactive periods from accreditation,
 * and standards' lifecycle dates from standards. Body names serve public verification.
 */
export const CERTIFICATION_REFS = 'certification.refs'

function addSchemes(db: Database.Database, accreditationNo: string, schemes: readonly string[]) {
  const insert = db.prepare(
    'INSERT OR IGNORE INTO accreditation_schemes (accreditation_no, scheme) VALUES (?, ?)',
  )
  for (const scheme of schemes) insert.run(accreditationNo, scheme)
}

function insertReport(
  db: Database.Database,
  report: { reportNo: string; labId: string; issuedOn: string; conformity: string },
) {
  db.prepare(
    `INSERT OR REPLACE INTO reports (report_no, lab_id, issued_on, conformity, replaced_by, revoked_on, revoke_reason)
     VALUES (?, ?, ?, ?, NULL, NULL, NULL)`,
  ).run(report.reportNo, report.labId, report.issuedOn, report.conformity)
}

export const certificationRefsProjection: Projection = {
  name: CERTIFICATION_REFS,
  version: 3,
  setup(db) {
    db.exec(`
      CREATE TABLE reports (
        report_no TEXT PRIMARY KEY, lab_id TEXT NOT NULL, issued_on TEXT NOT NULL, conformity TEXT NOT NULL,
        replaced_by TEXT, revoked_on TEXT, revoke_reason TEXT
      );
      CREATE TABLE bodies (body_id TEXT PRIMARY KEY, name TEXT NOT NULL);
      ${ACCREDITATION_TERMS_SQL}
      CREATE TABLE accreditation_schemes (accreditation_no TEXT NOT NULL, scheme TEXT NOT NULL, PRIMARY KEY (accreditation_no, scheme));
      ${STANDARD_LIFECYCLE_SQL}
    `)
  },
  ...applyWith([
    on(testing.TestReportIssued, (data, db) => insertReport(db, data)),
    on(testing.TestReportAmended, (data, db) => {
      insertReport(db, data)
      db.prepare('UPDATE reports SET replaced_by = ? WHERE report_no = ?').run(
        data.reportNo,
        data.previousReportNo,
      )
    }),
    on(testing.TestReportRevoked, (data, db) => {
      db.prepare('UPDATE reports SET revoked_on = ?, revoke_reason = ? WHERE report_no = ?').run(
        data.revokedOn,
        data.reason,
        data.reportNo,
      )
    }),
    on(accreditation.LabRegistered, (data, db) => {
      db.prepare(
        'INSERT INTO bodies (body_id, name) VALUES (?, ?) ON CONFLICT (body_id) DO UPDATE SET name = excluded.name',
      ).run(data.labId, data.name)
    }),
    on(accreditation.LabAccredited, (data, db) => {
      recordAccreditationTerm(db, data)
      addSchemes(db, data.accreditationNo, data.schemes)
    }),
    on(accreditation.AccreditationScopeExtended, (data, db) =>
      addSchemes(db, data.accreditationNo, data.schemes),
    ),
    ...inactivePeriodHandlers,
    ...standardLifecycleHandlers,
  ]),
}

function loadReport(db: Database.Database, reportNo: string): BasisReportFact | undefined {
  const row = db.prepare('SELECT * FROM reports WHERE report_no = ?').get(reportNo) as
    | {
        report_no: string
        lab_id: string
        issued_on: string
        conformity: BasisReportFact['conformity']
        replaced_by: string | null
        revoked_on: string | null
        revoke_reason: string | null
      }
    | undefined
  if (!row) return undefined
  return {
    reportNo: row.report_no,
    labId: row.lab_id,
    issuedOn: row.issued_on,
    conformity: row.conformity,
    replacedBy: row.replaced_by,
    revokedOn: row.revoked_on,
    revokeReason: row.revoke_reason,
  }
}

function loadAccreditation(db: Database.Database, accreditationNo: string): BodyAccreditationFact | null {
  const term = loadAccreditationTerm(db, accreditationNo)
  if (!term) return null
  const schemes = db
    .prepare('SELECT scheme FROM accreditation_schemes WHERE accreditation_no = ? ORDER BY scheme')
    .all(accreditationNo) as Array<{ scheme: string }>
  const { inactivePeriods, ...dates } = term
  return { ...dates, schemes: schemes.map((s) => s.scheme), inactivePeriods }
}

/** Looks up every fact rule 2 needs for these reports, standards and accreditation. */
export function loadCertificateFacts(
  db: Database.Database,
  wanted: {
    accreditationNo?: string
    basisReports?: readonly string[]
    standards?: ReadonlyArray<{ code: string; version: string }>
  },
): CertificateFacts {
  const reports: CertificateFacts['reports'] = {}
  for (const reportNo of wanted.basisReports ?? []) reports[reportNo] = loadReport(db, reportNo)
  const standardsByKey: CertificateFacts['standards'] = {}
  for (const ref of wanted.standards ?? [])
    standardsByKey[standardKey(ref)] = loadStandardLifecycle(db, standardKey(ref))
  return {
    accreditation: wanted.accreditationNo ? loadAccreditation(db, wanted.accreditationNo) : null,
    reports,
    standards: standardsByKey,
  }
}

export function bodyName(db: Database.Database, bodyId: string): string | null {
  const row = db.prepare('SELECT name FROM bodies WHERE body_id = ?').get(bodyId) as
    | { name: string }
    | undefined
  return row?.name ?? null
}
