import type { ServiceModule } from '@qi/trpc'
import { router } from './api/router'
import { registryProjection } from './projections/registry'

export const industrializationService: ServiceModule<typeof router> = {
  name: 'industrialization',
  projections: [registryProjection],
  router,
}

export type IndustrializationRouter = typeof router
