import type { ServiceModule } from '@qi/trpc'
import { router } from './api/router'
import { actOnDeadlines, DEADLINES_TIMER } from './policies/deadlines'
import { legacyLicenceRevokedPolicy } from './policies/legacy-licence-revoked'
import { processesProjection } from './projections/processes'

export const licensingService: ServiceModule<typeof router> = {
  name: 'licensing',
  projections: [processesProjection],
  router,
  policies: (deps) => [legacyLicenceRevokedPolicy(deps)],
  timers: (deps) => [{ name: DEADLINES_TIMER, everyMs: 60 * 60 * 1000, run: () => actOnDeadlines(deps) }],
}

export { actOnDeadlines } from './policies/deadlines'
export type LicensingRouter = typeof router
