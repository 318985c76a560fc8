import { z } from 'zod'
import { Text } from '../common'
import { defineEvent, PositionString } from '../envelope'

const context = 'operations'

const DeadLetterDecision = z.object({
  /** The projection or policy that had parked the event. */
  runner: z.string().min(1).max(200),
  /** The parked event's `$all` position. */
  position: PositionString,
  eventId: z.string().min(1).max(100),
  eventType: z.string().min(1).max(200),
  /** The error it was parked with. */
  error: z.string().max(4000),
  reason: Text.optional(),
})

export const DeadLetterRetried = defineEvent({
  type: 'DeadLetterRetried',
  context,
  description: 'An operator retried a parked poison event and the projection or policy handled it this time.',
  schema: DeadLetterDecision,
})

export const DeadLetterSkipped = defineEvent({
  type: 'DeadLetterSkipped',
  context,
  description: 'An operator gave up on a parked poison event: it was removed unhandled, with the reason.',
  schema: DeadLetterDecision,
})

export const operationsEvents = [DeadLetterRetried, DeadLetterSkipped] as const

/** Every operator decision on dead letters is audited in this one stream. */
export const deadLetterAuditStream = 'operations-deadletters'
