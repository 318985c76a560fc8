import { accreditation, type DomainEvent, domainCatalogue } from '@qi/contracts'
import type { Projection } from '@qi/projections'
import type Database from 'better-sqlite3'
import type { LabEvent } from '../domain/lab'

export const LABS_PROJECTION = 'accreditation.labs'

const handledTypes = new Set<string>(accreditation.accreditationEvents.map((definition) => definition.type))

/** The catalogue validated the data against the definition, so the pair is typed by its `type`. */
function asLabEvent(event: DomainEvent): LabEvent {
  return { type: event.type, data: event.data } as LabEvent
}

/**
 * Labs, their accreditation with its scope lines, and the accreditation's status history.
 * History rows carry `valid_from` / `valid_to` (exclusive, NULL while current), so "status on date
 * X" is a range query; removed scope lines keep their `removed_on` for the same reason.
 */
export const labsProjection: Projection = {
  name: LABS_PROJECTION,
  version: 1,
  setup(db) {
    db.exec(`
      CREATE TABLE labs (
        lab_id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, region TEXT NOT NULL,
        centre_level TEXT NOT NULL, registered_on TEXT NOT NULL
      );
      CREATE TABLE accreditations (
        lab_id TEXT PRIMARY KEY, accreditation_no TEXT NOT NULL, accrediting_body TEXT NOT NULL,
        base_standard TEXT NOT NULL, valid_from TEXT NOT NULL, valid_until TEXT NOT NULL,
        schemes TEXT NOT NULL, status TEXT NOT NULL
      );
      CREATE TABLE scope_lines (
        lab_id TEXT NOT NULL, accreditation_no TEXT NOT NULL, line_id TEXT NOT NULL,
        object TEXT NOT NULL, parameter TEXT NOT NULL, standard_code TEXT NOT NULL,
        standard_version TEXT NOT NULL, clause TEXT NOT NULL, limitation TEXT,
        added_on TEXT NOT NULL, removed_on TEXT
      );
      CREATE INDEX scope_lines_by_lab ON scope_lines (lab_id, removed_on);
      CREATE TABLE status_history (
        lab_id TEXT NOT NULL, accreditation_no TEXT NOT NULL, status TEXT NOT NULL,
        valid_from TEXT NOT NULL, valid_to TEXT, reason TEXT,
        -- the accreditation's end of validity, so an open 'active' row reads as expired after it
        accreditation_valid_until TEXT NOT NULL
      );
      CREATE INDEX status_history_by_lab ON status_history (lab_id, valid_from);
    `)
  },
  handles: handledTypes,
  apply(recorded, db) {
    if (!handledTypes.has(recorded.type)) return
    const decoded = domainCatalogue.decode(recorded)
    applyLabEvent(asLabEvent(decoded), String(decoded.metadata.occurredAt).slice(0, 10), db)
  },
}

function changeStatus(
  db: Database.Database,
  event: { labId: string; accreditationNo: string },
  status: string,
  from: string,
  reason: string | null,
) {
  db.prepare('UPDATE status_history SET valid_to = ? WHERE lab_id = ? AND valid_to IS NULL').run(
    from,
    event.labId,
  )
  db.prepare(
    `INSERT INTO status_history (lab_id, accreditation_no, status, valid_from, valid_to, reason, accreditation_valid_until)
     VALUES (?, ?, ?, ?, NULL, ?, (SELECT valid_until FROM accreditations WHERE lab_id = ?))`,
  ).run(event.labId, event.accreditationNo, status, from, reason, event.labId)
  db.prepare('UPDATE accreditations SET status = ? WHERE lab_id = ? AND accreditation_no = ?').run(
    status,
    event.labId,
    event.accreditationNo,
  )
}

function insertLines(
  db: Database.Database,
  labId: string,
  accreditationNo: string,
  lines: Array<{
    lineId: string
    object: string
    parameter: string
    method: { standardCode: string; standardVersion: string; clause: string }
    limitation?: string | undefined
  }>,
  on: string,
) {
  const insert = db.prepare(
    `INSERT INTO scope_lines (lab_id, accreditation_no, line_id, object, parameter, standard_code, standard_version,
       clause, limitation, added_on, removed_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`,
  )
  for (const line of lines) {
    insert.run(
      labId,
      accreditationNo,
      line.lineId,
      line.object,
      line.parameter,
      line.method.standardCode,
      line.method.standardVersion,
      line.method.clause,
      line.limitation ?? null,
      on,
    )
  }
}

function applyLabEvent(event: LabEvent, occurredOn: string, db: Database.Database) {
  switch (event.type) {
    case 'LabRegistered': {
      const d = event.data
      db.prepare(
        'INSERT INTO labs (lab_id, name, kind, region, centre_level, registered_on) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(d.labId, d.name, d.kind, d.region, d.centreLevel, occurredOn)
      return
    }
    case 'LabAccredited': {
      const d = event.data
      // A new grant replaces the previous accreditation: its lines leave the current scope.
      db.prepare('UPDATE scope_lines SET removed_on = ? WHERE lab_id = ? AND removed_on IS NULL').run(
        d.validFrom,
        d.labId,
      )
      db.prepare(
        `INSERT INTO accreditations (lab_id, accreditation_no, accrediting_body, base_standard, valid_from, valid_until, schemes, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'active')
         ON CONFLICT (lab_id) DO UPDATE SET accreditation_no = excluded.accreditation_no,
           accrediting_body = excluded.accrediting_body, base_standard = excluded.base_standard,
           valid_from = excluded.valid_from, valid_until = excluded.valid_until, schemes = excluded.schemes, status = 'active'`,
      ).run(
        d.labId,
        d.accreditationNo,
        d.accreditingBody,
        d.baseStandard,
        d.validFrom,
        d.validUntil,
        JSON.stringify(d.schemes),
      )
      insertLines(db, d.labId, d.accreditationNo, d.scope, d.validFrom)
      changeStatus(db, d, 'active', d.validFrom, null)
      return
    }
    case 'AccreditationScopeExtended': {
      const d = event.data
      insertLines(db, d.labId, d.accreditationNo, d.lines, d.on)
      const row = db.prepare('SELECT schemes FROM accreditations WHERE lab_id = ?').get(d.labId) as
        | { schemes: string }
        | undefined
      const schemes = new Set([...(row ? (JSON.parse(row.schemes) as string[]) : []), ...d.schemes])
      db.prepare('UPDATE accreditations SET schemes = ? WHERE lab_id = ?').run(
        JSON.stringify([...schemes]),
        d.labId,
      )
      return
    }
    case 'AccreditationScopeReduced': {
      const d = event.data
      const remove = db.prepare(
        'UPDATE scope_lines SET removed_on = ? WHERE lab_id = ? AND accreditation_no = ? AND line_id = ? AND removed_on IS NULL',
      )
      for (const lineId of d.lineIds) remove.run(d.on, d.labId, d.accreditationNo, lineId)
      return
    }
    case 'AccreditationSuspended':
      changeStatus(db, event.data, 'suspended', event.data.from, event.data.reason)
      return
    case 'AccreditationRestored':
      changeStatus(db, event.data, 'active', event.data.on, event.data.reason)
      return
    case 'AccreditationWithdrawn':
      changeStatus(db, event.data, 'withdrawn', event.data.on, event.data.reason)
      return
    case 'AccreditationExpired':
      changeStatus(db, event.data, 'expired', event.data.on, null)
      return
  }
}
