import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { ApiKeyResolver } from '@qi/trpc'
import { type FastifyTRPCPluginOptions, fastifyTRPCPlugin } from '@trpc/server/adapters/fastify'
import Fastify from 'fastify'
import { createContextFactory } from './context'
import { registerHttpObservability, requestTraceContext } from './observability/http'
import type { Platform } from './platform'
import { type AppRouter, appRouter } from './root'

/** Where `pnpm --filter @qi/web build` writes the web app. */
export const DEFAULT_WEB_DIST = resolve(import.meta.dirname, '..', '..', 'web', 'dist')

export interface ServerOptions {
  /** Folder of the built web app, served on the same port when it holds an index.html. */
  webDist?: string
  /**
   * Structured request logs (pino through Fastify): a level such as 'info', or false (the default,
   * for in-process tests). Keys, query strings and client addresses are never logged.
   */
  logLevel?: string | false
  /** Serve /metrics to any caller, not only loopback (QI_METRICS_PUBLIC=1). */
  metricsPublic?: boolean
  /** Where log lines go (default stdout); tests capture them. */
  logStream?: NodeJS.WritableStream
}

/** What a request log line holds: method and path only (no query: inputs may name people). */
const requestSerializers = {
  req: (request: { method: string; url: string; id: string }) => ({
    method: request.method,
    path: request.url.split('?')[0],
    reqId: request.id,
  }),
}

export async function createServer(
  platform: Platform,
  resolveKey: ApiKeyResolver,
  options: ServerOptions = {},
) {
  const app = Fastify({
    logger: options.logLevel
      ? {
          level: options.logLevel,
          serializers: requestSerializers,
          ...(options.logStream ? { stream: options.logStream } : {}),
        }
      : false,
    genReqId: () => randomUUID(),
    routerOptions: { maxParamLength: 5000 },
  })
  registerHttpObservability(app, platform.telemetry, { metricsPublic: options.metricsPublic })
  const createContext = createContextFactory(platform, resolveKey)
  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext: ({ req }) =>
        createContext({
          headers: req.headers,
          requestId: req.id,
          log: options.logLevel ? req.log : undefined,
          traceContext: requestTraceContext(req),
        }),
      onError({ error, path }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`[trpc] ${path}:`, error.cause ?? error)
      },
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
  })
  app.get('/health', async () => ({ status: 'ok' }))

  const webDist = options.webDist ?? DEFAULT_WEB_DIST
  if (existsSync(resolve(webDist, 'index.html'))) {
    // wildcard: files are looked up per request, so a rebuild is served without a restart.
    await app.register(fastifyStatic, { root: webDist, wildcard: true })
    // The web app routes on the client: any other GET outside /trpc gets index.html.
    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0] ?? ''
      if (request.method === 'GET' && path !== '/trpc' && !path.startsWith('/trpc/')) {
        return reply.type('text/html').sendFile('index.html')
      }
      return reply.code(404).send({ message: `no route ${request.method} ${path}` })
    })
  }
  return app
}
