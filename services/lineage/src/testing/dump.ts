import type Database from 'better-sqlite3'

/**
 * Every row of every table of a read model (projection_meta aside), rowids included where a table
 * has them (nodes point to their settled status row by rowid), in a total order: two read models
 * with the same dump hold the same rows.
 */
export function dumpTables(db: Database.Database): Record<string, unknown[]> {
  const tables = db
    .prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name <> 'projection_meta' ORDER BY name",
    )
    .all() as Array<{ name: string; sql: string }>
  return Object.fromEntries(
    tables.map(({ name, sql }) => {
      const columns = (db.prepare(`PRAGMA table_info("${name}")`).all() as unknown[]).length
      const all = Array.from({ length: columns }, (_, i) => i + 1).join(', ')
      const query = /WITHOUT ROWID\s*$/i.test(sql)
        ? `SELECT * FROM "${name}" ORDER BY ${all}`
        : `SELECT rowid AS "(rowid)", * FROM "${name}" ORDER BY rowid`
      return [name, db.prepare(query).all()]
    }),
  )
}

/** The read model's indexes, as created. */
export function indexList(db: Database.Database) {
  return db.prepare("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").all()
}
