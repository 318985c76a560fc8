import { certificationService } from '@qi/certification'
import { testingService } from '@qi/testing'
import type { ServiceModule } from '@qi/trpc'

/**
 * Every bounded-context service of the platform. Adding a service: add its package to apps/api's
 * dependencies, its module here (platform.ts registers its projections) and its router in
 * root.ts under the module's name (explicitly, so that `AppRouter` keeps the router's types).
 */
export const serviceModules: ServiceModule[] = [testingService, certificationService]
