import { z } from 'zod'
import { type EventDefinition, EventMetadataSchema } from './envelope'

/**
 * A zod schema as JSON Schema (draft 2020-12, without its `$schema` line), for clients in other
 * languages. `io: 'input'` describes what a writer must send (before defaults and normalisation).
 */
export function toJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>
  return rest
}

export function eventJsonSchemas(definitions: readonly EventDefinition[]) {
  const events: Record<string, unknown> = {}
  for (const definition of [...definitions].sort((a, b) => a.type.localeCompare(b.type))) {
    events[definition.type] = {
      title: definition.type,
      description: definition.description,
      'x-context': definition.context,
      'x-schema-version': definition.version,
      ...toJsonSchema(definition.schema),
    }
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://qi-ledger.example/contracts/events.schema.json',
    title: 'QI Ledger domain events',
    description:
      'Generated from packages/contracts (pnpm --filter @qi/contracts catalogue). `$defs.metadata` is the envelope every event carries; `$defs.events.<Type>` is the data of one event type at its current schema version (older versions are upcast on read).',
    $defs: { metadata: toJsonSchema(EventMetadataSchema), events },
  }
}

/**
 * An AsyncAPI 3 document of the event streams: one channel per bounded context (its events, as
 * read from `$all` filtered by event type, or from the context's own streams), each message typed
 * by the event's JSON Schema and the envelope metadata as headers.
 */
export function asyncApiDocument(
  definitions: readonly EventDefinition[],
  streamPrefixes: Record<string, string[]>,
) {
  const contexts = [...new Set(definitions.map((d) => d.context))].sort()
  const channels: Record<string, unknown> = {}
  const operations: Record<string, unknown> = {}
  const messages: Record<string, unknown> = {}
  for (const context of contexts) {
    const ofContext = definitions
      .filter((d) => d.context === context)
      .sort((a, b) => a.type.localeCompare(b.type))
    const prefixes = streamPrefixes[context] ?? []
    channels[context] = {
      address: `$all?eventType=${ofContext.map((d) => d.type).join(',')}`,
      title: `${context} events`,
      description:
        prefixes.length > 0
          ? `Events of the ${context} context. They are written to the streams ${prefixes.map((p) => (p.endsWith('-') ? `\`${p}<id>\`` : `\`${p}\``)).join(', ')} and appear in \`$all\` in commit order.`
          : `Events of the ${context} context, in \`$all\` in commit order.`,
      messages: Object.fromEntries(
        ofContext.map((d) => [d.type, { $ref: `#/components/messages/${d.type}` }]),
      ),
    }
    operations[`receive-${context}`] = {
      action: 'receive',
      channel: { $ref: `#/channels/${context}` },
      summary: `Subscribe to ${context} events (catch-up from a position, then live).`,
    }
    for (const d of ofContext) {
      messages[d.type] = {
        name: d.type,
        title: d.type,
        summary: d.description,
        contentType: 'application/json',
        headers: { $ref: '#/components/schemas/metadata' },
        payload: { ...toJsonSchema(d.schema), 'x-schema-version': d.version },
      }
    }
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'QI Ledger event streams',
      version: '1.0.0',
      description:
        'Generated from packages/contracts (pnpm --filter @qi/contracts catalogue). Events are stored in an EventStoreDB-compatible store; each carries the envelope metadata as headers and its data as payload.',
    },
    channels,
    operations,
    components: { schemas: { metadata: toJsonSchema(EventMetadataSchema) }, messages },
  }
}
