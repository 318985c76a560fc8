import type { ExpectedRevision } from './types'

export type EventStoreErrorCode =
  | 'WRONG_EXPECTED_VERSION'
  | 'STREAM_NOT_FOUND'
  | 'STREAM_DELETED'
  | 'MAX_APPEND_SIZE_EXCEEDED'
  | 'INVALID_EVENT'
  | 'INVALID_STREAM_NAME'
  | 'STORE_CLOSED'

export class EventStoreError extends Error {
  constructor(
    readonly code: EventStoreErrorCode,
    message: string,
  ) {
    super(message)
    this.name = new.target.name
  }
}

export type ActualRevision = bigint | 'no_stream'

export class WrongExpectedVersionError extends EventStoreError {
  constructor(
    readonly streamName: string,
    readonly expected: ExpectedRevision,
    readonly actual: ActualRevision,
  ) {
    super(
      'WRONG_EXPECTED_VERSION',
      `stream '${streamName}': expected revision ${String(expected)} but the stream is at ${String(actual)}`,
    )
  }
}

/**
 * An expected outcome, not a fault: every command on a new stream reads it first and gets this.
 * Built without a stack trace (capturing one was ~1.5% of the server's CPU under a load of new
 * reports); the message names the stream.
 */
export class StreamNotFoundError extends EventStoreError {
  readonly streamName: string
  constructor(streamName: string) {
    const stackTraceLimit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    super('STREAM_NOT_FOUND', `stream '${streamName}' does not exist`)
    Error.stackTraceLimit = stackTraceLimit
    this.streamName = streamName
  }
}

export class StreamDeletedError extends EventStoreError {
  constructor(readonly streamName: string) {
    super(
      'STREAM_DELETED',
      `stream '${streamName}' has been tombstoned (hard deleted) and cannot be used again`,
    )
  }
}

export class MaxAppendSizeExceededError extends EventStoreError {
  constructor(
    readonly streamName: string,
    readonly size: number,
    readonly maxSize: number,
  ) {
    super(
      'MAX_APPEND_SIZE_EXCEEDED',
      `append to '${streamName}' is ${size} bytes; the maximum append size is ${maxSize} bytes`,
    )
  }
}

export class InvalidEventError extends EventStoreError {
  constructor(
    readonly index: number,
    readonly reason: string,
  ) {
    super('INVALID_EVENT', `event #${index}: ${reason}`)
  }
}

export class InvalidStreamNameError extends EventStoreError {
  constructor(
    readonly streamName: unknown,
    reason: string,
  ) {
    super('INVALID_STREAM_NAME', `invalid stream name ${JSON.stringify(streamName)}: ${reason}`)
  }
}

export class StoreClosedError extends EventStoreError {
  constructor() {
    super('STORE_CLOSED', 'the event store has been closed')
  }
}
