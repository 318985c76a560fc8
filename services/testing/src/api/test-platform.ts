import type { EventDefinition } from '@qi/contracts'
import type { Projection } from '@qi/projections'
import type { Actor } from '@qi/trpc'
import { startTestPlatform as startSharedTestPlatform } from '@qi/trpc/testing'
import type { z } from 'zod'

/** The shared test platform; `seed` takes the event's definition, so its data is typed. */
export async function startTestPlatform(options: { projections: Projection[]; today: string }) {
  const platform = await startSharedTestPlatform(options)
  async function seed<D extends EventDefinition>(
    definition: D,
    streamName: string,
    data: z.input<D['schema']>,
    occurredAt: string,
  ) {
    return (await platform.seedEvent(definition.type, streamName, data, occurredAt, definition.context))
      .position
  }
  return { ...platform, seed }
}

export const actors = {
  labA: { userId: 'u-lab-a', org: 'LAB-A', orgName: 'Hubei Appliance Test Centre', role: 'lab' },
  labB: { userId: 'u-lab-b', org: 'LAB-B', orgName: 'Wuhan Test Lab', role: 'lab' },
  regulator: { userId: 'u-reg', org: 'SAMR-HB', orgName: 'Hubei market supervision', role: 'regulator' },
  enterprise: { userId: 'u-ent', org: 'ENT-1', orgName: 'Wuhan Cold Co.', role: 'enterprise' },
} satisfies Record<string, Actor>
