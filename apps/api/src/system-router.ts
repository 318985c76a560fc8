import { publicProcedure, router } from '@qi/trpc'
import { z } from 'zod'

export const systemRouter = router({
  health: publicProcedure.query(({ ctx }) => {
    return { status: 'ok' as const, store: ctx.deps.store.adapter, time: ctx.deps.now().toISOString() }
  }),
  store: router({
    stats: publicProcedure
      .input(z.object({ minPosition: z.bigint().nonnegative().optional() }).optional())
      .query(async ({ ctx, input }) => {
        const { deps } = ctx
        const stats = deps.runner('store-stats')
        await stats.waitFor(input?.minPosition)
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
              // Lag in positions between the store's head and what the read model has applied.
              lag: head === null ? 0n : head - (status.checkpoint ?? 0n),
            }
          }),
        }
      }),
  }),
})
