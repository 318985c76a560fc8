import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RecordedEvent } from '@qi/eventstore'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { allEvents, domainCatalogue } from './all-events'
import { catalogueMarkdown, createEventCatalogue, EventSchemaError, UnknownEventTypeError } from './catalogue'
import { classifyStandardCode } from './common'
import { defineEvent } from './envelope'

const metadata = (schemaVersion: number) => ({
  schemaVersion,
  actor: 'u1',
  org: 'lab-1',
  correlationId: 'c1',
  causationId: null,
  commandId: 'cmd-00001',
  occurredAt: '2025-03-01',
})

function recorded(type: string, data: unknown, schemaVersion = 1): RecordedEvent {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    type,
    streamName: 's-1',
    revision: 0n,
    position: 1n,
    data,
    metadata: metadata(schemaVersion),
    recordedAt: new Date('2025-03-02T00:00:00Z'),
  }
}

describe('event catalogue', () => {
  const Renamed = defineEvent({
    type: 'LabRenamed',
    version: 2,
    context: 'test',
    description: 'v2 splits name into zh and en',
    schema: z.object({ nameZh: z.string(), nameEn: z.string() }),
    upcasters: { 1: (data) => ({ nameZh: (data as { name: string }).name, nameEn: '' }) },
  })
  const catalogue = createEventCatalogue([Renamed])

  it('upcasts an event recorded with an old schema version on read', () => {
    const event = catalogue.decode(recorded('LabRenamed', { name: '武汉检测中心' }, 1))
    expect(event.data).toEqual({ nameZh: '武汉检测中心', nameEn: '' })
    expect(event.metadata.schemaVersion).toBe(2)
  })

  it('reads current-version events as they are', () => {
    expect(catalogue.decode(recorded('LabRenamed', { nameZh: 'a', nameEn: 'b' }, 2)).data).toEqual({
      nameZh: 'a',
      nameEn: 'b',
    })
  })

  it('refuses a definition whose version lacks an upcaster', () => {
    expect(() =>
      defineEvent({ type: 'X', version: 2, context: 't', description: 'x', schema: z.object({}) }),
    ).toThrow(/needs an upcaster from v1/)
  })

  it('names unknown types and invalid data', () => {
    expect(() => catalogue.decode(recorded('Nope', {}))).toThrow(UnknownEventTypeError)
    expect(() => catalogue.decode(recorded('LabRenamed', { nameZh: 1 }, 2))).toThrow(EventSchemaError)
    expect(() => catalogue.encode('LabRenamed', { nameZh: 'a' })).toThrow(/nameEn/)
  })

  it('declares every domain event once, with a context, a description and a version', () => {
    const types = allEvents.map((d) => d.type)
    expect(new Set(types).size).toBe(types.length)
    for (const definition of allEvents) {
      expect(definition.context.length).toBeGreaterThan(0)
      expect(definition.description.length).toBeGreaterThan(10)
      expect(definition.version).toBeGreaterThanOrEqual(1)
      expect(domainCatalogue.has(definition.type)).toBe(true)
    }
  })

  it('keeps docs/EVENT-CATALOGUE.md in step with the schemas', () => {
    const file = join(import.meta.dirname, '..', '..', '..', 'docs', 'EVENT-CATALOGUE.md')
    expect(readFileSync(file, 'utf8'), 'run `pnpm --filter @qi/contracts catalogue` to regenerate').toBe(
      catalogueMarkdown(allEvents),
    )
  })
})

describe('standard codes', () => {
  it.each([
    ['GB 4706.1', 'national_mandatory', true],
    ['GB/T 19001', 'national_recommended', false],
    ['DB42/T 1234', 'local', false],
    ['DB42 567', 'local', true],
    ['JB/T 10391', 'industry', false],
    ['QC/T 29106', 'industry', false],
    ['T/HBAS 001', 'group', false],
    ['Q/WG 0001', 'enterprise', false],
    ['ISO 9001', 'international', false],
    ['ISO/IEC 17025', 'international', false],
  ])('classifies %s as %s', (code, kind, mandatory) => {
    expect(classifyStandardCode(code)).toMatchObject({ kind, mandatory })
  })

  it('does not classify an unknown prefix', () => {
    expect(classifyStandardCode('XYZ 12')).toBeNull()
  })
})
