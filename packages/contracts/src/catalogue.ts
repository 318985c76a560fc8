import type { RecordedEvent } from '@qi/eventstore'
import { z } from 'zod'
import { type EventDefinition, type EventMetadata, EventMetadataSchema } from './envelope'

export class UnknownEventTypeError extends Error {
  constructor(readonly eventType: string) {
    super(`no event definition for type '${eventType}'`)
    this.name = 'UnknownEventTypeError'
  }
}

export class EventSchemaError extends Error {
  constructor(
    readonly eventType: string,
    readonly issues: z.core.$ZodIssue[],
  ) {
    super(`event ${eventType} does not match its schema: ${z.prettifyError(new z.ZodError(issues))}`)
    this.name = 'EventSchemaError'
  }
}

/** A recorded event whose data was upcast to the current version and validated. */
export interface DomainEvent<TType extends string = string, TData = unknown> {
  id: string
  type: TType
  data: TData
  metadata: EventMetadata
  streamName: string
  revision: bigint
  position: bigint
  recordedAt: Date
}

export interface EventCatalogue {
  readonly definitions: readonly EventDefinition[]
  get(type: string): EventDefinition | undefined
  has(type: string): boolean
  /** Upcasts old schema versions and validates; throws on unknown types and invalid data. */
  decode(recorded: RecordedEvent): DomainEvent
  /**
   * Fast path for projections rebuilding millions of events: upcasts old versions but trusts the
   * data, which was validated when it was written. Unknown types return null.
   */
  readData(recorded: RecordedEvent): unknown
  /** Validates data for writing and returns it parsed (defaults applied). */
  encode(type: string, data: unknown): unknown
}

const isWriteCheck = (issue: z.core.$ZodIssue) =>
  issue.code === 'custom' && (issue.params as { writeCheck?: boolean } | undefined)?.writeCheck === true

export function upcast(definition: EventDefinition, fromVersion: number, data: unknown): unknown {
  let current = data
  for (let v = fromVersion; v < definition.version; v++) {
    const step = definition.upcasters[v]
    if (!step) throw new Error(`event ${definition.type}: no upcaster from v${v}`)
    current = step(current)
  }
  return current
}

export function createEventCatalogue(definitions: readonly EventDefinition[]): EventCatalogue {
  const byType = new Map<string, EventDefinition>()
  for (const definition of definitions) {
    if (byType.has(definition.type)) throw new Error(`event type ${definition.type} is defined twice`)
    byType.set(definition.type, definition)
  }
  // Subscribers of one store share the recorded event objects of a page (the SQLite store reads a
  // page once for all its subscribers), so every read model handling an event decodes it once.
  const decoded = new WeakMap<RecordedEvent, DomainEvent>()
  const decodeOnce = (recorded: RecordedEvent): DomainEvent => {
    const definition = byType.get(recorded.type)
    if (!definition) throw new UnknownEventTypeError(recorded.type)
    const metadata = EventMetadataSchema.safeParse(recorded.metadata)
    if (!metadata.success) throw new EventSchemaError(recorded.type, metadata.error.issues)
    const upcastData = upcast(definition, metadata.data.schemaVersion, recorded.data)
    const data = definition.schema.safeParse(upcastData)
    // Events written before a write-only check existed (input hygiene, the date range) still read.
    const tolerated = !data.success && data.error.issues.every(isWriteCheck)
    if (!data.success && !tolerated) throw new EventSchemaError(recorded.type, data.error.issues)
    return {
      id: recorded.id,
      type: recorded.type,
      data: data.success ? data.data : upcastData,
      metadata: { ...metadata.data, schemaVersion: definition.version },
      streamName: recorded.streamName,
      revision: recorded.revision,
      position: recorded.position,
      recordedAt: recorded.recordedAt,
    }
  }
  return {
    definitions,
    get: (type) => byType.get(type),
    has: (type) => byType.has(type),
    decode(recorded) {
      const known = decoded.get(recorded)
      if (known) return known
      const event = decodeOnce(recorded)
      decoded.set(recorded, event)
      return event
    },
    readData(recorded) {
      const definition = byType.get(recorded.type)
      if (!definition) return null
      const version = (recorded.metadata as { schemaVersion?: unknown }).schemaVersion
      return typeof version === 'number' && version < definition.version
        ? upcast(definition, version, recorded.data)
        : recorded.data
    },
    encode(type, data) {
      const definition = byType.get(type)
      if (!definition) throw new UnknownEventTypeError(type)
      const parsed = definition.schema.safeParse(data)
      if (!parsed.success) throw new EventSchemaError(type, parsed.error.issues)
      return parsed.data
    },
  }
}

/** The event catalogue as Markdown: one section per context, one row per event. */
export function catalogueMarkdown(definitions: readonly EventDefinition[]): string {
  const contexts = [...new Set(definitions.map((d) => d.context))].sort()
  const lines = [
    '# Event catalogue',
    '',
    'Generated from the zod schemas in `packages/contracts` (`pnpm --filter @qi/contracts catalogue`). Do not edit by hand.',
    '',
    'Every event carries the envelope metadata: `schemaVersion`, `actor`, `org`, `correlationId`, `causationId`, `commandId`, `occurredAt` (business time), optional `checkedAtPosition`; the store adds `recordedAt`.',
  ]
  for (const context of contexts) {
    lines.push(
      '',
      `## ${context}`,
      '',
      '| event | version | description | data fields |',
      '|---|---|---|---|',
    )
    for (const d of definitions.filter((x) => x.context === context)) {
      const json = z.toJSONSchema(d.schema, { unrepresentable: 'any' }) as {
        properties?: Record<string, unknown>
        required?: string[]
      }
      const required = new Set(json.required ?? [])
      const fields = Object.keys(json.properties ?? {})
        .map((k) => (required.has(k) ? `\`${k}\`` : `\`${k}?\``))
        .join(', ')
      lines.push(`| ${d.type} | ${d.version} | ${d.description} | ${fields} |`)
    }
  }
  return `${lines.join('\n')}\n`
}
