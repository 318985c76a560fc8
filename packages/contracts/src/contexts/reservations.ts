import { z } from 'zod'
import { defineEvent, IsoDate } from '../envelope'

/**
 * Write-side invariants that span streams (uniqueness, "only one successor"): a command reserves a
 * key stream (e.g. `licence-slot-<enterprise>-<category>`) with an expected revision before it
 * appends to its own stream, so of two racing commands only one can hold the key. A claim's
 * metadata carries the claiming command's `commandId` and `org`, so a retried command finds it.
 */
const context = 'reservations'

const StreamName = z.string().min(1).max(1000)
const Holder = z.string().min(1).max(500)

export const UniqueKeyReserved = defineEvent({
  type: 'UniqueKeyReserved',
  context,
  description:
    "A command claimed a uniqueness key (the key's own stream) for a holder before writing the holder's stream; the claim is pending until that stream has the command's events.",
  schema: z.object({
    /** The key stream itself, e.g. `licence-slot-<enterprise>-<category>`. */
    key: StreamName,
    /** The rule the key protects, e.g. `licence.one_per_category`. */
    rule: z.string().min(1).max(100),
    /** What holds the key, e.g. the licence number. */
    holder: Holder,
    /** The stream the claiming command writes: a claim is confirmed once it has the command's events. */
    holderStream: StreamName,
    /** For keys held for a period (a licence's validity): claims conflict only when periods overlap. */
    validFrom: IsoDate.optional(),
    validTo: IsoDate.optional(),
  }),
})

export const UniqueKeyReleased = defineEvent({
  type: 'UniqueKeyReleased',
  context,
  description:
    'A claim on a uniqueness key ended: its holder ended (e.g. licence revoked), the claiming command was refused, or the claim was orphaned (its command never wrote its stream).',
  schema: z.object({
    key: StreamName,
    holder: Holder,
    /** The id of the UniqueKeyReserved event this release ends. */
    claimId: z.uuid(),
    reason: z.enum(['ended', 'refused', 'orphaned']),
  }),
})

export const reservationEvents = [UniqueKeyReserved, UniqueKeyReleased] as const

/** Key streams start with `key-` so a projection or a filter can tell them from entity streams. */
export const keyStream = (...parts: string[]) => `key-${parts.join('-')}`
