import type { ServiceModule } from '@qi/trpc'
import { standardsRouter } from './api/router'
import { catalogueProjection } from './projections/catalogue'

const router = standardsRouter

export const standardsService: ServiceModule<StandardsRouter> = {
  name: 'standards',
  projections: [catalogueProjection],
  router,
}
export type StandardsRouter = typeof router
export { CATALOGUE_PROJECTION } from './projections/catalogue'
