import { domainCatalogue, type EventDefinition } from '@qi/contracts'
import { SqliteEventStore } from '@qi/eventstore/sqlite'
import { type Projection, ProjectionRunner } from '@qi/projections'
import type { AnyRouter } from '@trpc/server'
import { fetchRequestHandler } from '@trpc/server/adapters/fetch'
import superjson from 'superjson'
import type { z } from 'zod'
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
  /** Appends one event of another context; returns the append result (position, revision). */
  async function seedEvent(
    type: string,
    streamName: string,
    data: unknown,
    occurredAt: string,
    org = 'seed',
  ) {
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
  }
  return {
    deps,
    store,
    /** The context a tRPC caller needs for this actor (null: the public). */
    context: (actor: Actor | null): QiContext => ({ actor, invalidApiKey: false, requestId: 'test', deps }),
    seedEvent,
    /** Appends one event by its definition (data typed by its schema, org its context); returns its position. */
    async seed<D extends EventDefinition>(
      definition: D,
      streamName: string,
      data: z.input<D['schema']>,
      occurredAt: string,
    ) {
      return (await seedEvent(definition.type, streamName, data, occurredAt, definition.context)).position
    },
    async close() {
      for (const runner of runners.values()) await runner.close()
      await store.close()
    },
  }
}

/** An actor of this role acting for `org` (user `<org>-user`). */
export const actorOf = (role: Actor['role'], org: string): Actor => ({
  userId: `${org}-user`,
  org,
  orgName: org,
  role,
})

export type TestPlatform = Awaited<ReturnType<typeof startTestPlatform>>

/**
 * Sends several calls of one mutation as ONE batched HTTP request (`/trpc/a,a?batch=1`), through
 * tRPC's fetch adapter — the shape the API serves — so the calls run side by side in one request.
 * Returns each call's outcome: its data, or its error code and message.
 */
export async function batchedMutation(
  router: AnyRouter,
  context: QiContext,
  path: string,
  inputs: readonly unknown[],
): Promise<Array<{ ok: true; data: unknown } | { ok: false; code: string; message: string }>> {
  const body: Record<string, unknown> = {}
  for (const [index, input] of inputs.entries()) body[index] = superjson.serialize(input)
  const response = await fetchRequestHandler({
    endpoint: '/trpc',
    router,
    createContext: () => context,
    req: new Request(`http://test/trpc/${inputs.map(() => path).join(',')}?batch=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  })
  const results = (await response.json()) as Array<
    { result: { data: { json: unknown } } } | { error: { json: { message: string; data: { code: string } } } }
  >
  return results.map((r) =>
    'result' in r
      ? { ok: true as const, data: r.result.data.json }
      : { ok: false as const, code: r.error.json.data.code, message: r.error.json.message },
  )
}
