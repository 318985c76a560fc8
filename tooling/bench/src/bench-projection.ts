import type { Projection } from '@qi/projections'
import type Database from 'better-sqlite3'

export interface BenchEventData {
  amount: number
  note: string
}

const UPSERT_STREAM_TOTAL = `INSERT INTO stream_totals (stream_name, events, amount_sum) VALUES (?, 1, ?)
  ON CONFLICT (stream_name) DO UPDATE SET events = events + 1, amount_sum = amount_sum + excluded.amount_sum`

export const STREAM_TOTALS_DDL =
  'CREATE TABLE stream_totals (stream_name TEXT PRIMARY KEY, events INTEGER NOT NULL, amount_sum INTEGER NOT NULL)'

// Prepared once per database: preparing per event would measure SQLite's parser, not the runner.
const upsertByDatabase = new WeakMap<Database.Database, Database.Statement<[string, number]>>()

export function prepareStreamTotalUpsert(db: Database.Database): Database.Statement<[string, number]> {
  let statement = upsertByDatabase.get(db)
  if (!statement) {
    statement = db.prepare(UPSERT_STREAM_TOTAL)
    upsertByDatabase.set(db, statement)
  }
  return statement
}

/** A simple read model: events and summed amounts per stream. */
export const streamTotalsProjection: Projection = {
  name: 'bench-stream-totals',
  version: 1,
  setup(db) {
    db.exec(STREAM_TOTALS_DDL)
  },
  apply(event, db) {
    const data = event.data as BenchEventData
    prepareStreamTotalUpsert(db).run(event.streamName, data.amount)
  },
}
