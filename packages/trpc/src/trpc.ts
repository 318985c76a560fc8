import { initTRPC, TRPCError } from '@trpc/server'
import superjson from 'superjson'
import { ZodError, z } from 'zod'
import type { QiContext } from './context'
import { toTrpcError, violationDetails } from './errors'
import { observeCall } from './observe'
import type { Role } from './roles'

/**
 * The one initTRPC of the platform. superjson carries bigint positions and revisions and Dates
 * over the wire (DOMAIN.md: "bigint over the wire").
 */
const t = initTRPC.context<QiContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const zodIssues = error.cause instanceof ZodError ? error.cause.issues : null
    return {
      ...shape,
      data: {
        ...shape.data,
        zodIssues,
        zodMessage: error.cause instanceof ZodError ? z.prettifyError(error.cause) : null,
        violation: violationDetails(error.cause),
      },
    }
  },
})

export const router = t.router
export const mergeRouters = t.mergeRouters
export const createCallerFactory = t.createCallerFactory
export const middleware = t.middleware

/** Maps thrown domain errors to tRPC codes for every procedure. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next()
  if (!result.ok) {
    // Errors tRPC already classified (input validation, deliberate TRPCErrors) keep their code;
    // anything a handler threw arrives as INTERNAL_SERVER_ERROR wrapping the original cause.
    const { error } = result
    throw error.code === 'INTERNAL_SERVER_ERROR' && error.cause ? toTrpcError(error.cause) : error
  }
  return result
})

/** A span per call; mutations logged (observe.ts). */
const observe = t.middleware(({ ctx, path, type, next }) =>
  observeCall(
    {
      path,
      type,
      actorOrg: ctx.actor?.org ?? null,
      requestId: ctx.requestId,
      log: ctx.log,
      parent: ctx.traceContext,
    },
    next,
  ),
)

/** Reachable without a key (certificate / report verification by number, health). */
export const publicProcedure = t.procedure
  .use(observe)
  .use(mapErrors)
  .use(({ ctx, next }) => {
    if (ctx.invalidApiKey) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'the API key is not valid' })
    return next()
  })

/** Any signed-in actor. */
export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.actor)
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'sign in with an API key (x-api-key header)' })
  return next({ ctx: { ...ctx, actor: ctx.actor } })
})

/** Declares which roles may call a procedure; 'admin' may call everything. */
export function rolesProcedure(...roles: Role[]) {
  return authedProcedure.use(({ ctx, next }) => {
    if (ctx.actor.role !== 'admin' && !roles.includes(ctx.actor.role)) {
      throw new TRPCError({
        code: 'FORBIDDEN',
        message: `role '${ctx.actor.role}' may not do this; allowed: ${roles.join(', ')}`,
      })
    }
    return next()
  })
}
