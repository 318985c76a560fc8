import type Database from 'better-sqlite3'
import type { Projection } from './runner'

/** What the crash child writes in every event: which append it belongs to and where in it. */
export interface CrashEventData {
  batch: string
  size: number
  index: number
}

/**
 * The crash test's read model: per-stream counts and a running total. The totals row is updated
 * by every event, so a batch applied twice (or half applied) after a crash would show in it.
 */
export const crashCountsProjection: Projection = {
  name: 'crash-counts',
  version: 1,
  setup(db) {
    db.exec(`
      CREATE TABLE stream_counts (stream_name TEXT PRIMARY KEY, events INTEGER NOT NULL, last_revision INTEGER NOT NULL);
      CREATE TABLE totals (id INTEGER PRIMARY KEY CHECK (id = 1), events INTEGER NOT NULL, index_sum INTEGER NOT NULL, position_sum INTEGER NOT NULL);
      INSERT INTO totals (id, events, index_sum, position_sum) VALUES (1, 0, 0, 0);
    `)
  },
  apply(event, db) {
    const data = event.data as CrashEventData
    db.prepare(
      `INSERT INTO stream_counts (stream_name, events, last_revision) VALUES (?, 1, ?)
       ON CONFLICT (stream_name) DO UPDATE SET events = events + 1, last_revision = excluded.last_revision`,
    ).run(event.streamName, Number(event.revision))
    db.prepare(
      'UPDATE totals SET events = events + 1, index_sum = index_sum + ?, position_sum = position_sum + ? WHERE id = 1',
    ).run(data.index, Number(event.position))
  },
}

export interface CrashReadModelContents {
  streamCounts: Array<{ stream_name: string; events: number; last_revision: number }>
  totals: { events: number; index_sum: number; position_sum: number }
}

export function readCrashReadModel(db: Database.Database): CrashReadModelContents {
  return {
    streamCounts: db
      .prepare('SELECT stream_name, events, last_revision FROM stream_counts ORDER BY stream_name')
      .all() as CrashReadModelContents['streamCounts'],
    totals: db
      .prepare('SELECT events, index_sum, position_sum FROM totals WHERE id = 1')
      .get() as CrashReadModelContents['totals'],
  }
}

/** mulberry32: a tiny seeded PRNG, so a failing round can be replayed from its printed seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
