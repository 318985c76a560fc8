import type { ApiKeyResolver } from '@qi/trpc'
import { type FastifyTRPCPluginOptions, fastifyTRPCPlugin } from '@trpc/server/adapters/fastify'
import Fastify from 'fastify'
import { createContextFactory } from './context'
import type { Platform } from './platform'
import { type AppRouter, appRouter } from './root'

export async function createServer(platform: Platform, resolveKey: ApiKeyResolver) {
  const app = Fastify({ logger: false, routerOptions: { maxParamLength: 5000 } })
  const createContext = createContextFactory(platform, resolveKey)
  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext: ({ req }) => createContext({ headers: req.headers }),
      onError({ error, path }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`[trpc] ${path}:`, error.cause ?? error)
      },
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
  })
  app.get('/health', async () => ({ status: 'ok' }))
  return app
}
