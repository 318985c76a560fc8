import type { ServiceModule } from '@qi/trpc'
import { testingRouter } from './api/router'
import { accreditationChangedPolicy } from './policies/accreditation-changed'
import { falseCommitmentPolicy } from './policies/false-commitment'
import { testingRefsProjection } from './projections/refs'
import { testingReportsProjection } from './projections/reports'

const router = testingRouter

export const testingService: ServiceModule<typeof router> = {
  name: 'testing',
  projections: [testingRefsProjection, testingReportsProjection],
  router,
  policies: (deps) => [accreditationChangedPolicy(deps), falseCommitmentPolicy(deps)],
}

export type TestingRouter = typeof router
