import type { Policy, Projection } from '@qi/projections'
import type { AnyRouter } from '@trpc/server'
import type { ServiceDeps } from './context'

/**
 * What a bounded-context service contributes to the platform. apps/api composes every module once:
 * it registers the projections with the runner and mounts the router under `name`.
 */
export interface ServiceModule<TRouter extends AnyRouter = AnyRouter> {
  name: string
  projections: Projection[]
  router: TRouter
  /** Process managers reacting to other contexts' events; built with the platform's deps. */
  policies?: (deps: ServiceDeps) => Policy[]
  /** Work triggered by the clock rather than by an event (e.g. deadlines passing). */
  timers?: (deps: ServiceDeps) => ServiceTimer[]
}

export interface ServiceTimer {
  name: string
  everyMs: number
  run: () => Promise<unknown>
}
