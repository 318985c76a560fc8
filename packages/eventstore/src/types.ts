/**
 * The EventStore port. Semantics follow EventStoreDB so that the embedded SQLite adapter and the
 * EventStoreDB adapter are interchangeable and pass one conformance suite:
 * - stream revisions are 0-based;
 * - `$all` positions are bigint, strictly increasing in commit order;
 * - readAll forwards from a position is inclusive, backwards is exclusive;
 * - a subscription from a position starts strictly after it.
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint

/** Where a read or subscription begins. */
export type StreamPosition = 'start' | 'end'

export type JsonObject = { [key: string]: JsonValue }
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject

export interface EventToAppend {
  /** A UUID. Supply it to make an append idempotent; one is generated when absent. */
  id?: string
  type: string
  data: unknown
  metadata?: Record<string, unknown>
}

export interface AppendOptions {
  expectedRevision?: ExpectedRevision
}

export interface AppendResult {
  /** The revision of the last event now in the stream (0-based). */
  nextExpectedRevision: bigint
  /** The `$all` position of the last event written by this append. */
  position: bigint
}

export interface RecordedEvent<TData = unknown, TMetadata = Record<string, unknown>> {
  id: string
  type: string
  streamName: string
  revision: bigint
  position: bigint
  data: TData
  metadata: TMetadata
  recordedAt: Date
}

export type Direction = 'forwards' | 'backwards'

export interface ReadStreamOptions {
  direction?: Direction
  /** Inclusive. Defaults to 'start' forwards and 'end' backwards. */
  fromRevision?: bigint | StreamPosition
  maxCount?: number
}

/** A server-side filter, as EventStoreDB offers: by stream-name prefix or by event-type prefix. */
export type AllFilter = { kind: 'streamName'; prefixes: string[] } | { kind: 'eventType'; prefixes: string[] }

export interface ReadAllOptions {
  direction?: Direction
  /** Forwards: inclusive. Backwards: exclusive. Defaults to 'start' forwards and 'end' backwards. */
  fromPosition?: bigint | StreamPosition
  maxCount?: number
  filter?: AllFilter
}

export interface SubscribeToAllOptions {
  /** Exclusive: the first event delivered is the first one after this position. */
  fromPosition?: bigint | StreamPosition
  filter?: AllFilter
}

export interface SubscribeToStreamOptions {
  /** Exclusive: the first event delivered has a revision greater than this one. */
  fromRevision?: bigint | StreamPosition
}

/**
 * An async iterable that catches up from its start and then stays live. It never skips,
 * duplicates or reorders events. `close()` ends the iteration (the current `next()` resolves done);
 * so does closing the store.
 *
 * `subscribeToAll`/`subscribeToStream` never throw: when the subscription cannot start (the store is
 * closed: StoreClosedError; an invalid stream name: InvalidStreamNameError) the error arrives through
 * the iteration, as the first `next()` rejecting — the same rule as every other method, whose
 * failures arrive as rejected promises.
 */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>
}

export interface DeleteResult {
  /** The store's head position when the deletion was recorded. */
  position: bigint
}

export interface EventStore {
  readonly adapter: string
  appendToStream(streamName: string, events: EventToAppend[], options?: AppendOptions): Promise<AppendResult>
  /** Throws StreamNotFoundError when the stream has no (visible) events, StreamDeletedError when tombstoned. */
  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>
  subscribeToAll(options?: SubscribeToAllOptions): Subscription
  subscribeToStream(streamName: string, options?: SubscribeToStreamOptions): Subscription
  /**
   * Soft delete: the stream reads as not found; a later append restarts it and its revisions continue.
   * A stream that was never written cannot be soft-deleted: WrongExpectedVersionError (actual
   * 'no_stream') whatever the expected revision, as EventStoreDB answers (KurrentDB issue #4637).
   */
  deleteStream(streamName: string, options?: AppendOptions): Promise<DeleteResult>
  /**
   * Hard delete: every later append or read of the stream fails with StreamDeletedError. Tombstoning a
   * stream that was never written succeeds with 'any' or 'no_stream', as on EventStoreDB.
   */
  tombstoneStream(streamName: string, options?: AppendOptions): Promise<DeleteResult>
  /** The position of the last event in `$all`, or null when the store is empty. */
  headPosition(): Promise<bigint | null>
  /**
   * Waits for the operations already started (appends, reads, deletions) to finish, ends open
   * subscriptions, then releases the store. Operations started afterwards reject with StoreClosedError.
   */
  close(): Promise<void>
}

/** EventStoreDB's default maximum append size. */
export const MAX_APPEND_BYTES = 1024 * 1024
