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
    -- No index on event ids. Every index an append touches is one more page rewritten to the WAL at
    -- commit, and group commit cannot share it between appends to different streams. The only lookup
    -- by id (an idempotent retry) goes through events_by_stream: at the revision the expected revision
    -- points to, or, with 'any' / 'stream_exists', over that one stream's events.
    -- Older files had one (events_by_id, then events_by_stream_and_id): dropped on open.
    DROP INDEX IF EXISTS events_by_id;
    DROP INDEX IF EXISTS events_by_stream_and_id;
    CREATE TABLE IF NOT EXISTS streams (
      stream_name      TEXT    PRIMARY KEY,
      last_revision    INTEGER NOT NULL,
      truncate_before  INTEGER NOT NULL DEFAULT 0,
      state            INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;
  `)
}
