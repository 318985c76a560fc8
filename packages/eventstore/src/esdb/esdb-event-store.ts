import { randomUUID } from 'node:crypto'
import {
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  BACKWARDS,
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
}

/** A system event: in a `$`-prefixed stream or with a `$`-prefixed type. Never shown to the port's callers. */
/** How long close() waits for the client to release its gRPC streams. */
const DISPOSE_WAIT_MS = 2000

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
  private closed = false

  constructor(options: EsdbEventStoreOptions) {
    this.client = EventStoreDBClient.connectionString(options.connectionString)
    this.maxAppendBytes = options.maxAppendBytes ?? MAX_APPEND_BYTES
    this.pageSize = options.readAllPageSize ?? 500
  }

  async appendToStream(
    streamName: string,
    events: EventToAppend[],
    options?: AppendOptions,
  ): Promise<AppendResult> {
    this.assertOpen()
    const prepared = prepareAppend(streamName, events, options, randomUUID, this.maxAppendBytes)
    const expected = prepared.expectedRevision
    try {
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

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen()
    assertStreamName(streamName)
    const maxCount = checkMaxCount(options.maxCount)
    const backwards = options.direction === 'backwards'
    const from = options.fromRevision ?? (backwards ? 'end' : 'start')
    const events: RecordedEvent[] = []
    try {
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

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen()
    const maxCount = checkMaxCount(options.maxCount)
    return this.scanAll(options.direction === 'backwards', options.fromPosition, maxCount, options.filter)
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
    this.assertOpen()
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
    this.assertOpen()
    assertStreamName(streamName)
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

  async deleteStream(streamName: string, options?: AppendOptions): Promise<DeleteResult> {
    this.assertOpen()
    assertStreamName(streamName)
    const requested = options?.expectedRevision ?? 'any'
    assertExpectedRevision(requested)
    // The client's deleteStream cannot send 'stream_exists' (the protocol can): pin it to the
    // current revision instead. A concurrent append then fails the delete, which is the safe side.
    let expected: ExpectedRevision = requested
    if (requested === 'stream_exists') {
      const [last] = await this.readStream(streamName, { direction: 'backwards', maxCount: 1 }).catch(
        (error) => {
          if (error instanceof StreamNotFoundError)
            throw new WrongExpectedVersionError(streamName, requested, 'no_stream')
          throw error
        },
      )
      expected = last!.revision
    }
    try {
      const result = await this.client.deleteStream(streamName, {
        expectedRevision: expected as 'any' | 'no_stream' | bigint,
      })
      return { position: result.position?.commit ?? (await this.headPosition()) ?? 0n }
    } catch (error) {
      throw this.portError(error, streamName, requested)
    }
  }

  async tombstoneStream(streamName: string, options?: AppendOptions): Promise<DeleteResult> {
    this.assertOpen()
    assertStreamName(streamName)
    const expected = options?.expectedRevision ?? 'any'
    assertExpectedRevision(expected)
    try {
      // The client's type omits 'stream_exists', but its tombstoneStream sends it (unlike deleteStream).
      const result = await this.client.tombstoneStream(streamName, {
        expectedRevision: expected as 'any' | 'no_stream' | bigint,
      })
      return { position: result.position?.commit ?? (await this.headPosition()) ?? 0n }
    } catch (error) {
      throw this.portError(error, streamName, expected)
    }
  }

  /** The position of the last non-system event in `$all` (system events are invisible through the port). */
  async headPosition(): Promise<bigint | null> {
    this.assertOpen()
    const [last] = await this.scanAll(true, 'end', 1, undefined)
    return last ? last.position : null
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    for (const subscription of [...this.subscriptions]) await subscription.close()
    // dispose() waits for every gRPC stream the client opened to finish. A read that ended in
    // StreamNotFound leaves its call destroyed but never 'finished' (client 6.2.1), so dispose()
    // would wait forever after any read of a missing stream: bound the wait instead.
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      this.client.dispose(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, DISPOSE_WAIT_MS)
      }),
    ])
    clearTimeout(timer)
  }

  private assertOpen() {
    if (this.closed) throw new StoreClosedError()
  }
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
