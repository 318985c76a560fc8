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
})
