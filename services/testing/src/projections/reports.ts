import { testing } from '@qi/contracts'
import type { Projection } from '@qi/projections'
import { applyWith, on } from '@qi/refs'
import type Database from 'better-sqlite3'
import type { z } from 'zod'
import type { PreviousReportFact } from '../domain/facts'

/**
 * Test reports with their status history: a report is valid from its issue date, amended from the
 * issue date of the report that replaces it, revoked from its revocation date. History rows carry
 * valid_from / valid_to (exclusive) so "status on a date" is a range query.
 */
export const TESTING_REPORTS = 'testing.reports'

export type ReportContent = z.infer<typeof testing.TestReportIssued.schema>
export type ReportStatus = 'valid' | 'amended' | 'revoked'

function insertReport(
  db: Database.Database,
  report: ReportContent,
  previousReportNo: string | null,
  reason: string | null,
) {
  db.prepare(
    `INSERT OR REPLACE INTO reports (report_no, lab_id, accreditation_no, customer_name, product_id, product_name, model,
       batch, tested_from, tested_to, issued_on, conformity, previous_report_no, status, replaced_by, content)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'valid', NULL, ?)`,
  ).run(
    report.reportNo,
    report.labId,
    report.accreditationNo,
    report.customer.name,
    report.sample.productId ?? null,
    report.sample.productName,
    report.sample.model,
    report.sample.batch ?? null,
    report.testedFrom,
    report.testedTo,
    report.issuedOn,
    report.conformity,
    previousReportNo,
    JSON.stringify(report),
  )
  db.prepare('DELETE FROM report_standards WHERE report_no = ?').run(report.reportNo)
  const insertStandard = db.prepare(
    'INSERT OR IGNORE INTO report_standards (report_no, code, version) VALUES (?, ?, ?)',
  )
  for (const { method } of report.results)
    insertStandard.run(report.reportNo, method.standardCode, method.standardVersion)
  changeStatus(db, report.reportNo, 'valid', report.issuedOn, reason, null)
}

function changeStatus(
  db: Database.Database,
  reportNo: string,
  status: ReportStatus,
  from: string,
  reason: string | null,
  replacedBy: string | null,
) {
  db.prepare('UPDATE report_status SET valid_to = ? WHERE report_no = ? AND valid_to IS NULL').run(
    from,
    reportNo,
  )
  db.prepare(
    'INSERT INTO report_status (report_no, status, valid_from, valid_to, reason, replaced_by) VALUES (?, ?, ?, NULL, ?, ?)',
  ).run(reportNo, status, from, reason, replacedBy)
  db.prepare('UPDATE reports SET status = ?, replaced_by = COALESCE(?, replaced_by) WHERE report_no = ?').run(
    status,
    replacedBy,
    reportNo,
  )
}

export const testingReportsProjection: Projection = {
  name: TESTING_REPORTS,
  version: 2,
  setup(db) {
    db.exec(`
      CREATE TABLE reports (
        report_no TEXT PRIMARY KEY, lab_id TEXT NOT NULL, accreditation_no TEXT NOT NULL, customer_name TEXT NOT NULL,
        product_id TEXT, product_name TEXT NOT NULL, model TEXT NOT NULL, batch TEXT, tested_from TEXT NOT NULL,
        tested_to TEXT NOT NULL, issued_on TEXT NOT NULL, conformity TEXT NOT NULL, previous_report_no TEXT,
        status TEXT NOT NULL, replaced_by TEXT, content TEXT NOT NULL
      );
      CREATE INDEX reports_by_lab ON reports (lab_id);
      CREATE INDEX reports_by_product ON reports (product_id);
      CREATE TABLE report_standards (
        report_no TEXT NOT NULL, code TEXT NOT NULL, version TEXT NOT NULL, PRIMARY KEY (report_no, code, version)
      );
      CREATE TABLE report_status (
        report_no TEXT NOT NULL, status TEXT NOT NULL, valid_from TEXT NOT NULL, valid_to TEXT,
        reason TEXT, replaced_by TEXT
      );
      CREATE INDEX report_status_by_report ON report_status (report_no);
      CREATE TABLE report_flags (report_no TEXT NOT NULL, on_date TEXT NOT NULL, reason TEXT NOT NULL, cause_ref TEXT NOT NULL);
      CREATE INDEX report_flags_by_report ON report_flags (report_no);
    `)
  },
  ...applyWith([
    on(testing.TestReportIssued, (data, db) => insertReport(db, data, null, null)),
    on(testing.TestReportAmended, (data, db) => {
      const { previousReportNo, reason, ...report } = data
      insertReport(db, report, previousReportNo, reason)
      changeStatus(db, previousReportNo, 'amended', report.issuedOn, reason, report.reportNo)
    }),
    on(testing.TestReportRevoked, (data, db) =>
      changeStatus(db, data.reportNo, 'revoked', data.revokedOn, data.reason, null),
    ),
    on(testing.TestReportFlagged, (data, db) => {
      db.prepare('INSERT INTO report_flags (report_no, on_date, reason, cause_ref) VALUES (?, ?, ?, ?)').run(
        data.reportNo,
        data.on,
        data.reason,
        data.cause.ref,
      )
    }),
  ]),
}

export interface ReportRow {
  report_no: string
  lab_id: string
  accreditation_no: string
  customer_name: string
  product_id: string | null
  product_name: string
  model: string
  batch: string | null
  tested_from: string
  tested_to: string
  issued_on: string
  conformity: string
  previous_report_no: string | null
  status: ReportStatus
  replaced_by: string | null
  content: string
}

export interface StatusRow {
  status: ReportStatus
  valid_from: string
  valid_to: string | null
  reason: string | null
  replaced_by: string | null
}

export function findReport(db: Database.Database, reportNo: string): ReportRow | undefined {
  return db.prepare('SELECT * FROM reports WHERE report_no = ?').get(reportNo) as ReportRow | undefined
}

/**
 * A report by number as people type it (reads only; commands stay exact): exact first, then
 * trimmed, NFKC-folded and case-insensitive.
 */
export function lookupReport(db: Database.Database, reportNo: string): ReportRow | undefined {
  const exact = findReport(db, reportNo)
  if (exact) return exact
  return db
    .prepare('SELECT * FROM reports WHERE report_no = ? COLLATE NOCASE ORDER BY report_no LIMIT 1')
    .get(reportNo.normalize('NFKC').trim()) as ReportRow | undefined
}

export function statusHistory(db: Database.Database, reportNo: string): StatusRow[] {
  return db
    .prepare(
      'SELECT status, valid_from, valid_to, reason, replaced_by FROM report_status WHERE report_no = ? ORDER BY rowid',
    )
    .all(reportNo) as StatusRow[]
}

/** The status row in force on a date; undefined before the report was issued. */
export function statusOn(db: Database.Database, reportNo: string, on: string): StatusRow | undefined {
  return db
    .prepare(
      `SELECT status, valid_from, valid_to, reason, replaced_by FROM report_status
       WHERE report_no = ? AND valid_from <= ? AND (valid_to IS NULL OR valid_to > ?) ORDER BY rowid DESC LIMIT 1`,
    )
    .get(reportNo, on, on) as StatusRow | undefined
}

export function loadPreviousReport(db: Database.Database, reportNo: string): PreviousReportFact | null {
  const row = findReport(db, reportNo)
  if (!row) return null
  const revoked = db
    .prepare(
      "SELECT valid_from FROM report_status WHERE report_no = ? AND status = 'revoked' ORDER BY rowid DESC LIMIT 1",
    )
    .get(reportNo) as { valid_from: string } | undefined
  return {
    reportNo: row.report_no,
    labId: row.lab_id,
    status: row.status,
    replacedBy: row.replaced_by,
    revokedOn: revoked?.valid_from ?? null,
  }
}

/** Review flags raised on a report by policies (e.g. its lab's accreditation was suspended). */
export function reportFlags(db: Database.Database, reportNo: string) {
  return db
    .prepare('SELECT on_date, reason, cause_ref FROM report_flags WHERE report_no = ? ORDER BY rowid')
    .all(reportNo) as Array<{ on_date: string; reason: string; cause_ref: string }>
}
