import type { Projection } from '@qi/projections'
import type { Actor } from '@qi/trpc'
import { startTestPlatform as startSharedTestPlatform } from '@qi/trpc/testing'

/** The shared test platform, with this service's seed signature (stream first). */
export async function startTestPlatform(projections: Projection[], today: string) {
  const platform = await startSharedTestPlatform({ projections, today })
  const seed = (streamName: string, type: string, data: unknown, occurredAt: string, org = 'seed') =>
    platform.seedEvent(type, streamName, data, occurredAt, org)
  return { ...platform, seed }
}

export const actorOf = (role: Actor['role'], org: string): Actor => ({
  userId: `${org}-user`,
  org,
  orgName: org,
  role,
})
