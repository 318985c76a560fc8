import type { ServiceModule } from '@qi/trpc'
import { lineageRouter } from './api/router'
import { lineageGraphProjection } from './projections/graph'
import { kpiProjection } from './projections/kpi'

export type { LineageRouter } from './api/router'
export { LINEAGE_GRAPH, lineageGraphProjection } from './projections/graph'
export { kpiProjection, LINEAGE_KPI } from './projections/kpi'

export const lineageService: ServiceModule<typeof lineageRouter> = {
  name: 'lineage',
  projections: [lineageGraphProjection, kpiProjection],
  router: lineageRouter,
}
