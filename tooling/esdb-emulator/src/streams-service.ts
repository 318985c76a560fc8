import { randomUUID } from 'node:crypto'
import type * as StreamsPb from '@eventstore/db-client/generated/streams_pb'
import type {
  ServerDuplexStream,
  ServerErrorResponse,
  ServerReadableStream,
  ServerUnaryCall,
  ServerWritableStream,
  sendUnaryData,
  UntypedServiceImplementation,
} from '@grpc/grpc-js'
import {
  EventStoreError,
  type ExpectedRevision,
  type RecordedEvent,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@qi/eventstore'
import type { EmulatorBackend } from './backend'
import {
  linkTarget,
  type ProposedEvent,
  proposedSize,
  readEventResponse,
  streamIdentifier,
  streamNameOf,
  uuidText,
} from './codec'
import {
  accessDenied,
  invalidArgument,
  maxAppendSizeTrailers,
  streamDeletedTrailers,
  unavailable,
  wrongExpectedVersionTrailers,
} from './errors'
import {
  type AppendReq,
  type AppendResp,
  type BatchAppendReq,
  type BatchAppendResp,
  codePb,
  type DeleteReq,
  type DeleteResp,
  type FilterOptionsPb,
  GoogleAny,
  GoogleEmpty,
  type ReadReq,
  type ReadResp,
  sharedPb,
  statusPb,
  streamsPb,
  type TombstoneReq,
  type TombstoneResp,
} from './protocol'

export interface StreamsServiceSettings {
  maxAppendBytes: number
  /** How often a live subscription re-reads the store without a commit signal (another process may write the file). */
  pollIntervalMs: number
  /** The server's default search window for filtered reads when the client sends none. */
  defaultMaxSearchWindow: number
}

const PAGE = 500
/** setTimeout's largest delay; later deadlines (the client sends one year for "none") are not armed. */
const MAX_TIMER_MS = 2 ** 31 - 1
const METASTREAM_PREFIX = '$$'

/** Rejections the port raises, translated into what the protocol reports. */
function isPortError(error: unknown): error is EventStoreError {
  return error instanceof EventStoreError
}

function expectedRevisionOf(options: {
  hasAny(): boolean
  hasNoStream(): boolean
  hasStreamExists(): boolean
  getRevision?: () => string
  getStreamPosition?: () => string
}): ExpectedRevision {
  if (options.hasNoStream()) return 'no_stream'
  if (options.hasStreamExists()) return 'stream_exists'
  if (options.hasAny()) return 'any'
  const revision = options.getRevision?.() ?? options.getStreamPosition?.() ?? '0'
  return BigInt(revision)
}

function proposedEvent(
  message: StreamsPb.AppendReq.ProposedMessage | StreamsPb.BatchAppendReq.ProposedMessage,
): ProposedEvent {
  const map = message.getMetadataMap()
  return {
    id: uuidText(message.getId()) ?? randomUUID(),
    type: map.get('type') ?? '',
    contentType: map.get('content-type') ?? 'application/octet-stream',
    data: message.getData_asU8(),
    customMetadata: message.getCustomMetadata_asU8(),
  }
}

/** Encodes one event for a read or subscription (uuid option and link resolution applied). */
type Respond = (event: RecordedEvent) => Promise<ReadResp>

type EventPredicate = (event: Pick<RecordedEvent, 'streamName' | 'type'>) => boolean

interface CompiledFilter {
  matches: EventPredicate
  /** Emit a checkpoint every this many scanned events. */
  checkpointEvery: number
}

function compileFilter(filter: FilterOptionsPb, defaultMaxSearchWindow: number): CompiledFilter {
  const onStream = filter.hasStreamIdentifier()
  const expression = onStream ? filter.getStreamIdentifier() : filter.getEventType()
  const regexText = expression?.getRegex() ?? ''
  const prefixes = expression?.getPrefixList() ?? []
  const regex = regexText ? new RegExp(regexText) : null
  const matches: EventPredicate = (event) => {
    const value = onStream ? event.streamName : event.type
    if (regex && !regex.test(value)) return false
    if (prefixes.length > 0 && !prefixes.some((prefix) => value.startsWith(prefix))) return false
    return true
  }
  const window = filter.hasMax() ? filter.getMax() : defaultMaxSearchWindow
  const multiplier = Math.max(1, filter.getCheckpointintervalmultiplier())
  return { matches, checkpointEvery: Math.max(1, window * multiplier) }
}

/** Writes one message, waiting for the transport when its buffer is full. False when the call ended. */
async function send<T>(
  call: ServerWritableStream<ReadReq, T>,
  message: T,
  stopped: AbortSignal,
): Promise<boolean> {
  if (stopped.aborted) return false
  if (call.write(message)) return true
  await new Promise<void>((resolve) => {
    const done = () => {
      call.off('drain', done)
      stopped.removeEventListener('abort', done)
      resolve()
    }
    call.on('drain', done)
    stopped.addEventListener('abort', done)
  })
  return !stopped.aborted
}

function checkpointResponse(position: bigint): ReadResp {
  const checkpoint = new streamsPb.ReadResp.Checkpoint()
  checkpoint.setCommitPosition(position.toString(10))
  checkpoint.setPreparePosition(position.toString(10))
  const response = new streamsPb.ReadResp()
  response.setCheckpoint(checkpoint)
  return response
}

function confirmationResponse(): ReadResp {
  const confirmation = new streamsPb.ReadResp.SubscriptionConfirmation()
  confirmation.setSubscriptionId(randomUUID())
  const response = new streamsPb.ReadResp()
  response.setConfirmation(confirmation)
  return response
}

function caughtUpResponse(): ReadResp {
  const response = new streamsPb.ReadResp()
  response.setCaughtUp(new streamsPb.ReadResp.CaughtUp())
  return response
}

function streamNotFoundResponse(streamName: string): ReadResp {
  const notFound = new streamsPb.ReadResp.StreamNotFound()
  notFound.setStreamIdentifier(streamIdentifier(streamName))
  const response = new streamsPb.ReadResp()
  response.setStreamNotFound(notFound)
  return response
}

function countOf(text: string): number {
  const count = BigInt(text || '0')
  return count > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(count)
}

/**
 * The `event_store.client.streams.Streams` service over an EmulatorBackend. `shutdown` aborts
 * every live subscription when the emulator stops.
 */
export function streamsService(
  backend: EmulatorBackend,
  settings: StreamsServiceSettings,
  shutdown: AbortSignal,
): UntypedServiceImplementation {
  const store = backend.store

  /** Validates size and routing, then appends; throws protocol errors (ServerErrorResponse) or port errors. */
  async function appendProposed(streamName: string, events: ProposedEvent[], expected: ExpectedRevision) {
    if (proposedSize(events) > settings.maxAppendBytes) throw maxAppendSizeTrailers(settings.maxAppendBytes)
    if (events.length === 0) {
      // The server accepts an empty append as a no-op that reports the stream's current state.
      const last = streamName.startsWith('$') ? null : await backend.lastRevision(streamName)
      return { nextExpectedRevision: last ?? -1n, position: (await store.headPosition()) ?? 0n, empty: true }
    }
    if (streamName.startsWith(METASTREAM_PREFIX)) {
      return { ...backend.appendMetastream(streamName, events, expected), empty: false }
    }
    if (streamName.startsWith('$'))
      throw accessDenied(`the emulator does not accept writes to system stream '${streamName}'`)
    return { ...(await backend.append(streamName, events, expected)), empty: false }
  }

  function protocolErrorOf(error: unknown, streamName: string): ServerErrorResponse {
    if (error instanceof StreamDeletedError) return streamDeletedTrailers(streamName)
    if (error instanceof WrongExpectedVersionError) {
      return wrongExpectedVersionTrailers(streamName, error.expected, error.actual)
    }
    if (isPortError(error)) return invalidArgument(error.message)
    if (error instanceof Error && 'code' in error) return error as ServerErrorResponse
    return unavailable(error instanceof Error ? error.message : String(error))
  }

  function append(call: ServerReadableStream<AppendReq, AppendResp>, callback: sendUnaryData<AppendResp>) {
    let options: StreamsPb.AppendReq.Options | undefined
    const events: ProposedEvent[] = []
    let received = false
    // A server going down answers a call still receiving its events UNAVAILABLE, as a real server
    // does; an append already received completes first.
    const onShutdown = () => {
      if (received) return
      received = true
      callback(unavailable('Server is shutting down.'))
    }
    if (shutdown.aborted) return onShutdown()
    shutdown.addEventListener('abort', onShutdown, { once: true })
    call.on('data', (request: AppendReq) => {
      if (request.hasOptions()) options = request.getOptions()
      else if (request.hasProposedMessage()) events.push(proposedEvent(request.getProposedMessage()!))
    })
    call.on('end', async () => {
      if (received) return
      received = true
      shutdown.removeEventListener('abort', onShutdown)
      if (!options) return callback(invalidArgument('the first AppendReq must carry options'))
      const streamName = streamNameOf(options.getStreamIdentifier())
      const expected = expectedRevisionOf(options)
      const response = new streamsPb.AppendResp()
      try {
        const result = await appendProposed(streamName, events, expected)
        const success = new streamsPb.AppendResp.Success()
        if (result.nextExpectedRevision < 0n) success.setNoStream(new sharedPb.Empty())
        else success.setCurrentRevision(result.nextExpectedRevision.toString(10))
        const position = new streamsPb.AppendResp.Position()
        position.setCommitPosition(result.position.toString(10))
        position.setPreparePosition(result.position.toString(10))
        success.setPosition(position)
        response.setSuccess(success)
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) return callback(protocolErrorOf(error, streamName))
        // Append reports a concurrency conflict in its response message, not as a gRPC error.
        const wrong = new streamsPb.AppendResp.WrongExpectedVersion()
        if (error.actual === 'no_stream') wrong.setCurrentNoStream(new sharedPb.Empty())
        else wrong.setCurrentRevision(error.actual.toString(10))
        if (expected === 'any') wrong.setExpectedAny(new sharedPb.Empty())
        else if (expected === 'no_stream') wrong.setExpectedNoStream(new sharedPb.Empty())
        else if (expected === 'stream_exists') wrong.setExpectedStreamExists(new sharedPb.Empty())
        else wrong.setExpectedRevision(expected.toString(10))
        response.setWrongExpectedVersion(wrong)
      }
      callback(null, response)
    })
    call.on('error', () => {
      // The client went away mid-append; nothing was written because appends run on 'end'.
      shutdown.removeEventListener('abort', onShutdown)
    })
  }

  function batchAppend(call: ServerDuplexStream<BatchAppendReq, BatchAppendResp>) {
    interface PendingBatch {
      options: StreamsPb.BatchAppendReq.Options
      events: ProposedEvent[]
      correlationId: NonNullable<ReturnType<BatchAppendReq['getCorrelationId']>>
      /** Epoch ms by which the append must be done (BatchAppendReq.Options.deadline), or null. */
      deadline: number | null
      deadlineTimer?: NodeJS.Timeout
    }
    const pending = new Map<string, PendingBatch>()
    const closed = new AbortController()
    const inFlight = new Set<Promise<void>>()
    // The client half-closes when it is disposed: answer the appends already received, then end.
    const endCall = async () => {
      await Promise.allSettled([...inFlight])
      if (closed.signal.aborted) return
      closed.abort()
      call.end()
    }
    // Shutdown: appends already being written are answered; the call then fails UNAVAILABLE, so the
    // client rejects whatever it still waits for (a clean end would leave later appends unanswered).
    const failCall = async () => {
      await Promise.allSettled([...inFlight])
      if (closed.signal.aborted) return
      closed.abort()
      call.emit('error', unavailable('Server is shutting down.'))
    }
    call.on('cancelled', () => closed.abort())
    call.on('error', () => closed.abort())
    call.on('end', endCall)
    shutdown.addEventListener('abort', failCall)
    closed.signal.addEventListener('abort', () => {
      shutdown.removeEventListener('abort', failCall)
      for (const batch of pending.values()) clearTimeout(batch.deadlineTimer)
    })
    if (shutdown.aborted) void failCall()

    function statusWithDetail(code: number, message: string, typeName: string, payload: Uint8Array) {
      const detail = new GoogleAny()
      detail.pack(payload, typeName)
      const status = new statusPb.Status()
      status.setCode(code)
      status.setMessage(message)
      status.setDetails(detail)
      return status
    }

    function responseFor(batch: PendingBatch) {
      const streamName = streamNameOf(batch.options.getStreamIdentifier())
      const expected = expectedRevisionOf(batch.options)
      const response = new streamsPb.BatchAppendResp()
      response.setCorrelationId(batch.correlationId)
      response.setStreamIdentifier(streamIdentifier(streamName))
      if (expected === 'any') response.setAny(new GoogleEmpty())
      else if (expected === 'no_stream') response.setNoStream(new GoogleEmpty())
      else if (expected === 'stream_exists') response.setStreamExists(new GoogleEmpty())
      else response.setStreamPosition(expected.toString(10))
      return { streamName, expected, response }
    }

    /** The server's answer to an append whose deadline passed: DEADLINE_EXCEEDED with Timeout details. */
    function timedOut(batch: PendingBatch) {
      const { response } = responseFor(batch)
      response.setError(
        statusWithDetail(
          codePb.Code.DEADLINE_EXCEEDED,
          'Timeout',
          'event_store.client.Timeout',
          new sharedPb.Timeout().serializeBinary(),
        ),
      )
      if (!closed.signal.aborted) call.write(response)
    }

    async function complete(batch: PendingBatch) {
      const { streamName, expected, response } = responseFor(batch)
      try {
        if (batch.deadline !== null && Date.now() >= batch.deadline) return timedOut(batch)
        if (proposedSize(batch.events) > settings.maxAppendBytes) {
          const detail = new sharedPb.MaximumAppendSizeExceeded()
          detail.setMaxappendsize(settings.maxAppendBytes)
          response.setError(
            statusWithDetail(
              codePb.Code.INVALID_ARGUMENT,
              `Maximum Append Size of ${settings.maxAppendBytes} Exceeded.`,
              'event_store.client.MaximumAppendSizeExceeded',
              detail.serializeBinary(),
            ),
          )
        } else {
          const result = await appendProposed(streamName, batch.events, expected)
          const success = new streamsPb.BatchAppendResp.Success()
          if (result.nextExpectedRevision < 0n) success.setNoStream(new GoogleEmpty())
          else success.setCurrentRevision(result.nextExpectedRevision.toString(10))
          const position = new sharedPb.AllStreamPosition()
          position.setCommitPosition(result.position.toString(10))
          position.setPreparePosition(result.position.toString(10))
          success.setPosition(position)
          response.setSuccess(success)
        }
      } catch (error) {
        response.setError(batchErrorStatus(error, streamName, expected))
      }
      if (!closed.signal.aborted) call.write(response)
    }

    function batchErrorStatus(error: unknown, streamName: string, expected: ExpectedRevision) {
      if (error instanceof WrongExpectedVersionError) {
        const detail = new sharedPb.WrongExpectedVersion()
        if (error.actual === 'no_stream') detail.setCurrentNoStream(new GoogleEmpty())
        else detail.setCurrentStreamRevision(error.actual.toString(10))
        if (expected === 'any') detail.setExpectedAny(new GoogleEmpty())
        else if (expected === 'no_stream') detail.setExpectedNoStream(new GoogleEmpty())
        else if (expected === 'stream_exists') detail.setExpectedStreamExists(new GoogleEmpty())
        else detail.setExpectedStreamPosition(expected.toString(10))
        return statusWithDetail(
          codePb.Code.ALREADY_EXISTS,
          error.message,
          'event_store.client.WrongExpectedVersion',
          detail.serializeBinary(),
        )
      }
      if (error instanceof StreamDeletedError) {
        const detail = new sharedPb.StreamDeleted()
        detail.setStreamIdentifier(streamIdentifier(streamName))
        return statusWithDetail(
          codePb.Code.FAILED_PRECONDITION,
          error.message,
          'event_store.client.StreamDeleted',
          detail.serializeBinary(),
        )
      }
      if (isPortError(error)) {
        const detail = new sharedPb.BadRequest()
        detail.setMessage(error.message)
        return statusWithDetail(
          codePb.Code.INVALID_ARGUMENT,
          error.message,
          'event_store.client.BadRequest',
          detail.serializeBinary(),
        )
      }
      const accessDeniedError = error instanceof Error && 'code' in error && error.code === 7
      if (accessDeniedError) {
        return statusWithDetail(
          codePb.Code.PERMISSION_DENIED,
          error.message,
          'event_store.client.AccessDenied',
          new sharedPb.AccessDenied().serializeBinary(),
        )
      }
      return statusWithDetail(
        codePb.Code.UNKNOWN,
        error instanceof Error ? error.message : String(error),
        'event_store.client.Unknown',
        new sharedPb.Unknown().serializeBinary(),
      )
    }

    call.on('data', (request: BatchAppendReq) => {
      const correlationId = request.getCorrelationId()
      const key = uuidText(correlationId)
      if (!correlationId || !key) return
      // Appends sent after shutdown began are not written; the call is about to fail UNAVAILABLE.
      if (closed.signal.aborted || shutdown.aborted) return
      let batch = pending.get(key)
      if (!batch) {
        const options = request.getOptions()
        if (!options) return
        const deadline = options.getDeadline()?.toDate().getTime() ?? null
        const created: PendingBatch = { options, events: [], correlationId, deadline }
        batch = created
        pending.set(key, created)
        // A batch still arriving when its deadline passes is answered then, not when it completes.
        const wait = deadline === null ? null : deadline - Date.now()
        if (wait !== null && wait < MAX_TIMER_MS && !request.getIsFinal()) {
          created.deadlineTimer = setTimeout(
            () => {
              if (pending.get(key) !== created) return
              pending.delete(key)
              timedOut(created)
            },
            Math.max(0, wait),
          )
        }
      }
      for (const message of request.getProposedMessagesList()) batch.events.push(proposedEvent(message))
      if (request.getIsFinal()) {
        pending.delete(key)
        clearTimeout(batch.deadlineTimer)
        const completion = complete(batch)
        inFlight.add(completion)
        void completion.finally(() => inFlight.delete(completion))
      }
    })
  }

  async function readStreamPage(
    streamName: string,
    backwards: boolean,
    from: bigint | 'start' | 'end',
    maxCount: number,
  ): Promise<RecordedEvent[] | null> {
    if (streamName.startsWith(METASTREAM_PREFIX))
      return backend.readMetastream(streamName, backwards, from, maxCount)
    // Projections do not run in the emulator, so no other system stream ever has events.
    if (streamName.startsWith('$')) return null
    try {
      const truncation = await backend.readableFrom(streamName)
      if (truncation === null) {
        return await store.readStream(streamName, {
          direction: backwards ? 'backwards' : 'forwards',
          fromRevision: from,
          maxCount,
        })
      }
      // $tb / $maxCount / $maxAge: events before `first` no longer belong to the stream's reads (they
      // stay in $all until a scavenge, which the emulator never runs).
      const { first, last } = truncation
      if (first > last) return []
      if (backwards) {
        const start = from === 'start' ? 0n : from
        if (start !== 'end' && start < first) return []
        const events = await store.readStream(streamName, {
          direction: 'backwards',
          fromRevision: start,
          maxCount,
        })
        return events.filter((event) => event.revision >= first)
      }
      const start = from === 'start' ? first : from === 'end' ? 'end' : from < first ? first : from
      return await store.readStream(streamName, { direction: 'forwards', fromRevision: start, maxCount })
    } catch (error) {
      if (error instanceof StreamNotFoundError) return null
      throw error
    }
  }

  /**
   * The response for one event. With `resolveLinks`, a `$>` link event is answered with the event it
   * points to and the link itself (or the link alone when the target cannot be read).
   */
  async function eventResponse(event: RecordedEvent, structuredIds: boolean, resolveLinks: boolean) {
    const target = resolveLinks ? linkTarget(event) : null
    if (!target) return readEventResponse(event, structuredIds)
    let resolved: RecordedEvent | null = null
    try {
      const [found] = (await readStreamPage(target.streamName, false, target.revision, 1)) ?? []
      resolved = found?.revision === target.revision ? found : null
    } catch {
      // A tombstoned target: the link is delivered alone.
    }
    return readEventResponse(resolved, structuredIds, event)
  }

  async function readAllFiltered(
    call: ServerWritableStream<ReadReq, ReadResp>,
    all: StreamsPb.ReadReq.Options.AllOptions,
    backwards: boolean,
    count: number,
    filter: CompiledFilter | null,
    respond: Respond,
    stopped: AbortSignal,
  ) {
    let cursor: bigint | 'start' | 'end' = all.hasPosition()
      ? BigInt(all.getPosition()!.getCommitPosition())
      : all.hasEnd()
        ? 'end'
        : 'start'
    let sent = 0
    while (sent < count && !stopped.aborted) {
      const page = await store.readAll({
        direction: backwards ? 'backwards' : 'forwards',
        fromPosition: cursor,
        maxCount: PAGE,
      })
      for (const event of page) {
        if (filter && !filter.matches(event)) continue
        if (!(await send(call, await respond(event), stopped))) return
        sent += 1
        if (sent >= count) break
      }
      if (page.length < PAGE) return
      const last = page.at(-1)!.position
      // Forwards reads are inclusive of their start, backwards reads exclusive.
      cursor = backwards ? last : last + 1n
    }
  }

  async function subscribeAll(
    call: ServerWritableStream<ReadReq, ReadResp>,
    all: StreamsPb.ReadReq.Options.AllOptions,
    filter: CompiledFilter | null,
    respond: Respond,
    stopped: AbortSignal,
  ) {
    let after = all.hasPosition()
      ? BigInt(all.getPosition()!.getCommitPosition())
      : all.hasEnd()
        ? ((await store.headPosition()) ?? 0n)
        : 0n
    if (!(await send(call, confirmationResponse(), stopped))) return
    let scanned = 0
    let caughtUp = false
    while (!stopped.aborted) {
      const seen = backend.commits.sequence
      const page = await store.readAll({ fromPosition: after + 1n, maxCount: PAGE })
      for (const event of page) {
        after = event.position
        scanned += 1
        if ((!filter || filter.matches(event)) && !(await send(call, await respond(event), stopped))) {
          return
        }
        if (filter && scanned % filter.checkpointEvery === 0) {
          if (!(await send(call, checkpointResponse(event.position), stopped))) return
        }
      }
      if (page.length === PAGE) continue
      if (!caughtUp) {
        caughtUp = true
        if (!(await send(call, caughtUpResponse(), stopped))) return
      }
      await backend.commits.wait(seen, settings.pollIntervalMs, stopped)
    }
  }

  async function subscribeStream(
    call: ServerWritableStream<ReadReq, ReadResp>,
    streamName: string,
    options: StreamsPb.ReadReq.Options.StreamOptions,
    respond: Respond,
    stopped: AbortSignal,
  ) {
    let after = options.hasRevision()
      ? BigInt(options.getRevision())
      : options.hasEnd()
        ? ((await backend.lastRevision(streamName)) ?? -1n)
        : -1n
    if (!(await send(call, confirmationResponse(), stopped))) return
    let caughtUp = false
    while (!stopped.aborted) {
      const seen = backend.commits.sequence
      const page = (await readStreamPage(streamName, false, after + 1n, PAGE)) ?? []
      for (const event of page) {
        after = event.revision
        if (!(await send(call, await respond(event), stopped))) return
      }
      if (page.length === PAGE) continue
      if (!caughtUp) {
        caughtUp = true
        if (!(await send(call, caughtUpResponse(), stopped))) return
      }
      await backend.commits.wait(seen, settings.pollIntervalMs, stopped)
    }
  }

  async function read(call: ServerWritableStream<ReadReq, ReadResp>) {
    const stop = new AbortController()
    const abort = () => stop.abort()
    call.on('cancelled', abort)
    call.on('error', abort)
    shutdown.addEventListener('abort', abort)
    const options = call.request.getOptions()
    let streamName = '$all'
    try {
      if (!options) throw invalidArgument('ReadReq needs options')
      const backwards = options.getReadDirection() === streamsPb.ReadReq.Options.ReadDirection.BACKWARDS
      const structuredIds = options.getUuidOption()?.hasStructured() ?? false
      const resolveLinks = options.getResolveLinks()
      const respond: Respond = (event) => eventResponse(event, structuredIds, resolveLinks)
      const filter = options.hasFilter()
        ? compileFilter(options.getFilter()!, settings.defaultMaxSearchWindow)
        : null
      const subscription = options.hasSubscription()
      if (options.hasStream()) {
        const streamOptions = options.getStream()!
        streamName = streamNameOf(streamOptions.getStreamIdentifier())
        if (subscription) {
          await subscribeStream(call, streamName, streamOptions, respond, stop.signal)
        } else {
          const from = streamOptions.hasRevision()
            ? BigInt(streamOptions.getRevision())
            : streamOptions.hasEnd()
              ? 'end'
              : 'start'
          const events = await readStreamPage(streamName, backwards, from, countOf(options.getCount()))
          if (events === null) {
            await send(call, streamNotFoundResponse(streamName), stop.signal)
          } else {
            for (const event of events) {
              if (!(await send(call, await respond(event), stop.signal))) break
            }
          }
        }
      } else if (options.hasAll()) {
        const all = options.getAll()!
        const count = countOf(options.getCount())
        if (subscription) {
          await subscribeAll(call, all, filter, respond, stop.signal)
        } else {
          await readAllFiltered(call, all, backwards, count, filter, respond, stop.signal)
        }
      } else {
        throw invalidArgument('ReadReq options need a stream or $all')
      }
      if (!stop.signal.aborted) call.end()
    } catch (error) {
      if (!stop.signal.aborted) call.emit('error', protocolErrorOf(error, streamName))
    } finally {
      shutdown.removeEventListener('abort', abort)
      // A read or subscription cut short by shutdown fails UNAVAILABLE, as a client of a stopping
      // server sees it; ending it OK would pass a truncated read or a dead subscription off as complete.
      if (shutdown.aborted && !call.cancelled && !call.writableEnded) {
        call.emit('error', unavailable('Server is shutting down.'))
      }
    }
  }

  function deleteOrTombstone(hard: boolean) {
    return async (
      call: ServerUnaryCall<DeleteReq | TombstoneReq, DeleteResp | TombstoneResp>,
      callback: sendUnaryData<DeleteResp | TombstoneResp>,
    ) => {
      const options = call.request.getOptions()
      if (!options) return callback(invalidArgument('the request needs options'))
      const streamName = streamNameOf(options.getStreamIdentifier())
      if (streamName.startsWith('$'))
        return callback(accessDenied(`the emulator does not delete system stream '${streamName}'`))
      try {
        const result = await backend.deleteStream(streamName, expectedRevisionOf(options), hard)
        const response = hard ? new streamsPb.TombstoneResp() : new streamsPb.DeleteResp()
        const position = hard ? new streamsPb.TombstoneResp.Position() : new streamsPb.DeleteResp.Position()
        position.setCommitPosition(result.position.toString(10))
        position.setPreparePosition(result.position.toString(10))
        ;(response as DeleteResp).setPosition(position as StreamsPb.DeleteResp.Position)
        callback(null, response)
      } catch (error) {
        callback(protocolErrorOf(error, streamName))
      }
    }
  }

  return { read, append, batchAppend, delete: deleteOrTombstone(false), tombstone: deleteOrTombstone(true) }
}
