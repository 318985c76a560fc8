import { type Context, context as otelContext } from '@opentelemetry/api'
import { inSpan } from '@qi/projections'

/** The part of a request logger (pino, through Fastify) procedures write to. */
export interface RequestLog {
  info(fields: Record<string, unknown>, message: string): void
  warn(fields: Record<string, unknown>, message: string): void
}

export interface ObservedCall {
  path: string
  type: string
  actorOrg: string | null
  requestId: string
  log?: RequestLog
  parent?: Context
}

/**
 * Every procedure call runs in a span (a child of the HTTP request's span), and a mutation is
 * logged with what an operator needs: request id, organisation, procedure, stream, position,
 * events and duration — never the API key or the command's data.
 */
export async function observeCall<T extends { ok: boolean }>(
  call: ObservedCall,
  next: () => Promise<T>,
): Promise<T> {
  const started = performance.now()
  return inSpan(
    `trpc ${call.path}`,
    {
      parent: call.parent ?? otelContext.active(),
      attributes: { 'rpc.system': 'trpc', 'rpc.method': call.path, 'qi.org': call.actorOrg ?? 'public' },
    },
    async (span) => {
      const result = await next()
      const durationMs = Math.round((performance.now() - started) * 100) / 100
      if (call.type === 'mutation' && call.log) {
        const data = result.ok ? (result as unknown as { data?: unknown }).data : undefined
        const command = isMutationResult(data)
          ? {
              stream: data.streamName,
              position: data.position?.toString() ?? null,
              events: data.events,
              duplicate: data.duplicate,
            }
          : {}
        const fields = {
          reqId: call.requestId,
          org: call.actorOrg,
          procedure: call.path,
          ...command,
          durationMs,
        }
        if (result.ok) call.log.info(fields, 'command')
        else
          call.log.warn(
            { ...fields, error: (result as unknown as { error?: { code?: string } }).error?.code },
            'command refused',
          )
      }
      if (!result.ok)
        span.setAttribute(
          'qi.error',
          (result as unknown as { error?: { code?: string } }).error?.code ?? 'error',
        )
      return result
    },
  )
}

function isMutationResult(
  data: unknown,
): data is { streamName: string; position: bigint | null; events: string[]; duplicate: boolean } {
  return typeof data === 'object' && data !== null && 'streamName' in data && 'events' in data
}
