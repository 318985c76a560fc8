import { SearchText } from '@qi/contracts'
import { NotFoundError } from '@qi/decider'
import { StreamNotFoundError } from '@qi/eventstore'
import { authedProcedure, publicProcedure, type Role, readModel, rolesProcedure, router } from '@qi/trpc'
import { z } from 'zod'

/**
 * Who may read the raw event log (every event's data and metadata, of every organisation): the
 * regulator and admin. Other roles see the read models their pages need, not the log itself.
 */
export const EVENT_LOG_READERS: Role[] = ['regulator']
const eventLogProcedure = rolesProcedure(...EVENT_LOG_READERS)
const STREAM_ORDER = {
  recent: 'last_position DESC',
  name: 'name',
  events: 'events DESC, last_position DESC',
} as const

/** Callers who may see a read model's raw error (it can quote SQL and file paths). */
const seesRawErrors = (role: Role | undefined) => role === 'admin'

export const systemRouter = router({
  /** Who the API key belongs to: the web app shows only what this role may do. */
  whoami: authedProcedure.query(({ ctx }) => ctx.actor),
  /**
   * What the web app needs to know about this deployment: the public address printed certificates'
   * QR codes point at (QI_PUBLIC_URL), never the address a staff browser happens to use.
   */
  config: publicProcedure.query(() => ({
    publicUrl: (process.env.QI_PUBLIC_URL ?? '').replace(/\/+$/, '') || null,
  })),
  health: publicProcedure.query(({ ctx }) => {
    return { status: 'ok' as const, store: ctx.deps.store.adapter, time: ctx.deps.now().toISOString() }
  }),
  store: router({
    stats: publicProcedure
      .input(z.object({ minPosition: z.bigint().nonnegative().optional() }).optional())
      .query(async ({ ctx, input }) => {
        const { deps } = ctx
        const stats = { db: await readModel(ctx, 'store-stats', input?.minPosition) }
        const head = await deps.store.headPosition()
        const eventTypes = stats.db
          .prepare('SELECT type, count FROM event_types ORDER BY count DESC, type')
          .all() as Array<{ type: string; count: number }>
        const categories = stats.db
          .prepare('SELECT category, events FROM stream_categories ORDER BY events DESC, category')
          .all() as Array<{ category: string; events: number }>
        return {
          adapter: deps.store.adapter,
          eventCount: eventTypes.reduce((sum, row) => sum + row.count, 0),
          lastPosition: head,
          eventTypes,
          categories,
          projections: deps.runners().map((runner) => {
            const status = runner.status()
            return {
              ...status,
              lastError:
                status.lastError === null || seesRawErrors(ctx.actor?.role)
                  ? status.lastError
                  : 'stopped on an error (the server log and an admin key show which)',
              // Lag in positions between the store's head and what the read model has applied.
              lag: head === null ? 0n : head - (status.checkpoint ?? 0n),
            }
          }),
        }
      }),
  }),
  events: router({
    /** Streams, most recently written first; filter by category (text before the first '-') or name. */
    streams: eventLogProcedure
      .input(
        z.object({
          category: z.string().optional(),
          /** Part of a stream name; trimmed, NFKC-folded, case-insensitive. */
          search: SearchText.optional(),
          /** `recent` (default): newest event first; `name`; `events`: longest stream first. */
          sort: z.enum(['recent', 'name', 'events']).default('recent'),
          limit: z.number().int().min(1).max(500).default(100),
          minPosition: z.bigint().nonnegative().optional(),
        }),
      )
      .query(async ({ ctx, input }) => {
        const stats = { db: await readModel(ctx, 'store-stats', input.minPosition) }
        const rows = stats.db
          .prepare(
            `SELECT name, category, events, last_position, last_type, last_recorded_at FROM streams
             WHERE (? IS NULL OR category = ?) AND (? IS NULL OR instr(lower(name), lower(?)) > 0)
             ORDER BY ${STREAM_ORDER[input.sort]} LIMIT ?`,
          )
          .all(
            input.category ?? null,
            input.category ?? null,
            input.search ?? null,
            input.search ?? null,
            input.limit,
          ) as Array<{
          name: string
          category: string
          events: number
          last_position: number
          last_type: string
          last_recorded_at: string
        }>
        return rows.map((r) => ({
          name: r.name,
          category: r.category,
          events: r.events,
          lastPosition: BigInt(r.last_position),
          lastType: r.last_type,
          lastRecordedAt: r.last_recorded_at,
        }))
      }),
    /** One stream's events with data and metadata. */
    stream: eventLogProcedure
      .input(
        z.object({
          streamName: z.string().min(1),
          direction: z.enum(['forwards', 'backwards']).default('forwards'),
          fromRevision: z.bigint().nonnegative().optional(),
          limit: z.number().int().min(1).max(1000).default(200),
        }),
      )
      .query(async ({ ctx, input }) => {
        try {
          return await ctx.deps.store.readStream(input.streamName, {
            direction: input.direction,
            fromRevision: input.fromRevision,
            maxCount: input.limit,
          })
        } catch (error) {
          if (error instanceof StreamNotFoundError) throw new NotFoundError('stream', input.streamName)
          throw error
        }
      }),
    /**
     * A page of `$all`. For a live tail, call again with `after` = the last position received:
     * events strictly after it are returned (an empty page means nothing new yet).
     */
    all: eventLogProcedure
      .input(
        z.object({
          after: z.bigint().nonnegative().optional(),
          direction: z.enum(['forwards', 'backwards']).default('backwards'),
          limit: z.number().int().min(1).max(1000).default(100),
          typePrefix: z.string().min(1).optional(),
          streamPrefix: z.string().min(1).optional(),
        }),
      )
      .query(async ({ ctx, input }) => {
        const filter = input.typePrefix
          ? { kind: 'eventType' as const, prefixes: [input.typePrefix] }
          : input.streamPrefix
            ? { kind: 'streamName' as const, prefixes: [input.streamPrefix] }
            : undefined
        if (input.direction === 'backwards') {
          return ctx.deps.store.readAll({
            direction: 'backwards',
            fromPosition: input.after ?? 'end',
            maxCount: input.limit,
            filter,
          })
        }
        const page = await ctx.deps.store.readAll({
          fromPosition: input.after ?? 'start',
          maxCount: input.limit + 1,
          filter,
        })
        return page.filter((e) => input.after === undefined || e.position > input.after).slice(0, input.limit)
      }),
  }),
  projections: router({
    /**
     * Rebuilds a projection into a new generation in the background while the current one keeps
     * serving; progress shows in `store.stats` (`rebuilding`).
     */
    rebuild: rolesProcedure('admin')
      .input(z.object({ name: z.string().min(1) }))
      .mutation(({ ctx, input }) => {
        const runner = ctx.deps.runners().find((r) => r.projection.name === input.name)
        if (!runner) throw new NotFoundError('projection', input.name)
        if (runner.status().rebuilding) return { started: false, reason: 'a rebuild is already running' }
        void runner.rebuild().catch((error: Error) => console.error(`[rebuild ${input.name}]`, error))
        return { started: true, reason: null }
      }),
  }),
})
