import { randomUUID } from 'node:crypto'
import Database from 'better-sqlite3'

export type Durability = 'normal' | 'full'

/**
 * The same tables and indexes as packages/eventstore/src/sqlite/schema.ts, repeated here on
 * purpose: the baseline must not share code with the store it is measuring.
 */
const EVENT_LOG_DDL = `
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
  CREATE TABLE IF NOT EXISTS streams (
    stream_name      TEXT    PRIMARY KEY,
    last_revision    INTEGER NOT NULL,
    truncate_before  INTEGER NOT NULL DEFAULT 0,
    state            INTEGER NOT NULL DEFAULT 0
  ) WITHOUT ROWID;
`

export function openRawDatabase(path: string, durability: Durability): Database.Database {
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`)
  return db
}

export interface RawEventRow {
  position: number
  stream_name: string
  revision: number
  event_id: string
  type: string
  data: string
  metadata: string
  recorded_at: number
}

export interface RawAppend {
  streamName: string
  events: ReadonlyArray<{ type: string; data: unknown; metadata: unknown }>
}

/**
 * What better-sqlite3 alone does for an append: one transaction per call that inserts the event
 * rows and upserts the stream row. Positions and revisions are kept in memory, as a writer that
 * owns the file could; the store instead checks each append against its stream inside the transaction
 * (its overhead to show).
 */
export class RawEventLog {
  readonly db: Database.Database
  private head = 0
  private readonly lastRevision = new Map<string, number>()
  private readonly appendInTransaction: (
    streamName: string,
    events: ReadonlyArray<{ type: string; data: unknown; metadata: unknown }>,
  ) => void
  private readonly appendsInTransaction: (appends: ReadonlyArray<RawAppend>) => void

  constructor(path: string, durability: Durability) {
    this.db = openRawDatabase(path, durability)
    this.db.exec(EVENT_LOG_DDL)
    const insertEvent = this.db.prepare(
      'INSERT INTO events (position, stream_name, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    )
    const upsertStream = this.db.prepare(
      `INSERT INTO streams (stream_name, last_revision) VALUES (?, ?)
       ON CONFLICT (stream_name) DO UPDATE SET last_revision = excluded.last_revision`,
    )
    const write = (
      streamName: string,
      events: ReadonlyArray<{ type: string; data: unknown; metadata: unknown }>,
    ) => {
      let revision = this.lastRevision.get(streamName) ?? -1
      const now = Date.now()
      for (const event of events) {
        revision += 1
        this.head += 1
        insertEvent.run(
          this.head,
          streamName,
          revision,
          randomUUID(),
          event.type,
          JSON.stringify(event.data),
          JSON.stringify(event.metadata),
          now,
        )
      }
      upsertStream.run(streamName, revision)
      this.lastRevision.set(streamName, revision)
    }
    const transaction = this.db.transaction(write)
    this.appendInTransaction = (streamName, events) => transaction.immediate(streamName, events)
    const batch = this.db.transaction((appends: ReadonlyArray<RawAppend>) => {
      for (const append of appends) write(append.streamName, append.events)
    })
    this.appendsInTransaction = (appends) => batch.immediate(appends)
  }

  /**
   * Several appends in one transaction, each doing what `append` does: the most group commit
   * could save with no store code around it (no validation, promises or checks).
   */
  appendBatch(appends: ReadonlyArray<RawAppend>): number {
    this.appendsInTransaction(appends)
    return appends.reduce((sum, append) => sum + append.events.length, 0)
  }

  append(
    streamName: string,
    events: ReadonlyArray<{ type: string; data: unknown; metadata: unknown }>,
  ): number {
    this.appendInTransaction(streamName, events)
    return events.length
  }

  close() {
    this.db.close()
  }
}

export interface RawParsedEvent extends Omit<RawEventRow, 'data' | 'metadata'> {
  data: unknown
  metadata: unknown
}

/**
 * Pages the whole log as a reader without the store would: SELECT by position, JSON.parse the
 * payloads. Returns the number of events read.
 */
export function rawReadAll(
  db: Database.Database,
  pageSize: number,
  onPage: (events: RawParsedEvent[]) => void = () => {},
): number {
  const page = db.prepare('SELECT * FROM events WHERE position > ? ORDER BY position ASC LIMIT ?')
  let after = 0
  let count = 0
  for (;;) {
    const rows = page.all(after, pageSize) as RawEventRow[]
    if (rows.length === 0) return count
    const events = rows.map((row) => ({
      ...row,
      data: JSON.parse(row.data) as unknown,
      metadata: JSON.parse(row.metadata) as unknown,
    }))
    onPage(events)
    count += events.length
    after = rows.at(-1)!.position
  }
}
