import type Database from 'better-sqlite3'

export const STREAM_LIVE = 0
export const STREAM_SOFT_DELETED = 1
export const STREAM_TOMBSTONED = 2

/**
 * positions are INTEGER PRIMARY KEY assigned by the single writer as head + 1 inside the write
 * transaction, so they are gap-free and strictly increasing in commit order.
 */
export function migrate(db: Database.Database) {
  db.exec(`
    CREATE TABLE IF NOT EXISTS events (
      position     INTEGER PRIMARY KEY,
      stream_name  TEXT    NOT NULL,
      revision     INTEGER NOT NULL,
      event_id     TEXT    NOT NULL,
      type         TEXT    NOT NULL,
      data         TEXT    NOT NULL,
      metadata     TEXT    NOT NULL,
      recorded_at  INTEGER NOT NULL
    );
    CREATE UNIQUE INDEX IF NOT EXISTS events_by_stream ON events (stream_name, revision);
    -- Event ids are random UUIDs. Indexed alone they scatter every append over the whole index, and
    -- each touched page is rewritten to the WAL at commit; led by the stream name, one append's ids
    -- land on the few pages of its stream. The only lookup by id (idempotent retries) is per stream.
    CREATE INDEX IF NOT EXISTS events_by_stream_and_id ON events (stream_name, event_id);
    DROP INDEX IF EXISTS events_by_id;
    CREATE TABLE IF NOT EXISTS streams (
      stream_name      TEXT    PRIMARY KEY,
      last_revision    INTEGER NOT NULL,
      truncate_before  INTEGER NOT NULL DEFAULT 0,
      state            INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;
  `)
}
