import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { take } from '../conformance'
import { SqliteEventStore } from './sqlite-event-store'

/**
 * Two stores on one file stand for two processes: neither hears the other's commit signal, so the
 * subscriber learns of the writer's commits from its file watcher or its poll. No timing is
 * asserted: `take` only bounds the wait so that a missed event fails instead of hanging.
 */
describe('sqlite subscriptions to commits made by another connection', () => {
  const directories: string[] = []
  afterEach(() => {
    for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true })
  })

  for (const watchFile of [true, false]) {
    it(`delivers them in order (${watchFile ? 'file watcher' : 'polling only'})`, async () => {
      const directory = mkdtempSync(join(tmpdir(), 'qi-cross-process-'))
      directories.push(directory)
      const path = join(directory, 'events.db')
      const subscriber = new SqliteEventStore({ path, watchFile })
      const writer = new SqliteEventStore({ path })
      try {
        await writer.appendToStream('before', [{ type: 'Old', data: {} }])
        const subscription = subscriber.subscribeToAll({ fromPosition: 'end' })
        const received = take(subscription, 3, 60_000)
        for (const n of [1, 2, 3]) await writer.appendToStream(`s-${n}`, [{ type: 'New', data: { n } }])
        const events = await received
        expect(events.map((event) => [event.streamName, event.position])).toEqual([
          ['s-1', 2n],
          ['s-2', 3n],
          ['s-3', 4n],
        ])
      } finally {
        await writer.close()
        await subscriber.close()
      }
    })
  }
})
