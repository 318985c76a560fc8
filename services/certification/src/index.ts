import type { ServiceModule } from '@qi/trpc'
import { certificationRouter } from './api/router'
import { certificationPolicies, expireAfterTransition } from './policies/policies'
import { certificatesProjection } from './projections/certificates'
import { certificationRefsProjection } from './projections/refs'

const router = certificationRouter

export const certificationService: ServiceModule<typeof router> = {
  name: 'certification',
  projections: [certificationRefsProjection, certificatesProjection],
  router,
  policies: certificationPolicies,
  timers: (deps) => [
    {
      name: 'certification.transition-expiry',
      everyMs: 60 * 60 * 1000,
      run: () => expireAfterTransition(deps),
    },
  ],
}

export { expireAfterTransition } from './policies/policies'
export type CertificationRouter = typeof router
