import { Metadata, type ServerErrorResponse, status } from '@grpc/grpc-js'
import type { ActualRevision, ExpectedRevision } from '@qi/eventstore'

/*
 * Errors the real server reports through gRPC status + trailers. The client turns the
 * `exception` trailer into its typed errors (convertToCommandError), so the trailer names below
 * are the protocol, not prose.
 */

function serviceError(code: status, details: string, trailers: Record<string, string>): ServerErrorResponse {
  const metadata = new Metadata()
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value)
  return Object.assign(new Error(details), { code, details, metadata })
}

/** The legacy numeric encoding of an expected version, as the server writes it in trailers. */
export function numericExpectedVersion(expected: ExpectedRevision): string {
  if (expected === 'any') return '-2'
  if (expected === 'no_stream') return '-1'
  if (expected === 'stream_exists') return '-4'
  return expected.toString(10)
}

export function wrongExpectedVersionTrailers(
  streamName: string,
  expected: ExpectedRevision,
  actual: ActualRevision,
) {
  const trailers: Record<string, string> = {
    exception: 'wrong-expected-version',
    'stream-name': streamName,
    'expected-version': numericExpectedVersion(expected),
  }
  if (actual !== 'no_stream') trailers['actual-version'] = actual.toString(10)
  return serviceError(
    status.FAILED_PRECONDITION,
    `Append failed due to WrongExpectedVersion. Stream: ${streamName}, Expected version: ${String(expected)}, Actual version: ${String(actual)}`,
    trailers,
  )
}

export function streamDeletedTrailers(streamName: string) {
  return serviceError(status.FAILED_PRECONDITION, `Event stream '${streamName}' is deleted.`, {
    exception: 'stream-deleted',
    'stream-name': streamName,
  })
}

export function maxAppendSizeTrailers(maxAppendBytes: number) {
  return serviceError(status.INVALID_ARGUMENT, `Maximum Append Size of ${maxAppendBytes} Exceeded.`, {
    exception: 'maximum-append-size-exceeded',
    'maximum-append-size': String(maxAppendBytes),
  })
}

export function accessDenied(reason: string) {
  return serviceError(status.PERMISSION_DENIED, reason, { exception: 'access-denied' })
}

export function invalidArgument(reason: string) {
  return serviceError(status.INVALID_ARGUMENT, reason, {})
}

export function unavailable(reason: string) {
  return serviceError(status.UNAVAILABLE, reason, {})
}
