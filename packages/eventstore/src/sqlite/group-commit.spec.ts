import { describe, expect, it } from 'vitest'
import { WrongExpectedVersionError } from '../errors'
import { SqliteEventStore } from './sqlite-event-store'

const event = (type: string) => ({ type, data: { n: 1 } })

/** Appends made in the same tick share one transaction; these check what each one keeps of its own. */
describe('sqlite group commit', () => {
  it('writes the appends of one tick in one transaction', async () => {
    const commits: number[] = []
    const store = new SqliteEventStore({ onCommit: ({ appends }) => commits.push(appends) })
    await Promise.all(Array.from({ length: 8 }, (_, i) => store.appendToStream(`s-${i}`, [event('A')])))
    expect(commits).toEqual([8])
    await store.close()
  })

  it('refuses a wrong expected revision alone, and counts positions on past it without a gap', async () => {
    const store = new SqliteEventStore()
    await store.appendToStream('s-0', [event('A')])
    const results = await Promise.allSettled([
      store.appendToStream('s-1', [event('A'), event('B')]),
      store.appendToStream('s-0', [event('X')], { expectedRevision: 5n }),
      store.appendToStream('s-0', [event('B')], { expectedRevision: 0n }),
      store.appendToStream('s-0', [event('C')], { expectedRevision: 1n }),
      store.appendToStream('s-2', [event('A')], { expectedRevision: 'stream_exists' }),
    ])
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'rejected',
    ])
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersionError)
    expect((results[4] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersionError)
    const all = await store.readAll()
    expect(all.map((e) => [e.streamName, e.type, e.position])).toEqual([
      ['s-0', 'A', 1n],
      ['s-1', 'A', 2n],
      ['s-1', 'B', 3n],
      ['s-0', 'B', 4n],
      ['s-0', 'C', 5n],
    ])
    await store.close()
  })

  it('isolates an append that fails half-way through its writes: no rows of it, the others kept', async () => {
    const store = new SqliteEventStore()
    // A failure inside SQLite after the append's first row is written (as a full disk would be).
    store.db.exec(
      "CREATE TRIGGER poison BEFORE INSERT ON events WHEN NEW.type = 'Poison' BEGIN SELECT RAISE(ABORT, 'poisoned'); END",
    )
    const results = await Promise.allSettled([
      store.appendToStream('a', [event('A')]),
      store.appendToStream('b', [event('B'), event('Poison')]),
      store.appendToStream('c', [event('C')]),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(String((results[1] as PromiseRejectedResult).reason)).toContain('poisoned')
    const all = await store.readAll()
    expect(all.map((e) => [e.streamName, e.type, e.position])).toEqual([
      ['a', 'A', 1n],
      ['c', 'C', 2n],
    ])
    await expect(store.readStream('b')).rejects.toThrow()
    // Nothing of the rolled-back attempts is remembered: the streams go on from what was committed.
    store.db.exec('DROP TRIGGER poison')
    expect(
      await Promise.all([store.appendToStream('b', [event('B')]), store.appendToStream('a', [event('A')])]),
    ).toEqual([
      { nextExpectedRevision: 0n, position: 3n },
      { nextExpectedRevision: 1n, position: 4n },
    ])
    await store.close()
  })

  it('numbers the rows of multi-row inserts without a gap, across statements and transactions', async () => {
    const store = new SqliteEventStore()
    // 300 events: more rows than one INSERT statement carries.
    const big = Array.from({ length: 300 }, (_, i) => ({ type: 'Big', data: { i } }))
    const results = await Promise.all([
      store.appendToStream('a', [event('A')]),
      store.appendToStream('b', big),
      store.appendToStream('a', [event('A2'), event('A3')]),
    ])
    expect(results).toEqual([
      { nextExpectedRevision: 0n, position: 1n },
      { nextExpectedRevision: 299n, position: 301n },
      { nextExpectedRevision: 2n, position: 303n },
    ])
    expect(await store.appendToStream('b', [event('B')], { expectedRevision: 299n })).toEqual({
      nextExpectedRevision: 300n,
      position: 304n,
    })
    const all = await store.readAll()
    expect(all.map((e) => e.position)).toEqual(Array.from({ length: 304 }, (_, i) => BigInt(i + 1)))
    expect((await store.readStream('a')).map((e) => [e.type, e.revision])).toEqual([
      ['A', 0n],
      ['A2', 1n],
      ['A3', 2n],
    ])
    await store.close()
  })

  it('recognises a retry of an append made earlier in the same transaction', async () => {
    const commits: number[] = []
    const store = new SqliteEventStore({ onCommit: ({ appends }) => commits.push(appends) })
    const id = '7f1f3c1e-2a4b-4c5d-8e6f-0a1b2c3d4e5f'
    const results = await Promise.all([
      store.appendToStream('s', [{ id, type: 'A', data: {} }], { expectedRevision: 'no_stream' }),
      store.appendToStream('t', [event('T')]),
      store.appendToStream('s', [{ id, type: 'A', data: {} }], { expectedRevision: 'no_stream' }),
    ])
    expect(commits).toEqual([3])
    expect(results).toEqual([
      { nextExpectedRevision: 0n, position: 1n },
      { nextExpectedRevision: 0n, position: 2n },
      { nextExpectedRevision: 0n, position: 1n },
    ])
    expect(await store.eventCount()).toBe(2)
    await store.close()
  })

  it('checks an append against a deletion and a re-append made in the same tick', async () => {
    const store = new SqliteEventStore()
    await store.appendToStream('s', [event('A')])
    const deleted = store.deleteStream('s', { expectedRevision: 0n })
    await deleted
    const results = await Promise.allSettled([
      store.appendToStream('s', [event('B')], { expectedRevision: 'no_stream' }),
      store.appendToStream('s', [event('C')], { expectedRevision: 'no_stream' }),
      store.appendToStream('s', [event('D')], { expectedRevision: 1n }),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect((await store.readStream('s')).map((e) => [e.type, e.revision])).toEqual([
      ['B', 1n],
      ['D', 2n],
    ])
    await store.close()
  })

  it('redoes a group apart when the rows a retry check inserts first fail: the failing append alone is refused', async () => {
    const store = new SqliteEventStore()
    store.db.exec(
      "CREATE TRIGGER poison BEFORE INSERT ON events WHEN NEW.type = 'Poison' BEGIN SELECT RAISE(ABORT, 'poisoned'); END",
    )
    const id = '5d7c1a20-3b4e-4f6a-9c8d-7e6f5a4b3c2d'
    const results = await Promise.allSettled([
      store.appendToStream('s', [{ id, type: 'A', data: {} }], { expectedRevision: 'no_stream' }),
      store.appendToStream('p', [event('Poison')]),
      // A retry of the first: its check inserts the group's pending rows, the poisoned one with them.
      store.appendToStream('s', [{ id, type: 'A', data: {} }], { expectedRevision: 'no_stream' }),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(String((results[1] as PromiseRejectedResult).reason)).toContain('poisoned')
    expect((results[0] as PromiseFulfilledResult<unknown>).value).toEqual({
      nextExpectedRevision: 0n,
      position: 1n,
    })
    expect((results[2] as PromiseFulfilledResult<unknown>).value).toEqual({
      nextExpectedRevision: 0n,
      position: 1n,
    })
    expect(await store.eventCount()).toBe(1)
    await store.close()
  })
})
