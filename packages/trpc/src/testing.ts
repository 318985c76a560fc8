import { domainCatalogue } from '@qi/contracts'
import { SqliteEventStore } from '@qi/eventstore/sqlite'
import { type Projection, ProjectionRunner } from '@qi/projections'
import type { QiContext, ServiceDeps } from './context'
import type { Actor } from './roles'

/**
 * A minimal platform for a service's integration tests: an in-memory store, one started runner per
 * projection, a fixed clock, a tRPC context per actor, and `seedEvent` to append another context's
 * events exactly as its service would (validated, with the envelope metadata).
 */
export async function startTestPlatform(options: { projections: Projection[]; today: string }) {
  const store = new SqliteEventStore({ path: ':memory:' })
  const runners = new Map(
    options.projections.map((projection) => [projection.name, new ProjectionRunner({ store, projection })]),
  )
  await Promise.all([...runners.values()].map((runner) => runner.start()))
  const deps: ServiceDeps = {
    store,
    runner(name) {
      const runner = runners.get(name)
      if (!runner) throw new Error(`no projection named '${name}' in the test platform`)
      return runner
    },
    runners: () => [...runners.values()],
    now: () => new Date(`${options.today}T09:00:00.000Z`),
  }
  let seeded = 0
  return {
    deps,
    store,
    /** The context a tRPC caller needs for this actor (null: the public). */
    context: (actor: Actor | null): QiContext => ({ actor, invalidApiKey: false, requestId: 'test', deps }),
    /** Appends one event of another context; returns the append result (position, revision). */
    async seedEvent(type: string, streamName: string, data: unknown, occurredAt: string, org = 'seed') {
      seeded += 1
      return store.appendToStream(streamName, [
        {
          type,
          data: domainCatalogue.encode(type, data),
          metadata: {
            schemaVersion: domainCatalogue.get(type)?.version ?? 1,
            actor: 'seed',
            org,
            correlationId: `seed-${seeded}`,
            causationId: null,
            commandId: `seed-command-${seeded}`,
            occurredAt,
          },
        },
      ])
    },
    async close() {
      for (const runner of runners.values()) await runner.close()
      await store.close()
    },
  }
}

export type TestPlatform = Awaited<ReturnType<typeof startTestPlatform>>
