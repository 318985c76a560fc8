import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/**
 * The worker's code (CommonJS, run with `eval`, so that no separate file has to survive bundling).
 * One thread per process serves every file store that asks: for each, its own connection to the
 * database file. While that store commits (a counter the store bumps in shared memory: no message,
 * which a store busy in microtasks would not let through), it waits and runs a PASSIVE checkpoint,
 * which copies committed WAL frames into the database file without the write lock, so appends go
 * on meanwhile. The wait adapts (between `minDelayMs` and `maxDelayMs`) so that a checkpoint copies
 * about `targetPages` new pages, SQLite's own threshold: a busy store is checkpointed often, a quiet
 * one at most once per `maxDelayMs`, an idle one not at all.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const stores = new Map()
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

async function serve(store) {
  const { db, shared, minDelayMs, maxDelayMs, targetPages } = store
  let delayMs = minDelayMs
  let lastLog = 0
  let seen = 0
  while (!store.closing) {
    const commits = Atomics.load(shared, 0)
    if (commits === seen) {
      // Idle: the next commit wakes it (waitAsync returns at once if the counter moved meanwhile).
      Atomics.store(shared, 1, 1)
      const wait = Atomics.waitAsync(shared, 0, commits)
      if (wait.async) await wait.value
      Atomics.store(shared, 1, 0)
      continue
    }
    seen = commits
    await sleep(delayMs)
    if (store.closing) break
    let pages = targetPages
    try {
      // log: the WAL's frames now. It only starts again from 0 when a writer finds it all copied.
      const log = db.pragma('wal_checkpoint(PASSIVE)')[0].log
      pages = log >= lastLog ? log - lastLog : log
      lastLog = log
    } catch {}
    // About targetPages new pages per checkpoint: fewer, wait longer next time; more, shorter.
    if (pages < targetPages / 2) delayMs = Math.min(maxDelayMs, delayMs * 2)
    else if (pages > targetPages * 2) delayMs = Math.max(minDelayMs, delayMs / 2)
  }
}

parentPort.on('message', (message) => {
  if (message.kind === 'open') {
    let db
    try {
      db = new Database(message.path)
      db.pragma('synchronous = ' + message.synchronous)
    } catch {
      parentPort.postMessage({ kind: 'failed', id: message.id })
      return
    }
    const store = { ...message, db, shared: new Int32Array(message.shared), closing: false }
    stores.set(message.id, store)
    serve(store).then(
      () => {
        db.close()
        stores.delete(message.id)
        parentPort.postMessage({ kind: 'closed', id: message.id })
      },
      () => parentPort.postMessage({ kind: 'failed', id: message.id }),
    )
  } else if (message.kind === 'close') {
    const store = stores.get(message.id)
    if (!store) return parentPort.postMessage({ kind: 'closed', id: message.id })
    store.closing = true
    Atomics.notify(store.shared, 0)
  }
})
`

const CLOSE_TIMEOUT_MS = 10_000

export interface CheckpointerOptions {
  path: string
  synchronous: 'NORMAL' | 'FULL'
  /** How long a nudge waits before checkpointing, at least and at most. */
  minDelayMs: number
  maxDelayMs: number
  /** The WAL pages one checkpoint should copy (the wait adapts to it). */
  targetPages: number
  /** Told when the worker failed: the store goes back to checkpointing on its own connection. */
  onFailure: () => void
}

interface WorkerReply {
  kind: 'closed' | 'failed'
  id: number
}

/** The process's one checkpoint thread, started by the first store that needs it, kept for the next. */
class CheckpointThread {
  readonly worker: Worker
  private nextId = 1
  private readonly handlers = new Map<number, (reply: WorkerReply) => void>()

  constructor(onExit: () => void) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3')
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver } })
    this.worker.on('message', (reply: WorkerReply) => this.handlers.get(reply.id)?.(reply))
    const failAll = () => {
      onExit()
      for (const [id, handler] of [...this.handlers]) handler({ kind: 'failed', id })
    }
    this.worker.on('error', failAll)
    this.worker.on('exit', failAll)
    // Never what keeps a process alive (after the listeners: adding one refs it again): its
    // connections only copy what is committed already.
    this.worker.unref()
  }

  register(handler: (reply: WorkerReply) => void): number {
    const id = this.nextId++
    this.handlers.set(id, handler)
    return id
  }

  unregister(id: number) {
    this.handlers.delete(id)
  }
}

let thread: CheckpointThread | null = null

/**
 * Checkpoints one store's WAL on the process's checkpoint thread instead of inside an append's
 * commit. SQLite's automatic checkpoint runs in the commit that takes the WAL past its threshold
 * (1000 pages): that commit copies the pages into the database file and fsyncs twice, and every
 * append waiting in it waits too. SQLite's documentation suggests this split for applications that
 * write a lot. The thread is shared, so that a process with many stores (tests, the bench's runs)
 * starts it once.
 */
export class BackgroundCheckpointer {
  private readonly thread: CheckpointThread
  private readonly id: number
  /** [0]: commits so far; [1]: 1 while the worker waits for the next one. */
  private readonly shared = new Int32Array(new SharedArrayBuffer(8))
  private failed = false
  private readonly closed: Promise<void>

  constructor(options: CheckpointerOptions) {
    if (!thread) {
      const started: CheckpointThread = new CheckpointThread(() => {
        if (thread === started) thread = null
      })
      thread = started
    }
    this.thread = thread
    let closedNow: () => void = () => {}
    this.closed = new Promise((resolve) => {
      closedNow = resolve
    })
    this.id = this.thread.register((reply) => {
      this.thread.unregister(this.id)
      if (reply.kind === 'failed' && !this.failed) {
        this.failed = true
        options.onFailure()
      }
      closedNow()
    })
    this.thread.worker.postMessage({
      kind: 'open',
      id: this.id,
      path: options.path,
      synchronous: options.synchronous,
      minDelayMs: options.minDelayMs,
      maxDelayMs: options.maxDelayMs,
      targetPages: options.targetPages,
      shared: this.shared.buffer,
    })
  }

  /** After a commit: counts it, and wakes the worker if it is waiting for one. */
  nudge() {
    if (this.failed) return
    Atomics.add(this.shared, 0, 1)
    if (Atomics.load(this.shared, 1) === 1) Atomics.notify(this.shared, 0)
  }

  /** Closes this store's connection on the thread (a checkpoint in progress finishes first). */
  async close(): Promise<void> {
    if (!this.failed) this.thread.worker.postMessage({ kind: 'close', id: this.id })
    let timer: NodeJS.Timeout | undefined
    const stuck = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_TIMEOUT_MS)
    })
    await Promise.race([this.closed, stuck])
    clearTimeout(timer)
  }
}
