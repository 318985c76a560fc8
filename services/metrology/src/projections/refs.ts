import { accreditation } from '@qi/contracts'
import type { Projection } from '@qi/projections'
import {
  ACCREDITATION_TERMS_SQL,
  applyWith,
  inactivePeriodHandlers,
  on,
  recordAccreditationTerm,
} from '@qi/refs'
import type Database from 'better-sqlite3'
import type { CalibratorFact } from '../domain/instrument'

/**
 * metrology's own copy of the accreditation facts the calibration authority rule needs: labs and
 * their kind, accreditation terms with inactive periods (@qi/refs), and the scope lines' parameters
 * (for a calibration lab, the quantity it may calibrate) with the dates they were in scope.
 */
export const METROLOGY_REFS = 'metrology.refs'

type ScopeLine = { lineId: string; parameter: string }

function addLines(db: Database.Database, accreditationNo: string, lines: ScopeLine[], on: string) {
  const upsert = db.prepare(
    `INSERT INTO scope_parameters (accreditation_no, line_id, parameter, added_on, removed_on) VALUES (?, ?, ?, ?, NULL)
     ON CONFLICT (accreditation_no, line_id) DO UPDATE SET parameter = excluded.parameter,
       added_on = CASE WHEN removed_on IS NULL AND parameter = excluded.parameter THEN min(added_on, excluded.added_on)
         ELSE excluded.added_on END,
       removed_on = NULL`,
  )
  for (const line of lines) upsert.run(accreditationNo, line.lineId, line.parameter, on)
}

export const metrologyRefsProjection: Projection = {
  name: METROLOGY_REFS,
  version: 1,
  setup(db) {
    db.exec(`
      CREATE TABLE labs (lab_id TEXT PRIMARY KEY, kind TEXT NOT NULL);
      ${ACCREDITATION_TERMS_SQL}
      CREATE TABLE scope_parameters (
        accreditation_no TEXT NOT NULL, line_id TEXT NOT NULL, parameter TEXT NOT NULL,
        added_on TEXT NOT NULL, removed_on TEXT, PRIMARY KEY (accreditation_no, line_id)
      );
    `)
  },
  ...applyWith([
    on(accreditation.LabRegistered, (data, db) => {
      db.prepare(
        'INSERT INTO labs (lab_id, kind) VALUES (?, ?) ON CONFLICT (lab_id) DO UPDATE SET kind = excluded.kind',
      ).run(data.labId, data.kind)
    }),
    on(accreditation.LabAccredited, (data, db) => {
      recordAccreditationTerm(db, data)
      addLines(db, data.accreditationNo, data.scope, data.validFrom)
    }),
    on(accreditation.AccreditationScopeExtended, (data, db) =>
      addLines(db, data.accreditationNo, data.lines, data.on),
    ),
    on(accreditation.AccreditationScopeReduced, (data, db) => {
      const remove = db.prepare(
        'UPDATE scope_parameters SET removed_on = ? WHERE accreditation_no = ? AND line_id = ?',
      )
      for (const lineId of data.lineIds) remove.run(data.on, data.accreditationNo, lineId)
    }),
    ...inactivePeriodHandlers,
  ]),
}

/** The calibrating lab on a date: registration, the accreditation term covering it (else the latest). */
export function loadCalibratorFact(db: Database.Database, labId: string, on: string): CalibratorFact {
  const lab = db.prepare('SELECT kind FROM labs WHERE lab_id = ?').get(labId) as
    | { kind: NonNullable<CalibratorFact['kind']> }
    | undefined
  const term = db
    .prepare(
      `SELECT accreditation_no, valid_from, valid_until FROM accreditations WHERE lab_id = ?
       ORDER BY (valid_from <= @on AND @on <= valid_until) DESC, valid_until DESC LIMIT 1`,
    )
    .get(labId, { on }) as { accreditation_no: string; valid_from: string; valid_until: string } | undefined
  if (!term) return { labId, registered: lab !== undefined, kind: lab?.kind ?? null, accreditation: null }
  const inactive = db
    .prepare(
      `SELECT status, from_date FROM inactive_periods WHERE accreditation_no = ? AND from_date <= ?
         AND (to_date IS NULL OR ? < to_date) ORDER BY from_date DESC, rowid DESC LIMIT 1`,
    )
    .get(term.accreditation_no, on, on) as
    | { status: 'suspended' | 'withdrawn' | 'expired'; from_date: string }
    | undefined
  const quantities = db
    .prepare(
      `SELECT DISTINCT parameter FROM scope_parameters WHERE accreditation_no = ? AND added_on <= ?
         AND (removed_on IS NULL OR ? < removed_on) ORDER BY parameter`,
    )
    .all(term.accreditation_no, on, on) as Array<{ parameter: string }>
  return {
    labId,
    registered: lab !== undefined,
    kind: lab?.kind ?? null,
    accreditation: {
      accreditationNo: term.accreditation_no,
      validFrom: term.valid_from,
      validUntil: term.valid_until,
      inactiveOnDate: inactive ? { status: inactive.status, from: inactive.from_date } : null,
      quantitiesInScope: quantities.map((q) => q.parameter),
    },
  }
}
