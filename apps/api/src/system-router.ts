import { publicProcedure, router } from '@qi/trpc'
import { z } from 'zod'
import { platformOf } from './context'

export const systemRouter = router({
  health: publicProcedure.query(({ ctx }) => {
    const platform = platformOf(ctx)
    return { status: 'ok' as const, store: platform.store.adapter, time: new Date().toISOString() }
  }),
  store: router({
    stats: publicProcedure
      .input(z.object({ minPosition: z.bigint().nonnegative().optional() }).optional())
      .query(async ({ ctx, input }) => {
        const platform = platformOf(ctx)
        const stats = platform.runner('store-stats')
        await stats.waitFor(input?.minPosition)
        const head = await platform.store.headPosition()
        const eventTypes = stats.db
          .prepare('SELECT type, count FROM event_types ORDER BY count DESC, type')
          .all() as Array<{ type: string; count: number }>
        const categories = stats.db
          .prepare('SELECT category, events FROM stream_categories ORDER BY events DESC, category')
          .all() as Array<{ category: string; events: number }>
        return {
          adapter: platform.store.adapter,
          eventCount: eventTypes.reduce((sum, row) => sum + row.count, 0),
          lastPosition: head,
          eventTypes,
          categories,
          projections: [...platform.runners.values()].map((runner) => {
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
