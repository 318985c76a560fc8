import type { ServiceModule } from '@qi/trpc'
import { metrologyRouter } from './api/router'
import { instrumentsProjection } from './projections/instruments'

const router = metrologyRouter

export const metrologyService: ServiceModule<MetrologyRouter> = {
  name: 'metrology',
  projections: [instrumentsProjection],
  router,
}
export type MetrologyRouter = typeof router
export { INSTRUMENTS_PROJECTION } from './projections/instruments'
