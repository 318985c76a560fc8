import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import fastifyCompress from '@fastify/compress'
import fastifyStatic from '@fastify/static'
import type { ApiKeyResolver } from '@qi/trpc'
import { type FastifyTRPCPluginOptions, fastifyTRPCPlugin } from '@trpc/server/adapters/fastify'
import Fastify from 'fastify'
import { createContextFactory } from './context'
import type { Platform } from './platform'
import { type AppRouter, appRouter } from './root'

/** Where `pnpm --filter @qi/web build` writes the web app. */
export const DEFAULT_WEB_DIST = resolve(import.meta.dirname, '..', '..', 'web', 'dist')

export interface ServerOptions {
  /** Folder of the built web app, served on the same port when it holds an index.html. */
  webDist?: string
}

export async function createServer(
  platform: Platform,
  resolveKey: ApiKeyResolver,
  options: ServerOptions = {},
) {
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

  const webDist = options.webDist ?? DEFAULT_WEB_DIST
  if (existsSync(resolve(webDist, 'index.html'))) {
    // Compressed (br/gzip as the browser accepts) — the built app and the API's answers alike.
    await app.register(fastifyCompress, { global: true, threshold: 1024 })
    // wildcard: files are looked up per request, so a rebuild is served without a restart.
    // Vite fingerprints everything under assets/ (the name changes with the content): cache it for a
    // year; anything else (index.html) is revalidated on every load so a new build shows at once.
    await app.register(fastifyStatic, {
      root: webDist,
      wildcard: true,
      cacheControl: false,
      setHeaders(res, path) {
        const fingerprinted = /[\\/]assets[\\/]/.test(path)
        res.header('cache-control', fingerprinted ? 'public, max-age=31536000, immutable' : 'no-cache')
      },
    })
    // The web app routes on the client: any other GET outside /trpc gets index.html.
    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0] ?? ''
      if (request.method === 'GET' && path !== '/trpc' && !path.startsWith('/trpc/')) {
        return reply.type('text/html').header('cache-control', 'no-cache').sendFile('index.html')
      }
      return reply.code(404).send({ message: `no route ${request.method} ${path}` })
    })
  }
  return app
}
