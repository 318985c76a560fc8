import { certification } from '@qi/contracts'
import type { Projection } from '@qi/projections'
import { applyWith, on } from '@qi/refs'
import type Database from 'better-sqlite3'
import type { z } from 'zod'
import type { CertificateStatus } from '../domain/certificate'

/**
 * Certificates with their status history (valid → suspended ↔ valid → withdrawn / expired). Each
 * history row keeps valid_from / valid_to (exclusive), the reason and the cause (manual or the
 * policy that triggered it), so "valid on a date" is a range query. Scope changes are kept too.
 */
export const CERTIFICATION_CERTIFICATES = 'certification.certificates'

export type CertificateContent = z.infer<typeof certification.CertificateIssued.schema>

function changeStatus(
  db: Database.Database,
  certificateNo: string,
  status: CertificateStatus,
  from: string,
  reason: string | null,
  cause: { kind: string; ref?: string } | null,
) {
  db.prepare('UPDATE certificate_status SET valid_to = ? WHERE certificate_no = ? AND valid_to IS NULL').run(
    from,
    certificateNo,
  )
  db.prepare(
    `INSERT INTO certificate_status (certificate_no, status, valid_from, valid_to, reason, cause_kind, cause_ref)
     VALUES (?, ?, ?, NULL, ?, ?, ?)`,
  ).run(certificateNo, status, from, reason, cause?.kind ?? null, cause?.ref ?? null)
  db.prepare('UPDATE certificates SET status = ?, status_since = ? WHERE certificate_no = ?').run(
    status,
    from,
    certificateNo,
  )
}

export const certificatesProjection: Projection = {
  name: CERTIFICATION_CERTIFICATES,
  version: 3,
  setup(db) {
    db.exec(`
      CREATE TABLE certificates (
        certificate_no TEXT PRIMARY KEY, body_id TEXT NOT NULL, accreditation_no TEXT NOT NULL,
        holder_id TEXT NOT NULL, holder_name TEXT NOT NULL, product_id TEXT NOT NULL, product_name TEXT NOT NULL,
        scheme TEXT NOT NULL, issued_on TEXT NOT NULL, expires_on TEXT NOT NULL, status TEXT NOT NULL,
        status_since TEXT NOT NULL, content TEXT NOT NULL
      );
      CREATE INDEX certificates_by_body ON certificates (body_id);
      CREATE INDEX certificates_by_holder ON certificates (holder_id);
      CREATE INDEX certificates_by_product ON certificates (product_id);
      CREATE TABLE certificate_status (
        certificate_no TEXT NOT NULL, status TEXT NOT NULL, valid_from TEXT NOT NULL, valid_to TEXT,
        reason TEXT, cause_kind TEXT, cause_ref TEXT
      );
      CREATE INDEX certificate_status_by_certificate ON certificate_status (certificate_no);
      CREATE TABLE scope_changes (certificate_no TEXT NOT NULL, on_date TEXT NOT NULL, reason TEXT NOT NULL, changes TEXT NOT NULL);
      CREATE TABLE transition_deadlines (
        certificate_no TEXT NOT NULL, standard TEXT NOT NULL, code TEXT NOT NULL, version TEXT NOT NULL,
        replaced_by TEXT NOT NULL, deadline TEXT NOT NULL, PRIMARY KEY (certificate_no, standard)
      );
      CREATE INDEX transition_deadlines_by_date ON transition_deadlines (deadline);
      -- What a certificate rests on, indexed for the policies (a revoked report, a superseded
      -- standard) instead of a scan of every certificate's JSON.
      CREATE TABLE certificate_basis_reports (
        report_no TEXT NOT NULL, certificate_no TEXT NOT NULL, PRIMARY KEY (report_no, certificate_no)
      ) WITHOUT ROWID;
      CREATE TABLE certificate_standards (
        standard TEXT NOT NULL, certificate_no TEXT NOT NULL, PRIMARY KEY (standard, certificate_no)
      ) WITHOUT ROWID;
    `)
  },
  ...applyWith([
    on(certification.CertificateIssued, (data, db) => {
      db.prepare(
        `INSERT OR REPLACE INTO certificates (certificate_no, body_id, accreditation_no, holder_id, holder_name, product_id,
           product_name, scheme, issued_on, expires_on, status, status_since, content)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'valid', ?, ?)`,
      ).run(
        data.certificateNo,
        data.bodyId,
        data.accreditationNo,
        data.holder.enterpriseId,
        data.holder.name,
        data.product.productId,
        data.product.name,
        data.scheme,
        data.issuedOn,
        data.expiresOn,
        data.issuedOn,
        JSON.stringify(data),
      )
      indexBasis(db, data.certificateNo, data.basisReports)
      indexStandards(db, data.certificateNo, data.standards)
      changeStatus(db, data.certificateNo, 'valid', data.issuedOn, null, null)
    }),
    on(certification.CertificateSuspended, (data, db) =>
      changeStatus(db, data.certificateNo, 'suspended', data.from, data.reason, data.cause),
    ),
    on(certification.CertificateRestored, (data, db) =>
      changeStatus(db, data.certificateNo, 'valid', data.on, data.reason, { kind: 'manual' }),
    ),
    on(certification.CertificateWithdrawn, (data, db) =>
      changeStatus(db, data.certificateNo, 'withdrawn', data.on, data.reason, data.cause),
    ),
    on(certification.CertificateExpired, (data, db) =>
      changeStatus(db, data.certificateNo, 'expired', data.on, data.reason ?? null, data.cause ?? null),
    ),
    on(certification.CertificateReviewOpened, (data, db) =>
      changeStatus(db, data.certificateNo, 'under_review', data.on, data.reason, data.cause),
    ),
    on(certification.CertificateTransitionDeadlineSet, (data, db) => {
      db.prepare(
        `INSERT OR REPLACE INTO transition_deadlines (certificate_no, standard, code, version, replaced_by, deadline)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(
        data.certificateNo,
        `${data.standard.code}-${data.standard.version}`,
        data.standard.code,
        data.standard.version,
        `${data.replacedBy.code}-${data.replacedBy.version}`,
        data.deadline,
      )
    }),
    on(certification.CertificateTransitionDeadlineLifted, (data, db) => {
      db.prepare('DELETE FROM transition_deadlines WHERE certificate_no = ? AND standard = ?').run(
        data.certificateNo,
        `${data.standard.code}-${data.standard.version}`,
      )
    }),
    on(certification.CertificateScopeChanged, (data, db) => {
      const row = db
        .prepare('SELECT content FROM certificates WHERE certificate_no = ?')
        .get(data.certificateNo) as { content: string } | undefined
      if (!row) return
      const content = JSON.parse(row.content) as CertificateContent
      const updated: CertificateContent = {
        ...content,
        product: { ...content.product, models: data.models ?? content.product.models },
        standards: data.standards ?? content.standards,
        basisReports: data.basisReports ?? content.basisReports,
      }
      db.prepare('UPDATE certificates SET content = ? WHERE certificate_no = ?').run(
        JSON.stringify(updated),
        data.certificateNo,
      )
      if (data.basisReports) indexBasis(db, data.certificateNo, data.basisReports)
      if (data.standards) indexStandards(db, data.certificateNo, data.standards)
      const { certificateNo, on: onDate, reason, ...changes } = data
      db.prepare(
        'INSERT INTO scope_changes (certificate_no, on_date, reason, changes) VALUES (?, ?, ?, ?)',
      ).run(certificateNo, onDate, reason, JSON.stringify(changes))
    }),
  ]),
}

function indexBasis(db: Database.Database, certificateNo: string, reportNos: readonly string[]) {
  db.prepare('DELETE FROM certificate_basis_reports WHERE certificate_no = ?').run(certificateNo)
  const insert = db.prepare(
    'INSERT OR IGNORE INTO certificate_basis_reports (report_no, certificate_no) VALUES (?, ?)',
  )
  for (const reportNo of reportNos) insert.run(reportNo, certificateNo)
}

function indexStandards(
  db: Database.Database,
  certificateNo: string,
  standards: ReadonlyArray<{ code: string; version: string }>,
) {
  db.prepare('DELETE FROM certificate_standards WHERE certificate_no = ?').run(certificateNo)
  const insert = db.prepare(
    'INSERT OR IGNORE INTO certificate_standards (standard, certificate_no) VALUES (?, ?)',
  )
  for (const s of standards) insert.run(`${s.code}-${s.version}`, certificateNo)
}

export interface CertificateRow {
  certificate_no: string
  body_id: string
  accreditation_no: string
  holder_id: string
  holder_name: string
  product_id: string
  product_name: string
  scheme: string
  issued_on: string
  expires_on: string
  status: CertificateStatus
  status_since: string
  content: string
}

export interface CertificateStatusRow {
  status: CertificateStatus
  valid_from: string
  valid_to: string | null
  reason: string | null
  cause_kind: string | null
  cause_ref: string | null
}

/**
 * A certificate by number as people type it: exact first, then trimmed, full-width folded (NFKC) and
 * case-insensitive (`ccc-2023-0107001 ` finds CCC-2023-0107001).
 */
export function findCertificate(db: Database.Database, certificateNo: string): CertificateRow | undefined {
  const exact = db.prepare('SELECT * FROM certificates WHERE certificate_no = ?').get(certificateNo) as
    | CertificateRow
    | undefined
  if (exact) return exact
  return db
    .prepare(
      'SELECT * FROM certificates WHERE certificate_no = ? COLLATE NOCASE ORDER BY certificate_no LIMIT 1',
    )
    .get(certificateNo.normalize('NFKC').trim()) as CertificateRow | undefined
}

export function certificateHistory(db: Database.Database, certificateNo: string): CertificateStatusRow[] {
  return db
    .prepare(
      'SELECT status, valid_from, valid_to, reason, cause_kind, cause_ref FROM certificate_status WHERE certificate_no = ? ORDER BY rowid',
    )
    .all(certificateNo) as CertificateStatusRow[]
}

export function certificateStatusOn(
  db: Database.Database,
  certificateNo: string,
  on: string,
): CertificateStatusRow | undefined {
  return db
    .prepare(
      `SELECT status, valid_from, valid_to, reason, cause_kind, cause_ref FROM certificate_status
       WHERE certificate_no = ? AND valid_from <= ? AND (valid_to IS NULL OR valid_to > ?) ORDER BY rowid DESC LIMIT 1`,
    )
    .get(certificateNo, on, on) as CertificateStatusRow | undefined
}

export function transitionDeadlines(db: Database.Database, certificateNo: string) {
  return db
    .prepare(
      'SELECT standard, replaced_by, deadline FROM transition_deadlines WHERE certificate_no = ? ORDER BY deadline',
    )
    .all(certificateNo) as Array<{ standard: string; replaced_by: string; deadline: string }>
}

export function scopeChanges(db: Database.Database, certificateNo: string) {
  const rows = db
    .prepare('SELECT on_date, reason, changes FROM scope_changes WHERE certificate_no = ? ORDER BY rowid')
    .all(certificateNo) as Array<{ on_date: string; reason: string; changes: string }>
  return rows.map((r) => ({
    on: r.on_date,
    reason: r.reason,
    changes: JSON.parse(r.changes) as Record<string, unknown>,
  }))
}
