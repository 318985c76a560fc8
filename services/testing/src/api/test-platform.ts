import { domainCatalogue, type EventDefinition } from '@qi/contracts'
import { SqliteEventStore } from '@qi/eventstore/sqlite'
import { type Projection, ProjectionRunner } from '@qi/projections'
import type { Actor, ServiceDeps } from '@qi/trpc'
import type { z } from 'zod'

/**
 * A minimal platform for integration tests: an in-memory store, one started runner per projection,
 * a fixed clock, and a helper that appends other contexts' events the way their services would.
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
    context: (actor: Actor | null) => ({ actor, invalidApiKey: false, requestId: 'test', deps }),
    /** Appends an event of another context with the metadata its service would write. */
    async seed<D extends EventDefinition>(
      definition: D,
      streamName: string,
      data: z.input<D['schema']>,
      occurredAt: string,
    ) {
      seeded += 1
      const result = await store.appendToStream(streamName, [
        {
          type: definition.type,
          data: domainCatalogue.encode(definition.type, data),
          metadata: {
            schemaVersion: definition.version,
            actor: 'seed',
            org: definition.context,
            correlationId: `seed-${seeded}`,
            causationId: null,
            commandId: `seed-command-${seeded}`,
            occurredAt,
          },
        },
      ])
      return result.position
    },
    async close() {
      for (const runner of runners.values()) await runner.close()
      await store.close()
    },
  }
}

export const actors = {
  labA: { userId: 'u-lab-a', org: 'LAB-A', orgName: 'Hubei Appliance Test Centre', role: 'lab' },
  labB: { userId: 'u-lab-b', org: 'LAB-B', orgName: 'Wuhan Test Lab', role: 'lab' },
  regulator: { userId: 'u-reg', org: 'SAMR-HB', orgName: 'Hubei market supervision', role: 'regulator' },
  enterprise: { userId: 'u-ent', org: 'ENT-1', orgName: 'Wuhan Cold Co.', role: 'enterprise' },
} satisfies Record<string, Actor>
