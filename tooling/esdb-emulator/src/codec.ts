import type { JsonValue, RecordedEvent } from '@qi/eventstore'
import { type RecordedEventPb, type StreamIdentifierPb, sharedPb, streamsPb, type UuidPb } from './protocol'

/**
 * What the emulator keeps in the SQLite store's `metadata` column for each event: the parts of an
 * EventStoreDB event the port's model has no field for. The SQLite `data` column holds the event's
 * JSON when its content type is JSON and its bytes parse; otherwise `data` is null and the raw
 * bytes are kept here in base64.
 */
export type StoredEnvelope = {
  contentType: string
  dataBase64?: string
  customMetadataBase64?: string
}

export const JSON_CONTENT_TYPE = 'application/json'
const TICKS_PER_MILLISECOND = 10_000n

export function streamNameOf(identifier: StreamIdentifierPb | undefined): string {
  if (!identifier) return ''
  return Buffer.from(identifier.getStreamName_asU8()).toString('utf8')
}

export function streamIdentifier(streamName: string): StreamIdentifierPb {
  const identifier = new sharedPb.StreamIdentifier()
  identifier.setStreamName(Buffer.from(streamName, 'utf8'))
  return identifier
}

function hexOfInt64(decimal: string): string {
  return BigInt.asUintN(64, BigInt(decimal)).toString(16).padStart(16, '0')
}

/** The canonical lower-case text of a protobuf UUID, whichever of its two encodings was used. */
export function uuidText(uuid: UuidPb | undefined): string | null {
  if (!uuid) return null
  if (uuid.hasStructured()) {
    const structured = uuid.getStructured()!
    const hex =
      hexOfInt64(structured.getMostSignificantBits()) + hexOfInt64(structured.getLeastSignificantBits())
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`.toLowerCase()
  }
  const text = uuid.getString()
  return text ? text.toLowerCase() : null
}

/** Encodes a UUID the way the reader asked for it (ReadReq's uuid_option). */
export function uuidMessage(id: string, structured: boolean): UuidPb {
  const uuid = new sharedPb.UUID()
  if (!structured) {
    uuid.setString(id)
    return uuid
  }
  const hex = id.replaceAll('-', '')
  const bits = new sharedPb.UUID.Structured()
  bits.setMostSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)).toString(10))
  bits.setLeastSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(16)}`)).toString(10))
  uuid.setStructured(bits)
  return uuid
}

export interface ProposedEvent {
  id: string
  type: string
  contentType: string
  data: Uint8Array
  customMetadata: Uint8Array
}

/** Size as the emulator counts it against the maximum append size: data plus custom metadata bytes. */
export function proposedSize(events: ProposedEvent[]): number {
  return events.reduce((sum, event) => sum + event.data.length + event.customMetadata.length, 0)
}

/** Splits a proposed gRPC event into the port's event (JSON data) and the envelope for the rest. */
export function toStoredEvent(event: ProposedEvent): {
  id: string
  type: string
  data: JsonValue
  metadata: StoredEnvelope
} {
  const envelope: StoredEnvelope = { contentType: event.contentType }
  if (event.customMetadata.length > 0)
    envelope.customMetadataBase64 = Buffer.from(event.customMetadata).toString('base64')
  let data: JsonValue = null
  const parsed = event.contentType === JSON_CONTENT_TYPE ? parseJson(event.data) : undefined
  if (parsed === undefined) envelope.dataBase64 = Buffer.from(event.data).toString('base64')
  else data = parsed
  return { id: event.id, type: event.type, data, metadata: envelope }
}

function parseJson(bytes: Uint8Array): JsonValue | undefined {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as JsonValue
  } catch {
    return undefined
  }
}

function envelopeOf(metadata: unknown): StoredEnvelope {
  if (typeof metadata === 'object' && metadata !== null && 'contentType' in metadata)
    return metadata as StoredEnvelope
  // Written by something other than the emulator (e.g. the SQLite adapter on the same file).
  return {
    contentType: JSON_CONTENT_TYPE,
    customMetadataBase64: Buffer.from(JSON.stringify(metadata ?? {})).toString('base64'),
  }
}

export function recordedEventMessage(event: RecordedEvent, structuredIds: boolean): RecordedEventPb {
  const envelope = envelopeOf(event.metadata)
  const message = new streamsPb.ReadResp.ReadEvent.RecordedEvent()
  message.setId(uuidMessage(event.id, structuredIds))
  message.setStreamIdentifier(streamIdentifier(event.streamName))
  message.setStreamRevision(event.revision.toString(10))
  // A single writer commits each event by itself, so its commit and prepare positions coincide.
  message.setPreparePosition(event.position.toString(10))
  message.setCommitPosition(event.position.toString(10))
  const map = message.getMetadataMap()
  map.set('type', event.type)
  map.set('content-type', envelope.contentType)
  map.set('created', (BigInt(event.recordedAt.getTime()) * TICKS_PER_MILLISECOND).toString(10))
  message.setData(dataBytes(event))
  message.setCustomMetadata(
    envelope.customMetadataBase64 ? Buffer.from(envelope.customMetadataBase64, 'base64') : new Uint8Array(),
  )
  return message
}

/** The type of a link event: its data is `<revision>@<stream>`, pointing at another stream's event. */
export const LINK_EVENT_TYPE = '$>'

/** The bytes of an event's data as the client wrote them. */
export function dataBytes(event: RecordedEvent): Buffer {
  const envelope = envelopeOf(event.metadata)
  return envelope.dataBase64 !== undefined
    ? Buffer.from(envelope.dataBase64, 'base64')
    : Buffer.from(JSON.stringify(event.data))
}

/** Where a link event points, or null when its data is not `<revision>@<stream>`. */
export function linkTarget(event: RecordedEvent): { streamName: string; revision: bigint } | null {
  if (event.type !== LINK_EVENT_TYPE) return null
  let text = dataBytes(event).toString('utf8')
  // A link written with content-type application/json arrives as a JSON string.
  if (text.startsWith('"')) {
    try {
      text = String(JSON.parse(text))
    } catch {
      return null
    }
  }
  const match = /^(\d+)@(.+)$/s.exec(text)
  return match ? { revision: BigInt(match[1]!), streamName: match[2]! } : null
}

/**
 * One ReadResp event. With `link` (a resolved `$>` event), `event` is the target and `link` the link
 * itself; `event: null` with a link is a link whose target could not be read (deleted, truncated,
 * never written), which the server sends with only `link` set.
 */
export function readEventResponse(event: RecordedEvent | null, structuredIds: boolean, link?: RecordedEvent) {
  const readEvent = new streamsPb.ReadResp.ReadEvent()
  if (event) readEvent.setEvent(recordedEventMessage(event, structuredIds))
  if (link) readEvent.setLink(recordedEventMessage(link, structuredIds))
  // The position in the log is that of the record read: the link when there is one.
  readEvent.setCommitPosition((link ?? event)!.position.toString(10))
  const response = new streamsPb.ReadResp()
  response.setEvent(readEvent)
  return response
}
