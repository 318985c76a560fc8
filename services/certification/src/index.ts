import type { ServiceModule } from '@qi/trpc'
import { certificationRouter } from './api/router'
import { certificatesProjection } from './projections/certificates'
import { certificationRefsProjection } from './projections/refs'

const router = certificationRouter

export const certificationService: ServiceModule<typeof router> = {
  name: 'certification',
  projections: [certificationRefsProjection, certificatesProjection],
  router,
}

export type CertificationRouter = typeof router
