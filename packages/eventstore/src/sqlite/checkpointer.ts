import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/**
 * The worker's code (CommonJS, run with `eval`, so that no separate file has to survive bundling):
 * its own connection to the database file. While the store commits (a counter the store bumps in
 * shared memory: no message, which a store busy in microtasks would not let through), it waits and
 * runs a PASSIVE checkpoint, which copies committed WAL frames into the database file without the
 * write lock, so appends go on meanwhile. The wait adapts (between `minDelayMs` and `maxDelayMs`)
 * so that a checkpoint copies about `targetPages` new pages, SQLite's own threshold: a busy store is
 * checkpointed often, a quiet one at most once per `maxDelayMs`; an idle one not at all.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.path)
db.pragma('synchronous = ' + workerData.synchronous)
const { minDelayMs, maxDelayMs, targetPages } = workerData
const shared = new Int32Array(workerData.shared)
let delayMs = minDelayMs
let lastLog = 0
let seen = 0
let closing = false
parentPort.on('message', (message) => {
  if (message !== 'close') return
  closing = true
  Atomics.notify(shared, 0)
})
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
async function run() {
  while (!closing) {
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
    if (closing) break
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
  db.close()
  parentPort.close()
}
run()
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

/**
 * Checkpoints the WAL on a worker thread instead of inside an append's commit. SQLite's automatic
 * checkpoint runs in the commit that takes the WAL past its threshold (1000 pages): that commit
 * copies the pages into the database file and fsyncs twice, and every append waiting in it waits
 * too. SQLite's documentation suggests this split for applications that write a lot.
 */
export class BackgroundCheckpointer {
  private readonly worker: Worker
  /** [0]: commits so far; [1]: 1 while the worker waits for the next one. */
  private readonly shared = new Int32Array(new SharedArrayBuffer(8))
  private failed = false
  private readonly exited: Promise<void>

  constructor(options: CheckpointerOptions) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3')
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver,
        path: options.path,
        synchronous: options.synchronous,
        minDelayMs: options.minDelayMs,
        maxDelayMs: options.maxDelayMs,
        targetPages: options.targetPages,
        shared: this.shared.buffer,
      },
    })
    this.worker.unref()
    this.worker.on('error', () => {
      this.failed = true
      options.onFailure()
    })
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()))
  }

  /** After a commit: counts it, and wakes the worker if it is waiting for one. */
  nudge() {
    if (this.failed) return
    Atomics.add(this.shared, 0, 1)
    if (Atomics.load(this.shared, 1) === 1) Atomics.notify(this.shared, 0)
  }

  /** Closes the worker's connection; resolves once the thread has ended. */
  async close(): Promise<void> {
    if (!this.failed) this.worker.postMessage('close')
    let timer: NodeJS.Timeout | undefined
    const stuck = new Promise<'stuck'>((resolve) => {
      timer = setTimeout(() => resolve('stuck'), CLOSE_TIMEOUT_MS)
    })
    // A checkpoint in progress finishes first; a thread that does not end in time is stopped.
    if ((await Promise.race([this.exited, stuck])) === 'stuck') await this.worker.terminate()
    clearTimeout(timer)
  }
}
