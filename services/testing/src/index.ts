import type { ServiceModule } from '@qi/trpc'
import { testingRouter } from './api/router'
import { testingRefsProjection } from './projections/refs'
import { testingReportsProjection } from './projections/reports'

const router = testingRouter

export const testingService: ServiceModule<typeof router> = {
  name: 'testing',
  projections: [testingRefsProjection, testingReportsProjection],
  router,
}

export type TestingRouter = typeof router
