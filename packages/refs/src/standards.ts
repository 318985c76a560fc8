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

/** The handlers of standards' lifecycle events: drafted, published, superseded, withdrawn. */
export const standardLifecycleHandlers = [
  on(standards.StandardDrafted, (data, db) => recordStandard(db, data)),
  on(standards.StandardPublished, (data, db) => recordStandardPublished(db, data)),
  on(standards.StandardSuperseded, (data, db) => recordStandardSuperseded(db, data)),
  on(standards.StandardWithdrawn, (data, db) => recordStandardWithdrawn(db, data)),
  on(standards.StandardDateCorrected, (data, db) => recordStandardDateCorrected(db, data)),
]
