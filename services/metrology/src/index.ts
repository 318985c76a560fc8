import type { ServiceModule } from '@qi/trpc'
import { metrologyRouter } from './api/router'
import { instrumentsProjection } from './projections/instruments'
import { metrologyRefsProjection } from './projections/refs'

const router = metrologyRouter

export const metrologyService: ServiceModule<MetrologyRouter> = {
  name: 'metrology',
  projections: [instrumentsProjection, metrologyRefsProjection],
  router,
}
export type MetrologyRouter = typeof router
export { INSTRUMENTS_PROJECTION } from './projections/instruments'
