import { accreditationService } from '@qi/accreditation'
import { certificationService } from '@qi/certification'
import { industrializationService } from '@qi/industrialization'
import { licensingService } from '@qi/licensing'
import { lineageService } from '@qi/lineage'
import { metrologyService } from '@qi/metrology'
import { standardsService } from '@qi/standards'
import { testingService } from '@qi/testing'
import { router } from '@qi/trpc'
import { operationsRouter } from './operations-router'
import { systemRouter } from './system-router'

/** Every service router, composed once. The web app imports only `type AppRouter`. */
export const appRouter = router({
  system: systemRouter,
  operations: operationsRouter,
  lineage: lineageService.router,
  industrialization: industrializationService.router,
  standards: standardsService.router,
  accreditation: accreditationService.router,
  metrology: metrologyService.router,
  testing: testingService.router,
  certification: certificationService.router,
  licensing: licensingService.router,
})

export type AppRouter = typeof appRouter
