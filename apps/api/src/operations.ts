import { once } from 'node:events'
import {
  chmodSync,
  closeSync,
  createReadStream,
  createWriteStream,
  existsSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, sep } from 'node:path'
import { createInterface } from 'node:readline'
import type { EventStore, EventToAppend, RecordedEvent } from '@qi/eventstore'
import Database from 'better-sqlite3'

/**
 * Operations on a data folder (the `qi` CLI's backup, restore, export and import): consistent
 * online backups of every SQLite file, and `$all` as NDJSON for moving events between stores.
 */

export class OperationError extends Error {
  override name = 'OperationError'
}

export type Progress = (done: number, total: number | null) => void

const BACKUP_FORMAT = 'qi-ledger-backup/1'
const CHUNK_BYTES = 16 * 1024 * 1024

/** The one-writer lock (data-lock.ts): it belongs to the process holding the folder, not to a backup. */
const LOCK_FILES = new Set(['lock.db', 'LOCK'])

/** Every file of a data folder, SQLite journals and the lock excluded (the backup folds journals in). */
function dataFiles(dataDir: string): string[] {
  const files: string[] = []
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.isFile() && !/-(wal|shm|journal)$/.test(entry.name) && !LOCK_FILES.has(entry.name))
        files.push(path)
    }
  }
  if (existsSync(dataDir)) walk(dataDir)
  return files
}

/**
 * Backup order makes the copy consistent without stopping the server: policy checkpoints and read
 * models first, the event store last, so every checkpoint in the backup is at or before the
 * backup's store head (after a restore they catch up; nothing is applied twice or skipped).
 */
function backupOrder(path: string, dataDir: string): number {
  const rel = relative(dataDir, path)
  if (rel.startsWith(`policies${sep}`)) return 0
  if (rel.startsWith(`readmodels${sep}`)) return 1
  if (rel === 'events.db') return 3
  return 2
}

function isSqlite(path: string): boolean {
  const fd = openSync(path, 'r')
  try {
    const header = Buffer.alloc(16)
    const read = readSync(fd, header, 0, 16, 0)
    return read === 16 && header.toString('latin1') === 'SQLite format 3\u0000'
  } finally {
    closeSync(fd)
  }
}

export interface BackupSummary {
  file: string
  files: number
  bytes: number
  headPosition: string | null
}

/** Writes one backup file (itself a SQLite database) holding every file of the data folder. */
export async function backupDataFolder(
  dataDir: string,
  file: string,
  progress?: Progress,
): Promise<BackupSummary> {
  if (!existsSync(join(dataDir, 'events.db'))) {
    throw new OperationError(`no event store in ${dataDir} (events.db is missing): nothing to back up`)
  }
  if (existsSync(file)) throw new OperationError(`${file} exists; choose a new file name for the backup`)
  const files = dataFiles(dataDir).sort((a, b) => backupOrder(a, dataDir) - backupOrder(b, dataDir))
  const scratch = mkdtempSync(join(tmpdir(), 'qi-backup-'))
  const partial = `${file}.partial`
  rmSync(partial, { force: true })
  const archive = new Database(partial)
  let bytes = 0
  let headPosition: string | null = null
  try {
    archive.pragma('journal_mode = OFF')
    archive.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE files (path TEXT PRIMARY KEY, size INTEGER NOT NULL);
      CREATE TABLE chunks (path TEXT NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (path, seq));
    `)
    const addFile = archive.prepare('INSERT INTO files (path, size) VALUES (?, ?)')
    const addChunk = archive.prepare('INSERT INTO chunks (path, seq, data) VALUES (?, ?, ?)')
    for (const [index, path] of files.entries()) {
      const rel = relative(dataDir, path).split(sep).join('/')
      let source = path
      if (isSqlite(path)) {
        // SQLite's online backup: a consistent snapshot of one database while others write to it.
        const db = new Database(path, { readonly: true, fileMustExist: true })
        try {
          source = join(scratch, `${index}.db`)
          await db.backup(source)
          if (rel === 'events.db') {
            const row = db.prepare('SELECT MAX(position) AS head FROM events').get() as {
              head: number | bigint | null
            }
            headPosition = row.head === null ? null : String(row.head)
          }
        } finally {
          db.close()
        }
      }
      const content = readFileSync(source)
      archive.transaction(() => {
        addFile.run(rel, content.length)
        for (let seq = 0, offset = 0; offset < content.length || seq === 0; seq++, offset += CHUNK_BYTES) {
          addChunk.run(rel, seq, content.subarray(offset, offset + CHUNK_BYTES))
        }
      })()
      bytes += content.length
      if (source !== path) rmSync(source, { force: true })
      progress?.(index + 1, files.length)
    }
    const setMeta = archive.prepare('INSERT INTO meta (key, value) VALUES (?, ?)')
    setMeta.run('format', BACKUP_FORMAT)
    setMeta.run('createdAt', new Date().toISOString())
    setMeta.run('headPosition', headPosition ?? '')
  } finally {
    archive.close()
    rmSync(scratch, { recursive: true, force: true })
  }
  chmodSync(partial, 0o600)
  renameSync(partial, file)
  return { file, files: files.length, bytes, headPosition }
}

export interface RestoreSummary {
  files: number
  bytes: number
  headPosition: string | null
}

/** Restores a backup into a data folder; refuses a folder that holds anything unless forced. */
export function restoreDataFolder(
  file: string,
  dataDir: string,
  options: { force?: boolean } = {},
): RestoreSummary {
  if (!existsSync(file)) throw new OperationError(`no backup file ${file}`)
  let archive: Database.Database
  try {
    archive = new Database(file, { readonly: true, fileMustExist: true })
    const format = archive.prepare("SELECT value FROM meta WHERE key = 'format'").get() as
      | { value: string }
      | undefined
    if (format?.value !== BACKUP_FORMAT) throw new Error('wrong format')
  } catch {
    throw new OperationError(`${file} is not a QI Ledger backup (made by \`qi backup\`)`)
  }
  try {
    const existing = existsSync(dataDir)
      ? readdirSync(dataDir).filter((name) => !LOCK_FILES.has(name) && !/^lock\.db-/.test(name))
      : []
    if (existing.length > 0 && !options.force) {
      throw new OperationError(
        `${dataDir} is not empty (${existing.slice(0, 5).join(', ')}${existing.length > 5 ? ', …' : ''}); restore into an empty folder, or pass --force to replace its contents`,
      )
    }
    for (const name of existing) rmSync(join(dataDir, name), { recursive: true, force: true })
    // (the caller holds the folder's lock, so the lock files stay)
    mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    const files = archive.prepare('SELECT path, size FROM files ORDER BY path').all() as {
      path: string
      size: number
    }[]
    const chunks = archive.prepare('SELECT data FROM chunks WHERE path = ? ORDER BY seq')
    let bytes = 0
    for (const { path, size } of files) {
      const target = join(dataDir, ...path.split('/'))
      if (!target.startsWith(dataDir))
        throw new OperationError(`backup entry ${path} points outside the folder`)
      mkdirSync(dirname(target), { recursive: true, mode: 0o700 })
      const content = Buffer.concat((chunks.all(path) as { data: Buffer }[]).map((c) => c.data))
      if (content.length !== size)
        throw new OperationError(`backup entry ${path} is damaged (size ${content.length}, expected ${size})`)
      writeFileSync(target, content, { mode: 0o600 })
      bytes += size
    }
    const head = archive.prepare("SELECT value FROM meta WHERE key = 'headPosition'").get() as {
      value: string
    }
    return { files: files.length, bytes, headPosition: head.value === '' ? null : head.value }
  } finally {
    archive.close()
  }
}

/** One line of an export: a recorded event with bigints as decimal strings. */
interface ExportedEvent {
  id: string
  streamName: string
  revision: string
  position: string
  type: string
  data: unknown
  metadata: Record<string, unknown>
  recordedAt: string
}

function toLine(event: RecordedEvent): string {
  const line: ExportedEvent = {
    id: event.id,
    streamName: event.streamName,
    revision: event.revision.toString(),
    position: event.position.toString(),
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.recordedAt.toISOString(),
  }
  return `${JSON.stringify(line)}\n`
}

/** The position of the last complete line of an export, truncating a torn last line. */
function resumePoint(file: string): bigint | null {
  const fd = openSync(file, 'r+')
  try {
    const size = fstatSync(fd).size
    if (size === 0) return null
    let end = size
    let tail = ''
    // Read backwards until the last complete line is in hand.
    for (let chunk = 64 * 1024; ; chunk *= 2) {
      const start = Math.max(0, size - chunk)
      const buffer = Buffer.alloc(size - start)
      readSync(fd, buffer, 0, buffer.length, start)
      tail = buffer.toString('utf8')
      const lastNewline = tail.lastIndexOf('\n')
      if (lastNewline >= 0 || start === 0) {
        end = start + Buffer.byteLength(tail.slice(0, lastNewline + 1))
        const lines = tail.slice(0, lastNewline).split('\n')
        const last = lines.at(-1)
        if (end < size) ftruncateSync(fd, end)
        if (!last) return null
        return BigInt((JSON.parse(last) as ExportedEvent).position)
      }
    }
  } finally {
    closeSync(fd)
  }
}

export interface ExportSummary {
  events: number
  from: bigint | null
  lastPosition: bigint | null
}

/**
 * Streams `$all` to an NDJSON file, a page at a time. An existing file is continued after its last
 * complete line (a torn last line from an interrupted export is cut off), so an export resumes.
 */
export async function exportAll(
  store: EventStore,
  file: string,
  options: { from?: bigint; progress?: Progress; pageSize?: number } = {},
): Promise<ExportSummary> {
  const pageSize = options.pageSize ?? 5_000
  let after = options.from ?? null
  if (options.from === undefined && existsSync(file) && statSync(file).size > 0) after = resumePoint(file)
  const out = createWriteStream(file, { flags: options.from === undefined ? 'a' : 'w', mode: 0o600 })
  const head = await store.headPosition()
  let events = 0
  let lastPosition = after
  try {
    for (;;) {
      const page = await store.readAll({
        fromPosition: lastPosition === null ? 'start' : lastPosition + 1n,
        maxCount: pageSize,
      })
      if (page.length === 0) break
      for (const event of page) {
        if (!out.write(toLine(event))) await once(out, 'drain')
      }
      events += page.length
      lastPosition = page.at(-1)!.position
      options.progress?.(Number(lastPosition), head === null ? null : Number(head))
      if (page.length < pageSize) break
    }
  } finally {
    out.end()
    await once(out, 'close')
  }
  return { events, from: after, lastPosition }
}

export interface ImportSummary {
  events: number
  skipped: number
  lastPosition: bigint | null
}

/**
 * Appends an export to a store, each event to its stream at its recorded revision with its id, so
 * the result is the same `$all` (positions too, on an empty embedded store). Events the store
 * already holds (same id at the same place: a resumed or repeated import) are skipped; a store
 * holding anything else is refused. `recordedAt` becomes the import's time (record time is the
 * position; the original is in the export file).
 */
export async function importAll(
  store: EventStore,
  file: string,
  options: { progress?: Progress } = {},
): Promise<ImportSummary> {
  if (!existsSync(file)) throw new OperationError(`no export file ${file}`)
  const total = statSync(file).size
  const head = await store.headPosition()
  const input = createReadStream(file)
  let bytesRead = 0
  input.on('data', (chunk) => {
    bytesRead += chunk.length
  })
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })
  let imported = 0
  let skipped = 0
  let lineNo = 0
  let lastPosition: bigint | null = null
  let batch: ExportedEvent[] = []

  const flush = async () => {
    if (batch.length === 0) return
    const first = batch[0]!
    const revision = BigInt(first.revision)
    const toAppend: EventToAppend[] = batch.map((e) => ({
      id: e.id,
      type: e.type,
      data: e.data,
      metadata: e.metadata,
    }))
    const result = await store.appendToStream(first.streamName, toAppend, {
      expectedRevision: revision === 0n ? 'no_stream' : revision - 1n,
    })
    imported += batch.length
    lastPosition = result.position
    batch = []
  }

  for await (const text of lines) {
    lineNo++
    if (text.trim() === '') continue
    let event: ExportedEvent
    try {
      event = JSON.parse(text) as ExportedEvent
      if (
        typeof event.id !== 'string' ||
        typeof event.streamName !== 'string' ||
        !/^\d+$/.test(event.revision)
      )
        throw new Error('missing fields')
    } catch {
      throw new OperationError(
        `${file}:${lineNo}: not an exported event (expected the NDJSON of \`qi export\`)`,
      )
    }
    if (head !== null && BigInt(event.position) <= head) {
      const [present] = await store.readAll({ fromPosition: BigInt(event.position), maxCount: 1 })
      if (present?.id !== event.id) {
        throw new OperationError(
          `the store is not empty and its event at position ${event.position} is not the file's (${event.id}); import into an empty store`,
        )
      }
      skipped++
      continue
    }
    const previous = batch.at(-1)
    if (previous && (previous.streamName !== event.streamName || batch.length >= 500)) await flush()
    batch.push(event)
    if (lineNo % 5_000 === 0) options.progress?.(bytesRead, total)
  }
  await flush()
  options.progress?.(total, total)
  return { events: imported, skipped, lastPosition }
}
