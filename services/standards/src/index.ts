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
export {
  type ImportContext,
  ImportRecord,
  type ImportReport,
  importCatalogueBatch,
} from './import/catalogue-import'
export { importCatalogueFile } from './import/file-import'
export { generateCatalogue } from './import/generate'
export { CATALOGUE_PROJECTION, catalogueProjection } from './projections/catalogue'
