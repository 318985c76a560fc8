import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { take } from '../conformance'
import { StreamDeletedError, WrongExpectedVersionError } from '../errors'
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

  it("checks expected revisions against the other connection's appends to the same stream", async () => {
    const directory = mkdtempSync(join(tmpdir(), 'qi-cross-process-'))
    directories.push(directory)
    const path = join(directory, 'events.db')
    const stores = [new SqliteEventStore({ path }), new SqliteEventStore({ path })]
    try {
      // Each store appends at the revision the other one left: both must see the other's commits.
      for (let i = 0; i < 6; i++) {
        const store = stores[i % 2]!
        const expectedRevision = i === 0 ? 'no_stream' : BigInt(i - 1)
        expect(
          await store.appendToStream('shared', [{ type: 'E', data: { i } }], { expectedRevision }),
        ).toEqual({
          nextExpectedRevision: BigInt(i),
          position: BigInt(i + 1),
        })
        // And a stale expectation is refused by both.
        await expect(
          stores[(i + 1) % 2]!.appendToStream('shared', [{ type: 'Stale', data: {} }], {
            expectedRevision: i === 0 ? 'no_stream' : BigInt(i - 1),
          }),
        ).rejects.toBeInstanceOf(WrongExpectedVersionError)
      }
      await stores[1]!.deleteStream('shared')
      // Soft-deleted by the other connection: 'no_stream' holds again, the revisions go on.
      expect(
        await stores[0]!.appendToStream('shared', [{ type: 'Again', data: {} }], {
          expectedRevision: 'no_stream',
        }),
      ).toEqual({ nextExpectedRevision: 6n, position: 7n })
      expect((await stores[1]!.readStream('shared')).map((event) => event.type)).toEqual(['Again'])
    } finally {
      for (const store of stores) await store.close()
    }
  })

  it("sees the other connection's deletions of a stream it has appended to (no stale stream row)", async () => {
    const directory = mkdtempSync(join(tmpdir(), 'qi-cross-process-'))
    directories.push(directory)
    const path = join(directory, 'events.db')
    const [a, b] = [new SqliteEventStore({ path }), new SqliteEventStore({ path })]
    try {
      await a.appendToStream('soft', [{ type: 'E', data: {} }])
      await a.appendToStream('hard', [{ type: 'E', data: {} }])
      await b.deleteStream('soft')
      await b.tombstoneStream('hard')
      // Soft-deleted elsewhere: absent for 'no_stream', its revisions go on.
      expect(
        await a.appendToStream('soft', [{ type: 'Again', data: {} }], { expectedRevision: 'no_stream' }),
      ).toEqual({ nextExpectedRevision: 1n, position: 3n })
      // Tombstoned elsewhere: refused, though no row of this append would collide with another.
      await expect(a.appendToStream('hard', [{ type: 'After', data: {} }])).rejects.toBeInstanceOf(
        StreamDeletedError,
      )
    } finally {
      await a.close()
      await b.close()
    }
  })
})
