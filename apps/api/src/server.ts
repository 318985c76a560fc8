import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import fastifyCompress from '@fastify/compress'
import fastifyRateLimit from '@fastify/rate-limit'
import fastifyStatic from '@fastify/static'
import {
  type Actor,
  API_KEY_HEADER,
  type ApiKeyResolver,
  internalErrorMessage,
  type RequestLog,
} from '@qi/trpc'
import Fastify, { type FastifyReply, type FastifyRequest, LogController } from 'fastify'
import helmet from 'helmet'
import { createContextFactory } from './context'
import { type ApiLimits, limitsFromEnv } from './limits'
import { registerHttpObservability, requestTraceContext } from './observability/http'
import type { Platform } from './platform'
import { appRouter } from './root'
import { registerTrpcRoute } from './trpc-route'

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
  /** Body, batch and rate limits; the environment's (`limitsFromEnv`) when absent. */
  limits?: Partial<ApiLimits>
  /**
   * Answer single tRPC calls without tRPC's Fetch adapter (default true; trpc-route.ts). false
   * sends every request through the adapter (the spec comparing both paths).
   */
  trpcDirect?: boolean
}

/** What a command adds to its request's log line (observe.ts): written once the response is sent. */
interface CommandLine {
  level: 'info' | 'warn'
  fields: Record<string, unknown>
  message: string
}

/**
 * The request log: one line per request, written when the response is sent, instead of Fastify's
 * "incoming request" and "request completed" lines plus a mutation's own line (three JSON
 * serialisations and writes per command). It holds the request id (bound by Fastify), method, path
 * (no query: inputs may name people; no client address, no headers, so never the key), status and
 * duration; a mutation's line also carries what the command did (organisation, procedure, stream,
 * position, event types, command duration: observe.ts) under the message 'command' or
 * 'command refused'.
 */
class RequestLogController extends LogController {
  readonly commandLines = new WeakMap<FastifyRequest, CommandLine>()

  /** The logger a request's procedures write to: its line is kept for `requestCompleted`. */
  commandLog(request: FastifyRequest): RequestLog {
    return {
      info: (fields, message) => this.commandLines.set(request, { level: 'info', fields, message }),
      warn: (fields, message) => this.commandLines.set(request, { level: 'warn', fields, message }),
    }
  }

  override incomingRequest() {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply) {
    const command = this.commandLines.get(request)
    const { reqId: _bound, ...commandFields } = command?.fields ?? {}
    const fields = {
      method: request.method,
      path: request.url.split('?')[0],
      status: reply.statusCode,
      responseTimeMs: Math.round(reply.elapsedTime * 100) / 100,
      ...commandFields,
      ...(error ? { err: error } : {}),
    }
    if (error) request.log.error(fields, command?.message ?? 'request errored')
    else if (command?.level === 'warn') request.log.warn(fields, command.message)
    else request.log.info(fields, command?.message ?? 'request')
  }
}

/** The only body the API reads: tRPC's JSON. Anything else is refused before it is read. */
const ACCEPTED_CONTENT_TYPE = 'application/json'

/**
 * Content security policy for the web app served on the same origin: scripts and connections
 * only from the API's own origin; QR codes are data: images; React Flow and the app set inline
 * style attributes, hence 'unsafe-inline' for styles only. No framing by other sites.
 */
const CONTENT_SECURITY_POLICY = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
}

type Caller = 'signed-in' | 'anonymous' | 'failed-key'

export async function createServer(
  platform: Platform,
  resolveKey: ApiKeyResolver,
  options: ServerOptions = {},
) {
  const limits: ApiLimits = { ...limitsFromEnv(), ...options.limits }
  const requestLog = new RequestLogController()
  const app = Fastify({
    logger: options.logLevel
      ? {
          level: options.logLevel,
          ...(options.logStream ? { stream: options.logStream } : {}),
        }
      : false,
    routerOptions: { maxParamLength: 5000 },
    bodyLimit: limits.bodyLimitBytes,
    trustProxy: limits.trustProxy,
    genReqId: () => randomUUID(),
    ...(options.logLevel ? { logController: requestLog } : {}),
  })
  registerHttpObservability(app, platform.telemetry, { metricsPublic: options.metricsPublic })
  const createContext = createContextFactory(platform, resolveKey)

  // Unexpected failures outside tRPC (hooks, plugins) answer like tRPC's: no message, a reference.
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const statusCode = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500
    if (statusCode >= 500) {
      console.error(`[http] ${request.method} ${request.url.split('?')[0]} (reference ${request.id}):`, error)
      return reply.code(statusCode).send({ statusCode, message: internalErrorMessage(request.id) })
    }
    return reply.code(statusCode).send({ statusCode, message: error.message })
  })

  // Security headers on every response. helmet's middleware is built once here: @fastify/helmet
  // built it again for every request (parsing the CSP each time, ~2% of the server's CPU under load).
  const securityHeaders = helmet({
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    // Served over plain HTTP on a local port: HSTS would be ignored or, behind a proxy, belongs there.
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'no-referrer' },
  })
  app.addHook('onRequest', (request, reply, done) =>
    securityHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined)),
  )

  // Throttles who has not proven who they are: no key (per IP) and keys that do not resolve (per
  // IP, stricter: guessing keys). Signed-in use is unthrottled unless QI_RATE_LIMIT_SIGNED_IN is set.
  // One key lookup per request (hash + query): the rate limit classifies the caller, and the tRPC
  // context takes the actor from here.
  const callers = new WeakMap<
    FastifyRequest,
    { caller: Caller; userId: string | null; actor: Actor | null }
  >()
  const classify = (request: FastifyRequest) => {
    let known = callers.get(request)
    if (!known) {
      const raw = request.headers[API_KEY_HEADER]
      const key = Array.isArray(raw) ? raw[0] : raw
      const actor = key ? resolveKey(key) : null
      known = {
        caller: actor ? 'signed-in' : key ? 'failed-key' : 'anonymous',
        userId: actor?.userId ?? null,
        actor,
      }
      callers.set(request, known)
    }
    return known
  }
  const isApi = (request: FastifyRequest) => request.url === '/trpc' || request.url.startsWith('/trpc/')
  await app.register(fastifyRateLimit, {
    timeWindow: 60_000,
    keyGenerator: (request) => {
      const { caller, userId } = classify(request)
      return caller === 'signed-in' ? `signed-in:${userId}` : `${caller}:${request.ip}`
    },
    max: (request) => {
      const { caller } = classify(request)
      return caller === 'failed-key'
        ? limits.failedKeyPerMinute
        : caller === 'anonymous'
          ? limits.anonymousPerMinute
          : limits.signedInPerMinute
    },
    allowList: (request) =>
      !isApi(request) || (classify(request).caller === 'signed-in' && limits.signedInPerMinute === 0),
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      message: `too many requests: at most ${context.max} a minute without a valid API key; retry in ${context.after}`,
    }),
  })

  // Before any body is read, on every route: the content type must be the one the API uses, and
  // a tRPC batch is bounded.
  app.addHook('onRequest', async (request, reply) => {
    const contentType = request.headers['content-type']
    const mediaType = contentType?.split(';')[0]?.trim().toLowerCase()
    if (mediaType !== undefined && mediaType !== '' && mediaType !== ACCEPTED_CONTENT_TYPE) {
      return reply.code(415).send({
        statusCode: 415,
        message: `content type '${mediaType.slice(0, 100)}' is not accepted; send ${ACCEPTED_CONTENT_TYPE}`,
      })
    }
    const [path = '', query = ''] = request.url.slice('/trpc/'.length).split('?')
    if (isApi(request) && new URLSearchParams(query).get('batch') === '1') {
      const calls = path.split(',').length
      if (calls > limits.maxBatch) {
        return reply.code(400).send({
          statusCode: 400,
          message: `a batch may hold at most ${limits.maxBatch} calls; this one has ${calls}`,
        })
      }
    }
  })

  await registerTrpcRoute(app, {
    router: appRouter,
    maxBatchSize: limits.maxBatch,
    maxBodySize: limits.bodyLimitBytes,
    direct: options.trpcDirect,
    createContext: (req) =>
      createContext({
        headers: req.headers,
        requestId: req.id,
        log: options.logLevel ? requestLog.commandLog(req) : undefined,
        traceContext: requestTraceContext(req),
        resolved: classify(req).actor,
      }),
    onError({ error, path, ctx }) {
      if (error.code === 'INTERNAL_SERVER_ERROR')
        console.error(`[trpc] ${path} (reference ${ctx?.requestId}):`, error.cause ?? error)
    },
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
      return reply.code(404).send({ message: `no route ${request.method} ${path.slice(0, 200)}` })
    })
  }
  return app
}
