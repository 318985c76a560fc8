import { SqliteEventStore } from '@qi/eventstore/sqlite'
import { type Projection, ProjectionRunner } from '@qi/projections'
import type Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { history } from '../testing/history'
import { seed } from '../testing/seed'
import { lineageGraphProjection } from './graph'
import { kpiProjection } from './kpi'

function dump(db: Database.Database) {
  const tables = db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'projection_meta' ORDER BY name",
    )
    .all() as Array<{ name: string }>
  return Object.fromEntries(
    tables.map(({ name }) => {
      // Ordered by up to the first three columns (some tables have only two).
      const columns = (db.prepare(`PRAGMA table_info("${name}")`).all() as unknown[]).length
      const order = [1, 2, 3].slice(0, Math.min(3, columns)).join(', ')
      return [name, db.prepare(`SELECT * FROM "${name}" ORDER BY ${order}`).all()]
    }),
  )
}

function indexes(db: Database.Database) {
  return db.prepare("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").all()
}

describe.each([lineageGraphProjection, kpiProjection])('rebuild of $name', (projection: Projection) => {
  it('is identical to the read model built event by event while the history was written', async () => {
    const store = new SqliteEventStore()
    const runner = new ProjectionRunner({ store, projection, batchSize: 1 })
    await runner.start()
    // Written one event at a time while the runner follows live.
    let head = 0n
    for (const event of history) {
      head = await seed(store, [event])
      await runner.waitFor(head, 30_000)
    }
    const incremental = dump(runner.db)
    const incrementalIndexes = indexes(runner.db)
    expect(Object.values(incremental).some((rows) => rows.length > 0)).toBe(true)
    const processed = await runner.rebuild()
    expect(processed).toBe(history.length)
    expect(runner.status().generation).toBe(2)
    expect(dump(runner.db)).toEqual(incremental)
    // A bulk load (projection.bulkLoad) builds the indexes it dropped again: the same set.
    expect(indexes(runner.db)).toEqual(incrementalIndexes)
    await runner.close()
    await store.close()
  })
})
