import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { BACKGROUND_CHECKPOINT_AFTER, SqliteEventStore } from './sqlite-event-store'

const note = 'x'.repeat(2000)

/** Until `condition` holds, checking every 10 ms; false after `ms` (a bound, not a timing). */
async function eventually(condition: () => boolean, ms = 20_000): Promise<boolean> {
  const deadline = Date.now() + ms
  while (!condition()) {
    if (Date.now() > deadline) return false
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return true
}

describe('sqlite WAL checkpoints', () => {
  const directories: string[] = []
  afterEach(() => {
    for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true })
  })
  const databasePath = () => {
    const directory = mkdtempSync(join(tmpdir(), 'qi-checkpoint-'))
    directories.push(directory)
    return join(directory, 'events.db')
  }

  // Fewer WAL pages than SQLite's own threshold (1000): only the worker copies them into the file.
  const commits = BACKGROUND_CHECKPOINT_AFTER + 50

  it('copies committed pages into the database file on a worker, and ends it on close', async () => {
    const path = databasePath()
    const store = new SqliteEventStore({ path })
    for (let i = 0; i < commits; i++)
      await store.appendToStream(`s-${i % 7}`, [{ type: 'E', data: { i, note } }])
    const sizeOfAll = commits * note.length
    expect(await eventually(() => statSync(path).size > sizeOfAll)).toBe(true)
    // More commits go on after a checkpoint (SQLite starts the WAL again from its beginning).
    for (let i = 0; i < 20; i++) await store.appendToStream('after', [{ type: 'E', data: { i } }])
    await store.close()
    // The store's connection closed last: SQLite checkpointed and removed the WAL.
    expect(existsSync(`${path}-wal`)).toBe(false)
    const reopened = new SqliteEventStore({ path })
    expect(await reopened.eventCount()).toBe(commits + 20)
    expect((await reopened.readStream('after')).map((event) => event.data)).toEqual(
      Array.from({ length: 20 }, (_, i) => ({ i })),
    )
    await reopened.close()
  })

  for (const options of [{ checkpoints: 'inline' as const }, { durability: 'full' as const }]) {
    it(`leaves them in the WAL until SQLite's threshold with ${JSON.stringify(options)}`, async () => {
      const path = databasePath()
      const store = new SqliteEventStore({ path, ...options })
      for (let i = 0; i < commits; i++)
        await store.appendToStream(`s-${i % 7}`, [{ type: 'E', data: { i, note } }])
      // Time in which a worker would have copied them (the first checkpoint comes 10 ms after a commit).
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(statSync(path).size).toBeLessThan(commits * note.length)
      await store.close()
    })
  }
})
