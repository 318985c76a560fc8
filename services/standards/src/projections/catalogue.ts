import {
  type DomainEvent,
  domainCatalogue,
  type EventOf,
  formatIdentifier,
  normalizeIdentifier,
  standards,
} from '@qi/contracts'
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
  | EventOf<typeof standards.StandardSupplementPublished>
  | EventOf<typeof standards.StandardStageReached>
  | EventOf<typeof standards.StandardReplacementRetracted>

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
  version: 4,
  setup(db) {
    db.exec(`
      CREATE TABLE standards (
        code TEXT NOT NULL, version TEXT NOT NULL, kind TEXT NOT NULL, mandatory INTEGER NOT NULL,
        title_zh TEXT, title_en TEXT, title_other TEXT, ccs TEXT, technical_committee TEXT,
        led_by_province INTEGER NOT NULL, lifecycle TEXT NOT NULL, drafted_at TEXT NOT NULL,
        replaces_code TEXT, replaces_version TEXT,
        published_on TEXT, effective_from TEXT,
        replaced_by_code TEXT, replaced_by_version TEXT, superseded_on TEXT, transition_ends_on TEXT,
        withdrawn_on TEXT, withdrawn_reason TEXT,
        adopted_code TEXT, adopted_version TEXT, adoption_degree TEXT,
        -- normalised identifier forms (NFKC, upper case) for search in any form
        search_key TEXT NOT NULL,
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
        on_date TEXT NOT NULL, dated INTEGER NOT NULL, precision TEXT NOT NULL,
        position INTEGER NOT NULL, corrected_at INTEGER
      );
      CREATE INDEX standard_stages_by_key ON standard_stages (code, version, on_date);
      CREATE TABLE date_corrections (
        code TEXT NOT NULL, version TEXT NOT NULL, stage TEXT NOT NULL, previous_date TEXT NOT NULL,
        corrected_date TEXT NOT NULL, precision TEXT NOT NULL, reason TEXT NOT NULL,
        position INTEGER NOT NULL, recorded_on TEXT NOT NULL
      );
      -- Replacement edges, many to many (splits, merges), full or partial, or on withdrawal.
      CREATE TABLE replacements (
        from_code TEXT NOT NULL, from_version TEXT NOT NULL, to_code TEXT NOT NULL, to_version TEXT NOT NULL,
        on_date TEXT NOT NULL, precision TEXT NOT NULL, kind TEXT NOT NULL, position INTEGER NOT NULL,
        transition_ends_on TEXT, retracted_at INTEGER, retraction_reason TEXT,
        PRIMARY KEY (from_code, from_version, to_code, to_version)
      );
      CREATE INDEX replacements_by_to ON replacements (to_code, to_version);
      CREATE TABLE supplements (
        code TEXT NOT NULL, version TEXT NOT NULL, kind TEXT NOT NULL, number INTEGER NOT NULL,
        identifier TEXT NOT NULL, published_on TEXT NOT NULL, precision TEXT NOT NULL, title TEXT,
        position INTEGER NOT NULL, PRIMARY KEY (code, version, kind, number)
      );
      CREATE TABLE stage_codes (
        code TEXT NOT NULL, version TEXT NOT NULL, stage_code TEXT NOT NULL, on_date TEXT NOT NULL,
        precision TEXT NOT NULL, position INTEGER NOT NULL
      );
      CREATE INDEX stage_codes_by_key ON stage_codes (code, version);
      CREATE TABLE technical_committees (tc_id TEXT PRIMARY KEY, name TEXT NOT NULL, level TEXT NOT NULL, established_on TEXT NOT NULL);
    `)
  },
  handles: handledTypes,
  apply(recorded, db) {
    if (!handledTypes.has(recorded.type)) return
    const decoded = domainCatalogue.decode(recorded)
    applyCatalogueEvent(asCatalogueEvent(decoded), String(decoded.metadata.occurredAt), recorded.position, db)
  },
}

/** The identifier forms a user may type, normalised: `GB/T 19001-2016`, `GB/T 19001:2016`, code alone. */
export function searchKey(code: string, version: string): string {
  const forms = [code, `${code}-${version}`, `${code}:${version}`, formatIdentifier({ code, version })]
  return [...new Set(forms.map(normalizeIdentifier))].join('|')
}

const STAGE_COLUMN: Record<string, string> = {
  published: 'published_on',
  effective: 'effective_from',
  superseded: 'superseded_on',
  transitionEnds: 'transition_ends_on',
  withdrawn: 'withdrawn_on',
}

type Precision = Record<string, string> | undefined
const precisionOf = (precision: Precision, field: string) => precision?.[field] ?? 'day'

function addStage(
  db: Database.Database,
  key: { code: string; version: string },
  stage: Stage,
  onDate: string,
  dated: boolean,
  precision: string,
  position: bigint,
) {
  db.prepare(
    `INSERT INTO standard_stages (code, version, stage, rank, on_date, dated, precision, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(key.code, key.version, stage, STAGE_RANK[stage], onDate, dated ? 1 : 0, precision, position)
}

/** Closes the open rows of a stage (a correction or an earlier date) and writes the new one. */
function replaceStage(
  db: Database.Database,
  key: { code: string; version: string },
  stage: Stage,
  onDate: string,
  precision: string,
  position: bigint,
) {
  db.prepare(
    `UPDATE standard_stages SET corrected_at = ? WHERE code = ? AND version = ? AND stage = ? AND corrected_at IS NULL`,
  ).run(position, key.code, key.version, stage)
  addStage(db, key, stage, onDate, true, precision, position)
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
      db.prepare(`INSERT INTO standards (code, version, kind, mandatory, title_zh, title_en, title_other, ccs, technical_committee,
           led_by_province, lifecycle, drafted_at, replaces_code, replaces_version, search_key)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?)`).run(
        d.code,
        d.version,
        d.kind,
        d.mandatory ? 1 : 0,
        d.titleZh ?? null,
        d.titleEn ?? null,
        d.titleOther ?? null,
        d.ccs ?? null,
        d.technicalCommittee ?? null,
        d.ledByProvince ? 1 : 0,
        d.draftedOn ?? occurredAt.slice(0, 10),
        d.replaces?.code ?? null,
        d.replaces?.version ?? null,
        searchKey(d.code, d.version),
      )
      addStage(
        db,
        d,
        'draft',
        d.draftedOn ?? occurredAt.slice(0, 10),
        d.draftedOn !== undefined,
        precisionOf(d.precision, 'draftedOn'),
        position,
      )
      const insertIcs = db.prepare('INSERT OR IGNORE INTO standard_ics (code, version, ics) VALUES (?, ?, ?)')
      for (const ics of d.ics) insertIcs.run(d.code, d.version, ics)
      return
    }
    case 'StandardPublished': {
      const d = event.data
      db.prepare(
        `UPDATE standards SET lifecycle = 'published', published_on = ?, effective_from = ? WHERE code = ? AND version = ?`,
      ).run(d.publishedOn, d.effectiveFrom, d.code, d.version)
      addStage(db, d, 'published', d.publishedOn, true, precisionOf(d.precision, 'publishedOn'), position)
      addStage(db, d, 'effective', d.effectiveFrom, true, precisionOf(d.precision, 'effectiveFrom'), position)
      return
    }
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
      db.prepare(`INSERT OR REPLACE INTO replacements (from_code, from_version, to_code, to_version, on_date, precision, kind, position, transition_ends_on)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
        d.code,
        d.version,
        d.replacedBy.code,
        d.replacedBy.version,
        d.supersededOn,
        precisionOf(d.precision, 'supersededOn'),
        d.partial ? 'partial' : 'full',
        position,
        d.transitionEndsOn,
      )
      // The newer version may have been drafted without naming what it replaces: link it back.
      db.prepare(`UPDATE standards SET replaces_code = ?, replaces_version = ?
         WHERE code = ? AND version = ? AND replaces_code IS NULL`).run(
        d.code,
        d.version,
        d.replacedBy.code,
        d.replacedBy.version,
      )
      if (d.partial) return
      // Superseded from the earliest full supersession (a split records several).
      const current = db
        .prepare(
          `SELECT on_date FROM standard_stages WHERE code = ? AND version = ? AND stage = 'superseded' AND corrected_at IS NULL`,
        )
        .get(d.code, d.version) as { on_date: string } | undefined
      if (current && current.on_date <= d.supersededOn) return
      db.prepare(`UPDATE standards SET lifecycle = 'superseded', replaced_by_code = ?, replaced_by_version = ?,
           superseded_on = ?, transition_ends_on = ? WHERE code = ? AND version = ?`).run(
        d.replacedBy.code,
        d.replacedBy.version,
        d.supersededOn,
        d.transitionEndsOn,
        d.code,
        d.version,
      )
      replaceStage(db, d, 'superseded', d.supersededOn, precisionOf(d.precision, 'supersededOn'), position)
      return
    }
    case 'StandardWithdrawn': {
      const d = event.data
      db.prepare(
        `UPDATE standards SET lifecycle = 'withdrawn', withdrawn_on = ?, withdrawn_reason = ? WHERE code = ? AND version = ?`,
      ).run(d.withdrawnOn, d.reason, d.code, d.version)
      addStage(db, d, 'withdrawn', d.withdrawnOn, true, precisionOf(d.precision, 'withdrawnOn'), position)
      for (const to of d.replacedBy ?? []) {
        db.prepare(`INSERT OR REPLACE INTO replacements (from_code, from_version, to_code, to_version, on_date, precision, kind, position)
           VALUES (?, ?, ?, ?, ?, ?, 'withdrawn', ?)`).run(
          d.code,
          d.version,
          to.code,
          to.version,
          d.withdrawnOn,
          precisionOf(d.precision, 'withdrawnOn'),
          position,
        )
      }
      return
    }
    case 'StandardReplacementRetracted': {
      const d = event.data
      const retracted = db
        .prepare(`UPDATE replacements SET retracted_at = ?, retraction_reason = ?
         WHERE from_code = ? AND from_version = ? AND to_code = ? AND to_version = ? AND retracted_at IS NULL
         RETURNING kind`)
        .get(position, d.reason, d.code, d.version, d.replacedBy.code, d.replacedBy.version) as
        | { kind: string }
        | undefined
      if (retracted?.kind !== 'full') return
      // Superseded from the earliest remaining full replacement, or not superseded any more.
      const earliest = db
        .prepare(`SELECT to_code, to_version, on_date, precision, transition_ends_on FROM replacements
         WHERE from_code = ? AND from_version = ? AND kind = 'full' AND retracted_at IS NULL
         ORDER BY on_date LIMIT 1`)
        .get(d.code, d.version) as
        | {
            to_code: string
            to_version: string
            on_date: string
            precision: string
            transition_ends_on: string | null
          }
        | undefined
      db.prepare(
        `UPDATE standard_stages SET corrected_at = ? WHERE code = ? AND version = ? AND stage = 'superseded' AND corrected_at IS NULL`,
      ).run(position, d.code, d.version)
      if (earliest) {
        addStage(db, d, 'superseded', earliest.on_date, true, earliest.precision, position)
        db.prepare(`UPDATE standards SET replaced_by_code = ?, replaced_by_version = ?, superseded_on = ?, transition_ends_on = ?
           WHERE code = ? AND version = ?`).run(
          earliest.to_code,
          earliest.to_version,
          earliest.on_date,
          earliest.transition_ends_on,
          d.code,
          d.version,
        )
      } else {
        db.prepare(`UPDATE standards SET lifecycle = CASE WHEN lifecycle = 'superseded' THEN 'published' ELSE lifecycle END,
             replaced_by_code = NULL, replaced_by_version = NULL, superseded_on = NULL, transition_ends_on = NULL
           WHERE code = ? AND version = ?`).run(d.code, d.version)
      }
      return
    }
    case 'StandardSupplementPublished': {
      const d = event.data
      db.prepare(`INSERT OR REPLACE INTO supplements (code, version, kind, number, identifier, published_on, precision, title, position)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
        d.code,
        d.version,
        d.kind,
        d.number,
        d.identifier,
        d.publishedOn,
        precisionOf(d.precision, 'publishedOn'),
        d.title ?? null,
        position,
      )
      return
    }
    case 'StandardStageReached': {
      const d = event.data
      db.prepare(
        'INSERT INTO stage_codes (code, version, stage_code, on_date, precision, position) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(d.code, d.version, d.stageCode, d.on, precisionOf(d.precision, 'on'), position)
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
    case 'StandardDateCorrected': {
      const d = event.data
      const precision = precisionOf(d.precision, 'date')
      db.prepare(`INSERT INTO date_corrections (code, version, stage, previous_date, corrected_date, precision, reason, position, recorded_on)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
        d.code,
        d.version,
        d.stage,
        d.previousDate,
        d.date,
        precision,
        d.reason,
        position,
        occurredAt.slice(0, 10),
      )
      const column = STAGE_COLUMN[d.stage]
      if (column) {
        db.prepare(`UPDATE standards SET ${column} = ? WHERE code = ? AND version = ?`).run(
          d.date,
          d.code,
          d.version,
        )
      }
      if (d.stage === 'transitionEnds') return
      const open = db
        .prepare(
          `SELECT COUNT(*) AS n FROM standard_stages WHERE code = ? AND version = ? AND stage = ? AND corrected_at IS NULL`,
        )
        .get(d.code, d.version, d.stage) as { n: number }
      if (open.n > 0) replaceStage(db, d, d.stage, d.date, precision, position)
      return
    }
  }
}
