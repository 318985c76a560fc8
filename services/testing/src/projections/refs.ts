import { accreditation, metrology, standardKey } from '@qi/contracts'
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
import type { AccreditationFact, InstrumentFact, ReportFacts } from '../domain/facts'
import type { ReportUnderTest } from '../domain/rules'

/**
 * testing's own copy of the facts rule 1 needs, built from the standards, accreditation and
 * metrology contexts' events: standards' lifecycle dates, accreditations with dated scope lines and
 * inactive periods, instruments with their calibration history, and lab names for verification.
 */
export const TESTING_REFS = 'testing.refs'

function upsertScopeLine(
  db: Database.Database,
  accreditationNo: string,
  line: { lineId: string; method: { standardCode: string; standardVersion: string; clause: string } },
  addedOn: string,
) {
  db.prepare(
    `INSERT INTO scope_lines (accreditation_no, line_id, standard_code, standard_version, clause, added_on, removed_on)
     VALUES (?, ?, ?, ?, ?, ?, NULL)
     ON CONFLICT (accreditation_no, line_id) DO UPDATE SET
       -- The same line granted again (a renewal) stays in scope since it was first added; a changed
       -- or re-added line counts from its new date.
       added_on = CASE WHEN removed_on IS NULL AND standard_code = excluded.standard_code
         AND standard_version = excluded.standard_version AND clause = excluded.clause
         THEN min(added_on, excluded.added_on) ELSE excluded.added_on END,
       standard_code = excluded.standard_code, standard_version = excluded.standard_version,
       clause = excluded.clause, removed_on = NULL`,
  ).run(
    accreditationNo,
    line.lineId,
    line.method.standardCode,
    line.method.standardVersion,
    line.method.clause,
    addedOn,
  )
}

export const testingRefsProjection: Projection = {
  name: TESTING_REFS,
  version: 3,
  setup(db) {
    db.exec(`
      ${STANDARD_LIFECYCLE_SQL}
      CREATE TABLE labs (lab_id TEXT PRIMARY KEY, name TEXT NOT NULL);
      ${ACCREDITATION_TERMS_SQL}
      CREATE TABLE scope_lines (
        accreditation_no TEXT NOT NULL, line_id TEXT NOT NULL, standard_code TEXT NOT NULL,
        standard_version TEXT NOT NULL, clause TEXT NOT NULL, added_on TEXT NOT NULL, removed_on TEXT,
        PRIMARY KEY (accreditation_no, line_id)
      );
      CREATE TABLE instruments (instrument_id TEXT PRIMARY KEY, owner_lab_id TEXT NOT NULL, retired_on TEXT);
      CREATE TABLE calibrations (
        instrument_id TEXT NOT NULL, certificate_no TEXT NOT NULL, calibrated_on TEXT NOT NULL,
        due_on TEXT NOT NULL, passed INTEGER NOT NULL, expired_on TEXT,
        PRIMARY KEY (instrument_id, certificate_no)
      );
    `)
  },
  ...applyWith([
    ...standardLifecycleHandlers,
    on(accreditation.LabRegistered, (data, db) => {
      db.prepare(
        'INSERT INTO labs (lab_id, name) VALUES (?, ?) ON CONFLICT (lab_id) DO UPDATE SET name = excluded.name',
      ).run(data.labId, data.name)
    }),
    on(accreditation.LabAccredited, (data, db) => {
      recordAccreditationTerm(db, data)
      for (const line of data.scope) upsertScopeLine(db, data.accreditationNo, line, data.validFrom)
    }),
    on(accreditation.AccreditationScopeExtended, (data, db) => {
      for (const line of data.lines) upsertScopeLine(db, data.accreditationNo, line, data.on)
    }),
    on(accreditation.AccreditationScopeReduced, (data, db) => {
      const remove = db.prepare(
        'UPDATE scope_lines SET removed_on = ? WHERE accreditation_no = ? AND line_id = ?',
      )
      for (const lineId of data.lineIds) remove.run(data.on, data.accreditationNo, lineId)
    }),
    ...inactivePeriodHandlers,
    on(metrology.InstrumentRegistered, (data, db) => {
      db.prepare(
        `INSERT INTO instruments (instrument_id, owner_lab_id, retired_on) VALUES (?, ?, NULL)
         ON CONFLICT (instrument_id) DO UPDATE SET owner_lab_id = excluded.owner_lab_id`,
      ).run(data.instrumentId, data.ownerLabId)
    }),
    on(metrology.InstrumentCalibrated, (data, db) => {
      db.prepare(
        `INSERT OR REPLACE INTO calibrations (instrument_id, certificate_no, calibrated_on, due_on, passed, expired_on)
         VALUES (?, ?, ?, ?, ?, NULL)`,
      ).run(data.instrumentId, data.certificateNo, data.calibratedOn, data.dueOn, data.passed ? 1 : 0)
    }),
    on(metrology.CalibrationExpired, (data, db) => {
      db.prepare('UPDATE calibrations SET expired_on = ? WHERE instrument_id = ? AND certificate_no = ?').run(
        data.on,
        data.instrumentId,
        data.certificateNo,
      )
    }),
    on(metrology.InstrumentRetired, (data, db) => {
      db.prepare('UPDATE instruments SET retired_on = ? WHERE instrument_id = ?').run(
        data.on,
        data.instrumentId,
      )
    }),
  ]),
}

function loadAccreditation(db: Database.Database, accreditationNo: string): AccreditationFact | null {
  const term = loadAccreditationTerm(db, accreditationNo)
  if (!term) return null
  const lines = db
    .prepare('SELECT * FROM scope_lines WHERE accreditation_no = ? ORDER BY line_id')
    .all(accreditationNo) as Array<{
    line_id: string
    standard_code: string
    standard_version: string
    clause: string
    added_on: string
    removed_on: string | null
  }>
  return {
    ...term,
    scope: lines.map((l) => ({
      lineId: l.line_id,
      method: { standardCode: l.standard_code, standardVersion: l.standard_version, clause: l.clause },
      addedOn: l.added_on,
      removedOn: l.removed_on,
    })),
  }
}

function loadInstrument(db: Database.Database, instrumentId: string): InstrumentFact | undefined {
  const row = db.prepare('SELECT * FROM instruments WHERE instrument_id = ?').get(instrumentId) as
    | { instrument_id: string; owner_lab_id: string; retired_on: string | null }
    | undefined
  if (!row) return undefined
  const calibrations = db
    .prepare('SELECT * FROM calibrations WHERE instrument_id = ? ORDER BY calibrated_on')
    .all(instrumentId) as Array<{
    certificate_no: string
    calibrated_on: string
    due_on: string
    passed: number
    expired_on: string | null
  }>
  return {
    instrumentId: row.instrument_id,
    ownerLabId: row.owner_lab_id,
    retiredOn: row.retired_on,
    calibrations: calibrations.map((c) => ({
      certificateNo: c.certificate_no,
      calibratedOn: c.calibrated_on,
      dueOn: c.due_on,
      passed: c.passed === 1,
      expiredOn: c.expired_on,
    })),
  }
}

/** Looks up every fact rule 1 needs for this report. */
export function loadReportFacts(db: Database.Database, report: ReportUnderTest): ReportFacts {
  const instruments: ReportFacts['instruments'] = {}
  for (const id of report.instrumentIds) instruments[id] = loadInstrument(db, id)
  const standardsByKey: ReportFacts['standards'] = {}
  for (const { method } of report.results) {
    const key = standardKey({ code: method.standardCode, version: method.standardVersion })
    standardsByKey[key] = loadStandardLifecycle(db, key)
  }
  return {
    accreditation: loadAccreditation(db, report.accreditationNo),
    instruments,
    standards: standardsByKey,
  }
}

export function labName(db: Database.Database, labId: string): string | null {
  const row = db.prepare('SELECT name FROM labs WHERE lab_id = ?').get(labId) as { name: string } | undefined
  return row?.name ?? null
}
