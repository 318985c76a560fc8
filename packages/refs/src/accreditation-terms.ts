import { accreditation } from '@qi/contracts'
import type Database from 'better-sqlite3'
import { on } from './handlers'

/**
 * Read-model building blocks for services that keep their own copy of another context's facts
 * (services never import each other, so testing and certification each project accreditation
 * events; this is the one implementation of how they record terms and inactive periods).
 */
export const ACCREDITATION_TERMS_SQL = `
  CREATE TABLE accreditations (
    accreditation_no TEXT PRIMARY KEY, lab_id TEXT NOT NULL, valid_from TEXT NOT NULL, valid_until TEXT NOT NULL
  );
  CREATE TABLE inactive_periods (
    accreditation_no TEXT NOT NULL, status TEXT NOT NULL, from_date TEXT NOT NULL, to_date TEXT, reason TEXT
  );
  CREATE INDEX inactive_periods_by_accreditation ON inactive_periods (accreditation_no);
`

const dayAfter = (date: string) => {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + 1)
  return d.toISOString().slice(0, 10)
}

/** Ends the open inactive period (suspension, withdrawal, expiry) of an accreditation on a date. */
export function closeInactivePeriods(db: Database.Database, accreditationNo: string, on: string) {
  db.prepare('UPDATE inactive_periods SET to_date = ? WHERE accreditation_no = ? AND to_date IS NULL').run(
    on,
    accreditationNo,
  )
}

/** Starts an inactive period (closing the previous one): suspended, withdrawn or expired. */
export function openInactivePeriod(
  db: Database.Database,
  accreditationNo: string,
  status: string,
  from: string,
  reason: string | null,
) {
  closeInactivePeriods(db, accreditationNo, from)
  db.prepare(
    'INSERT INTO inactive_periods (accreditation_no, status, from_date, to_date, reason) VALUES (?, ?, ?, NULL, ?)',
  ).run(accreditationNo, status, from, reason)
}

/**
 * A grant or a renewal (same number, as CNAS renews). The row keeps the whole span from the first
 * grant to the latest end; a renewal closes earlier suspensions or expiry, and a gap between two
 * terms is kept as an 'expired' period, so work dated in an earlier term still checks against it.
 */
export function recordAccreditationTerm(
  db: Database.Database,
  term: { accreditationNo: string; labId: string; validFrom: string; validUntil: string },
) {
  const previous = db
    .prepare('SELECT valid_from, valid_until FROM accreditations WHERE accreditation_no = ?')
    .get(term.accreditationNo) as { valid_from: string; valid_until: string } | undefined
  db.prepare(
    `INSERT INTO accreditations (accreditation_no, lab_id, valid_from, valid_until) VALUES (?, ?, ?, ?)
     ON CONFLICT (accreditation_no) DO UPDATE SET lab_id = excluded.lab_id, valid_from = excluded.valid_from,
       valid_until = excluded.valid_until`,
  ).run(
    term.accreditationNo,
    term.labId,
    previous && previous.valid_from < term.validFrom ? previous.valid_from : term.validFrom,
    term.validUntil,
  )
  closeInactivePeriods(db, term.accreditationNo, term.validFrom)
  if (previous && dayAfter(previous.valid_until) < term.validFrom) {
    db.prepare(
      'INSERT INTO inactive_periods (accreditation_no, status, from_date, to_date, reason) VALUES (?, ?, ?, ?, ?)',
    ).run(
      term.accreditationNo,
      'expired',
      dayAfter(previous.valid_until),
      term.validFrom,
      'lapsed between two terms',
    )
  }
}

/** An accreditation's term (first grant to latest end) and its inactive periods, as recorded here. */
export function loadAccreditationTerm(db: Database.Database, accreditationNo: string) {
  const row = db.prepare('SELECT * FROM accreditations WHERE accreditation_no = ?').get(accreditationNo) as
    | { accreditation_no: string; lab_id: string; valid_from: string; valid_until: string }
    | undefined
  if (!row) return null
  const periods = db
    .prepare(
      'SELECT status, from_date, to_date, reason FROM inactive_periods WHERE accreditation_no = ? ORDER BY rowid',
    )
    .all(accreditationNo) as Array<{
    status: 'suspended' | 'withdrawn' | 'expired'
    from_date: string
    to_date: string | null
    reason: string | null
  }>
  return {
    accreditationNo: row.accreditation_no,
    labId: row.lab_id,
    validFrom: row.valid_from,
    validUntil: row.valid_until,
    inactivePeriods: periods.map((p) => ({
      status: p.status,
      from: p.from_date,
      to: p.to_date,
      reason: p.reason,
    })),
  }
}

/** The handlers of accreditation's suspensions, restorations, withdrawals and expiries: inactive periods. */
export const inactivePeriodHandlers = [
  on(accreditation.AccreditationSuspended, (data, db) =>
    openInactivePeriod(db, data.accreditationNo, 'suspended', data.from, data.reason),
  ),
  on(accreditation.AccreditationRestored, (data, db) =>
    closeInactivePeriods(db, data.accreditationNo, data.on),
  ),
  on(accreditation.AccreditationWithdrawn, (data, db) =>
    openInactivePeriod(db, data.accreditationNo, 'withdrawn', data.on, data.reason),
  ),
  on(accreditation.AccreditationExpired, (data, db) =>
    openInactivePeriod(db, data.accreditationNo, 'expired', data.on, null),
  ),
]
