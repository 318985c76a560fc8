import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'

/** Who holds a data folder: written to `<dataDir>/LOCK` once the SQLite lock is held. */
export interface LockHolder {
  pid: number
  /** What holds it: 'server', 'qi projections rebuild', … */
  purpose: string
  since: string
  host: string
}

export class DataFolderLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | null,
  ) {
    super(
      `the data folder ${dataDir} is in use by another QI Ledger process` +
        (holder
          ? ` (${holder.purpose}, pid ${holder.pid} on ${holder.host}, since ${holder.since})`
          : ' (its LOCK file is missing or unreadable)') +
        ': only one process may write a data folder. Stop that process first, or set QI_DATA_DIR to another folder.',
    )
    this.name = 'DataFolderLockedError'
  }
}

export interface DataFolderLock {
  readonly holder: LockHolder
  release(): void
}

const LOCK_DB = 'lock.db'
const LOCK_FILE = 'LOCK'

/**
 * Makes this process the one writer of a data folder. Two processes writing the same read models
 * and checkpoints corrupt them, so a second server (or an offline `qi` command that writes) must
 * refuse to start. The guarantee is SQLite's: `lock.db` is opened in exclusive locking mode and
 * written once, so this connection keeps an exclusive file lock until it closes — and the
 * operating system drops it when the process dies, even by kill -9, so a crash never leaves a
 * folder locked. The `LOCK` file beside it only says who holds the lock (pid, since when); a stale
 * one left by a killed process is simply overwritten.
 *
 * Also makes the folder and everything in it private to the user (0700 folders, 0600 files).
 */
export function lockDataFolder(dataDir: string, purpose: string): DataFolderLock {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const db = new Database(join(dataDir, LOCK_DB), { timeout: 0 })
  try {
    db.pragma('locking_mode = EXCLUSIVE')
    db.exec('BEGIN EXCLUSIVE')
    db.exec(
      'CREATE TABLE IF NOT EXISTS holder (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER, since TEXT)',
    )
    db.prepare('INSERT OR REPLACE INTO holder (id, pid, since) VALUES (1, ?, ?)').run(
      process.pid,
      new Date().toISOString(),
    )
    db.exec('COMMIT')
  } catch (error) {
    db.close()
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new DataFolderLockedError(dataDir, readHolder(dataDir))
    }
    throw error
  }
  const holder: LockHolder = { pid: process.pid, purpose, since: new Date().toISOString(), host: hostname() }
  writeFileSync(join(dataDir, LOCK_FILE), `${JSON.stringify(holder)}\n`, { mode: 0o600 })
  makePrivate(dataDir)
  let released = false
  return {
    holder,
    release() {
      if (released) return
      released = true
      if (readHolder(dataDir)?.pid === process.pid) rmSync(join(dataDir, LOCK_FILE), { force: true })
      db.close()
    },
  }
}

/** The holder named in the folder's LOCK file, if it is there and readable. */
export function readHolder(dataDir: string): LockHolder | null {
  try {
    const parsed = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')) as LockHolder
    return typeof parsed.pid === 'number' ? parsed : null
  } catch {
    return null
  }
}

/** 0700 for the folder and its subfolders, 0600 for files: data created by older versions too. */
function makePrivate(path: string) {
  const stat = lstatSync(path)
  if (stat.isSymbolicLink()) return
  if (stat.isDirectory()) {
    chmodSync(path, 0o700)
    for (const entry of readdirSync(path)) makePrivate(join(path, entry))
  } else if (stat.isFile()) {
    chmodSync(path, 0o600)
  }
}
