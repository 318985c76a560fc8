import { randomUUID } from 'node:crypto'
import { initTRPC, TRPCError } from '@trpc/server'
import { getTRPCErrorFromUnknown, middlewareMarker } from '@trpc/server/unstable-core-do-not-import'
import { ZodError, z } from 'zod'
import type { QiContext } from './context'
import { toTrpcError, violationDetails } from './errors'
import { observeCall } from './observe'
import type { Actor, Role } from './roles'
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

/**
 * The gate of every procedure, in one middleware: the call's span and mutation log (observe.ts)
 * around the caller's checks (a presented key that did not resolve → UNAUTHORIZED; then, unless
 * public, no actor → UNAUTHORIZED and a role the access does not list → FORBIDDEN), the rest of the
 * call, and the mapping of thrown domain errors to tRPC codes: errors tRPC already classified
 * (input validation, deliberate TRPCErrors) keep their code; anything a handler threw arrives as
 * INTERNAL_SERVER_ERROR wrapping the original cause and is mapped by `toTrpcError`. One middleware
 * rather than one per step: tRPC copies the call's options and context for every middleware, which
 * was several per cent of the server's CPU per request.
 */
function gated<R extends { ok: boolean }>(
  ctx: QiContext,
  call: { path: string; type: string },
  access: ProcedureAccess,
  next: (actor: Actor | null) => Promise<R>,
): Promise<R> {
  return observeCall(
    {
      path: call.path,
      type: call.type,
      actorOrg: ctx.actor?.org ?? null,
      requestId: ctx.requestId,
      log: ctx.log,
      parent: ctx.traceContext,
    },
    async () => {
      let result: R
      try {
        if (ctx.invalidApiKey)
          throw new TRPCError({ code: 'UNAUTHORIZED', message: 'the API key is not valid' })
        const { actor } = ctx
        if (access.kind !== 'public') {
          if (!actor)
            throw new TRPCError({
              code: 'UNAUTHORIZED',
              message: 'sign in with an API key (x-api-key header)',
            })
          if (!mayCall(access, actor.role)) {
            throw new TRPCError({
              code: 'FORBIDDEN',
              message: `role '${actor.role}' may not do this; allowed: ${access.kind === 'roles' ? access.roles.join(', ') : ''}`,
            })
          }
        }
        result = await next(actor)
      } catch (cause) {
        // What tRPC makes of a middleware that throws.
        result = {
          ok: false,
          error: getTRPCErrorFromUnknown(cause),
          marker: middlewareMarker,
        } as unknown as R
      }
      if (result.ok) return result
      const { error } = result as unknown as { error: TRPCError }
      const mapped = error.code === 'INTERNAL_SERVER_ERROR' && error.cause ? toTrpcError(error.cause) : error
      return { ok: false, error: getTRPCErrorFromUnknown(mapped), marker: middlewareMarker } as unknown as R
    },
  )
}

const PUBLIC: ProcedureAccess = { kind: 'public' }
const AUTHED: ProcedureAccess = { kind: 'authed' }

/** Reachable without a key (certificate / report verification by number, health). */
export const publicProcedure = t.procedure
  .meta({ access: PUBLIC })
  .use(({ ctx, path, type, next }) => gated(ctx, { path, type }, PUBLIC, () => next()))

/** The gate of a procedure for signed-in actors: the context's actor is then never null. */
const signedIn = (access: ProcedureAccess) =>
  t.middleware(({ ctx, path, type, next }) =>
    gated(ctx, { path, type }, access, (actor) => next({ ctx: { actor: actor as Actor } })),
  )

/** Any signed-in actor. */
export const authedProcedure = t.procedure.meta({ access: AUTHED }).use(signedIn(AUTHED))

/**
 * Declares which roles may call a procedure; 'admin' may call everything. The roles are also kept
 * in the procedure's meta (`access`), which the authorization matrix test enumerates.
 */
export function rolesProcedure(...roles: Role[]) {
  const access: ProcedureAccess = { kind: 'roles', roles }
  return t.procedure.meta({ access }).use(signedIn(access))
}

/** Whether an actor of this role (null: the public) passes a procedure's access declaration. */
export function mayCall(access: ProcedureAccess, role: Role | null): boolean {
  if (access.kind === 'public') return true
  if (role === null) return false
  if (access.kind === 'authed') return true
  return role === 'admin' || access.roles.includes(role)
}
