import { DomainError, type DomainErrorKind, RuleViolationError } from '@qi/decider'
import { EventStoreError, WrongExpectedVersionError } from '@qi/eventstore'
import { ProjectionWaitTimeoutError } from '@qi/projections'
import { TRPCError } from '@trpc/server'
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc'

const CODE_BY_KIND: Record<DomainErrorKind, TRPC_ERROR_CODE_KEY> = {
  rule: 'PRECONDITION_FAILED',
  not_found: 'NOT_FOUND',
  conflict: 'CONFLICT',
  invalid: 'BAD_REQUEST',
  forbidden: 'FORBIDDEN',
}

/** Maps domain and store errors to tRPC errors; anything else stays an internal error. */
export function toTrpcError(error: unknown): TRPCError {
  if (error instanceof TRPCError) return error
  if (error instanceof DomainError) {
    return new TRPCError({ code: CODE_BY_KIND[error.kind], message: error.message, cause: error })
  }
  if (error instanceof WrongExpectedVersionError) {
    return new TRPCError({ code: 'CONFLICT', message: error.message, cause: error })
  }
  if (error instanceof ProjectionWaitTimeoutError) {
    return new TRPCError({ code: 'TIMEOUT', message: error.message, cause: error })
  }
  if (error instanceof EventStoreError) {
    const code =
      error.code === 'STREAM_NOT_FOUND'
        ? 'NOT_FOUND'
        : error.code === 'STORE_CLOSED'
          ? 'INTERNAL_SERVER_ERROR'
          : 'BAD_REQUEST'
    return new TRPCError({ code, message: error.message, cause: error })
  }
  return new TRPCError({
    code: 'INTERNAL_SERVER_ERROR',
    message: error instanceof Error ? error.message : 'internal error',
    cause: error,
  })
}

/** Extra fields a client can use: the failing rule, item and field of a rule violation. */
export function violationDetails(cause: unknown) {
  if (cause instanceof RuleViolationError) {
    return { rule: cause.rule, item: cause.item ?? null, field: cause.field ?? null }
  }
  return null
}
