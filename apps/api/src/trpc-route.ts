import type { AnyRouter, inferRouterContext } from '@trpc/server'
import { fastifyRequestHandler } from '@trpc/server/adapters/fastify'
import {
  type AnyProcedure,
  getErrorShape,
  getHTTPStatusCode,
  getTRPCErrorFromUnknown,
  type TRPCError,
  transformTRPCResponse,
} from '@trpc/server/unstable-core-do-not-import'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

export interface TrpcRouteOptions<TRouter extends AnyRouter> {
  router: TRouter
  createContext: (
    request: FastifyRequest,
  ) => inferRouterContext<TRouter> | Promise<inferRouterContext<TRouter>>
  onError?: (failure: {
    error: TRPCError
    path: string | undefined
    ctx: inferRouterContext<TRouter> | undefined
  }) => void
  maxBatchSize: number
  maxBodySize: number
  /** Answer single calls directly (default true); false sends every request through tRPC's adapter. */
  direct?: boolean
}

/**
 * Serves the router under `/trpc/:path`. tRPC's Fastify adapter turns every request into a Fetch
 * `Request` (URL, Headers, AbortController, a body stream) and its answer into a `Response` that
 * Fastify then reads back: under load that was about a fifth of the server's CPU. A single query
 * (GET) or mutation (POST, application/json) — what the web app and API clients send — is answered
 * here with tRPC's own pieces instead: the same procedure call (middlewares, input parser), the same
 * transformer, error shape and HTTP status, so the wire format does not change (`trpc-route.int.spec`
 * compares both paths). Everything else (batches, other methods or content types, streaming, an
 * unknown procedure or a procedure of the other type, input that does not parse) goes through the
 * adapter, which answers it as before; the direct path gives up before anything has run.
 */
export async function registerTrpcRoute<TRouter extends AnyRouter>(
  app: FastifyInstance,
  options: TrpcRouteOptions<TRouter>,
) {
  const { router } = options
  const config = router._def._config
  const procedures = router._def.procedures as Record<string, AnyProcedure | undefined>
  const adapterOptions = {
    router,
    maxBatchSize: options.maxBatchSize,
    maxBodySize: options.maxBodySize,
    createContext: ({ req }: { req: FastifyRequest }) => options.createContext(req),
    onError: options.onError
      ? ({ error, path, ctx }: { error: TRPCError; path: string | undefined; ctx: unknown }) =>
          options.onError?.({ error, path, ctx: ctx as inferRouterContext<TRouter> | undefined })
      : undefined,
  }

  /** Answers a single call and returns true, or returns false having done nothing. */
  async function direct(request: FastifyRequest, reply: FastifyReply, urlPath: string): Promise<boolean> {
    const { method } = request
    if (method !== 'GET' && method !== 'POST') return false
    const headers = request.headers
    if (headers['trpc-accept'] !== undefined || headers.accept?.includes('application/jsonl')) return false
    const queryAt = request.url.indexOf('?')
    const search = new URLSearchParams(queryAt < 0 ? '' : request.url.slice(queryAt + 1))
    if (search.has('batch') || search.has('connectionParams')) return false
    let path: string
    try {
      path = decodeURIComponent(urlPath)
    } catch {
      return false
    }
    const procedure = Object.hasOwn(procedures, path) ? procedures[path] : undefined
    if (typeof procedure !== 'function' || !procedure._def?.procedure) return false
    const type = procedure._def.type
    if (!(type === 'query' && method === 'GET') && !(type === 'mutation' && method === 'POST')) return false
    let text: string | null | undefined
    if (method === 'GET') text = search.get('input')
    else {
      const contentType = headers['content-type']?.split(';', 1)[0]?.trim().toLowerCase()
      if (
        contentType !== 'application/json' ||
        (request.body !== undefined && typeof request.body !== 'string')
      )
        return false
      text = request.body as string | undefined
    }
    let input: unknown
    try {
      input = text ? config.transformer.input.deserialize(JSON.parse(text)) : undefined
    } catch {
      return false
    }

    let ctx: inferRouterContext<TRouter> | undefined
    let answer: { result: { data: unknown } } | { error: ReturnType<typeof getErrorShape> }
    let error: TRPCError | null = null
    try {
      ctx = await options.createContext(request)
      answer = {
        result: {
          data: await procedure({
            path,
            getRawInput: async () => input,
            ctx,
            type,
            signal: undefined,
            batchIndex: 0,
          }),
        },
      }
    } catch (cause) {
      error = getTRPCErrorFromUnknown(cause)
      options.onError?.({ error, path, ctx })
      answer = { error: getErrorShape({ config, ctx, error, input, path, type }) }
    }
    const status = getHTTPStatusCode([answer], error ? [error] : [])
    reply
      .code(status)
      .header('vary', 'trpc-accept, accept')
      .header('content-type', 'application/json')
      // A Buffer, so Fastify adds no charset: the header is tRPC's, byte for byte.
      .send(Buffer.from(JSON.stringify(transformTRPCResponse(config, answer))))
    return true
  }

  await app.register(
    async (scope) => {
      // As tRPC's plugin does: the body stays text, tRPC (or `direct`) parses it.
      scope.removeContentTypeParser('application/json')
      scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) =>
        done(null, body),
      )
      scope.removeContentTypeParser('multipart/form-data')
      scope.addContentTypeParser('multipart/form-data', {}, (_request, body, done) => done(null, body))
      scope.all('/:path', async (request, reply) => {
        const { path } = request.params as { path: string }
        if (options.direct !== false && (await direct(request, reply, path))) return reply
        await fastifyRequestHandler({ ...adapterOptions, req: request, res: reply, path })
        return reply
      })
    },
    { prefix: '/trpc' },
  )
}
