import { type DomainEvent, domainCatalogue, type EventOf, standards } from '@qi/contracts'
import type { Projection } from '@qi/projections'
import type Database from 'better-sqlite3'

export const CATALOGUE_PROJECTION = 'standards.catalogue'

type CatalogueEvent =
  | EventOf<typeof standards.StandardDrafted>
  | EventOf<typeof standards.StandardPublished>
  | EventOf<typeof standards.StandardAmended>
  | EventOf<typeof standards.StandardSuperseded>
  | EventOf<typeof standards.StandardWithdrawn>
  | EventOf<typeof standards.InternationalStandardAdopted>
  | EventOf<typeof standards.TechnicalCommitteeEstablished>

const handledTypes = new Set<string>([...standards.standardsEvents].map((definition) => definition.type))

/** The catalogue validated the data against the definition, so the pair is typed by its `type`. */
function asCatalogueEvent(event: DomainEvent): CatalogueEvent {
  return { type: event.type, data: event.data } as CatalogueEvent
}

/** Today's status as the catalogue shows it: "effective" follows from the implementation date. */
export const STATUS_SQL = `CASE
  WHEN s.lifecycle = 'published' AND s.effective_from <= @today THEN 'effective'
  ELSE s.lifecycle END`

/**
 * The standards catalogue: one row per code + version, its ICS codes, amendments, and the
 * technical committees. Supersession links are stored on both rows so the chain can be walked
 * either way.
 */
export const catalogueProjection: Projection = {
  name: CATALOGUE_PROJECTION,
  version: 1,
  setup(db) {
    db.exec(`
      CREATE TABLE standards (
        code TEXT NOT NULL, version TEXT NOT NULL, kind TEXT NOT NULL, mandatory INTEGER NOT NULL,
        title_zh TEXT NOT NULL, title_en TEXT, ccs TEXT, technical_committee TEXT,
        led_by_province INTEGER NOT NULL, lifecycle TEXT NOT NULL, drafted_at TEXT NOT NULL,
        replaces_code TEXT, replaces_version TEXT,
        published_on TEXT, effective_from TEXT,
        replaced_by_code TEXT, replaced_by_version TEXT, superseded_on TEXT, transition_ends_on TEXT,
        withdrawn_on TEXT, withdrawn_reason TEXT,
        adopted_code TEXT, adopted_version TEXT, adoption_degree TEXT,
        PRIMARY KEY (code, version)
      );
      CREATE TABLE standard_ics (code TEXT NOT NULL, version TEXT NOT NULL, ics TEXT NOT NULL, PRIMARY KEY (code, version, ics));
      CREATE INDEX standard_ics_by_ics ON standard_ics (ics);
      CREATE TABLE amendments (
        code TEXT NOT NULL, version TEXT NOT NULL, amendment_no INTEGER NOT NULL, summary TEXT NOT NULL,
        effective_from TEXT NOT NULL, PRIMARY KEY (code, version, amendment_no)
      );
      CREATE TABLE technical_committees (tc_id TEXT PRIMARY KEY, name TEXT NOT NULL, level TEXT NOT NULL, established_on TEXT NOT NULL);
    `)
  },
  apply(recorded, db) {
    if (!handledTypes.has(recorded.type)) return
    const decoded = domainCatalogue.decode(recorded)
    applyCatalogueEvent(asCatalogueEvent(decoded), String(decoded.metadata.occurredAt), db)
  },
}

function applyCatalogueEvent(event: CatalogueEvent, occurredAt: string, db: Database.Database) {
  switch (event.type) {
    case 'StandardDrafted': {
      const d = event.data
      db.prepare(
        `INSERT INTO standards (code, version, kind, mandatory, title_zh, title_en, ccs, technical_committee,
           led_by_province, lifecycle, drafted_at, replaces_code, replaces_version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?)`,
      ).run(
        d.code,
        d.version,
        d.kind,
        d.mandatory ? 1 : 0,
        d.titleZh,
        d.titleEn ?? null,
        d.ccs ?? null,
        d.technicalCommittee ?? null,
        d.ledByProvince ? 1 : 0,
        occurredAt,
        d.replaces?.code ?? null,
        d.replaces?.version ?? null,
      )
      const insertIcs = db.prepare('INSERT OR IGNORE INTO standard_ics (code, version, ics) VALUES (?, ?, ?)')
      for (const ics of d.ics) insertIcs.run(d.code, d.version, ics)
      return
    }
    case 'StandardPublished':
      db.prepare(
        `UPDATE standards SET lifecycle = 'published', published_on = ?, effective_from = ? WHERE code = ? AND version = ?`,
      ).run(event.data.publishedOn, event.data.effectiveFrom, event.data.code, event.data.version)
      return
    case 'StandardAmended':
      db.prepare(
        'INSERT INTO amendments (code, version, amendment_no, summary, effective_from) VALUES (?, ?, ?, ?, ?)',
      ).run(
        event.data.code,
        event.data.version,
        event.data.amendmentNo,
        event.data.summary,
        event.data.effectiveFrom,
      )
      return
    case 'StandardSuperseded': {
      const d = event.data
      db.prepare(
        `UPDATE standards SET lifecycle = 'superseded', replaced_by_code = ?, replaced_by_version = ?,
           superseded_on = ?, transition_ends_on = ? WHERE code = ? AND version = ?`,
      ).run(d.replacedBy.code, d.replacedBy.version, d.supersededOn, d.transitionEndsOn, d.code, d.version)
      // The newer version may have been drafted without naming what it replaces: link it back.
      db.prepare(
        `UPDATE standards SET replaces_code = ?, replaces_version = ?
         WHERE code = ? AND version = ? AND replaces_code IS NULL`,
      ).run(d.code, d.version, d.replacedBy.code, d.replacedBy.version)
      return
    }
    case 'StandardWithdrawn':
      db.prepare(
        `UPDATE standards SET lifecycle = 'withdrawn', withdrawn_on = ?, withdrawn_reason = ? WHERE code = ? AND version = ?`,
      ).run(event.data.withdrawnOn, event.data.reason, event.data.code, event.data.version)
      return
    case 'InternationalStandardAdopted':
      db.prepare(
        `UPDATE standards SET adopted_code = ?, adopted_version = ?, adoption_degree = ? WHERE code = ? AND version = ?`,
      ).run(
        event.data.international.code,
        event.data.international.version,
        event.data.degree,
        event.data.code,
        event.data.version,
      )
      return
    case 'TechnicalCommitteeEstablished':
      db.prepare(
        'INSERT INTO technical_committees (tc_id, name, level, established_on) VALUES (?, ?, ?, ?)',
      ).run(event.data.tcId, event.data.name, event.data.level, event.data.establishedOn)
      return
  }
}
