import { type DomainEvent, domainCatalogue, type EventOf, standards } from '@qi/contracts'
import type { Projection } from '@qi/projections'
import type Database from 'better-sqlite3'
import { STAGE_RANK, type Stage } from '../domain/as-of'

export const CATALOGUE_PROJECTION = 'standards.catalogue'

type CatalogueEvent =
  | EventOf<typeof standards.StandardDrafted>
  | EventOf<typeof standards.StandardPublished>
  | EventOf<typeof standards.StandardAmended>
  | EventOf<typeof standards.StandardSuperseded>
  | EventOf<typeof standards.StandardWithdrawn>
  | EventOf<typeof standards.InternationalStandardAdopted>
  | EventOf<typeof standards.TechnicalCommitteeEstablished>
  | EventOf<typeof standards.StandardDateCorrected>

const handledTypes = new Set<string>([...standards.standardsEvents].map((definition) => definition.type))

/** The catalogue validated the data against the definition, so the pair is typed by its `type`. */
function asCatalogueEvent(event: DomainEvent): CatalogueEvent {
  return { type: event.type, data: event.data } as CatalogueEvent
}

/**
 * Rows of `standard_stages` visible at store position `@at` (record time): written at or before it
 * and not yet replaced by a correction at that position. Without a position, what is believed now.
 */
export const visibleAt = (alias: string, withPosition: boolean) =>
  withPosition
    ? `${alias}.position <= @at AND (${alias}.corrected_at IS NULL OR ${alias}.corrected_at > @at)`
    : `${alias}.corrected_at IS NULL`

/**
 * The status on business date `@today` (ARCHITECTURE.md, "Standards: two time axes"): the stage
 * that began last on or before that day, a later stage winning on the same day (stage rank); a
 * draft without a date counts only while no dated stage has begun. NULL: not in the catalogue then.
 * Mirrors `statusOn` in domain/as-of.ts, the replay oracle.
 */
export const statusSql = (withPosition = false) => `(SELECT st.stage FROM standard_stages st
  WHERE st.code = s.code AND st.version = s.version AND ${visibleAt('st', withPosition)} AND st.on_date <= @today
  ORDER BY st.dated DESC, st.on_date DESC, st.rank DESC LIMIT 1)`

/** Today's status as believed now. */
export const STATUS_SQL = statusSql(false)

/**
 * The standards catalogue: one row per code + version, its ICS codes, amendments, and the
 * technical committees. Supersession links are stored on both rows so the chain can be walked
 * either way.
 */
export const catalogueProjection: Projection = {
  name: CATALOGUE_PROJECTION,
  version: 2,
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
      -- One row per lifecycle stage and business date; a correction closes the row (corrected_at)
      -- and writes a new one, so both time axes can be asked.
      CREATE TABLE standard_stages (
        code TEXT NOT NULL, version TEXT NOT NULL, stage TEXT NOT NULL, rank INTEGER NOT NULL,
        on_date TEXT NOT NULL, dated INTEGER NOT NULL, position INTEGER NOT NULL, corrected_at INTEGER
      );
      CREATE INDEX standard_stages_by_key ON standard_stages (code, version, on_date);
      CREATE TABLE date_corrections (
        code TEXT NOT NULL, version TEXT NOT NULL, stage TEXT NOT NULL, previous_date TEXT NOT NULL,
        corrected_date TEXT NOT NULL, reason TEXT NOT NULL, position INTEGER NOT NULL, recorded_on TEXT NOT NULL
      );
      CREATE TABLE technical_committees (tc_id TEXT PRIMARY KEY, name TEXT NOT NULL, level TEXT NOT NULL, established_on TEXT NOT NULL);
    `)
  },
  apply(recorded, db) {
    if (!handledTypes.has(recorded.type)) return
    const decoded = domainCatalogue.decode(recorded)
    applyCatalogueEvent(asCatalogueEvent(decoded), String(decoded.metadata.occurredAt), recorded.position, db)
  },
}

const STAGE_COLUMN: Record<string, string> = {
  published: 'published_on',
  effective: 'effective_from',
  superseded: 'superseded_on',
  transitionEnds: 'transition_ends_on',
  withdrawn: 'withdrawn_on',
}

function addStage(
  db: Database.Database,
  key: { code: string; version: string },
  stage: Stage,
  onDate: string,
  dated: boolean,
  position: bigint,
) {
  db.prepare(
    `INSERT INTO standard_stages (code, version, stage, rank, on_date, dated, position) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(key.code, key.version, stage, STAGE_RANK[stage], onDate, dated ? 1 : 0, position)
}

function applyCatalogueEvent(
  event: CatalogueEvent,
  occurredAt: string,
  position: bigint,
  db: Database.Database,
) {
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
      addStage(db, d, 'draft', d.draftedOn ?? occurredAt.slice(0, 10), d.draftedOn !== undefined, position)
      const insertIcs = db.prepare('INSERT OR IGNORE INTO standard_ics (code, version, ics) VALUES (?, ?, ?)')
      for (const ics of d.ics) insertIcs.run(d.code, d.version, ics)
      return
    }
    case 'StandardPublished':
      db.prepare(
        `UPDATE standards SET lifecycle = 'published', published_on = ?, effective_from = ? WHERE code = ? AND version = ?`,
      ).run(event.data.publishedOn, event.data.effectiveFrom, event.data.code, event.data.version)
      addStage(db, event.data, 'published', event.data.publishedOn, true, position)
      addStage(db, event.data, 'effective', event.data.effectiveFrom, true, position)
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
      addStage(db, d, 'superseded', d.supersededOn, true, position)
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
      addStage(db, event.data, 'withdrawn', event.data.withdrawnOn, true, position)
      return
    case 'StandardDateCorrected': {
      const d = event.data
      db.prepare(
        `INSERT INTO date_corrections (code, version, stage, previous_date, corrected_date, reason, position, recorded_on)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(d.code, d.version, d.stage, d.previousDate, d.date, d.reason, position, occurredAt.slice(0, 10))
      const column = STAGE_COLUMN[d.stage]
      if (column) {
        db.prepare(`UPDATE standards SET ${column} = ? WHERE code = ? AND version = ?`).run(
          d.date,
          d.code,
          d.version,
        )
      }
      if (d.stage === 'transitionEnds') return
      const closed = db
        .prepare(
          `UPDATE standard_stages SET corrected_at = ? WHERE code = ? AND version = ? AND stage = ? AND corrected_at IS NULL`,
        )
        .run(position, d.code, d.version, d.stage)
      if (closed.changes > 0) addStage(db, d, d.stage, d.date, true, position)
      return
    }
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
