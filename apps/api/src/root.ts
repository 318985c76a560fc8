import { certificationService } from '@qi/certification'
import { testingService } from '@qi/testing'
import { router } from '@qi/trpc'
import { systemRouter } from './system-router'

/** Every service router, composed once. The web app imports only `type AppRouter`. */
export const appRouter = router({
  system: systemRouter,
  testing: testingService.router,
  certification: certificationService.router,
})

export type AppRouter = typeof appRouter
