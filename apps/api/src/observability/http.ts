import { context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { tracer } from '@qi/projections'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Telemetry } from './telemetry'

declare module 'fastify' {
  interface FastifyRequest {
    otelSpan: Span | null
  }
}

/** The label a request is measured under: its tRPC procedure, "batch", or its route. */
export function procedureOf(request: FastifyRequest): string {
  const path = request.url.split('?')[0] ?? ''
  if (path.startsWith('/trpc/')) {
    const procedures = path.slice('/trpc/'.length)
    return procedures.includes(',') ? 'batch' : decodeURIComponent(procedures).slice(0, 100)
  }
  return request.routeOptions?.url ?? 'unmatched'
}

/** The request's trace context, for the tRPC context (the procedure span's parent). */
export function requestTraceContext(request: FastifyRequest) {
  return request.otelSpan ? trace.setSpan(context.active(), request.otelSpan) : undefined
}

const isLoopback = (address: string) =>
  address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1'

/**
 * A server span and a latency observation per HTTP request, and `/metrics` in Prometheus' text
 * format — served to loopback callers (a scraper beside the process, or through the operator's
 * proxy), and to anyone when `QI_METRICS_PUBLIC=1`.
 */
export function registerHttpObservability(
  app: FastifyInstance,
  telemetry: Telemetry,
  options: { metricsPublic?: boolean } = {},
) {
  app.decorateRequest('otelSpan', null)
  app.addHook('onRequest', async (request) => {
    const procedure = procedureOf(request)
    request.otelSpan = tracer.startSpan(`HTTP ${request.method} ${procedure}`, {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': request.method,
        'url.path': request.url.split('?')[0] ?? '',
        'qi.procedure': procedure,
      },
    })
  })
  app.addHook('onResponse', async (request, reply) => {
    const procedure = procedureOf(request)
    const status = reply.statusCode
    telemetry.httpSeconds.observe(
      { procedure, method: request.method, status: String(status) },
      reply.elapsedTime / 1000,
    )
    telemetry.commands.inc({
      procedure,
      outcome: status >= 500 ? 'server_error' : status >= 400 ? 'client_error' : 'ok',
    })
    const span = request.otelSpan
    if (span) {
      span.setAttribute('http.response.status_code', status)
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR })
      span.end()
    }
  })
  app.get('/metrics', async (request, reply) => {
    if (!isLoopback(request.ip) && !options.metricsPublic) {
      return reply
        .code(403)
        .send({ message: 'metrics are served to loopback callers only (QI_METRICS_PUBLIC=1 to open)' })
    }
    reply.type(telemetry.registry.contentType)
    return telemetry.registry.metrics()
  })
}
