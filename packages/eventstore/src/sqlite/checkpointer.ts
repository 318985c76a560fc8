import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/**
 * The worker's code (CommonJS, run with `eval`, so that no separate file has to survive bundling):
 * its own connection to the database file, which, once nudged, waits `delayMs` and runs one PASSIVE
 * checkpoint. A PASSIVE checkpoint copies committed WAL frames into the database file without
 * taking the write lock, so appends go on meanwhile; the next write transaction after a complete
 * checkpoint starts the WAL again from its beginning.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.path)
db.pragma('synchronous = ' + workerData.synchronous)
let timer = null
parentPort.on('message', (message) => {
  if (message === 'close') {
    clearTimeout(timer)
    db.close()
    parentPort.close()
    return
  }
  if (timer) return
  timer = setTimeout(() => {
    timer = null
    try {
      db.pragma('wal_checkpoint(PASSIVE)')
    } catch {}
    parentPort.postMessage('done')
  }, workerData.delayMs)
})
`

const CLOSE_TIMEOUT_MS = 10_000

export interface CheckpointerOptions {
  path: string
  synchronous: 'NORMAL' | 'FULL'
  /** How long a nudge waits before checkpointing, so that one checkpoint covers many commits. */
  delayMs: number
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
  private pending = false
  private failed = false
  private readonly exited: Promise<void>

  constructor(options: CheckpointerOptions) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3')
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver, path: options.path, synchronous: options.synchronous, delayMs: options.delayMs },
    })
    this.worker.unref()
    this.worker.on('message', () => {
      this.pending = false
    })
    this.worker.on('error', () => {
      this.failed = true
      options.onFailure()
    })
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()))
  }

  /** After a commit: asks for a checkpoint unless one is already asked for. */
  nudge() {
    if (this.pending || this.failed) return
    this.pending = true
    this.worker.postMessage('nudge')
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
