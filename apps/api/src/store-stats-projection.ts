import type { Projection } from '@qi/projections'

/** Counts events per type and per stream category: the basis of store statistics. */
export const storeStatsProjection: Projection = {
  name: 'store-stats',
  version: 2,
  // Statistics only: a poison event is parked (and shown) rather than stopping the counts.
  onPoison: 'park',
  setup(db) {
    db.exec(`
      CREATE TABLE event_types (type TEXT PRIMARY KEY, count INTEGER NOT NULL, last_position INTEGER NOT NULL);
      CREATE TABLE stream_categories (category TEXT PRIMARY KEY, events INTEGER NOT NULL, last_position INTEGER NOT NULL);
      CREATE TABLE streams (
        name TEXT PRIMARY KEY, category TEXT NOT NULL, events INTEGER NOT NULL,
        last_position INTEGER NOT NULL, last_type TEXT NOT NULL, last_recorded_at TEXT NOT NULL
      );
      CREATE INDEX streams_by_category ON streams (category, last_position);
    `)
  },
  apply(event, db) {
    const position = Number(event.position)
    db.prepare(
      `INSERT INTO event_types (type, count, last_position) VALUES (?, 1, ?)
       ON CONFLICT (type) DO UPDATE SET count = count + 1, last_position = excluded.last_position`,
    ).run(event.type, position)
    const dash = event.streamName.indexOf('-')
    const category = dash > 0 ? event.streamName.slice(0, dash) : event.streamName
    db.prepare(
      `INSERT INTO stream_categories (category, events, last_position) VALUES (?, 1, ?)
       ON CONFLICT (category) DO UPDATE SET events = events + 1, last_position = excluded.last_position`,
    ).run(category, position)
    db.prepare(
      `INSERT INTO streams (name, category, events, last_position, last_type, last_recorded_at) VALUES (?, ?, 1, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET events = events + 1, last_position = excluded.last_position,
         last_type = excluded.last_type, last_recorded_at = excluded.last_recorded_at`,
    ).run(event.streamName, category, position, event.type, event.recordedAt.toISOString())
  },
}
