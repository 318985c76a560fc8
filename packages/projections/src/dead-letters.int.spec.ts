import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RecordedEvent } from '@qi/eventstore'
import { SqliteEventStore } from '@qi/eventstore/sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PoisonEventError } from './dead-letters'
import { type Policy, PolicyRunner } from './policy-runner'
import { type Projection, ProjectionRunner } from './runner'

/** Lists order lines; a line whose product is not "known" yet cannot be applied (poison). */
function orderLines(known: Set<string>): Projection {
  return {
    name: 'order-lines',
    version: 1,
    onPoison: 'park',
    setup(db) {
      db.exec('CREATE TABLE lines (position TEXT PRIMARY KEY, product TEXT NOT NULL)')
    },
    apply(event, db) {
      const { product } = event.data as { product: string }
      // writes first, then fails: a parked event must leave none of its writes behind
      db.prepare('INSERT INTO lines (position, product) VALUES (?, ?)').run(
        event.position.toString(),
        product,
      )
      if (!known.has(product)) throw new Error(`unknown product ${product}`)
    },
  }
}

const products = (runner: ProjectionRunner) =>
  (
    runner.db.prepare('SELECT product FROM lines ORDER BY CAST(position AS INTEGER)').all() as {
      product: string
    }[]
  ).map((r) => r.product)

describe('poison events', () => {
  let dir: string
  let store: SqliteEventStore
  const closers: Array<() => Promise<void>> = []
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'qi-poison-'))
    store = new SqliteEventStore({ path: join(dir, 'events.db') })
  })
  afterEach(async () => {
    for (const close of closers.splice(0)) await close()
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const order = (product: string) =>
    store.appendToStream('orders', [{ type: 'OrderLineAdded', data: { product } }])

  it('parks an event its projection cannot apply, applies the rest of the batch, and shows it', async () => {
    const known = new Set(['bolt', 'nut'])
    await order('bolt')
    const poison = await order('gear')
    const last = await order('nut')
    const runner = new ProjectionRunner({ store, projection: orderLines(known), directory: join(dir, 'rm') })
    closers.push(() => runner.close())
    await runner.start()
    await runner.waitFor(last.position)
    expect(products(runner)).toEqual(['bolt', 'nut'])
    expect(runner.status()).toMatchObject({
      state: 'live',
      checkpoint: last.position,
      parked: 1,
      lastError: null,
    })
    expect(runner.deadLetters()).toEqual([
      expect.objectContaining({
        runner: 'order-lines',
        position: poison.position,
        streamName: 'orders',
        type: 'OrderLineAdded',
        error: 'unknown product gear',
        attempts: 1,
      }),
    ])

    // live events go on being applied after the parked one
    const later = await order('bolt')
    await runner.waitFor(later.position)
    expect(products(runner)).toEqual(['bolt', 'nut', 'bolt'])
  })

  it('retries a parked event once it can be applied, keeps it parked while it cannot, and skips on request', async () => {
    const known = new Set(['bolt'])
    const gear = await order('gear')
    const cog = await order('cog')
    const runner = new ProjectionRunner({ store, projection: orderLines(known) })
    closers.push(() => runner.close())
    await runner.start()
    expect(runner.status().parked).toBe(2)

    await expect(runner.retryDeadLetter(gear.position)).rejects.toThrow(PoisonEventError)
    expect(runner.deadLetters().find((d) => d.position === gear.position)?.attempts).toBe(2)

    known.add('gear')
    expect((await runner.retryDeadLetter(gear.position)).type).toBe('OrderLineAdded')
    expect(products(runner)).toEqual(['gear'])
    expect(runner.skipDeadLetter(cog.position).error).toBe('unknown product cog')
    expect(runner.status().parked).toBe(0)
    expect(products(runner)).toEqual(['gear'])
    expect(() => runner.skipDeadLetter(cog.position)).toThrow(/no parked event at position/)
  })

  it('a rebuild retries every poison event into the new generation', async () => {
    const known = new Set<string>()
    await order('gear')
    const runner = new ProjectionRunner({ store, projection: orderLines(known), directory: join(dir, 'rm') })
    closers.push(() => runner.close())
    await runner.start()
    expect(runner.status().parked).toBe(1)
    known.add('gear')
    await runner.rebuild()
    expect(runner.status()).toMatchObject({ generation: 2, parked: 0 })
    expect(products(runner)).toEqual(['gear'])
  })

  it('stops by default, naming the event, when the projection does not park', async () => {
    const good = await order('bolt')
    await order('gear')
    const runner = new ProjectionRunner({
      store,
      projection: { ...orderLines(new Set(['bolt'])), onPoison: undefined },
    })
    closers.push(() => runner.close())
    await expect(runner.start()).rejects.toThrow(
      /order-lines stopped at event \d+ \(OrderLineAdded in orders\): unknown product gear/,
    )
    expect(runner.status()).toMatchObject({ state: 'failed', checkpoint: good.position, parked: 0 })
  })

  it('a policy parks an event it keeps failing on and goes on with the next', async () => {
    const reacted: string[] = []
    let broken = true
    const policy: Policy = {
      name: 'notify-warehouse',
      handles: ['OrderLineAdded'],
      onPoison: 'park',
      async react(event: RecordedEvent) {
        const { product } = event.data as { product: string }
        if (product === 'gear' && broken) throw new Error('warehouse does not know gear')
        reacted.push(product)
      },
    }
    const gear = await order('gear')
    const nut = await order('nut')
    const runner = new PolicyRunner({ store, policy, maxAttempts: 2 })
    closers.push(() => runner.close())
    runner.start()
    await runner.waitFor(nut.position)
    expect(reacted).toEqual(['nut'])
    expect(runner.status()).toMatchObject({ state: 'running', parked: 1 })
    expect(runner.deadLetters()[0]).toMatchObject({
      position: gear.position,
      error: 'warehouse does not know gear',
    })
    broken = false
    await runner.retryDeadLetter(gear.position)
    expect(reacted).toEqual(['nut', 'gear'])
    expect(runner.status().parked).toBe(0)
  })
})
