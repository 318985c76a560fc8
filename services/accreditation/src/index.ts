import type { ServiceModule } from '@qi/trpc'
import { accreditationRouter } from './api/router'
import { labsProjection } from './projections/labs'

const router = accreditationRouter

export const accreditationService: ServiceModule<AccreditationRouter> = {
  name: 'accreditation',
  projections: [labsProjection],
  router,
}
export type AccreditationRouter = typeof router
export { LABS_PROJECTION } from './projections/labs'
