import { type EventsOf, operations } from '@qi/contracts'
import { type Decider, NotFoundError } from '@qi/decider'
import { type DeadLetter, DeadLetterNotFoundError, PoisonEventError } from '@qi/projections'
import { commandProcedure, rolesProcedure, router, type ServiceDeps } from '@qi/trpc'
import { TRPCError } from '@trpc/server'
import { z } from 'zod'

type AuditEvent = EventsOf<typeof operations.operationsEvents>
type AuditCommand = { type: 'RecordDeadLetterDecision'; event: AuditEvent }

/** The audit trail of operators' dead-letter decisions: every decision is one event, nothing else. */
const auditDecider: Decider<AuditCommand, AuditEvent, null> = {
  initialState: () => null,
  evolve: () => null,
  decide: (command) => [command.event],
}

interface DeadLetterRunner {
  deadLetters(): DeadLetter[]
  retryDeadLetter(position: bigint): Promise<DeadLetter>
  skipDeadLetter(position: bigint): DeadLetter
}

function runnersWithDeadLetters(deps: ServiceDeps): Map<string, DeadLetterRunner> {
  const runners = new Map<string, DeadLetterRunner>()
  for (const runner of deps.runners()) runners.set(runner.projection.name, runner)
  for (const policy of deps.policies?.() ?? []) runners.set(policy.policy.name, policy)
  return runners
}

function runnerNamed(deps: ServiceDeps, name: string): DeadLetterRunner {
  const runner = runnersWithDeadLetters(deps).get(name)
  if (!runner) throw new NotFoundError('projection or policy', name)
  return runner
}

const decision = z.object({
  runner: z.string().trim().min(1).max(200),
  position: z.bigint().nonnegative(),
  reason: z.string().trim().min(1).max(500).optional(),
  commandId: z.string().min(8).max(100).optional(),
})

function auditData(letter: DeadLetter, reason: string | undefined) {
  return {
    runner: letter.runner,
    position: letter.position.toString(),
    eventId: letter.eventId,
    eventType: letter.type,
    error: letter.error.slice(0, 4000),
    ...(reason ? { reason } : {}),
  }
}

/** Each decision: the operator's action on the runner first, then its audit event (business time: now). */
const auditTrail = {
  roles: ['admin'],
  decider: auditDecider,
  stream: () => operations.deadLetterAuditStream,
} as const

/** Operators' tools: poison events parked by projections and policies (admin only). */
export const operationsRouter = router({
  deadLetters: router({
    list: rolesProcedure('admin').query(({ ctx }) =>
      [...runnersWithDeadLetters(ctx.deps).values()].flatMap((runner) => runner.deadLetters()),
    ),
    retry: commandProcedure({
      ...auditTrail,
      input: decision,
      command: async (input, { deps }) => {
        let letter: DeadLetter
        try {
          letter = await runnerNamed(deps, input.runner).retryDeadLetter(input.position)
        } catch (error) {
          if (error instanceof DeadLetterNotFoundError)
            throw new NotFoundError('parked event', `${input.runner}@${input.position}`)
          if (error instanceof PoisonEventError) {
            throw new TRPCError({
              code: 'PRECONDITION_FAILED',
              message: `still failing, stays parked: ${error.message}`,
            })
          }
          throw error
        }
        return {
          type: 'RecordDeadLetterDecision',
          event: { type: 'DeadLetterRetried', data: auditData(letter, input.reason) },
        }
      },
    }),
    skip: commandProcedure({
      ...auditTrail,
      input: decision.extend({ reason: z.string().trim().min(1, 'say why the event is skipped').max(500) }),
      command: (input, { deps }) => {
        let letter: DeadLetter
        try {
          letter = runnerNamed(deps, input.runner).skipDeadLetter(input.position)
        } catch (error) {
          if (error instanceof DeadLetterNotFoundError)
            throw new NotFoundError('parked event', `${input.runner}@${input.position}`)
          throw error
        }
        return {
          type: 'RecordDeadLetterDecision',
          event: { type: 'DeadLetterSkipped', data: auditData(letter, input.reason) },
        }
      },
    }),
  }),
})
