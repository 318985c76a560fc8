import { domainCatalogue } from '@qi/contracts'
import { SqliteEventStore } from '@qi/eventstore/sqlite'
import { type Projection, ProjectionRunner } from '@qi/projections'
import type { Actor, ServiceDeps } from '@qi/trpc'

/**
 * A minimal platform for integration tests: an in-memory store, one started runner per projection
 * and a fixed clock. `seed` appends another context's events with proper metadata.
 */
export async function startTestPlatform(projections: Projection[], today: string) {
  const store = new SqliteEventStore({ path: ':memory:' })
  const runners = new Map<string, ProjectionRunner>()
  for (const projection of projections)
    runners.set(projection.name, new ProjectionRunner({ store, projection }))
  await Promise.all([...runners.values()].map((runner) => runner.start()))
  const deps: ServiceDeps = {
    store,
    runner(name) {
      const runner = runners.get(name)
      if (!runner) throw new Error(`no projection named '${name}'`)
      return runner
    },
    runners: () => [...runners.values()],
    now: () => new Date(`${today}T09:00:00Z`),
  }
  let seeded = 0
  async function seed(streamName: string, type: string, data: unknown, occurredAt: string, org = 'seed') {
    seeded += 1
    return store.appendToStream(streamName, [
      {
        type,
        data: domainCatalogue.encode(type, data),
        metadata: {
          schemaVersion: domainCatalogue.get(type)?.version ?? 1,
          actor: 'seed-user',
          org,
          correlationId: `seed-${seeded}`,
          causationId: null,
          commandId: `seed-command-${seeded}`,
          occurredAt,
        },
      },
    ])
  }
  async function close() {
    for (const runner of runners.values()) await runner.close()
    await store.close()
  }
  return { deps, store, seed, close }
}

export const actorOf = (role: Actor['role'], org: string): Actor => ({
  userId: `${org}-user`,
  org,
  orgName: org,
  role,
})
