import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { EventStore, RecordedEvent, Subscription } from '@qi/eventstore'
import Database from 'better-sqlite3'
import {
  type DeadLetter,
  DeadLetterNotFoundError,
  DeadLetterTable,
  PoisonEventError,
  type PoisonPolicy,
} from './dead-letters'
import { afterMicrotasks, DRAINED, gatherBatch } from './drain'
import { PositionWaiters } from './position-waiters'
import { linkToWriter, tracer } from './tracing'

/**
 * A read model. `apply` runs synchronously inside the transaction that also writes the
 * checkpoint, so after a crash every event has had its effect exactly once.
 */
export interface Projection {
  readonly name: string
  /** Bump to rebuild from position 0 into a fresh database; the old version serves meanwhile. */
  readonly version: number
  /** Creates tables. Runs once on a fresh database. */
  setup(db: Database.Database): void
  /**
   * Applies one event. Ignore types it does not handle. Throwing makes the event a poison event:
   * see `onPoison`.
   */
  apply(event: RecordedEvent, db: Database.Database): void
  /**
   * The event types `apply` handles (optional). When given, the runner hands `apply` only these:
   * a batch holding none of them opens no transaction and runs no span; the checkpoint moves on
   * in memory (stored as for a batch that changed nothing). `apply` must ignore every other type
   * (it would have changed nothing), so a rebuild gives the same read model either way. Without
   * it, every event goes to `apply`.
   */
  readonly handles?: ReadonlySet<string>
  /**
   * `stop` (default): the runner stops with the event and error in its status. `park`: the event
   * goes to the dead-letter table and the runner goes on. Read models that commands' rules read
   * must stop: a skipped fact would let a wrong decision through.
   */
  readonly onPoison?: PoisonPolicy
  /**
   * Bulk-load mode of a rebuild (optional). `begin` runs on the fresh generation before it is filled
   * from position 0, `end` once it has caught up, before it serves: e.g. drop the secondary indexes
   * `apply` never reads and build each again in one sorted pass instead of row by row. The result
   * must be the read model `setup` + `apply` would have built (same tables, rows and indexes).
   */
  readonly bulkLoad?: {
    begin(db: Database.Database): void
    end(db: Database.Database): void
  }
}

export type RunnerState = 'idle' | 'catching-up' | 'live' | 'stopped' | 'failed'

export interface ProjectionStatus {
  name: string
  version: number
  generation: number
  state: RunnerState
  checkpoint: bigint | null
  rebuilding: { checkpoint: bigint | null; target: bigint | null } | null
  lastError: string | null
  /** Poison events parked in the current generation's dead-letter table. */
  parked: number
}

export interface ProgressUpdate {
  processed: number
  checkpoint: bigint | null
  target: bigint | null
}

export interface ProjectionRunnerOptions {
  store: EventStore
  projection: Projection
  /** Folder for the projection's database files; in memory when absent. */
  directory?: string
  /** Events applied per transaction while catching up. */
  batchSize?: number
  /**
   * Events applied per transaction while a rebuild fills the next generation (default 10,000).
   * Larger than `batchSize` because nothing reads that generation yet: fewer, larger commits write
   * each hot index page once per batch instead of once per thousand events.
   */
  rebuildBatchSize?: number
  /** Where live batches nobody waits for take turns (default: one per process, shared). */
  liveTurns?: LiveTurns
}

/**
 * Turns of the event loop for live batches nobody waits for. Every read model of a process follows
 * the same commits, so their live batches become ready together; applied back to back they held the
 * loop for tens of milliseconds (lineage.graph alone 15–72 ms at 64 clients), and every request and
 * response waited behind all of them. A batch some caller waits for (`waitFor`: a command's rules,
 * a read-your-writes query) is applied at once; the others take turns here, one per turn of the
 * loop, so that I/O (requests, responses, commits) is served between them.
 */
export class LiveTurns {
  private readonly queue: Array<() => void> = []
  private scheduled = false

  /**
   * Resolves on a later turn of the loop, after the batches queued before this one — or at once
   * when `hurry` is called (someone started waiting for this read model meanwhile).
   */
  take(): { turn: Promise<void>; hurry: () => void } {
    let resolve!: () => void
    const turn = new Promise<void>((done) => {
      resolve = done
    })
    this.queue.push(resolve)
    if (!this.scheduled) this.schedule()
    const hurry = () => {
      const index = this.queue.indexOf(resolve)
      if (index >= 0) this.queue.splice(index, 1)
      resolve()
    }
    return { turn, hurry }
  }

  private schedule() {
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      this.queue.shift()?.()
      if (this.queue.length > 0) this.schedule()
    })
  }
}

/** The process's turns: shared by every runner not given its own. */
const processLiveTurns = new LiveTurns()

export class ProjectionWaitTimeoutError extends Error {
  constructor(
    readonly projection: string,
    readonly position: bigint,
    readonly checkpoint: bigint | null,
    readonly waitedMs: number,
  ) {
    super(
      `read model '${projection}' had reached position ${checkpoint ?? 'none'} and not ${position} after ${waitedMs} ms`,
    )
    this.name = 'ProjectionWaitTimeoutError'
  }
}

interface Generation {
  db: Database.Database
  file: string | null
  number: number
  checkpoint: bigint | null
  /** The checkpoint stored in the database (behind `checkpoint` after batches that changed nothing). */
  stored: bigint | null
  /** A rebuilt generation starts with none: the rebuild retries every poison event. */
  deadLetters: DeadLetterTable
}

const META_SQL = `CREATE TABLE IF NOT EXISTS projection_meta (
  id INTEGER PRIMARY KEY CHECK (id = 1), name TEXT NOT NULL, version INTEGER NOT NULL, checkpoint TEXT
)`

interface MetaStatements {
  saveCheckpoint: Database.Statement<[string]>
  totalChanges: Database.Statement<[], number>
}

const metaStatementsByDatabase = new WeakMap<Database.Database, MetaStatements>()

/** The statements run with every batch, prepared once per generation's database. */
function metaStatements(db: Database.Database): MetaStatements {
  let statements = metaStatementsByDatabase.get(db)
  if (!statements) {
    statements = {
      saveCheckpoint: db.prepare('UPDATE projection_meta SET checkpoint = ? WHERE id = 1'),
      totalChanges: db.prepare<[], number>('SELECT total_changes()').pluck(),
    }
    metaStatementsByDatabase.set(db, statements)
  }
  return statements
}

/**
 * A batch whose events the read model ignores (no row changed) writes nothing, not even its
 * checkpoint: every projection sees every event, and a commit per read model per event was most of
 * what a command cost the server. The checkpoint is stored with the next batch that changes rows,
 * after at most this many events, and at close. Events replayed after a crash from the older
 * stored checkpoint change nothing again (apply is deterministic and they changed nothing before).
 */
const UNSTORED_CHECKPOINT_MAX = 1000n

/** Whether a batch that changed no row must still store its checkpoint `last` (see above). */
const checkpointDue = (stored: bigint | null, last: bigint) =>
  stored === null || last - stored >= UNSTORED_CHECKPOINT_MAX

/** Page cache of a generation being rebuilt, in KiB (SQLite's negative unit). */
const REBUILD_PAGE_CACHE_KIB = -262_144

/** Statements kept per read-model connection (least recently used dropped beyond this). */
const STATEMENT_CACHE_SIZE = 512

/**
 * Handlers and queries write `db.prepare(sql)` where they use it, per event and per request;
 * compiling the same SQL again was ~4% of the API's CPU under load. The connection keeps the
 * statements it compiled, keyed by their SQL (bounded, least recently used dropped). Safe because
 * statements are only run (`run`/`get`/`all`), never left mid-`iterate`, and none is switched to
 * `pluck`/`raw` except through its own SQL text.
 */
function reusePreparedStatements(db: Database.Database) {
  const compile = db.prepare.bind(db)
  const cache = new Map<string, Database.Statement>()
  db.prepare = ((sql: string) => {
    const known = cache.get(sql)
    if (known) {
      cache.delete(sql)
      cache.set(sql, known)
      return known
    }
    const statement = compile(sql)
    cache.set(sql, statement)
    if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string)
    return statement
  }) as Database.Database['prepare']
}

function openGeneration(projection: Projection, file: string | null, number: number): Generation {
  const db = new Database(file ?? ':memory:')
  reusePreparedStatements(db)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.exec(META_SQL)
  const meta = db.prepare('SELECT version, checkpoint FROM projection_meta WHERE id = 1').get() as
    | { version: number; checkpoint: string | null }
    | undefined
  if (!meta) {
    db.transaction(() => {
      projection.setup(db)
      db.prepare('INSERT INTO projection_meta (id, name, version, checkpoint) VALUES (1, ?, ?, NULL)').run(
        projection.name,
        projection.version,
      )
    })()
    return {
      db,
      file,
      number,
      checkpoint: null,
      stored: null,
      deadLetters: new DeadLetterTable(projection.name, db),
    }
  }
  const checkpoint = meta.checkpoint === null ? null : BigInt(meta.checkpoint)
  return {
    db,
    file,
    number,
    checkpoint,
    stored: checkpoint,
    deadLetters: new DeadLetterTable(projection.name, db),
  }
}

function storedVersion(file: string): number | null {
  const db = new Database(file, { readonly: true })
  try {
    const row = db.prepare('SELECT version FROM projection_meta WHERE id = 1').get() as
      | { version: number }
      | undefined
    return row?.version ?? null
  } catch {
    return null
  } finally {
    db.close()
  }
}

/** The file naming the generation that serves queries. */
const pointerPath = (directory: string, name: string) => join(directory, `${name}.current.json`)
/** One generation's database. */
const generationPath = (directory: string, name: string, generation: number) =>
  join(directory, `${name}.g${generation}.db`)

/**
 * What a read model's files say, without starting a runner or writing anything (for `qi
 * projections status` while no server runs): the serving generation and its checkpoint, or null
 * when it was never built.
 */
export function storedProjectionState(
  directory: string,
  name: string,
): { generation: number; checkpoint: bigint | null } | null {
  const pointer = pointerPath(directory, name)
  if (!existsSync(pointer)) return null
  const { generation } = JSON.parse(readFileSync(pointer, 'utf8')) as { generation: number }
  const file = generationPath(directory, name, generation)
  if (!existsSync(file)) return { generation, checkpoint: null }
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    const row = db.prepare('SELECT checkpoint FROM projection_meta WHERE id = 1').get() as
      | { checkpoint: string | null }
      | undefined
    return { generation, checkpoint: row?.checkpoint ? BigInt(row.checkpoint) : null }
  } finally {
    db.close()
  }
}

/**
 * Feeds one projection from `$all`: catches up by paging (one transaction per batch, checkpoint in
 * the same transaction), then follows a live subscription. Queries read `runner.db`; `waitFor`
 * lets a caller read its own writes. `rebuild` builds a new generation from position 0 while the
 * current one keeps serving, then switches.
 */
export class ProjectionRunner {
  readonly projection: Projection
  private readonly store: EventStore
  private readonly directory: string | undefined
  private readonly batchSize: number
  private readonly rebuildBatchSize: number
  private current: Generation
  private next: Generation | null = null
  private nextTarget: bigint | null = null
  private state: RunnerState = 'idle'
  private lastError: Error | null = null
  private subscription: Subscription | null = null
  private running: Promise<void> | null = null
  private stopping = false
  private waiters = new PositionWaiters()
  private readonly liveTurns: LiveTurns
  /** Ends the live batch's wait for its turn (set while it waits). */
  private hurry: (() => void) | null = null

  constructor(options: ProjectionRunnerOptions) {
    this.store = options.store
    this.liveTurns = options.liveTurns ?? processLiveTurns
    this.projection = options.projection
    this.directory = options.directory
    this.batchSize = options.batchSize ?? 1000
    this.rebuildBatchSize = options.rebuildBatchSize ?? Math.max(this.batchSize, 10_000)
    if (this.directory) mkdirSync(this.directory, { recursive: true })
    this.current = this.openActive()
  }

  /** The database queries should read. It changes when a rebuild switches generations. */
  get db(): Database.Database {
    return this.current.db
  }

  get checkpoint(): bigint | null {
    return this.current.checkpoint
  }

  status(): ProjectionStatus {
    return {
      name: this.projection.name,
      version: this.projection.version,
      generation: this.current.number,
      state: this.state,
      checkpoint: this.current.checkpoint,
      rebuilding: this.next ? { checkpoint: this.next.checkpoint, target: this.nextTarget } : null,
      lastError: this.lastError?.message ?? null,
      parked: this.current.deadLetters.count(),
    }
  }

  private get poisonPolicy(): PoisonPolicy {
    return this.projection.onPoison ?? 'stop'
  }

  /** Poison events parked by the generation that serves queries. */
  deadLetters(): DeadLetter[] {
    return this.current.deadLetters.list()
  }

  /**
   * Applies a parked event again (after a fix, or once what it needed has arrived) and removes it
   * from the dead-letter table. Still failing, it stays parked with the new error, which is thrown.
   */
  async retryDeadLetter(position: bigint): Promise<DeadLetter> {
    const generation = this.current
    const letter = generation.deadLetters.get(position)
    if (!letter) throw new DeadLetterNotFoundError(this.projection.name, position)
    const [event] = await this.store.readAll({ fromPosition: position, maxCount: 1 })
    if (!event || event.position !== position)
      throw new DeadLetterNotFoundError(this.projection.name, position)
    try {
      generation.db.transaction(() => {
        this.projection.apply(event, generation.db)
        generation.deadLetters.remove(position)
      })()
      return letter
    } catch (error) {
      generation.deadLetters.park(event, error)
      throw new PoisonEventError(this.projection.name, event, error)
    }
  }

  /** Gives up on a parked event: it is removed from the table and never applied. */
  skipDeadLetter(position: bigint): DeadLetter {
    const letter = this.current.deadLetters.get(position)
    if (!letter) throw new DeadLetterNotFoundError(this.projection.name, position)
    this.current.deadLetters.remove(position)
    return letter
  }

  private pointerFile() {
    return pointerPath(this.directory!, this.projection.name)
  }

  private fileFor(generation: number) {
    return generationPath(this.directory!, this.projection.name, generation)
  }

  private openActive(): Generation {
    if (!this.directory) return openGeneration(this.projection, null, 1)
    let number = 1
    if (existsSync(this.pointerFile())) {
      number = (JSON.parse(readFileSync(this.pointerFile(), 'utf8')) as { generation: number }).generation
    }
    const file = this.fileFor(number)
    if (existsSync(file) && storedVersion(file) !== this.projection.version) {
      // The code's projection changed shape: start a fresh generation. Callers wanting the old one
      // to keep serving during the rebuild call rebuild() on a runner of the old version instead.
      const fresh = number + 1
      this.writePointer(fresh)
      this.removeFiles(file)
      return openGeneration(this.projection, this.fileFor(fresh), fresh)
    }
    if (!existsSync(this.pointerFile())) this.writePointer(number)
    return openGeneration(this.projection, file, number)
  }

  private writePointer(generation: number) {
    const tmp = `${this.pointerFile()}.tmp`
    writeFileSync(tmp, JSON.stringify({ generation }))
    renameSync(tmp, this.pointerFile())
  }

  private removeFiles(file: string) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true })
  }

  /** Applies a batch and advances the generation's checkpoint in one transaction. */
  private applyBatch(generation: Generation, events: RecordedEvent[]) {
    if (events.length === 0) return
    if (!this.handlesAny(events)) return this.skipBatch(generation, events)
    // One span per live batch, linked to the commands that wrote its events (none while rebuilding:
    // a rebuild replays history, it does not continue anyone's trace).
    if (generation !== this.current) return this.applyEvents(generation, events)
    const links = []
    for (const event of events) {
      const link = linkToWriter(event.metadata)
      if (link) links.push(link)
      if (links.length >= 32) break
    }
    const span = tracer.startSpan(`project ${this.projection.name}`, {
      links,
      attributes: {
        'qi.projection': this.projection.name,
        'qi.events': events.length,
        'qi.position': Number(events.at(-1)!.position),
      },
    })
    try {
      this.applyEvents(generation, events)
    } finally {
      span.end()
    }
  }

  /**
   * A batch of events the projection does not handle: nothing to apply, so no transaction. The
   * checkpoint moves on in memory and is stored under the same rule as a batch that changed nothing.
   */
  private skipBatch(generation: Generation, events: RecordedEvent[]) {
    const last = events.at(-1)!.position
    if (checkpointDue(generation.stored, last)) {
      metaStatements(generation.db).saveCheckpoint.run(last.toString())
      generation.stored = last
    }
    generation.checkpoint = last
    if (generation === this.current) this.settleWaiters()
  }

  private applyEvents(generation: Generation, events: RecordedEvent[]) {
    const last = events.at(-1)!.position
    const { db } = generation
    const statements = metaStatements(db)
    const { handles } = this.projection
    let stored = generation.stored
    const applyAll = (isolate: boolean) =>
      db.transaction(() => {
        const changesBefore = statements.totalChanges.get()!
        for (const event of events) {
          if (handles && !handles.has(event.type)) continue
          try {
            // A nested better-sqlite3 transaction is a savepoint: a poison event's partial writes
            // are undone while the rest of the batch stays.
            if (isolate) db.transaction(() => this.projection.apply(event, db))()
            else this.projection.apply(event, db)
          } catch (error) {
            if (!isolate) throw new PoisonEventError(this.projection.name, event, error)
            generation.deadLetters.park(event, error)
          }
        }
        const changed = statements.totalChanges.get() !== changesBefore
        if (changed || checkpointDue(stored, last)) {
          statements.saveCheckpoint.run(last.toString())
          stored = last
        }
      })()
    try {
      applyAll(false)
    } catch (error) {
      if (!(error instanceof PoisonEventError)) throw error
      if (this.poisonPolicy === 'stop') {
        // Keep what came before the poison event, so the checkpoint stops right before it.
        const index = events.findIndex((e) => e.position === error.event.position)
        if (index > 0) this.applyEvents(generation, events.slice(0, index))
        throw error
      }
      // Parking costs a savepoint per event, so it is paid only for a batch that holds poison.
      applyAll(true)
    }
    generation.checkpoint = last
    generation.stored = stored
    if (generation === this.current) this.settleWaiters()
  }

  /** Writes the checkpoint that batches which changed nothing left unstored. */
  private storeCheckpoint(generation: Generation) {
    if (generation.checkpoint === null || generation.checkpoint === generation.stored) return
    metaStatements(generation.db).saveCheckpoint.run(generation.checkpoint.toString())
    generation.stored = generation.checkpoint
  }

  /** Pages `$all` after the generation's checkpoint until the store's head; returns events applied. */
  private async catchUp(
    generation: Generation,
    onProgress?: (processed: number) => void,
    batchSize = this.batchSize,
  ): Promise<number> {
    let processed = 0
    for (;;) {
      if (this.stopping) return processed
      const from = generation.checkpoint
      const page = await this.store.readAll({
        fromPosition: from ?? 'start',
        maxCount: batchSize + (from === null ? 0 : 1),
      })
      // readAll is inclusive: drop the event at the checkpoint itself.
      const fresh = from === null ? page : page.filter((e) => e.position > from)
      if (fresh.length === 0) return processed
      this.applyBatch(generation, fresh)
      processed += fresh.length
      onProgress?.(processed)
    }
  }

  /** Starts catching up and then following live. Resolves once caught up. */
  async start(): Promise<void> {
    if (this.running) return
    this.stopping = false
    this.state = 'catching-up'
    let caughtUp!: () => void
    let failed!: (e: Error) => void
    const ready = new Promise<void>((resolve, reject) => {
      caughtUp = resolve
      failed = reject
    })
    this.running = this.run(caughtUp).catch((error: Error) => {
      this.fail(error)
      failed(error)
    })
    return ready
  }

  private fail(error: Error) {
    this.state = 'failed'
    this.lastError = error
    this.waiters.rejectAll(error)
  }

  private async run(caughtUp: () => void) {
    await this.catchUp(this.current)
    if (this.stopping) return caughtUp()
    this.state = 'live'
    caughtUp()
    while (!this.stopping) {
      const generation = this.current
      const subscription = this.store.subscribeToAll({ fromPosition: generation.checkpoint ?? 'start' })
      this.subscription = subscription
      const iterator = subscription[Symbol.asyncIterator]()
      let pending = iterator.next()
      for (;;) {
        const first = await pending
        if (first.done || this.stopping) break
        // Everything the subscription already holds joins this batch; one transaction per batch.
        // When someone waits for this read model the batch ends as soon as the subscription has
        // handed that over (within microtasks, as the policy runner does): the waiters resume in the
        // turn of the commit. Otherwise it also takes what arrives until the loop's check phase.
        const end = this.waiters.waiting
          ? afterMicrotasks()
          : new Promise<typeof DRAINED>((resolve) => setImmediate(() => resolve(DRAINED)))
        const gathered = await gatherBatch(iterator, first.value, this.batchSize, () => end)
        const batch = gathered.batch
        pending = gathered.pending
        // Nobody waits for this read model: let requests and the read models someone waits for go
        // first (LiveTurns). Events arriving meanwhile join the next batch.
        if (!this.waiters.waiting && this.handlesAny(batch)) {
          const { turn, hurry } = this.liveTurns.take()
          this.hurry = hurry
          await turn
          this.hurry = null
        }
        // A rebuild may have switched generations while this batch was gathered: resubscribe.
        if (this.current !== generation) break
        this.applyBatch(generation, batch)
      }
      await subscription.close()
    }
  }

  /** Resolves once the read model has applied everything up to `position` (inclusive). */
  waitFor(position: bigint | null | undefined, timeoutMs = 10_000): Promise<void> {
    if (position === null || position === undefined) return Promise.resolve()
    if (this.lastError) return Promise.reject(this.lastError)
    const checkpoint = this.current.checkpoint
    if (checkpoint !== null && checkpoint >= position) return Promise.resolve()
    const waiting = this.waiters.wait(
      position,
      timeoutMs,
      () =>
        new ProjectionWaitTimeoutError(this.projection.name, position, this.current.checkpoint, timeoutMs),
    )
    this.hurry?.()
    return waiting
  }

  /** Whether the projection applies any of the events (else the batch only moves the checkpoint). */
  private handlesAny(events: RecordedEvent[]): boolean {
    const { handles } = this.projection
    return !handles || events.some((event) => handles.has(event.type))
  }

  /** Waits until the read model has caught up with the store's head as it is now. */
  async waitForHead(timeoutMs?: number): Promise<bigint | null> {
    const head = await this.store.headPosition()
    await this.waitFor(head, timeoutMs)
    return head
  }

  private settleWaiters() {
    const checkpoint = this.current.checkpoint
    if (checkpoint !== null) this.waiters.reached(checkpoint)
  }

  /**
   * Builds a new generation from position 0 while the current one keeps serving; when it has
   * caught up, switches queries to it and drops the old one. Returns events processed.
   */
  async rebuild(onProgress?: (update: ProgressUpdate) => void): Promise<number> {
    if (this.next) throw new Error(`a rebuild of '${this.projection.name}' is already running`)
    const number = this.current.number + 1
    const file = this.directory ? this.fileFor(number) : null
    if (file) this.removeFiles(file)
    const next = openGeneration(this.projection, file, number)
    const defaultPageCache = next.db.pragma('cache_size', { simple: true }) as number
    // Until the switch nothing reads this generation and a crash discards it (the pointer still
    // names the old one, and the next rebuild deletes the file), so its commits need not be
    // fsynced; it is made durable once, below, before it is switched in.
    next.db.pragma('synchronous = OFF')
    // A rebuild inserts millions of rows with text keys; SQLite's default 2 MiB page cache then
    // evicts and re-reads index pages on almost every insert once the file outgrows it. The
    // larger cache is an upper bound, allocated as used, and given back at the switch.
    next.db.pragma(`cache_size = ${REBUILD_PAGE_CACHE_KIB}`)
    this.projection.bulkLoad?.begin(next.db)
    this.next = next
    this.nextTarget = await this.store.headPosition()
    let processed = 0
    try {
      // Catch up in rounds until no new event arrived during the last round, then switch.
      for (;;) {
        const round = await this.catchUp(
          next,
          (n) =>
            onProgress?.({ processed: processed + n, checkpoint: next.checkpoint, target: this.nextTarget }),
          this.rebuildBatchSize,
        )
        processed += round
        this.nextTarget = await this.store.headPosition()
        if (this.stopping) throw new Error('rebuild interrupted: the runner was stopped')
        if (next.checkpoint === this.nextTarget) break
      }
      this.projection.bulkLoad?.end(next.db)
      this.storeCheckpoint(next)
      next.db.pragma('synchronous = NORMAL')
      next.db.pragma('wal_checkpoint(TRUNCATE)')
      next.db.pragma(`cache_size = ${defaultPageCache}`)
      const old = this.current
      this.current = next
      if (this.directory) this.writePointer(number)
      this.settleWaiters()
      old.db.close()
      if (old.file) this.removeFiles(old.file)
      await this.subscription?.close() // the live loop resubscribes from the new generation
      return processed
    } catch (error) {
      if (this.current !== next) {
        next.db.close()
        if (file) this.removeFiles(file)
      }
      throw error
    } finally {
      this.next = null
      this.nextTarget = null
    }
  }

  async stop(): Promise<void> {
    this.stopping = true
    await this.subscription?.close()
    await this.running
    this.running = null
    this.state = 'stopped'
    this.waiters.rejectAll(new Error(`projection '${this.projection.name}' stopped`))
  }

  /** Stops and closes the databases. */
  async close(): Promise<void> {
    await this.stop()
    this.storeCheckpoint(this.current)
    this.current.db.close()
  }
}
