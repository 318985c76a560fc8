import { randomUUID } from 'node:crypto'
import { Duplex, finished } from 'node:stream'
import {
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  BACKWARDS,
  CancelledError as ClientCancelledError,
  MaxAppendSizeExceededError as ClientMaxAppendSizeExceededError,
  StreamDeletedError as ClientStreamDeletedError,
  StreamNotFoundError as ClientStreamNotFoundError,
  WrongExpectedVersionError as ClientWrongExpectedVersionError,
  END,
  EventStoreDBClient,
  eventTypeFilter,
  excludeSystemEvents,
  FORWARDS,
  type Position,
  type ResolvedEvent,
  START,
  streamNameFilter,
} from '@eventstore/db-client'
import {
  type ActualRevision,
  EventStoreError,
  InvalidEventError,
  MaxAppendSizeExceededError,
  StoreClosedError,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '../errors'
import { failedSubscription } from '../failed-subscription'
import { matchesFilter } from '../filter'
import type {
  AllFilter,
  AppendOptions,
  AppendResult,
  DeleteResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
  SubscribeToStreamOptions,
  Subscription,
} from '../types'
import { MAX_APPEND_BYTES } from '../types'
import { assertExpectedRevision, assertStreamName, prepareAppend } from '../validation'
import { EsdbSubscription } from './esdb-subscription'

export interface EsdbEventStoreOptions {
  /** e.g. `esdb://localhost:2113?tls=false`. */
  connectionString: string
  /** Must not exceed the server's own limit (EventStoreDB's default is 1 MiB). */
  maxAppendBytes?: number
  /** Page size when readAll filters on the client side. */
  readAllPageSize?: number
  /**
   * How long close() waits for operations already started before it disposes the client anyway
   * (those still running then reject with StoreClosedError). Default 30 s.
   */
  closeTimeoutMs?: number
}

/** How long close() waits for the client to release its gRPC streams. */
const DISPOSE_WAIT_MS = 2000
const CLOSE_TIMEOUT_MS = 30_000

/**
 * At most this many appends are in flight on the client's shared BatchAppend call. The client (6.2.1)
 * queues writes beyond the call's buffer of 16 messages in promises nobody awaits: if the call then
 * fails (the server stops, the client is disposed) every queued write becomes an unhandled rejection,
 * which ends a Node process. Below 16 in flight nothing is ever queued there; extra appends wait here.
 */
const MAX_APPENDS_IN_FLIGHT = 15

/** A system event: in a `$`-prefixed stream or with a `$`-prefixed type. Never shown to the port's callers. */
function isSystemEvent(event: { streamId: string; type: string }) {
  return event.streamId.startsWith('$') || event.type.startsWith('$')
}

function checkMaxCount(maxCount: number | undefined) {
  if (maxCount === undefined) return Number.MAX_SAFE_INTEGER
  if (!Number.isInteger(maxCount) || maxCount < 0) {
    throw new InvalidEventError(-1, `maxCount must be a whole number ≥ 0, got ${maxCount}`)
  }
  return maxCount
}

/** The port's positions are commit positions; a single node's events have prepare == commit for our purposes. */
function allPosition(position: bigint): Position {
  return { commit: position, prepare: position }
}

function actualRevisionOf(actual: bigint | 'no_stream' | undefined): ActualRevision {
  return typeof actual === 'bigint' && actual >= 0n ? actual : 'no_stream'
}

/**
 * The EventStore port on EventStoreDB (or KurrentDB) through `@eventstore/db-client`.
 * Input is validated with the shared `prepareAppend`, so bad input fails with the same typed errors
 * as the embedded store and nothing reaches the server.
 */
export class EsdbEventStore implements EventStore {
  readonly adapter = 'esdb'
  readonly client: EventStoreDBClient
  private readonly maxAppendBytes: number
  private readonly pageSize: number
  private readonly subscriptions = new Set<EsdbSubscription>()
  private readonly closeTimeoutMs: number
  /** Operations started and not yet settled; close() waits for them. */
  private readonly inFlight = new Set<Promise<unknown>>()
  private readonly appendSlots = new Slots(MAX_APPENDS_IN_FLIGHT)
  private closed = false
  /** Set once close() gives up waiting and disposes the client: cancellations are then StoreClosedError. */
  private disposing = false
  private closing: Promise<void> | undefined

  constructor(options: EsdbEventStoreOptions) {
    this.client = EventStoreDBClient.connectionString(options.connectionString)
    this.maxAppendBytes = options.maxAppendBytes ?? MAX_APPEND_BYTES
    this.pageSize = options.readAllPageSize ?? 500
    this.closeTimeoutMs = options.closeTimeoutMs ?? CLOSE_TIMEOUT_MS
  }

  /**
   * Runs one port operation: refused with StoreClosedError once close() has begun, otherwise
   * tracked so close() can wait for it. Whatever the operation throws arrives as a rejection.
   */
  private run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new StoreClosedError())
    const running = (async () => operation())()
    this.inFlight.add(running)
    const settled = () => this.inFlight.delete(running)
    running.then(settled, settled)
    return running
  }

  appendToStream(
    streamName: string,
    events: EventToAppend[],
    options?: AppendOptions,
  ): Promise<AppendResult> {
    return this.run(() => this.append(streamName, events, options))
  }

  private async append(
    streamName: string,
    events: EventToAppend[],
    options?: AppendOptions,
  ): Promise<AppendResult> {
    const prepared = prepareAppend(streamName, events, options, randomUUID, this.maxAppendBytes)
    const expected = prepared.expectedRevision
    await this.appendSlots.acquire()
    try {
      this.assertNotDisposed()
      const result = await this.client.appendToStream(
        prepared.streamName,
        prepared.events.map((event) => ({
          id: event.id,
          type: event.type,
          contentType: 'application/json' as const,
          data: JSON.parse(event.data),
          metadata: JSON.parse(event.metadata),
        })),
        { expectedRevision: expected as AppendExpectedRevision },
      )
      if (!result.position)
        throw new Error(`the server acknowledged an append to '${streamName}' without a position`)
      return { nextExpectedRevision: result.nextExpectedRevision, position: result.position.commit }
    } catch (error) {
      const size = prepared.events.reduce(
        (sum, event) => sum + Buffer.byteLength(event.data) + Buffer.byteLength(event.metadata),
        0,
      )
      throw this.portError(error, streamName, expected, size)
    } finally {
      this.appendSlots.release()
    }
  }

  /** Maps the client's typed errors onto the port's; anything else (connectivity) passes through. */
  private portError(
    error: unknown,
    streamName: string,
    expected: ExpectedRevision = 'any',
    size = 0,
  ): unknown {
    if (error instanceof EventStoreError) return error
    // Only reached when close() timed out and disposed the client under a running operation.
    if (this.disposing && isCancellation(error)) return new StoreClosedError()
    if (error instanceof ClientWrongExpectedVersionError) {
      return new WrongExpectedVersionError(streamName, expected, actualRevisionOf(error.actualVersion))
    }
    if (error instanceof ClientStreamDeletedError) return new StreamDeletedError(streamName)
    if (error instanceof ClientStreamNotFoundError) return new StreamNotFoundError(streamName)
    if (error instanceof ClientMaxAppendSizeExceededError) {
      return new MaxAppendSizeExceededError(streamName, size, error.maxAppendSize)
    }
    return error
  }

  private toRecorded(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | null {
    const event = resolved.event
    if (!event || isSystemEvent(event)) return null
    const position = event.position?.commit ?? resolved.commitPosition
    if (position === undefined) {
      throw new Error(`event ${event.id} in '${event.streamId}' arrived without a $all position`)
    }
    const metadata = event.metadata
    return {
      id: event.id,
      type: event.type,
      streamName: event.streamId,
      revision: event.revision,
      position,
      data: event.data,
      metadata: isJsonObject(metadata) ? metadata : {},
      recordedAt: event.created,
    }
  }

  readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return this.run(() => this.read(streamName, options))
  }

  private async read(streamName: string, options: ReadStreamOptions): Promise<RecordedEvent[]> {
    assertStreamName(streamName)
    const maxCount = checkMaxCount(options.maxCount)
    const backwards = options.direction === 'backwards'
    const from = options.fromRevision ?? (backwards ? 'end' : 'start')
    const events: RecordedEvent[] = []
    try {
      this.assertNotDisposed()
      const read = this.client.readStream(streamName, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: from === 'start' ? START : from === 'end' ? END : from,
        maxCount,
      })
      for await (const resolved of read) {
        const event = this.toRecorded(resolved)
        if (event) events.push(event)
      }
    } catch (error) {
      throw this.portError(error, streamName)
    }
    return events
  }

  readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.run(async () => {
      const maxCount = checkMaxCount(options.maxCount)
      return this.scanAll(options.direction === 'backwards', options.fromPosition, maxCount, options.filter)
    })
  }

  /**
   * The client's readAll has no server-side filter, so this pages through `$all` and filters here
   * (system events always, the caller's filter when given) until `maxCount` events matched.
   */
  private async scanAll(
    backwards: boolean,
    fromPosition: bigint | 'start' | 'end' | undefined,
    maxCount: number,
    filter: AllFilter | undefined,
  ): Promise<RecordedEvent[]> {
    const matched: RecordedEvent[] = []
    if (maxCount === 0) return matched
    const from = fromPosition ?? (backwards ? 'end' : 'start')
    if (!backwards && from === 'end') return matched
    let cursor: Position | typeof START | typeof END =
      from === 'start' ? START : from === 'end' ? END : allPosition(from)
    // Forwards reads include their start position; every page after the first skips it.
    let skipPosition: bigint | null = null
    const pageSize = filter ? this.pageSize : Math.min(this.pageSize, maxCount + 1)
    while (matched.length < maxCount) {
      let received = 0
      let last: Position | undefined
      this.assertNotDisposed()
      for await (const resolved of this.client.readAll({
        direction: backwards ? BACKWARDS : FORWARDS,
        fromPosition: cursor,
        maxCount: pageSize,
      })) {
        received += 1
        last = resolved.event?.position ?? last
        const event = this.toRecorded(resolved)
        if (!event || event.position === skipPosition) continue
        if (!hasUsableFilter(filter) || matchesFilter(filter, event)) matched.push(event)
        if (matched.length >= maxCount) break
      }
      if (received < pageSize || !last) break
      cursor = last
      skipPosition = backwards ? null : last.commit
    }
    return matched
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): Subscription {
    if (this.closed) return failedSubscription(new StoreClosedError())
    const filter = options.filter
    const from = options.fromPosition ?? 'start'
    const serverFilter = hasUsableFilter(filter)
      ? filter.kind === 'streamName'
        ? streamNameFilter({ prefixes: filter.prefixes })
        : eventTypeFilter({ prefixes: filter.prefixes })
      : excludeSystemEvents()
    const source = this.client.subscribeToAll({
      fromPosition: from === 'start' ? START : from === 'end' ? END : allPosition(from),
      filter: serverFilter,
    })
    return this.track(
      new EsdbSubscription(
        source,
        (resolved) => {
          const event = this.toRecorded(resolved)
          // The server filters already; this guards against a server that ignores filters.
          return event && (!hasUsableFilter(filter) || matchesFilter(filter, event)) ? event : null
        },
        (error) => this.portError(error, '$all'),
      ),
    )
  }

  subscribeToStream(streamName: string, options: SubscribeToStreamOptions = {}): Subscription {
    if (this.closed) return failedSubscription(new StoreClosedError())
    try {
      assertStreamName(streamName)
    } catch (error) {
      return failedSubscription(error)
    }
    const from = options.fromRevision ?? 'start'
    const source = this.client.subscribeToStream(streamName, {
      fromRevision: from === 'start' ? START : from === 'end' ? END : from,
    })
    return this.track(
      new EsdbSubscription(
        source,
        (resolved) => this.toRecorded(resolved),
        (error) => this.portError(error, streamName),
      ),
    )
  }

  private track(subscription: EsdbSubscription) {
    this.subscriptions.add(subscription)
    subscription.onClose(() => this.subscriptions.delete(subscription))
    return subscription
  }

  deleteStream(streamName: string, options?: AppendOptions): Promise<DeleteResult> {
    return this.run(() => this.softDelete(streamName, options))
  }

  private async softDelete(streamName: string, options?: AppendOptions): Promise<DeleteResult> {
    assertStreamName(streamName)
    const requested = options?.expectedRevision ?? 'any'
    assertExpectedRevision(requested)
    // The client's deleteStream cannot send 'stream_exists' (the protocol can): pin it to the
    // current revision instead. A concurrent append then fails the delete, which is the safe side.
    let expected: ExpectedRevision = requested
    if (requested === 'stream_exists') {
      const [last] = await this.read(streamName, { direction: 'backwards', maxCount: 1 }).catch((error) => {
        if (error instanceof StreamNotFoundError)
          throw new WrongExpectedVersionError(streamName, requested, 'no_stream')
        throw error
      })
      expected = last!.revision
    }
    try {
      this.assertNotDisposed()
      const result = await this.client.deleteStream(streamName, {
        expectedRevision: expected as 'any' | 'no_stream' | bigint,
      })
      return { position: result.position?.commit ?? (await this.head()) ?? 0n }
    } catch (error) {
      throw this.portError(error, streamName, requested)
    }
  }

  tombstoneStream(streamName: string, options?: AppendOptions): Promise<DeleteResult> {
    return this.run(() => this.tombstone(streamName, options))
  }

  private async tombstone(streamName: string, options?: AppendOptions): Promise<DeleteResult> {
    assertStreamName(streamName)
    const expected = options?.expectedRevision ?? 'any'
    assertExpectedRevision(expected)
    try {
      // The client's type omits 'stream_exists', but its tombstoneStream sends it (unlike deleteStream).
      this.assertNotDisposed()
      const result = await this.client.tombstoneStream(streamName, {
        expectedRevision: expected as 'any' | 'no_stream' | bigint,
      })
      return { position: result.position?.commit ?? (await this.head()) ?? 0n }
    } catch (error) {
      throw this.portError(error, streamName, expected)
    }
  }

  /** The position of the last non-system event in `$all` (system events are invisible through the port). */
  headPosition(): Promise<bigint | null> {
    return this.run(() => this.head())
  }

  private async head(): Promise<bigint | null> {
    const [last] = await this.scanAll(true, 'end', 1, undefined)
    return last ? last.position : null
  }

  /**
   * After a close() that stopped waiting, an operation still queued (for an append slot, for its next
   * page) must not reach the server once close() has returned: it fails instead.
   */
  private assertNotDisposed() {
    if (this.disposing) throw new StoreClosedError()
  }

  /**
   * Drains, then disposes. Disposing the client cancels its gRPC calls: appends still in flight would
   * fail with the client's untyped `CANCELLED` (and, beyond 16 queued on the BatchAppend stream, as
   * unhandled rejections), although the server may already have written them. So close() first
   * refuses new work, ends subscriptions, waits for every operation already started, half-closes the
   * BatchAppend stream so the server ends it cleanly, and only then disposes.
   */
  close(): Promise<void> {
    this.closing ??= this.shutDown()
    return this.closing
  }

  private async shutDown() {
    this.closed = true
    for (const subscription of [...this.subscriptions]) await subscription.close()
    const drained = await settleWithin(Promise.allSettled([...this.inFlight]), this.closeTimeoutMs)
    if (drained) await settleWithin(this.endBatchAppendStreams(), DISPOSE_WAIT_MS)
    this.disposing = true
    // dispose() waits for every gRPC stream the client opened to finish. A read that ended in
    // StreamNotFound leaves its call destroyed but never 'finished' (client 6.2.1), so dispose()
    // would wait forever after any read of a missing stream: bound the wait instead.
    await settleWithin(this.client.dispose(), DISPOSE_WAIT_MS)
  }

  /**
   * The client keeps one BatchAppend call open per connection and dispose() cancels it. A cancelled
   * BatchAppend call makes client 6.2.1 reject every pending append of every client in the process
   * (its table of pending appends is module-wide), so another store's appends would fail. Half-closing
   * it instead lets the server end the call with OK once it has answered what it received.
   */
  private async endBatchAppendStreams() {
    const streams = (this.client as unknown as { disposableStreams?: Set<unknown> }).disposableStreams
    const duplexes = [...(streams ?? [])].filter(isDuplexCall)
    await Promise.all(
      duplexes.map(
        (call) =>
          new Promise<void>((resolve) => {
            finished(call, () => resolve())
            call.end()
          }),
      ),
    )
  }
}

/** A bounded count of concurrent holders; acquire() waits (FIFO) while all are taken. */
class Slots {
  private waiting: Array<() => void> = []

  constructor(private free: number) {}

  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1
      return
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve))
  }

  release() {
    const next = this.waiting.shift()
    if (next) next()
    else this.free += 1
  }
}

/** True when `promise` settled within `ms`. */
async function settleWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const settled = await Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms)
    }),
  ])
  clearTimeout(timer)
  return settled
}

function isDuplexCall(stream: unknown): stream is Duplex {
  return stream instanceof Duplex && !stream.writableEnded
}

/** A call cancelled on the client side (dispose), as the client reports it. */
function isCancellation(error: unknown): boolean {
  if (error instanceof ClientCancelledError) return true
  const text =
    error instanceof Error ? `${error.message} ${String((error as { details?: unknown }).details)}` : ''
  return /CANCELLED|Cancelled on client/i.test(text)
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
  )
}

/** An empty prefix list means "no filter", as the embedded store treats it. */
function hasUsableFilter(filter: AllFilter | undefined): filter is AllFilter {
  return filter !== undefined && filter.prefixes.length > 0
}
