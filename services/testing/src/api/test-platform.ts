import type { Actor } from '@qi/trpc'

/** The shared test platform (`seed` takes an event's definition, so its data is typed). */
export { startTestPlatform } from '@qi/trpc/testing'

export const actors = {
  labA: { userId: 'u-lab-a', org: 'LAB-A', orgName: 'Hubei Appliance Test Centre', role: 'lab' },
  labB: { userId: 'u-lab-b', org: 'LAB-B', orgName: 'Wuhan Test Lab', role: 'lab' },
  regulator: { userId: 'u-reg', org: 'SAMR-HB', orgName: 'Hubei market supervision', role: 'regulator' },
  enterprise: { userId: 'u-ent', org: 'ENT-1', orgName: 'Wuhan Cold Co.', role: 'enterprise' },
} satisfies Record<string, Actor>
