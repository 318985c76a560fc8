import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RecordedEvent } from '@qi/eventstore'
import { SqliteEventStore } from '@qi/eventstore/sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Policy, PolicyRunner } from './policy-runner'

describe('PolicyRunner', () => {
  let dir: string
  let store: SqliteEventStore
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'qi-policy-'))
    store = new SqliteEventStore({ path: join(dir, 'events.db') })
  })
  afterEach(async () => {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })

  function recorder(failFirst = 0): Policy & { seen: string[] } {
    let failures = failFirst
    const seen: string[] = []
    return {
      name: 'test.recorder',
      handles: ['Revoked'],
      seen,
      async react(event: RecordedEvent) {
        if (failures > 0) {
          failures -= 1
          throw new Error('read model not ready')
        }
        seen.push((event.data as { id: string }).id)
      },
    }
  }

  it('reacts only to its event types, in order, and resumes after its checkpoint on restart', async () => {
    await store.appendToStream('r-1', [
      { type: 'Issued', data: { id: 'a' } },
      { type: 'Revoked', data: { id: 'a' } },
    ])
    const policy = recorder()
    const first = new PolicyRunner({ store, policy, directory: dir })
    first.start()
    const { position } = await store.appendToStream('r-2', [{ type: 'Revoked', data: { id: 'b' } }])
    await first.waitFor(position)
    expect(policy.seen).toEqual(['a', 'b'])
    await first.close()
    const { position: next } = await store.appendToStream('r-3', [{ type: 'Revoked', data: { id: 'c' } }])
    const again = recorder()
    const second = new PolicyRunner({ store, policy: again, directory: dir })
    second.start()
    await second.waitFor(next)
    expect(again.seen).toEqual(['c'])
    await second.close()
  })

  it('retries a failing reaction and then goes on', async () => {
    const policy = recorder(2)
    const runner = new PolicyRunner({ store, policy })
    runner.start()
    const { position } = await store.appendToStream('r-1', [{ type: 'Revoked', data: { id: 'a' } }])
    await runner.waitFor(position)
    expect(policy.seen).toEqual(['a'])
    expect(runner.status()).toMatchObject({ state: 'running', handled: 1 })
    await runner.close()
  })

  it('stops, failed and visible, when an event keeps failing', async () => {
    const policy = recorder(100)
    const runner = new PolicyRunner({ store, policy, maxAttempts: 2 })
    runner.start()
    const { position } = await store.appendToStream('r-1', [{ type: 'Revoked', data: { id: 'a' } }])
    await expect(runner.waitFor(position, 30_000)).rejects.toThrow(/read model not ready/)
    expect(runner.status()).toMatchObject({
      state: 'failed',
      lastError: 'test.recorder stopped at event 1 (Revoked in r-1): read model not ready',
      checkpoint: null,
    })
    await runner.close()
  })

  /** Records its batches; `react` alone records batches of one. Fails on ids in `poison`. */
  function batcher(poison = new Set<string>()): Policy & { batches: string[][] } {
    const batches: string[][] = []
    const ids = (events: RecordedEvent[]) => events.map((e) => (e.data as { id: string }).id)
    return {
      name: 'test.batcher',
      handles: ['Revoked'],
      batches,
      async react(event) {
        const [id] = ids([event])
        if (poison.has(id!)) throw new Error(`cannot handle ${id}`)
        batches.push([id!])
      },
      async reactAll(events) {
        if (ids(events).some((id) => poison.has(id))) throw new Error('a poison event in the batch')
        batches.push(ids(events))
      },
    }
  }

  it('hands the triggers that arrived meanwhile to reactAll together, in order, and checkpoints after them', async () => {
    for (const id of ['a', 'b', 'c', 'd'])
      await store.appendToStream(`r-${id}`, [
        { type: 'Issued', data: { id } },
        { type: 'Revoked', data: { id } },
      ])
    const policy = batcher()
    const runner = new PolicyRunner({ store, policy, directory: dir })
    runner.start()
    const { position } = await store.appendToStream('r-e', [{ type: 'Revoked', data: { id: 'e' } }])
    await runner.waitFor(position)
    // a..d were in the store before the start: one page, one batch. e came alone or with them.
    expect(policy.batches[0]).toEqual(expect.arrayContaining(['a', 'b', 'c', 'd']))
    expect(policy.batches.flat()).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(runner.status()).toMatchObject({ state: 'running', handled: 5, checkpoint: position })
    await runner.close()
    // The checkpoint was stored: a new runner on the same folder has nothing to do.
    const again = batcher()
    const second = new PolicyRunner({ store, policy: again, directory: dir })
    second.start()
    const { position: next } = await store.appendToStream('r-f', [{ type: 'Revoked', data: { id: 'f' } }])
    await second.waitFor(next)
    expect(again.batches.flat()).toEqual(['f'])
    await second.close()
  })

  it('gives at most batchSize events to one reactAll', async () => {
    for (const id of ['a', 'b', 'c', 'd', 'e'])
      await store.appendToStream(`r-${id}`, [{ type: 'Revoked', data: { id } }])
    const policy = batcher()
    const runner = new PolicyRunner({ store, policy, batchSize: 2 })
    runner.start()
    await runner.waitFor(await store.headPosition())
    expect(policy.batches).toEqual([['a', 'b'], ['c', 'd'], ['e']])
    await runner.close()
  })

  it('after a failed reactAll reacts one event at a time: a poison event stops the runner right after the last good one', async () => {
    const positions: bigint[] = []
    for (const id of ['a', 'b', 'c']) {
      const { position } = await store.appendToStream(`r-${id}`, [{ type: 'Revoked', data: { id } }])
      positions.push(position)
    }
    const policy = batcher(new Set(['b']))
    const runner = new PolicyRunner({ store, policy, directory: dir, maxAttempts: 2 })
    runner.start()
    await expect(runner.waitFor(positions[2]!)).rejects.toThrow(/cannot handle b/)
    expect(policy.batches).toEqual([['a']])
    expect(runner.status()).toMatchObject({ state: 'failed', handled: 1, checkpoint: positions[0] })
    await runner.close()
  })

  it('parks a poison event of a failed batch and handles the others of it', async () => {
    for (const id of ['a', 'b', 'c'])
      await store.appendToStream(`r-${id}`, [{ type: 'Revoked', data: { id } }])
    const policy = { ...batcher(new Set(['b'])), onPoison: 'park' as const }
    const runner = new PolicyRunner({ store, policy, maxAttempts: 1 })
    runner.start()
    const head = await store.headPosition()
    await runner.waitFor(head)
    expect(policy.batches).toEqual([['a'], ['c']])
    expect(runner.status()).toMatchObject({ state: 'running', handled: 2, parked: 1, checkpoint: head })
    expect(runner.deadLetters().map((d) => d.position)).toEqual([2n])
    await runner.close()
  })

  it('rejects its waiters when it stops', async () => {
    const runner = new PolicyRunner({ store, policy: recorder() })
    runner.start()
    const waiting = runner.waitFor(1_000n)
    await runner.close()
    await expect(waiting).rejects.toThrow(/test.recorder stopped/)
  })
})
