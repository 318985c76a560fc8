import { accreditationService } from '@qi/accreditation'
import { certificationService } from '@qi/certification'
import { industrializationService } from '@qi/industrialization'
import { licensingService } from '@qi/licensing'
import { lineageService } from '@qi/lineage'
import { metrologyService } from '@qi/metrology'
import { standardsService } from '@qi/standards'
import { testingService } from '@qi/testing'
import type { ServiceModule } from '@qi/trpc'

/**
 * Every bounded-context service of the platform. Adding a service: add its package to apps/api's
 * dependencies, its module here (platform.ts registers its projections) and its router in
 * root.ts under the module's name (explicitly, so that `AppRouter` keeps the router's types).
 */
export const serviceModules: ServiceModule[] = [
  standardsService,
  accreditationService,
  metrologyService,
  testingService,
  certificationService,
  industrializationService,
  licensingService,
  lineageService,
]
