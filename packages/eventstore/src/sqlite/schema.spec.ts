import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { WrongExpectedVersionError } from '../errors'
import { SqliteEventStore } from './sqlite-event-store'

/** The events table and its indexes as the store created them before the index on ids was dropped. */
const PREVIOUS_SCHEMA = `
  CREATE TABLE events (
    position INTEGER PRIMARY KEY, stream_name TEXT NOT NULL, revision INTEGER NOT NULL,
    event_id TEXT NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL,
    recorded_at INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX events_by_stream ON events (stream_name, revision);
  CREATE INDEX events_by_stream_and_id ON events (stream_name, event_id);
  CREATE TABLE streams (
    stream_name TEXT PRIMARY KEY, last_revision INTEGER NOT NULL,
    truncate_before INTEGER NOT NULL DEFAULT 0, state INTEGER NOT NULL DEFAULT 0
  ) WITHOUT ROWID;
`

function indexNames(db: Database.Database): string[] {
  return (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'").all() as {
      name: string
    }[]
  )
    .map((row) => row.name)
    .filter((name) => !name.startsWith('sqlite_autoindex'))
    .sort()
}

describe('sqlite schema of an existing data folder', () => {
  const directories: string[] = []
  afterEach(() => {
    for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true })
  })

  it('opens a file with the index on event ids, drops it, and keeps reads and idempotent retries', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'qi-schema-'))
    directories.push(directory)
    const path = join(directory, 'events.db')
    const ids = [randomUUID(), randomUUID(), randomUUID()]
    const old = new Database(path)
    old.pragma('journal_mode = WAL')
    old.exec(PREVIOUS_SCHEMA)
    const insert = old.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    insert.run(1, 'order-1', 0, ids[0], 'Placed', '{"n":1}', '{}', 1_700_000_000_000)
    insert.run(2, 'order-1', 1, ids[1], 'Paid', '{"n":2}', '{}', 1_700_000_000_000)
    insert.run(3, 'order-2', 0, ids[2], 'Placed', '{"n":3}', '{}', 1_700_000_000_000)
    old.prepare('INSERT INTO streams (stream_name, last_revision) VALUES (?, ?)').run('order-1', 1)
    old.prepare('INSERT INTO streams (stream_name, last_revision) VALUES (?, ?)').run('order-2', 0)
    expect(indexNames(old)).toEqual(['events_by_stream', 'events_by_stream_and_id'])
    old.close()

    const store = new SqliteEventStore({ path })
    try {
      expect(indexNames(store.db)).toEqual(['events_by_stream'])
      const read = await store.readStream('order-1')
      expect(read.map((event) => [event.id, event.type, event.revision, event.data])).toEqual([
        [ids[0], 'Placed', 0n, { n: 1 }],
        [ids[1], 'Paid', 1n, { n: 2 }],
      ])
      const placed = { id: ids[0]!, type: 'Placed', data: { n: 1 } }
      const paid = { id: ids[1]!, type: 'Paid', data: { n: 2 } }
      // Retries of appends written before the upgrade return their first result and write nothing.
      const first = { nextExpectedRevision: 1n, position: 2n }
      expect(
        await store.appendToStream('order-1', [placed, paid], { expectedRevision: 'no_stream' }),
      ).toEqual(first)
      expect(await store.appendToStream('order-1', [paid], { expectedRevision: 0n })).toEqual(first)
      expect(await store.appendToStream('order-1', [paid], { expectedRevision: 'any' })).toEqual(first)
      expect(
        await store.appendToStream('order-2', [{ id: ids[2]!, type: 'Placed', data: { n: 3 } }], {
          expectedRevision: 'stream_exists',
        }),
      ).toEqual({ nextExpectedRevision: 0n, position: 3n })
      // The same ids at a revision the stream has moved past are a conflict, not a retry.
      await expect(
        store.appendToStream('order-1', [placed], { expectedRevision: 5n }),
      ).rejects.toBeInstanceOf(WrongExpectedVersionError)
      // New appends go on after the old head.
      expect(await store.appendToStream('order-1', [{ type: 'Shipped', data: {} }])).toEqual({
        nextExpectedRevision: 2n,
        position: 4n,
      })
      expect(await store.eventCount()).toBe(4)
    } finally {
      await store.close()
    }
    // Opening it again (already migrated) changes nothing.
    const again = new SqliteEventStore({ path })
    expect(indexNames(again.db)).toEqual(['events_by_stream'])
    expect((await again.readStream('order-1')).map((event) => event.type)).toEqual([
      'Placed',
      'Paid',
      'Shipped',
    ])
    await again.close()
  })
})
