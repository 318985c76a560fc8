import { randomUUID } from 'node:crypto'
import type { EventCatalogue, EventMetadata } from '@qi/contracts'
import {
  type EventStore,
  type ExpectedRevision,
  type RecordedEvent,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@qi/eventstore'
import type { Decider } from './decider'
import { ConflictError, DomainError, ForbiddenError } from './errors'
import { deterministicEventId } from './event-ids'
import {
  DEFAULT_ORPHAN_AFTER_MS,
  type Release,
  type Reservation,
  type ReservationContext,
  releaseClaims,
  releaseKeys,
  reserveKeys,
} from './reservations'

/** Who asks, and the causal context a command carries into its events' metadata. */
export interface CommandContext {
  actor: string
  org: string
  /** Client-supplied; a retried command with the same id is a no-op returning the first result. */
  commandId?: string
  correlationId?: string
  causationId?: string | null
  /** Business time of the fact; defaults to now. */
  occurredAt?: string
  /** The store position the read models had reached when the rules were checked. */
  checkedAtPosition?: bigint
  /** W3C trace context of the command's span, recorded so projections and policies link to it. */
  traceparent?: string
}

export interface CommandResult<TEvent> {
  streamName: string
  events: TEvent[]
  /** The stream revision after the command (null when the command emitted nothing on a new stream). */
  revision: bigint | null
  /** The $all position of the last event written, or the stream's last position for a no-op. */
  position: bigint | null
  /** True when this was a retry of a command already handled. */
  duplicate: boolean
}

export { deterministicEventId }

export interface HandleCommandOptions<TCommand, TEvent extends { type: string; data: unknown }, TState> {
  store: EventStore
  catalogue: EventCatalogue
  decider: Decider<TCommand, TEvent, TState>
  streamName: string
  command: TCommand
  context: CommandContext
  /** Conflicts retried before giving up with a ConflictError. */
  maxRetries?: number
  /**
   * Keys this command must hold alone (uniqueness across streams), claimed in their key streams
   * before the command's own append; see `reservations.ts`. A refused command releases them.
   */
  reservations?: readonly Reservation[]
  /** Keys whose claims end once the command's events are written (e.g. a revoked licence's slot). */
  releases?: (state: TState) => readonly Release[]
  /** Record-time clock for telling an orphaned claim from one in flight (default: Date.now). */
  clock?: () => number
  /** A pending claim older than this is orphaned (default 5 minutes). */
  orphanAfterMs?: number
}

function metadataFor(context: CommandContext, commandId: string, occurredAt: string) {
  return (schemaVersion: number): EventMetadata => ({
    schemaVersion,
    actor: context.actor,
    org: context.org,
    correlationId: context.correlationId ?? commandId,
    causationId: context.causationId ?? null,
    commandId,
    occurredAt,
    ...(context.checkedAtPosition !== undefined
      ? { checkedAtPosition: context.checkedAtPosition.toString() }
      : {}),
    ...(context.traceparent ? { traceparent: context.traceparent } : {}),
  })
}

/**
 * Reserves the command's keys (if any), then loads the stream, folds it, decides and appends at the
 * loaded revision. On a concurrent write (WrongExpectedVersion) it reloads and decides again, a
 * bounded number of times. A commandId is scoped to the organisation that first used it on the
 * stream: another organisation resending it is refused (FORBIDDEN), never shown the first result.
 */
export async function handleCommand<TCommand, TEvent extends { type: string; data: unknown }, TState>(
  options: HandleCommandOptions<TCommand, TEvent, TState>,
): Promise<CommandResult<TEvent> & { state: TState }> {
  const { store, context } = options
  const commandId = context.commandId ?? randomUUID()
  const occurredAt = context.occurredAt ?? new Date().toISOString()
  const reservations = options.reservations ?? []
  const releases = options.releases
  if (reservations.length === 0 && !releases) return decideAndAppend(options, commandId, occurredAt)
  const reservationContext: ReservationContext = {
    store,
    commandId,
    org: context.org,
    holderStream: options.streamName,
    metadata: metadataFor(context, commandId, occurredAt),
    encode: (type, data) => options.catalogue.encode(type, data),
    now: options.clock ?? Date.now,
    orphanAfterMs: options.orphanAfterMs ?? DEFAULT_ORPHAN_AFTER_MS,
    maxRetries: Math.max(options.maxRetries ?? 5, 20),
  }
  const held = await reserveKeys(reservationContext, reservations)
  let result: CommandResult<TEvent> & { state: TState }
  try {
    result = await decideAndAppend(options, commandId, occurredAt)
  } catch (error) {
    // Refused (nothing was written): give the keys back. Any other error (the store unreachable)
    // leaves the claims pending: the append may have landed, and a retry or the orphan check decides.
    if (error instanceof DomainError) await releaseClaims(reservationContext, held, 'refused')
    throw error
  }
  if (releases) await releaseKeys(reservationContext, releases(result.state))
  return result
}

async function decideAndAppend<TCommand, TEvent extends { type: string; data: unknown }, TState>(
  options: HandleCommandOptions<TCommand, TEvent, TState>,
  commandId: string,
  occurredAt: string,
): Promise<CommandResult<TEvent> & { state: TState }> {
  const { store, catalogue, decider, streamName, command, context } = options
  const maxRetries = options.maxRetries ?? 5
  const fold = (events: readonly RecordedEvent[]) => {
    let state = decider.initialState()
    for (const event of events) state = decider.evolve(state, catalogue.decode(event) as unknown as TEvent)
    return state
  }
  for (let attempt = 0; ; attempt++) {
    let recorded: RecordedEvent[] = []
    try {
      recorded = await store.readStream(streamName)
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error
    }
    const previous = recorded.filter((e) => (e.metadata as Partial<EventMetadata>).commandId === commandId)
    if (previous.length > 0) {
      const foreign = previous.find((e) => (e.metadata as Partial<EventMetadata>).org !== context.org)
      if (foreign) {
        throw new ForbiddenError(
          `commandId ${commandId} was already used on ${streamName} by another organisation; send a new commandId`,
        )
      }
      const last = previous.at(-1)!
      return {
        state: fold(recorded),
        streamName,
        events: previous.map((e) => catalogue.decode(e) as unknown as TEvent),
        revision: last.revision,
        position: last.position,
        duplicate: true,
      }
    }
    const state = fold(recorded)
    const events = decider.decide(command, state)
    const expectedRevision: ExpectedRevision = recorded.length === 0 ? 'no_stream' : recorded.at(-1)!.revision
    if (events.length === 0) {
      const last = recorded.at(-1)
      return {
        state,
        streamName,
        events,
        revision: last?.revision ?? null,
        position: last?.position ?? null,
        duplicate: false,
      }
    }
    const metadataOf = metadataFor(context, commandId, occurredAt)
    const toAppend = events.map((event, index) => {
      const metadata = metadataOf(catalogue.get(event.type)?.version ?? 1)
      return {
        id: deterministicEventId(streamName, commandId, index),
        type: event.type,
        data: catalogue.encode(event.type, event.data),
        metadata,
      }
    })
    try {
      const result = await store.appendToStream(streamName, toAppend, { expectedRevision })
      return {
        state: events.reduce(decider.evolve, state),
        streamName,
        events,
        revision: result.nextExpectedRevision,
        position: result.position,
        duplicate: false,
      }
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error
      if (attempt >= maxRetries) {
        throw new ConflictError(
          `${streamName} kept changing while the command was decided (${attempt + 1} attempts); try again`,
        )
      }
    }
  }
}
