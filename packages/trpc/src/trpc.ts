import { randomUUID } from 'node:crypto'
import { initTRPC, TRPCError } from '@trpc/server'
import { ZodError, z } from 'zod'
import type { QiContext } from './context'
import { toTrpcError, violationDetails } from './errors'
import { observeCall } from './observe'
import type { Role } from './roles'
import { wireTransformer } from './transformer'

/**
 * Who may call a procedure, declared where the procedure is built (`publicProcedure`,
 * `authedProcedure`, `rolesProcedure(...)`) and kept in its tRPC `meta`, so that the authorization
 * table can be read from the router itself (`appRouter._def.procedures[path]._def.meta.access`).
 */
export type ProcedureAccess =
  | { kind: 'public' }
  | { kind: 'authed' }
  /** These roles, and admin (which may call everything). */
  | { kind: 'roles'; roles: readonly Role[] }

export interface QiMeta {
  access?: ProcedureAccess
}

/** What a caller is told about an unexpected failure: the details stay in the server log. */
export const internalErrorMessage = (reference: string) =>
  `internal error; the server log has the details under reference ${reference}`

/**
 * The one initTRPC of the platform. superjson's format carries bigint positions and revisions and
 * Dates over the wire (DOMAIN.md: "bigint over the wire"); `wireTransformer` writes it without
 * superjson's walk when an answer is plain JSON.
 */
const t = initTRPC
  .context<QiContext>()
  .meta<QiMeta>()
  .create({
    transformer: wireTransformer,
    errorFormatter({ shape, error, ctx }) {
      const zodIssues = error.cause instanceof ZodError ? error.cause.issues : null
      // Error bodies go to anyone, the public included: never a stack trace (it names files and
      // lines), and for unexpected failures never the raw message (SQL, file paths) — a reference
      // the server logged instead (server.ts logs it with the cause).
      const { stack: _stack, ...data } = shape.data
      const internal = error.code === 'INTERNAL_SERVER_ERROR'
      const reference = ctx?.requestId ?? randomUUID()
      return {
        ...shape,
        message: internal ? internalErrorMessage(reference) : shape.message,
        data: {
          ...data,
          requestId: internal ? reference : null,
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
  .meta({ access: { kind: 'public' } })
  .use(observe)
  .use(mapErrors)
  .use(({ ctx, next }) => {
    if (ctx.invalidApiKey) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'the API key is not valid' })
    return next()
  })

/** Any signed-in actor. */
export const authedProcedure = publicProcedure.meta({ access: { kind: 'authed' } }).use(({ ctx, next }) => {
  if (!ctx.actor)
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'sign in with an API key (x-api-key header)' })
  return next({ ctx: { ...ctx, actor: ctx.actor } })
})

/**
 * Declares which roles may call a procedure; 'admin' may call everything. The roles are also kept
 * in the procedure's meta (`access`), which the authorization matrix test enumerates.
 */
export function rolesProcedure(...roles: Role[]) {
  return authedProcedure.meta({ access: { kind: 'roles', roles } }).use(({ ctx, next }) => {
    if (!mayCall({ kind: 'roles', roles }, ctx.actor.role)) {
      throw new TRPCError({
        code: 'FORBIDDEN',
        message: `role '${ctx.actor.role}' may not do this; allowed: ${roles.join(', ')}`,
      })
    }
    return next()
  })
}

/** Whether an actor of this role (null: the public) passes a procedure's access declaration. */
export function mayCall(access: ProcedureAccess, role: Role | null): boolean {
  if (access.kind === 'public') return true
  if (role === null) return false
  if (access.kind === 'authed') return true
  return role === 'admin' || access.roles.includes(role)
}
