import { type DomainEvent, domainCatalogue, metrology } from '@qi/contracts'
import type { Projection } from '@qi/projections'
import type Database from 'better-sqlite3'
import type { InstrumentEvent } from '../domain/instrument'

export const INSTRUMENTS_PROJECTION = 'metrology.instruments'

const handledTypes = new Set<string>(metrology.metrologyEvents.map((definition) => definition.type))

/** The catalogue validated the data against the definition, so the pair is typed by its `type`. */
function asInstrumentEvent(event: DomainEvent): InstrumentEvent {
  return { type: event.type, data: event.data } as InstrumentEvent
}

/**
 * Instruments and every calibration certificate. A calibration row is valid on day X when
 * calibrated_on <= X < due_on and it had not expired by X, so as-of checks are range queries.
 */
export const instrumentsProjection: Projection = {
  name: INSTRUMENTS_PROJECTION,
  version: 1,
  setup(db) {
    db.exec(`
      CREATE TABLE instruments (
        instrument_id TEXT PRIMARY KEY, owner_lab_id TEXT NOT NULL, name TEXT NOT NULL, quantity TEXT NOT NULL,
        model TEXT, serial_no TEXT, level TEXT NOT NULL, registered_on TEXT NOT NULL,
        retired_on TEXT, retired_reason TEXT
      );
      CREATE INDEX instruments_by_owner ON instruments (owner_lab_id);
      CREATE TABLE calibrations (
        instrument_id TEXT NOT NULL, certificate_no TEXT NOT NULL, calibrating_lab_id TEXT NOT NULL,
        calibrated_on TEXT NOT NULL, due_on TEXT NOT NULL, uncertainty TEXT NOT NULL,
        reference_instrument_id TEXT, passed INTEGER NOT NULL, expired_on TEXT,
        PRIMARY KEY (instrument_id, certificate_no)
      );
      CREATE INDEX calibrations_by_date ON calibrations (instrument_id, calibrated_on);
    `)
  },
  handles: handledTypes,
  apply(recorded, db) {
    if (!handledTypes.has(recorded.type)) return
    const decoded = domainCatalogue.decode(recorded)
    applyInstrumentEvent(asInstrumentEvent(decoded), String(decoded.metadata.occurredAt).slice(0, 10), db)
  },
}

function applyInstrumentEvent(event: InstrumentEvent, occurredOn: string, db: Database.Database) {
  switch (event.type) {
    case 'InstrumentRegistered': {
      const d = event.data
      db.prepare(
        `INSERT INTO instruments (instrument_id, owner_lab_id, name, quantity, model, serial_no, level, registered_on)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        d.instrumentId,
        d.ownerLabId,
        d.name,
        d.quantity,
        d.model ?? null,
        d.serialNo ?? null,
        d.level,
        occurredOn,
      )
      return
    }
    case 'InstrumentCalibrated': {
      const d = event.data
      db.prepare(
        `INSERT INTO calibrations (instrument_id, certificate_no, calibrating_lab_id, calibrated_on, due_on, uncertainty,
           reference_instrument_id, passed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        d.instrumentId,
        d.certificateNo,
        d.calibratingLabId,
        d.calibratedOn,
        d.dueOn,
        d.uncertainty,
        d.referenceInstrumentId ?? null,
        d.passed ? 1 : 0,
      )
      return
    }
    case 'CalibrationExpired':
      db.prepare('UPDATE calibrations SET expired_on = ? WHERE instrument_id = ? AND certificate_no = ?').run(
        event.data.on,
        event.data.instrumentId,
        event.data.certificateNo,
      )
      return
    case 'InstrumentRetired':
      db.prepare('UPDATE instruments SET retired_on = ?, retired_reason = ? WHERE instrument_id = ?').run(
        event.data.on,
        event.data.reason,
        event.data.instrumentId,
      )
      return
  }
}
