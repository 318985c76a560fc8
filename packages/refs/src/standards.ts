import { standardKey, standards } from '@qi/contracts'
import type Database from 'better-sqlite3'
import { on } from './handlers'

/** The lifecycle dates of every standard version: what "in force on date D" is checked against. */
export const STANDARD_LIFECYCLE_SQL = `
  CREATE TABLE standards (
    standard_key TEXT PRIMARY KEY, code TEXT NOT NULL, version TEXT NOT NULL,
    published_on TEXT, effective_from TEXT, superseded_on TEXT, replaced_by TEXT,
    transition_ends_on TEXT, withdrawn_on TEXT
  );
  CREATE TABLE standard_replacements (
    standard_key TEXT NOT NULL, replaced_by TEXT NOT NULL, replaced_by_code TEXT NOT NULL,
    replaced_by_version TEXT NOT NULL, superseded_on TEXT NOT NULL, transition_ends_on TEXT NOT NULL,
    PRIMARY KEY (standard_key, replaced_by)
  );
`

type Ref = { code: string; version: string }

export interface StandardLifecycle {
  code: string
  version: string
  publishedOn: string | null
  effectiveFrom: string | null
  supersededOn: string | null
  /** `code-version` of the replacing standard. */
  replacedBy: string | null
  transitionEndsOn: string | null
  withdrawnOn: string | null
}

/** StandardDrafted (and any later event of a standard not seen before). */
export function recordStandard(db: Database.Database, ref: Ref) {
  db.prepare('INSERT OR IGNORE INTO standards (standard_key, code, version) VALUES (?, ?, ?)').run(
    standardKey(ref),
    ref.code,
    ref.version,
  )
}

export function recordStandardPublished(
  db: Database.Database,
  data: Ref & { publishedOn: string; effectiveFrom: string },
) {
  recordStandard(db, data)
  db.prepare('UPDATE standards SET published_on = ?, effective_from = ? WHERE standard_key = ?').run(
    data.publishedOn,
    data.effectiveFrom,
    standardKey(data),
  )
}

export function recordStandardSuperseded(
  db: Database.Database,
  data: Ref & { supersededOn: string; replacedBy: Ref; transitionEndsOn: string; partial?: boolean },
) {
  recordStandard(db, data)
  // A partial replacement leaves the version in force; of several (a split), the earliest counts.
  if (data.partial) return
  db.prepare(
    `INSERT OR REPLACE INTO standard_replacements
       (standard_key, replaced_by, replaced_by_code, replaced_by_version, superseded_on, transition_ends_on)
     VALUES (?, ?, ?, ?, ?, ?)`,
  ).run(
    standardKey(data),
    standardKey(data.replacedBy),
    data.replacedBy.code,
    data.replacedBy.version,
    data.supersededOn,
    data.transitionEndsOn,
  )
  db.prepare(
    `UPDATE standards SET superseded_on = ?, replaced_by = ?, transition_ends_on = ?
     WHERE standard_key = ? AND (superseded_on IS NULL OR superseded_on > ?)`,
  ).run(
    data.supersededOn,
    standardKey(data.replacedBy),
    data.transitionEndsOn,
    standardKey(data),
    data.supersededOn,
  )
}

/**
 * StandardReplacementRetracted: the link is gone; the edition counts as superseded from its earliest
 * remaining full replacement (its recorded date), or not superseded when none remains — as the
 * standards catalogue's as-of oracle reads it.
 */
export function recordStandardReplacementRetracted(db: Database.Database, data: Ref & { replacedBy: Ref }) {
  const key = standardKey(data)
  const removed = db
    .prepare('DELETE FROM standard_replacements WHERE standard_key = ? AND replaced_by = ?')
    .run(key, standardKey(data.replacedBy))
  if (removed.changes === 0) return
  const earliest = earliestReplacement(db, key)
  db.prepare(
    'UPDATE standards SET superseded_on = ?, replaced_by = ?, transition_ends_on = ? WHERE standard_key = ?',
  ).run(
    earliest?.supersededOn ?? null,
    earliest ? standardKey(earliest.replacedBy) : null,
    earliest?.transitionEndsOn ?? null,
    key,
  )
}

/** The earliest full replacement still recorded for a standard version (`code-version` key), if any. */
export function earliestReplacement(
  db: Database.Database,
  key: string,
): { replacedBy: Ref; supersededOn: string; transitionEndsOn: string } | undefined {
  const row = db
    .prepare(
      `SELECT replaced_by_code, replaced_by_version, superseded_on, transition_ends_on FROM standard_replacements
       WHERE standard_key = ? ORDER BY superseded_on, replaced_by LIMIT 1`,
    )
    .get(key) as
    | {
        replaced_by_code: string
        replaced_by_version: string
        superseded_on: string
        transition_ends_on: string
      }
    | undefined
  if (!row) return undefined
  return {
    replacedBy: { code: row.replaced_by_code, version: row.replaced_by_version },
    supersededOn: row.superseded_on,
    transitionEndsOn: row.transition_ends_on,
  }
}

const CORRECTED_COLUMN: Record<string, string> = {
  published: 'published_on',
  effective: 'effective_from',
  superseded: 'superseded_on',
  transitionEnds: 'transition_ends_on',
  withdrawn: 'withdrawn_on',
}

/** StandardDateCorrected: the corrected business date replaces the recorded one. */
export function recordStandardDateCorrected(
  db: Database.Database,
  data: Ref & { stage: string; date: string },
) {
  const column = CORRECTED_COLUMN[data.stage]
  if (!column) return
  recordStandard(db, data)
  db.prepare(`UPDATE standards SET ${column} = ? WHERE standard_key = ? AND ${column} IS NOT NULL`).run(
    data.date,
    standardKey(data),
  )
}

export function recordStandardWithdrawn(db: Database.Database, data: Ref & { withdrawnOn: string }) {
  recordStandard(db, data)
  db.prepare('UPDATE standards SET withdrawn_on = ? WHERE standard_key = ?').run(
    data.withdrawnOn,
    standardKey(data),
  )
}

interface StandardRow {
  code: string
  version: string
  published_on: string | null
  effective_from: string | null
  superseded_on: string | null
  replaced_by: string | null
  transition_ends_on: string | null
  withdrawn_on: string | null
}

/** A standard version's lifecycle by its `code-version` key, or undefined when never seen. */
export function loadStandardLifecycle(db: Database.Database, key: string): StandardLifecycle | undefined {
  const row = db.prepare('SELECT * FROM standards WHERE standard_key = ?').get(key) as StandardRow | undefined
  if (!row) return undefined
  return {
    code: row.code,
    version: row.version,
    publishedOn: row.published_on,
    effectiveFrom: row.effective_from,
    supersededOn: row.superseded_on,
    replacedBy: row.replaced_by,
    transitionEndsOn: row.transition_ends_on,
    withdrawnOn: row.withdrawn_on,
  }
}

/** The handlers of standards' lifecycle events: drafted, published, superseded (and retracted), withdrawn. */
export const standardLifecycleHandlers = [
  on(standards.StandardDrafted, (data, db) => recordStandard(db, data)),
  on(standards.StandardPublished, (data, db) => recordStandardPublished(db, data)),
  on(standards.StandardSuperseded, (data, db) => recordStandardSuperseded(db, data)),
  on(standards.StandardWithdrawn, (data, db) => recordStandardWithdrawn(db, data)),
  on(standards.StandardDateCorrected, (data, db) => recordStandardDateCorrected(db, data)),
  on(standards.StandardReplacementRetracted, (data, db) => recordStandardReplacementRetracted(db, data)),
]
