import { SqliteEventStore } from '@qi/eventstore/sqlite'
import { type Projection, ProjectionRunner } from '@qi/projections'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readModel } from './command'
import type { ServiceDeps } from './context'

/** Counts the events it has applied: what a query would read. */
const counter: Projection = {
  name: 'counter',
  version: 1,
  setup: (db) => db.exec('CREATE TABLE seen (n INTEGER NOT NULL); INSERT INTO seen VALUES (0)'),
  apply: (_event, db) => {
    db.prepare('UPDATE seen SET n = n + 1').run()
  },
}

let store: SqliteEventStore
let runner: ProjectionRunner
let deps: ServiceDeps
beforeEach(async () => {
  store = new SqliteEventStore({ path: ':memory:' })
  // Not started: the read model stays behind the store until a test starts it.
  runner = new ProjectionRunner({ store, projection: counter })
  deps = { store, runner: () => runner, runners: () => [runner], now: () => new Date('2024-01-02T09:00:00Z') }
})
afterEach(async () => {
  await runner.close()
  await store.close()
})

const append = async (n: number) => {
  let position = 0n
  for (let i = 0; i < n; i++)
    position = (await store.appendToStream(`s-${i}`, [{ type: 'Noted', data: { i }, metadata: {} }]))
      .position!
  return position
}
const seen = (db: Awaited<ReturnType<typeof readModel>>) =>
  (db.prepare('SELECT n FROM seen').get() as { n: number }).n

describe('readModel and the seen-position header', () => {
  it('holds a query until its read model has reached the position the client has seen', async () => {
    const written = await append(3)
    let answered = false
    const read = readModel({ deps, seenPosition: String(written) }, 'counter').then((db) => {
      answered = true
      return db
    })
    // Several turns of the event loop: the read model is behind and nothing moves it yet.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve))
    expect(answered).toBe(false)
    await runner.start()
    expect(seen(await read)).toBe(3)
  })

  it('asks for no more than the store head (a position from another store, say before a reset)', async () => {
    await append(2)
    await runner.start()
    await runner.waitFor(await store.headPosition())
    expect(seen(await readModel({ deps, seenPosition: '999999' }, 'counter'))).toBe(2)
  })

  it('answers at once without the header, or when the read model is already there', async () => {
    const written = await append(1)
    expect(seen(await readModel({ deps }, 'counter'))).toBe(0)
    await runner.start()
    await runner.waitFor(written)
    expect(seen(await readModel({ deps, seenPosition: String(written) }, 'counter'))).toBe(1)
  })

  it('refuses a header that is not a store position, with BAD_REQUEST', async () => {
    for (const header of ['abc', '-1', '1.5', '12345678901234567890'])
      await expect(readModel({ deps, seenPosition: header }, 'counter')).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.stringContaining('x-qi-seen-position'),
      })
  })
})
