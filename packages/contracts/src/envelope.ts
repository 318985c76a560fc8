import { z } from 'zod'

/**
 * Marks a check added after events were recorded (input hygiene, the date range): `encode` enforces
 * it on every write, `decode` tolerates it in events recorded before it existed, so tightening input
 * rules never makes a stored stream unreadable.
 */
export const WRITE_CHECK = { writeCheck: true } as const

/** The range a business date must fall in: nothing this platform records predates 1900 or is planned past 2100. */
export const EARLIEST_BUSINESS_DATE = '1900-01-01'
export const LATEST_BUSINESS_DATE = '2100-12-31'

const DateFormat = z.iso.date({ error: 'expected a date as YYYY-MM-DD' })

/**
 * A business date (YYYY-MM-DD) within 1900-01-01..2100-12-31: a typo such as 0202-05-01 or
 * 20240-01-01 is refused with a message instead of being recorded as a fact.
 */
export const IsoDate = DateFormat.refine(
  (date) => date >= EARLIEST_BUSINESS_DATE && date <= LATEST_BUSINESS_DATE,
  {
    message: `expected a date between ${EARLIEST_BUSINESS_DATE} and ${LATEST_BUSINESS_DATE}`,
    abort: true,
    params: WRITE_CHECK,
  },
)
export const IsoDateTime = z.iso.datetime({ offset: true, error: 'expected an ISO-8601 date-time' })
/** Metadata's `occurredAt`: the format only, so events recorded before the range check still read. */
export const BusinessTime = z.union([DateFormat, IsoDateTime])

/** Store positions travel as decimal strings inside JSON metadata. */
export const PositionString = z.string().regex(/^\d+$/, 'a position is a decimal string')

/**
 * Metadata every domain event carries. `occurredAt` is business time (when the test was done, when
 * the certificate takes effect); the store adds `recordedAt` (store time) to the recorded event.
 */
export const EventMetadataSchema = z.object({
  schemaVersion: z.number().int().positive(),
  actor: z.string().min(1),
  org: z.string().min(1),
  correlationId: z.string().min(1),
  causationId: z.string().min(1).nullable(),
  commandId: z.string().min(1),
  occurredAt: BusinessTime,
  /** The store position the read models had reached when the command's rules were checked. */
  checkedAtPosition: PositionString.optional(),
  /** W3C trace context of the command that wrote the event, when tracing is on (span links). */
  traceparent: z.string().max(55).optional(),
})
export type EventMetadata = z.infer<typeof EventMetadataSchema>

export type Upcaster = (data: unknown) => unknown

export interface EventDefinition<TType extends string = string, TSchema extends z.ZodType = z.ZodType> {
  readonly type: TType
  /** The current schema version; events recorded with an older one are upcast on read. */
  readonly version: number
  readonly context: string
  readonly description: string
  readonly schema: TSchema
  /** upcasters[v] turns data of version v into data of version v + 1. */
  readonly upcasters: Readonly<Record<number, Upcaster>>
}

export function defineEvent<const TType extends string, TSchema extends z.ZodType>(definition: {
  type: TType
  version?: number
  context: string
  description: string
  schema: TSchema
  upcasters?: Record<number, Upcaster>
}): EventDefinition<TType, TSchema> {
  const version = definition.version ?? 1
  for (let v = 1; v < version; v++) {
    if (!definition.upcasters?.[v]) {
      throw new Error(`event ${definition.type} v${version} needs an upcaster from v${v} to v${v + 1}`)
    }
  }
  return { ...definition, version, upcasters: definition.upcasters ?? {} }
}

/** The `{ type, data }` pair a decider emits for a definition. */
export type EventOf<D> = D extends EventDefinition<infer T, infer S> ? { type: T; data: z.infer<S> } : never

/** The union of events of a list of definitions. */
export type EventsOf<Ds extends readonly EventDefinition[]> = EventOf<Ds[number]>
