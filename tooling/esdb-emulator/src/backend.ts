import { randomUUID } from 'node:crypto'
import {
  type AppendResult,
  type ExpectedRevision,
  type RecordedEvent,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@qi/eventstore'
import { SqliteEventStore } from '@qi/eventstore/sqlite'
import { JSON_CONTENT_TYPE, type ProposedEvent, type StoredEnvelope, toStoredEvent } from './codec'

export interface Truncation {
  first: bigint
  last: bigint
}

/** The type of the events of a metastream (`$$<stream>`), as the server writes them. */
const METADATA_EVENT_TYPE = '$metadata'

/**
 * Wakes live subscriptions after the emulator commits. The sequence number closes the race
 * between "a read found nothing" and "start waiting": a waiter that saw an older sequence returns
 * at once.
 */
export class CommitNotifier {
  sequence = 0
  private waiters = new Set<() => void>()

  notify() {
    this.sequence += 1
    const waiters = [...this.waiters]
    this.waiters.clear()
    for (const wake of waiters) wake()
  }

  /** Resolves after the next commit (at once if one happened since `seen`), after `timeoutMs`, or on abort. */
  wait(seen: number, timeoutMs: number, abort: AbortSignal): Promise<void> {
    if (this.sequence !== seen || abort.aborted) return Promise.resolve()
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.waiters.delete(done)
        abort.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, timeoutMs)
      this.waiters.add(done)
      abort.addEventListener('abort', done)
    })
  }
}

interface MetadataRow {
  revision: number
  event_id: string
  type: string
  data: Buffer
  content_type: string
  custom_metadata: Buffer
  position: number
  recorded_at: number
}

/**
 * The emulator's storage: the project's SqliteEventStore for every user stream and `$all`, plus
 * one side table for metastreams (`$$<stream>`), which the port cannot hold because its stream
 * names may not start with '$'. Metastream events are not part of `$all` here.
 */
export class EmulatorBackend {
  readonly store: SqliteEventStore
  readonly commits = new CommitNotifier()

  constructor(path: string) {
    // The emulator enforces the protocol's append size limit itself, on the bytes it received;
    // the store's own limit would count the stored envelope instead.
    this.store = new SqliteEventStore({ path, maxAppendBytes: Number.MAX_SAFE_INTEGER })
    this.store.db.exec(`
      CREATE TABLE IF NOT EXISTS esdb_emulator_metastreams (
        stream_name     TEXT    NOT NULL,
        revision        INTEGER NOT NULL,
        event_id        TEXT    NOT NULL,
        type            TEXT    NOT NULL,
        data            BLOB    NOT NULL,
        content_type    TEXT    NOT NULL,
        custom_metadata BLOB    NOT NULL,
        position        INTEGER NOT NULL,
        recorded_at     INTEGER NOT NULL,
        PRIMARY KEY (stream_name, revision)
      ) WITHOUT ROWID;
    `)
  }

  async append(
    streamName: string,
    events: ProposedEvent[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    const result = await this.store.appendToStream(streamName, events.map(toStoredEvent), {
      expectedRevision,
    })
    this.commits.notify()
    return result
  }

  async deleteStream(streamName: string, expectedRevision: ExpectedRevision, hard: boolean) {
    if (hard) {
      const result = await this.store.tombstoneStream(streamName, { expectedRevision })
      this.commits.notify()
      return result
    }
    await this.store.deleteStream(streamName, { expectedRevision })
    // As the server does, a soft delete is recorded as stream metadata: `$tb` past the last event,
    // the other keys kept. Its `$metadata` event is in `$all`, and the deletion reports its position.
    const { truncate_before: truncateBefore } = this.store.db
      .prepare('SELECT truncate_before FROM streams WHERE stream_name = ?')
      .get(streamName) as { truncate_before: number }
    const metadata = { ...(this.streamMetadata(streamName) ?? {}), $tb: truncateBefore }
    const { position } = this.appendMetastream(
      `$$${streamName}`,
      [
        {
          id: randomUUID(),
          type: METADATA_EVENT_TYPE,
          contentType: JSON_CONTENT_TYPE,
          data: Buffer.from(JSON.stringify(metadata)),
          customMetadata: new Uint8Array(),
        },
      ],
      'any',
    )
    return { position }
  }

  /** The last visible revision of a user stream, or null when it has no visible events. */
  async lastRevision(streamName: string): Promise<bigint | null> {
    try {
      const [last] = await this.store.readStream(streamName, { direction: 'backwards', maxCount: 1 })
      return last ? last.revision : null
    } catch (error) {
      if (error instanceof StreamNotFoundError) return null
      throw error
    }
  }

  /**
   * Appends to `$$<stream>`. Each event is kept twice in one transaction: in the side table, which
   * serves reads of the metastream, and in the store's log at the next position, so that it is part
   * of `$all` as a system event, as on the server.
   */
  appendMetastream(streamName: string, events: ProposedEvent[], expected: ExpectedRevision): AppendResult {
    const db = this.store.db
    const write = db.transaction(() => {
      const last = db
        .prepare('SELECT max(revision) AS last FROM esdb_emulator_metastreams WHERE stream_name = ?')
        .get(streamName) as { last: number | null }
      const actual = last.last === null ? 'no_stream' : BigInt(last.last)
      const ok =
        expected === 'any' ||
        (expected === 'no_stream' && actual === 'no_stream') ||
        (expected === 'stream_exists' && actual !== 'no_stream') ||
        (typeof expected === 'bigint' && actual === expected)
      if (!ok) throw new WrongExpectedVersionError(streamName, expected, actual)
      let position =
        (db.prepare('SELECT max(position) AS head FROM events').get() as { head: number | null }).head ?? 0
      const insert = db.prepare('INSERT INTO esdb_emulator_metastreams VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      const insertInLog = db.prepare(
        'INSERT INTO events (position, stream_name, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      let revision = last.last ?? -1
      const now = Date.now()
      for (const event of events) {
        revision += 1
        position += 1
        insert.run(
          streamName,
          revision,
          event.id,
          event.type,
          Buffer.from(event.data),
          event.contentType,
          Buffer.from(event.customMetadata),
          position,
          now,
        )
        const stored = toStoredEvent(event)
        insertInLog.run(
          position,
          streamName,
          revision,
          event.id,
          event.type,
          JSON.stringify(stored.data),
          JSON.stringify(stored.metadata),
          now,
        )
      }
      return { nextExpectedRevision: BigInt(revision), position: BigInt(position) }
    })
    const result = write.immediate()
    this.commits.notify()
    return result
  }

  /** Reads a metastream; null when nothing was ever written to it. */
  readMetastream(
    streamName: string,
    backwards: boolean,
    fromRevision: bigint | 'start' | 'end',
    maxCount: number,
  ) {
    const db = this.store.db
    const exists = db
      .prepare('SELECT 1 FROM esdb_emulator_metastreams WHERE stream_name = ? LIMIT 1')
      .get(streamName)
    if (!exists) return null
    const from =
      fromRevision === 'start'
        ? backwards
          ? -1
          : 0
        : fromRevision === 'end'
          ? Number.MAX_SAFE_INTEGER
          : Number(fromRevision)
    const rows = db
      .prepare(
        `SELECT * FROM esdb_emulator_metastreams WHERE stream_name = ? AND revision ${backwards ? '<=' : '>='} ?
         ORDER BY revision ${backwards ? 'DESC' : 'ASC'} LIMIT ?`,
      )
      .all(streamName, from, maxCount) as MetadataRow[]
    return rows.map((row): RecordedEvent => {
      const envelope: StoredEnvelope = {
        contentType: row.content_type,
        dataBase64: row.data.toString('base64'),
        customMetadataBase64: row.custom_metadata.toString('base64'),
      }
      return {
        id: row.event_id,
        type: row.type,
        streamName,
        revision: BigInt(row.revision),
        position: BigInt(row.position),
        data: null,
        metadata: envelope,
        recordedAt: new Date(row.recorded_at),
      }
    })
  }

  /**
   * The truncation the stream's metadata asks for (`$tb`, `$maxCount`, `$maxAge`, from the latest
   * event of `$$<stream>`): the lowest revision a read of the stream may return (`first`) and its last
   * revision, or null when the metadata sets none of them or the stream has no visible events.
   */
  async readableFrom(streamName: string, now = Date.now()): Promise<Truncation | null> {
    const limits = this.streamMetadata(streamName)
    if (!limits) return null
    const truncateBefore = wholeNumber(limits.$tb)
    const maxCount = wholeNumber(limits.$maxCount)
    const maxAgeSeconds = wholeNumber(limits.$maxAge)
    if (truncateBefore === null && maxCount === null && maxAgeSeconds === null) return null
    const lastRevision = await this.lastRevision(streamName)
    if (lastRevision === null) return null
    let first = 0n
    if (truncateBefore !== null) first = maxBigint(first, truncateBefore)
    if (maxCount !== null) first = maxBigint(first, lastRevision - maxCount + 1n)
    if (maxAgeSeconds !== null) {
      const cutoff = now - Number(maxAgeSeconds) * 1000
      const row = this.store.db
        .prepare(
          'SELECT min(revision) AS first FROM events WHERE stream_name = ? AND revision >= ? AND recorded_at >= ?',
        )
        .get(streamName, Number(first), cutoff) as { first: number | null }
      first = row.first === null ? lastRevision + 1n : BigInt(row.first)
    }
    return { first, last: lastRevision }
  }

  /** The JSON object of the latest `$metadata` event of `$$<streamName>`, or null. */
  streamMetadata(streamName: string): Record<string, unknown> | null {
    const [latest] = this.readMetastream(`$$${streamName}`, true, 'end', 1) ?? []
    const envelope = latest?.metadata as StoredEnvelope | undefined
    if (!envelope?.dataBase64) return null
    try {
      const parsed: unknown = JSON.parse(Buffer.from(envelope.dataBase64, 'base64').toString('utf8'))
      return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : null
    } catch {
      return null
    }
  }

  close() {
    return this.store.close()
  }
}

function wholeNumber(value: unknown): bigint | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? BigInt(value) : null
}

function maxBigint(a: bigint, b: bigint) {
  return a > b ? a : b
}
