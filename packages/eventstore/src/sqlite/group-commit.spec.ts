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
    await store.close()
  })
})
