import type { EventStore } from '@qi/eventstore'
import { SqliteEventStore } from '@qi/eventstore/sqlite'
import { type Projection, ProjectionRunner } from '@qi/projections'
import type { Actor, QiContext, ServiceDeps } from '@qi/trpc'

/** An embedded store with started runners for the given projections, and a fixed clock. */
export async function testPlatform(projections: Projection[], today = '2026-01-01') {
  const store: EventStore = new SqliteEventStore()
  const runners = new Map(projections.map((p) => [p.name, new ProjectionRunner({ store, projection: p })]))
  await Promise.all([...runners.values()].map((r) => r.start()))
  const deps: ServiceDeps = {
    store,
    runner: (name) => {
      const runner = runners.get(name)
      if (!runner) throw new Error(`no projection ${name}`)
      return runner
    },
    runners: () => [...runners.values()],
    now: () => new Date(`${today}T12:00:00Z`),
  }
  const context = (actor: Actor | null): QiContext => ({
    actor,
    invalidApiKey: false,
    requestId: 'test',
    deps,
  })
  return {
    store,
    deps,
    context,
    async close() {
      for (const runner of runners.values()) await runner.close()
      await store.close()
    },
  }
}

export const institute: Actor = {
  userId: 'u-inst',
  org: 'HBSI',
  orgName: '湖北省标准化研究院',
  role: 'standards_institute',
}
