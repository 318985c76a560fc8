import { type Context, context, type Link, type Span, SpanStatusCode, trace } from '@opentelemetry/api'

/**
 * OpenTelemetry helpers shared by the command path and the runners. Without a registered tracer
 * provider (no OTEL_EXPORTER_OTLP_ENDPOINT) every call is a no-op. Events carry the W3C
 * `traceparent` of the command that wrote them in their metadata, so a projection's apply and a
 * policy's follow-up link back to it: the causation chain as span links.
 */
export const tracer = trace.getTracer('qi-ledger')

/** The active span as a W3C traceparent, or undefined when nothing is traced. */
export function currentTraceparent(): string | undefined {
  const span = trace.getActiveSpan()
  if (!span) return undefined
  const { traceId, spanId, traceFlags } = span.spanContext()
  if (!trace.isSpanContextValid(span.spanContext())) return undefined
  return `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, '0')}`
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/

/** A span link to the command that wrote an event (from its metadata), if it was traced. */
export function linkToWriter(metadata: unknown): Link | null {
  const value = (metadata as { traceparent?: unknown } | null)?.traceparent
  if (typeof value !== 'string') return null
  const match = TRACEPARENT.exec(value)
  if (!match) return null
  return {
    context: {
      traceId: match[1]!,
      spanId: match[2]!,
      traceFlags: Number.parseInt(match[3]!, 16),
      isRemote: true,
    },
  }
}

/** Runs `work` in a new active span; records an exception and error status when it throws. */
export async function inSpan<T>(
  name: string,
  options: { attributes?: Record<string, string | number | boolean>; links?: Link[]; parent?: Context },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active()
  return tracer.startActiveSpan(
    name,
    { attributes: options.attributes, links: options.links },
    parent,
    async (span) => {
      try {
        return await work(span)
      } catch (error) {
        span.recordException(error as Error)
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : String(error),
        })
        throw error
      } finally {
        span.end()
      }
    },
  )
}
