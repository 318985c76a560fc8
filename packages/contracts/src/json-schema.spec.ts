import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { allEvents } from './all-events'
import { asyncApiDocument, eventJsonSchemas } from './json-schema'
import { streamPrefixesByContext } from './stream-prefixes'

const docs = join(import.meta.dirname, '..', '..', '..', 'docs', 'contracts')
const regenerate = 'run `pnpm --filter @qi/contracts catalogue` to regenerate'

describe('contracts for other languages', () => {
  it('keeps docs/contracts/events.schema.json in step with the zod schemas', () => {
    const onDisk = JSON.parse(readFileSync(join(docs, 'events.schema.json'), 'utf8'))
    expect(onDisk, regenerate).toEqual(JSON.parse(JSON.stringify(eventJsonSchemas(allEvents))))
  })

  it('keeps docs/contracts/asyncapi.json in step with the zod schemas', () => {
    const onDisk = JSON.parse(readFileSync(join(docs, 'asyncapi.json'), 'utf8'))
    expect(onDisk, regenerate).toEqual(
      JSON.parse(JSON.stringify(asyncApiDocument(allEvents, streamPrefixesByContext))),
    )
  })

  it('describes every event with the fields its zod schema requires', () => {
    const schemas = eventJsonSchemas(allEvents).$defs.events as Record<
      string,
      { type?: string; required?: string[]; properties?: Record<string, unknown> }
    >
    for (const definition of allEvents) {
      const schema = schemas[definition.type]
      expect(schema, definition.type).toBeDefined()
      const shape = (definition.schema as { shape?: Record<string, { isOptional(): boolean }> }).shape
      if (!shape) continue
      expect(schema?.type, definition.type).toBe('object')
      const required = Object.entries(shape)
        .filter(([, field]) => !field.isOptional())
        .map(([name]) => name)
        .sort()
      expect([...(schema?.required ?? [])].sort(), definition.type).toEqual(required)
    }
  })

  it('gives every context a channel with its events and the streams it writes', () => {
    const doc = asyncApiDocument(allEvents, streamPrefixesByContext)
    const contexts = [...new Set(allEvents.map((d) => d.context))]
    expect(Object.keys(doc.channels).sort()).toEqual([...contexts].sort())
    for (const context of contexts) {
      expect(streamPrefixesByContext[context], `stream prefixes of ${context}`).toBeDefined()
    }
    expect(Object.keys(doc.components.messages).sort()).toEqual(allEvents.map((d) => d.type).sort())
  })
})
