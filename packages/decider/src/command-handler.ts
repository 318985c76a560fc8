import { createHash, randomUUID } from 'node:crypto'
import type { EventCatalogue, EventMetadata } from '@qi/contracts'
import {
  type EventStore,
  type ExpectedRevision,
  type RecordedEvent,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@qi/eventstore'
import type { Decider } from './decider'
import { ConflictError } from './errors'

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

/** A UUID derived from the command, so a retried append carries the same ids (store idempotence). */
export function deterministicEventId(streamName: string, commandId: string, index: number): string {
  const hex = createHash('sha1').update(`${streamName}\u0000${commandId}\u0000${index}`).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((Number.parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

export interface HandleCommandOptions<TCommand, TEvent extends { type: string; data: unknown }, TState> {
  store: EventStore
  catalogue: EventCatalogue
  decider: Decider<TCommand, TEvent, TState>
  streamName: string
  command: TCommand
  context: CommandContext
  /** Conflicts retried before giving up with a ConflictError. */
  maxRetries?: number
}

/**
 * Loads the stream, folds it, decides and appends at the loaded revision. On a concurrent write
 * (WrongExpectedVersion) it reloads and decides again, a bounded number of times.
 */
export async function handleCommand<TCommand, TEvent extends { type: string; data: unknown }, TState>(
  options: HandleCommandOptions<TCommand, TEvent, TState>,
): Promise<CommandResult<TEvent>> {
  const { store, catalogue, decider, streamName, command, context } = options
  const maxRetries = options.maxRetries ?? 5
  const commandId = context.commandId ?? randomUUID()
  for (let attempt = 0; ; attempt++) {
    let recorded: RecordedEvent[] = []
    try {
      recorded = await store.readStream(streamName)
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error
    }
    const previous = recorded.filter((e) => (e.metadata as Partial<EventMetadata>).commandId === commandId)
    if (previous.length > 0) {
      const last = previous.at(-1)!
      return {
        streamName,
        events: previous.map((e) => catalogue.decode(e) as unknown as TEvent),
        revision: last.revision,
        position: last.position,
        duplicate: true,
      }
    }
    let state = decider.initialState()
    for (const event of recorded) state = decider.evolve(state, catalogue.decode(event) as unknown as TEvent)
    const events = decider.decide(command, state)
    const expectedRevision: ExpectedRevision = recorded.length === 0 ? 'no_stream' : recorded.at(-1)!.revision
    if (events.length === 0) {
      const last = recorded.at(-1)
      return {
        streamName,
        events,
        revision: last?.revision ?? null,
        position: last?.position ?? null,
        duplicate: false,
      }
    }
    const occurredAt = context.occurredAt ?? new Date().toISOString()
    const toAppend = events.map((event, index) => {
      const definition = catalogue.get(event.type)
      const metadata: EventMetadata = {
        schemaVersion: definition?.version ?? 1,
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
      }
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
