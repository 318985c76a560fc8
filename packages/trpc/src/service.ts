import type { Projection } from '@qi/projections'
import type { AnyRouter } from '@trpc/server'

/**
 * What a bounded-context service contributes to the platform. apps/api composes every module once:
 * it registers the projections with the runner and mounts the router under `name`.
 */
export interface ServiceModule<TRouter extends AnyRouter = AnyRouter> {
  name: string
  projections: Projection[]
  router: TRouter
}
