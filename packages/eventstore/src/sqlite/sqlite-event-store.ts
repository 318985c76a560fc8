import { randomUUID } from 'node:crypto'
import { type FSWatcher, mkdirSync, watch } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'
import Database from 'better-sqlite3'
import {
  InvalidEventError,
  StoreClosedError,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '../errors'
import { failedSubscription } from '../failed-subscription'
import type {
  AllFilter,
  AppendOptions,
  AppendResult,
  DeleteResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
  SubscribeToStreamOptions,
  Subscription,
} from '../types'
import { MAX_APPEND_BYTES } from '../types'
import { assertExpectedRevision, assertStreamName, type PreparedEvent, prepareAppend } from '../validation'
import { BackgroundCheckpointer } from './checkpointer'
import { migrate, STREAM_LIVE, STREAM_SOFT_DELETED, STREAM_TOMBSTONED } from './schema'
import { CommitSignal, PagedSubscription, type PollIntervals } from './subscription'

export interface SqliteEventStoreOptions {
  /** A file path, or ':memory:' (the default) for tests. */
  path?: string
  /**
   * 'normal' (default): in WAL mode a commit survives a process crash; the last commits may be lost
   * on power failure. 'full': every commit is fsynced, surviving power loss at a cost per commit
   * (which group commit amortises).
   */
  durability?: 'normal' | 'full'
  maxAppendBytes?: number
  /**
   * Commits made by another process on the same file: a live subscription learns of them from a
   * watcher on the database's directory (the WAL file changes), and, as a fallback where file
   * watching does not work, by polling: first every `minPollIntervalMs` (default 5), doubling while
   * nothing comes, up to `pollIntervalMs` (default 250).
   */
  pollIntervalMs?: number
  minPollIntervalMs?: number
  /** Watch the database file for other processes' commits (default true for a file database). */
  watchFile?: boolean
  /**
   * Where the WAL is checkpointed (copied into the database file) for a file database:
   * 'background' (the default at 'normal' durability) on a worker thread with its own connection,
   * started after the first `BACKGROUND_CHECKPOINT_AFTER` commits, so that appends do not wait for
   * it; 'inline' (the default at 'full') in the commit that fills the WAL past 1000 pages (SQLite's
   * automatic checkpoint).
   */
  checkpoints?: 'background' | 'inline'
  /** Told after each write transaction: how many appends group commit put in it (for metrics). */
  onCommit?: (commit: { appends: number; events: number; durationMs: number }) => void
}

interface StreamRow {
  last_revision: number
  truncate_before: number
  state: number
}

interface EventRow {
  position: number
  stream_name: string
  revision: number
  event_id: string
  type: string
  data: string
  metadata: string
  recorded_at: number
}

interface PendingAppend {
  streamName: string
  events: PreparedEvent[]
  expectedRevision: ExpectedRevision
  resolve: (result: AppendResult) => void
  reject: (error: unknown) => void
}

interface WriteState {
  /** Parameters of the event rows not yet inserted (EVENT_PARAMS per row). */
  pending: Array<string | number>
  /** The streams those rows belong to. */
  pendingStreams: string[]
  /** For the streams' upsert: a stream name and its last revision, for each accepted append. */
  streams: Array<string | number>
  /** Rows of the transaction so far (inserted or pending). */
  rows: number
  inserted: number
  /** The position of the transaction's first row, known once it is inserted. */
  firstPosition: number
}

type Outcome = { ok: AppendResult } | { error: unknown }

const PAGE = 1000
/** Commits before the background checkpointer starts: a short-lived store never starts a thread. */
export const BACKGROUND_CHECKPOINT_AFTER = 100
/** SQLite's automatic checkpoint threshold (pages in the WAL), used while no worker checkpoints. */
const INLINE_CHECKPOINT_PAGES = 1000
/**
 * With the worker checkpointing, the store's own connection still checkpoints past this many
 * pages (16 MiB): a bound on the WAL should the worker fall behind.
 */
const FALLBACK_CHECKPOINT_PAGES = 4000
/** A nudged checkpointer waits between these, so that one checkpoint covers the commits meanwhile. */
const CHECKPOINT_DELAY_MS = { min: 10, max: 2000 }
/** Pages kept for the subscriptions that ask for the same one (see `sharedPage`). */
const SHARED_PAGES = 8
/** Rows per multi-row INSERT (7 parameters each, far below SQLite's 32766). */
const MAX_ROWS_PER_STATEMENT = 128
const EVENT_PARAMS = 7
/** Streams whose rows the store keeps in memory (the oldest is dropped past this). */
const STREAM_CACHE_SIZE = 10_000

export function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    type: row.type,
    streamName: row.stream_name,
    revision: BigInt(row.revision),
    position: BigInt(row.position),
    data: JSON.parse(row.data),
    metadata: JSON.parse(row.metadata),
    recordedAt: new Date(row.recorded_at),
  }
}

function filterSql(filter: AllFilter | undefined): { sql: string; params: string[] } {
  if (!filter || filter.prefixes.length === 0) return { sql: '', params: [] }
  const column = filter.kind === 'streamName' ? 'stream_name' : 'type'
  const clauses = filter.prefixes.map(() => `substr(${column}, 1, ?) = ?`)
  const params = filter.prefixes.flatMap((p) => [String(p.length), p])
  return { sql: ` AND (${clauses.join(' OR ')})`, params }
}

function checkMaxCount(maxCount: number | undefined) {
  if (maxCount === undefined) return Number.MAX_SAFE_INTEGER
  if (!Number.isInteger(maxCount) || maxCount < 0) {
    throw new InvalidEventError(-1, `maxCount must be a whole number ≥ 0, got ${maxCount}`)
  }
  return maxCount
}

/**
 * The embedded event store: one SQLite file in WAL mode, one writer with group commit. Append calls
 * made in the same tick are coalesced into one transaction; each keeps its own atomicity and
 * concurrency check through a savepoint, so one failing append never affects another.
 */
export class SqliteEventStore implements EventStore {
  readonly adapter = 'sqlite'
  readonly db: Database.Database
  private readonly signal = new CommitSignal()
  private readonly maxAppendBytes: number
  private queue: PendingAppend[] = []
  private flushScheduled = false
  private closed = false
  private closing: Promise<void> = Promise.resolve()
  private readonly deletions = new Set<Promise<DeleteResult>>()
  private readonly subscriptions = new Set<PagedSubscription>()
  private pages: { head: number; byKey: Map<string, RecordedEvent[]> } = { head: -1, byKey: new Map() }
  private readonly poll: PollIntervals
  private readonly watchedFile: string | null
  private watcher: FSWatcher | null = null
  private readonly onCommit: SqliteEventStoreOptions['onCommit']
  private readonly durability: 'normal' | 'full'
  /** Counts commits until the background checkpointer starts; null when it is not wanted. */
  private commitsBeforeCheckpointer: number | null
  private checkpointer: BackgroundCheckpointer | null = null

  private readonly stmt: {
    head: Database.Statement<[], { head: number | null }>
    dataVersion: Database.Statement<[], number>
    getStream: Database.Statement<[string], StreamRow>
    setStreamState: Database.Statement<[number, number, string]>
    findIdInStream: Database.Statement<[string, string], { revision: number }>
    idsFrom: Database.Statement<[string, number, number], { event_id: string; position: number }>
  }
  /** Multi-row INSERTs of events and upserts of streams, by row count (1 … MAX_ROWS_PER_STATEMENT). */
  private readonly insertEvents: Database.Statement[] = []
  private readonly upserts: Database.Statement[] = []
  /** Scratch state of the write transaction in progress (reused: one writer at a time). */
  private readonly write: WriteState = {
    pending: [],
    pendingStreams: [],
    streams: [],
    rows: 0,
    inserted: 0,
    firstPosition: 0,
  }
  /**
   * The streams' rows as this connection last read or wrote them, so that an append checks its
   * expected revision without a query. Valid while `PRAGMA data_version` says no other connection
   * has committed since (read at the start of every write transaction); emptied otherwise, and
   * after any write transaction that did not commit. Whoever writes through `db` itself must leave
   * the streams table to the store (the emulator's metastream rows go to the events table only).
   */
  private readonly streamCache = new Map<string, StreamRow>()
  private dataVersion = -1
  private readonly writeBatch: (batch: PendingAppend[]) => Outcome[]

  constructor(options: SqliteEventStoreOptions = {}) {
    const path = options.path ?? ':memory:'
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
    this.db = new Database(path)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma(`synchronous = ${options.durability === 'full' ? 'FULL' : 'NORMAL'}`)
    this.db.pragma('busy_timeout = 5000')
    this.db.pragma(`wal_autocheckpoint = ${INLINE_CHECKPOINT_PAGES}`)
    migrate(this.db)
    this.maxAppendBytes = options.maxAppendBytes ?? MAX_APPEND_BYTES
    const maxPollMs = options.pollIntervalMs ?? 250
    this.poll = { minMs: Math.min(options.minPollIntervalMs ?? 5, maxPollMs), maxMs: maxPollMs }
    this.watchedFile = path !== ':memory:' && (options.watchFile ?? true) ? resolve(path) : null
    this.onCommit = options.onCommit
    this.durability = options.durability ?? 'normal'
    // At 'full' every commit fsyncs the WAL already, and a worker's checkpoint (two more fsyncs, of
    // the database file) competes with those for the disk: measured slower there, so 'inline'.
    const checkpoints = options.checkpoints ?? (this.durability === 'full' ? 'inline' : 'background')
    this.commitsBeforeCheckpointer =
      path !== ':memory:' && checkpoints === 'background' ? BACKGROUND_CHECKPOINT_AFTER : null
    this.stmt = {
      head: this.db.prepare('SELECT max(position) AS head FROM events'),
      dataVersion: this.db.prepare<[], number>('PRAGMA data_version').pluck(),
      getStream: this.db.prepare(
        'SELECT last_revision, truncate_before, state FROM streams WHERE stream_name = ?',
      ),
      setStreamState: this.db.prepare(
        'UPDATE streams SET state = ?, truncate_before = ? WHERE stream_name = ?',
      ),
      // Served by events_by_stream: a scan of one stream's events (there is no index on ids).
      findIdInStream: this.db.prepare(
        'SELECT revision FROM events WHERE stream_name = ? AND event_id = ? ORDER BY revision LIMIT 1',
      ),
      idsFrom: this.db.prepare(
        'SELECT event_id, position FROM events WHERE stream_name = ? AND revision >= ? ORDER BY revision LIMIT ?',
      ),
    }
    // Group commit: one transaction, no savepoints. An append that is refused (wrong expected
    // revision, deleted stream) is refused by its checks, before any of its rows is written, so it
    // leaves the transaction as it found it and the others go on.
    const batch = this.db.transaction((requests: PendingAppend[]) => this.writeGroup(requests))
    // The isolated path, after a SQLite error in a group: a nested db.transaction runs inside a
    // SAVEPOINT, so an append that fails anywhere rolls back only itself.
    const savepointed = this.db.transaction((request: PendingAppend): AppendResult => {
      const outcome = this.writeGroup([request])[0]!
      if ('error' in outcome) throw outcome.error
      return outcome.ok
    })
    const isolated = this.db.transaction((requests: PendingAppend[]): Outcome[] =>
      requests.map((request) => {
        try {
          return { ok: savepointed(request) }
        } catch (error) {
          this.forgetStreams()
          return { error }
        }
      }),
    )
    this.writeBatch = (requests) => {
      try {
        return batch.immediate(requests)
      } catch {
        this.forgetStreams()
        try {
          return isolated.immediate(requests)
        } catch (error) {
          this.forgetStreams()
          throw error
        }
      }
    }
  }

  appendToStream(
    streamName: string,
    events: EventToAppend[],
    options?: AppendOptions,
  ): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new StoreClosedError())
    let prepared: ReturnType<typeof prepareAppend>
    try {
      prepared = prepareAppend(streamName, events, options, randomUUID, this.maxAppendBytes)
    } catch (error) {
      return Promise.reject(error)
    }
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({
        streamName: prepared.streamName,
        events: prepared.events,
        expectedRevision: prepared.expectedRevision,
        resolve,
        reject,
      })
      if (!this.flushScheduled) {
        this.flushScheduled = true
        queueMicrotask(() => this.flush())
      }
    })
  }

  private flush() {
    this.flushScheduled = false
    const batch = this.queue
    this.queue = []
    if (batch.length === 0) return
    const started = this.onCommit ? performance.now() : 0
    try {
      this.flushBatch(batch)
    } finally {
      this.onCommit?.({
        appends: batch.length,
        events: batch.reduce((sum, request) => sum + request.events.length, 0),
        durationMs: performance.now() - started,
      })
    }
  }

  private flushBatch(batch: PendingAppend[]) {
    let outcomes: Outcome[]
    try {
      outcomes = this.writeBatch(batch)
    } catch (error) {
      for (const request of batch) request.reject(error)
      return
    }
    this.committed()
    for (let i = 0; i < batch.length; i++) {
      const outcome = outcomes[i]!
      if ('ok' in outcome) batch[i]!.resolve(outcome.ok)
      else batch[i]!.reject(outcome.error)
    }
  }

  /** After every write transaction: wakes the subscriptions, and has the WAL checkpointed. */
  private committed() {
    this.signal.notify()
    if (this.checkpointer) this.checkpointer.nudge()
    else if (this.commitsBeforeCheckpointer !== null && --this.commitsBeforeCheckpointer <= 0) {
      this.startCheckpointer()
    }
  }

  private startCheckpointer() {
    this.commitsBeforeCheckpointer = null
    if (this.closed) return
    const inline = () => {
      // Back to SQLite's own checkpoint in the commit; the WAL stays bounded either way.
      this.checkpointer = null
      if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${INLINE_CHECKPOINT_PAGES}`)
    }
    try {
      this.checkpointer = new BackgroundCheckpointer({
        path: this.db.name,
        synchronous: this.durability === 'full' ? 'FULL' : 'NORMAL',
        minDelayMs: CHECKPOINT_DELAY_MS.min,
        maxDelayMs: CHECKPOINT_DELAY_MS.max,
        targetPages: INLINE_CHECKPOINT_PAGES,
        onFailure: inline,
      })
    } catch {
      inline()
      return
    }
    this.db.pragma(`wal_autocheckpoint = ${FALLBACK_CHECKPOINT_PAGES}`)
    this.checkpointer.nudge()
  }

  /** Empties the stream cache: after a transaction that did not commit, or another connection's. */
  private forgetStreams() {
    this.streamCache.clear()
    this.dataVersion = -1
  }

  /** A stream's row, from the cache when it is current. Inside a write transaction. */
  private streamRow(streamName: string): StreamRow | undefined {
    let row = this.streamCache.get(streamName)
    if (row === undefined) {
      row = this.stmt.getStream.get(streamName)
      if (row !== undefined) this.cacheStream(streamName, row)
    }
    return row
  }

  private cacheStream(streamName: string, row: StreamRow) {
    if (this.streamCache.size >= STREAM_CACHE_SIZE && !this.streamCache.has(streamName)) {
      this.streamCache.delete(this.streamCache.keys().next().value!)
    }
    this.streamCache.set(streamName, row)
  }

  /**
   * Runs inside a write transaction: checks each append against its stream, then writes the
   * events of all accepted appends with multi-row INSERTs and their streams with multi-row upserts.
   * Positions are the rowids SQLite gives (max + 1 for each row, in order: gap-free, as nothing is
   * ever deleted from events). Refusals are thrown by the checks, before anything of that append is
   * written, and returned as its outcome; any other error (from SQLite) aborts the transaction.
   */
  private writeGroup(requests: PendingAppend[]): Outcome[] {
    const version = this.stmt.dataVersion.get()!
    if (version !== this.dataVersion) {
      this.streamCache.clear()
      this.dataVersion = version
    }
    const now = Date.now()
    const write = this.write
    write.rows = 0
    write.inserted = 0
    write.pending.length = 0
    write.pendingStreams.length = 0
    write.streams.length = 0
    const outcomes: Outcome[] = new Array(requests.length)
    /** For each accepted request, the index of its last row in this transaction (else -1). */
    const lastRows: number[] = new Array(requests.length).fill(-1)
    const revisions: number[] = new Array(requests.length)
    for (let i = 0; i < requests.length; i++) {
      const { streamName, events, expectedRevision } = requests[i]!
      // The check of a retry reads the stream's rows: those of this group must be in the table.
      // Outside the try: a SQLite error there is the group's (it aborts the transaction), not this
      // append's refusal.
      if (events[0]!.idSupplied && write.pendingStreams.includes(streamName)) this.insertPending(write)
      try {
        const stream = this.streamRow(streamName)
        const retry = this.check(streamName, events, expectedRevision, stream)
        if (retry) {
          outcomes[i] = { ok: retry }
          continue
        }
        let revision = stream ? stream.last_revision : -1
        for (const event of events) {
          revision += 1
          write.pending.push(streamName, revision, event.id, event.type, event.data, event.metadata, now)
        }
        write.rows += events.length
        lastRows[i] = write.rows - 1
        revisions[i] = revision
        write.pendingStreams.push(streamName)
        // A stream twice in one upsert: its second row updates its first.
        write.streams.push(streamName, revision)
        this.cacheStream(streamName, {
          last_revision: revision,
          truncate_before: stream ? stream.truncate_before : 0,
          state: STREAM_LIVE,
        })
      } catch (error) {
        outcomes[i] = { error }
      }
    }
    if (write.pending.length > 0) this.insertPending(write)
    if (write.streams.length > 0) this.upsertStreams(write.streams)
    for (let i = 0; i < requests.length; i++) {
      const lastRow = lastRows[i]!
      if (lastRow < 0) continue
      outcomes[i] = {
        ok: {
          nextExpectedRevision: BigInt(revisions[i]!),
          position: BigInt(write.firstPosition + lastRow),
        },
      }
    }
    return outcomes
  }

  /** Inserts the rows of `write.pending`, in statements of up to MAX_ROWS_PER_STATEMENT rows. */
  private insertPending(write: WriteState) {
    const params = write.pending
    const rows = params.length / EVENT_PARAMS
    for (let offset = 0; offset < rows; offset += MAX_ROWS_PER_STATEMENT) {
      const count = Math.min(MAX_ROWS_PER_STATEMENT, rows - offset)
      const chunk =
        count === rows ? params : params.slice(offset * EVENT_PARAMS, (offset + count) * EVENT_PARAMS)
      const last = Number(this.insertEventsStatement(count).run(chunk).lastInsertRowid)
      if (write.inserted === 0) write.firstPosition = last - count + 1
      write.inserted += count
    }
    params.length = 0
    write.pendingStreams.length = 0
  }

  /** Refuses an append that does not fit its stream, or returns the result of a retried one. */
  private check(
    streamName: string,
    events: PreparedEvent[],
    expectedRevision: ExpectedRevision,
    stream: StreamRow | undefined,
  ): AppendResult | null {
    if (stream?.state === STREAM_TOMBSTONED) throw new StreamDeletedError(streamName)
    if (events[0]!.idSupplied && stream) {
      const retry = this.idempotentResult(streamName, events, expectedRevision, stream)
      if (retry) return retry
    }
    if (expectedRevision === 'any') return null
    // A soft-deleted stream counts as absent for 'no_stream'/'stream_exists' but keeps its revision.
    const exists = stream !== undefined && stream.state === STREAM_LIVE
    const actual = stream === undefined ? 'no_stream' : BigInt(stream.last_revision)
    if (expectedRevision === 'no_stream' && exists) {
      throw new WrongExpectedVersionError(streamName, expectedRevision, actual)
    }
    if (expectedRevision === 'stream_exists' && !exists) {
      throw new WrongExpectedVersionError(streamName, expectedRevision, exists ? actual : 'no_stream')
    }
    if (
      typeof expectedRevision === 'bigint' &&
      (stream === undefined || BigInt(stream.last_revision) !== expectedRevision)
    ) {
      throw new WrongExpectedVersionError(streamName, expectedRevision, actual)
    }
    return null
  }

  /** Upserts the streams' rows: `params` holds a stream name and its last revision for each. */
  private upsertStreams(params: Array<string | number>) {
    const rows = params.length / 2
    for (let offset = 0; offset < rows; offset += MAX_ROWS_PER_STATEMENT) {
      const count = Math.min(MAX_ROWS_PER_STATEMENT, rows - offset)
      this.upsertStatement(count).run(
        count === rows ? params : params.slice(offset * 2, (offset + count) * 2),
      )
    }
  }

  private insertEventsStatement(rows: number): Database.Statement {
    let statement = this.insertEvents[rows]
    if (!statement) {
      statement = this.db.prepare(
        `INSERT INTO events (stream_name, revision, event_id, type, data, metadata, recorded_at) VALUES ${Array(rows).fill('(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      )
      this.insertEvents[rows] = statement
    }
    return statement
  }

  private upsertStatement(rows: number): Database.Statement {
    let statement = this.upserts[rows]
    if (!statement) {
      // A re-append to a soft-deleted stream makes it live again; truncate_before stays.
      statement = this.db.prepare(
        `INSERT INTO streams (stream_name, last_revision) VALUES ${Array(rows).fill('(?, ?)').join(', ')}
         ON CONFLICT (stream_name) DO UPDATE SET last_revision = excluded.last_revision, state = 0`,
      )
      this.upserts[rows] = statement
    }
    return statement
  }

  /**
   * EventStoreDB's idempotence: when the ids of an append are already the stream's events at the
   * place the expected revision points to, the append is a retry and returns the first result.
   * That place is known for 'no_stream' (the stream's first revision) and a bigint (the one after
   * it): one lookup by revision. With 'any' or 'stream_exists' the first id is looked for over the
   * stream's events (the commands of the services always append at a known revision).
   */
  private idempotentResult(
    streamName: string,
    events: PreparedEvent[],
    expectedRevision: ExpectedRevision,
    stream: StreamRow,
  ): AppendResult | null {
    const firstId = events[0]!.id
    let start: number
    if (expectedRevision === 'no_stream') start = stream.truncate_before
    else if (typeof expectedRevision === 'bigint') start = Number(expectedRevision) + 1
    else {
      const found = this.stmt.findIdInStream.get(streamName, firstId)
      if (!found) return null
      start = found.revision
    }
    if (start > stream.last_revision) return null
    const rows = this.stmt.idsFrom.all(streamName, start, events.length)
    if (rows[0]?.event_id !== firstId) return null
    if (rows.length !== events.length || rows.some((row, i) => row.event_id !== events[i]!.id)) {
      throw new WrongExpectedVersionError(streamName, expectedRevision, BigInt(stream.last_revision))
    }
    return {
      nextExpectedRevision: BigInt(start + events.length - 1),
      position: BigInt(rows.at(-1)!.position),
    }
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen()
    assertStreamName(streamName)
    const maxCount = checkMaxCount(options.maxCount)
    const stream = this.stmt.getStream.get(streamName)
    if (!stream) throw new StreamNotFoundError(streamName)
    if (stream.state === STREAM_TOMBSTONED) throw new StreamDeletedError(streamName)
    if (stream.state === STREAM_SOFT_DELETED) throw new StreamNotFoundError(streamName)
    const backwards = options.direction === 'backwards'
    const from = options.fromRevision ?? (backwards ? 'end' : 'start')
    const fromRevision =
      from === 'start' ? stream.truncate_before : from === 'end' ? stream.last_revision : Number(from)
    const rows = this.cached(
      `SELECT * FROM events WHERE stream_name = ? AND revision ${backwards ? '<=' : '>='} ? AND revision >= ?
         ORDER BY revision ${backwards ? 'DESC' : 'ASC'} LIMIT ?`,
    ).all(streamName, fromRevision, stream.truncate_before, maxCount) as EventRow[]
    return rows.map(toRecorded)
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen()
    const maxCount = checkMaxCount(options.maxCount)
    return this.readAllRows(options, maxCount).map(toRecorded)
  }

  /** Synchronous page read used by readAll and by subscriptions. */
  readAllRows(options: ReadAllOptions, maxCount: number): EventRow[] {
    const backwards = options.direction === 'backwards'
    const from = options.fromPosition ?? (backwards ? 'end' : 'start')
    const { sql, params } = filterSql(options.filter)
    if (backwards) {
      const bound = from === 'end' ? Number.MAX_SAFE_INTEGER : from === 'start' ? 0 : Number(from)
      return this.cached(`SELECT * FROM events WHERE position < ?${sql} ORDER BY position DESC LIMIT ?`).all(
        bound,
        ...params,
        maxCount,
      ) as EventRow[]
    }
    if (from === 'end') return []
    const bound = from === 'start' ? 0 : Number(from)
    return this.cached(`SELECT * FROM events WHERE position >= ?${sql} ORDER BY position ASC LIMIT ?`).all(
      bound,
      ...params,
      maxCount,
    ) as EventRow[]
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): Subscription {
    if (this.closed) return failedSubscription(new StoreClosedError())
    const filter = options.filter
    const { sql, params } = filterSql(filter)
    const page = this.db.prepare(
      `SELECT * FROM events WHERE position > ? AND position <= ?${sql} ORDER BY position ASC LIMIT ${PAGE}`,
    )
    const start = options.fromPosition ?? 'start'
    let after = start === 'start' ? 0 : start === 'end' ? (this.stmt.head.get()?.head ?? 0) : Number(start)
    const pageKey = `${sql}\u0000${params.join('\u0000')}`
    const subscription = new PagedSubscription(this.signal, this.poll, () => {
      if (this.closed) return null
      const head = this.stmt.head.get()?.head ?? 0
      if (head <= after) return []
      const events = this.sharedPage(head, `${after}\u0000${pageKey}`, () =>
        (page.all(after, head, ...params) as EventRow[]).map(toRecorded),
      )
      // A filtered page that is not full has scanned up to head: skip past what was filtered out.
      after = events.length === PAGE ? Number(events.at(-1)!.position) : head
      return [...events]
    })
    return this.track(subscription)
  }

  /**
   * The subscriptions of one store (every read model and policy of a process) wake on the same
   * commit and ask for the same page: the events after the same position up to the same head. The
   * first one reads and parses it; the others get the same events (and, through the catalogue's
   * memo, the same decoded data). Pages are kept only while the head they were read at is current.
   */
  private sharedPage(head: number, key: string, read: () => RecordedEvent[]): readonly RecordedEvent[] {
    if (this.pages.head !== head) this.pages = { head, byKey: new Map() }
    let events = this.pages.byKey.get(key)
    if (!events) {
      events = read()
      // A few pages at most (a subscription catching up pages through history at one head).
      if (this.pages.byKey.size >= SHARED_PAGES)
        this.pages.byKey.delete(this.pages.byKey.keys().next().value!)
      this.pages.byKey.set(key, events)
    }
    return events
  }

  subscribeToStream(streamName: string, options: SubscribeToStreamOptions = {}): Subscription {
    if (this.closed) return failedSubscription(new StoreClosedError())
    try {
      assertStreamName(streamName)
    } catch (error) {
      return failedSubscription(error)
    }
    const page = this.db.prepare(
      `SELECT * FROM events WHERE stream_name = ? AND revision > ? ORDER BY revision ASC LIMIT ${PAGE}`,
    )
    const start = options.fromRevision ?? 'start'
    let after =
      start === 'start'
        ? -1
        : start === 'end'
          ? (this.stmt.getStream.get(streamName)?.last_revision ?? -1)
          : Number(start)
    const subscription = new PagedSubscription(this.signal, this.poll, () => {
      if (this.closed) return null
      const stream = this.stmt.getStream.get(streamName)
      if (stream?.state === STREAM_TOMBSTONED) throw new StreamDeletedError(streamName)
      if (stream) after = Math.max(after, stream.truncate_before - 1)
      const rows = page.all(streamName, after) as EventRow[]
      if (rows.length > 0) after = rows.at(-1)!.revision
      return rows.map(toRecorded)
    })
    return this.track(subscription)
  }

  private track(subscription: PagedSubscription) {
    this.subscriptions.add(subscription)
    this.startWatching()
    subscription.onClose(() => {
      this.subscriptions.delete(subscription)
      if (this.subscriptions.size === 0) this.stopWatching()
    })
    return subscription
  }

  /**
   * While there are live subscriptions, a change to the database or its WAL (another process
   * committing, or this one) wakes them to look. Watching the directory rather than the files
   * survives the WAL being removed and created again. Where watching fails, polling remains.
   */
  private startWatching() {
    if (this.watcher || !this.watchedFile) return
    const name = basename(this.watchedFile)
    const names = new Set([name, `${name}-wal`])
    try {
      this.watcher = watch(dirname(this.watchedFile), { persistent: false }, (_event, changed) => {
        if (changed === null || names.has(changed.toString())) this.signal.notify()
      })
      this.watcher.on('error', () => this.stopWatching())
    } catch {
      this.watcher = null
    }
  }

  private stopWatching() {
    this.watcher?.close()
    this.watcher = null
  }

  deleteStream(streamName: string, options?: AppendOptions): Promise<DeleteResult> {
    return this.markDeleted(streamName, options, STREAM_SOFT_DELETED)
  }

  tombstoneStream(streamName: string, options?: AppendOptions): Promise<DeleteResult> {
    return this.markDeleted(streamName, options, STREAM_TOMBSTONED)
  }

  private markDeleted(streamName: string, options: AppendOptions | undefined, state: number) {
    if (this.closed) return Promise.reject(new StoreClosedError())
    // close() waits for a deletion already started: it is past the closed check but not yet written.
    const deletion = this.writeDeletion(streamName, options, state)
    this.deletions.add(deletion)
    void deletion.then(
      () => this.deletions.delete(deletion),
      () => this.deletions.delete(deletion),
    )
    return deletion
  }

  private async writeDeletion(
    streamName: string,
    options: AppendOptions | undefined,
    state: number,
  ): Promise<DeleteResult> {
    assertStreamName(streamName)
    const expected = options?.expectedRevision ?? 'any'
    assertExpectedRevision(expected)
    // Let queued appends land first so deletion is ordered after them.
    await new Promise<void>((resolve) => setImmediate(resolve))
    const run = this.db.transaction(() => {
      const stream = this.stmt.getStream.get(streamName)
      if (stream?.state === STREAM_TOMBSTONED) throw new StreamDeletedError(streamName)
      // EventStoreDB refuses to soft-delete a stream that was never written, even with 'any'
      // (KurrentDB issue #4637); tombstoning one is accepted.
      if (stream === undefined && state === STREAM_SOFT_DELETED) {
        throw new WrongExpectedVersionError(streamName, expected, 'no_stream')
      }
      const exists = stream !== undefined && stream.state === STREAM_LIVE
      const actual = exists ? BigInt(stream.last_revision) : 'no_stream'
      const ok =
        expected === 'any' ||
        (expected === 'no_stream' && !exists) ||
        (expected === 'stream_exists' && exists) ||
        (typeof expected === 'bigint' && exists && actual === expected)
      if (!ok) throw new WrongExpectedVersionError(streamName, expected, actual)
      if (stream) this.stmt.setStreamState.run(state, stream.last_revision + 1, streamName)
      else
        this.db
          .prepare(
            'INSERT INTO streams (stream_name, last_revision, truncate_before, state) VALUES (?, -1, 0, ?)',
          )
          .run(streamName, state)
      return BigInt(this.stmt.head.get()?.head ?? 0)
    })
    let position: bigint
    try {
      position = run.immediate()
    } finally {
      this.streamCache.delete(streamName)
    }
    this.committed()
    return { position }
  }

  async headPosition(): Promise<bigint | null> {
    this.assertOpen()
    const head = this.stmt.head.get()?.head
    return head == null ? null : BigInt(head)
  }

  /** Number of events in `$all` (soft-deleted streams' events included, as in EventStoreDB before scavenging). */
  async eventCount(): Promise<number> {
    return (this.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n
  }

  async close(): Promise<void> {
    if (this.closed) return this.closing
    this.closed = true
    this.closing = (async () => {
      // Appends already accepted are written: an acknowledged append is never dropped by close().
      if (this.queue.length > 0) this.flush()
      await Promise.allSettled([...this.deletions])
      for (const subscription of [...this.subscriptions]) await subscription.close()
      this.stopWatching()
      // The worker's connection closes first, so that the store's, the last, checkpoints the WAL
      // and removes it as SQLite does on a clean close.
      const checkpointer = this.checkpointer
      this.checkpointer = null
      await checkpointer?.close()
      this.db.close()
    })()
    return this.closing
  }

  private readonly statements = new Map<string, Database.Statement>()

  private cached(sql: string): Database.Statement {
    let statement = this.statements.get(sql)
    if (!statement) {
      statement = this.db.prepare(sql)
      this.statements.set(sql, statement)
    }
    return statement
  }

  private assertOpen() {
    if (this.closed) throw new StoreClosedError()
  }
}
