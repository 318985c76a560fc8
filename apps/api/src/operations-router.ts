import { type EventsOf, operations } from '@qi/contracts'
import { type Decider, NotFoundError } from '@qi/decider'
import { type DeadLetter, DeadLetterNotFoundError, PoisonEventError } from '@qi/projections'
import { rolesProcedure, router, runCommand, type ServiceDeps } from '@qi/trpc'
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

/** Operators' tools: poison events parked by projections and policies (admin only). */
export const operationsRouter = router({
  deadLetters: router({
    list: rolesProcedure('admin').query(({ ctx }) =>
      [...runnersWithDeadLetters(ctx.deps).values()].flatMap((runner) => runner.deadLetters()),
    ),
    retry: rolesProcedure('admin')
      .input(decision)
      .mutation(async ({ ctx, input }) => {
        let letter: DeadLetter
        try {
          letter = await runnerNamed(ctx.deps, input.runner).retryDeadLetter(input.position)
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
        return runCommand({
          deps: ctx.deps,
          actor: ctx.actor,
          decider: auditDecider,
          streamName: operations.deadLetterAuditStream,
          command: {
            type: 'RecordDeadLetterDecision',
            event: { type: 'DeadLetterRetried', data: auditData(letter, input.reason) },
          },
          commandId: input.commandId,
        })
      }),
    skip: rolesProcedure('admin')
      .input(decision.extend({ reason: z.string().trim().min(1, 'say why the event is skipped').max(500) }))
      .mutation(async ({ ctx, input }) => {
        let letter: DeadLetter
        try {
          letter = runnerNamed(ctx.deps, input.runner).skipDeadLetter(input.position)
        } catch (error) {
          if (error instanceof DeadLetterNotFoundError)
            throw new NotFoundError('parked event', `${input.runner}@${input.position}`)
          throw error
        }
        return runCommand({
          deps: ctx.deps,
          actor: ctx.actor,
          decider: auditDecider,
          streamName: operations.deadLetterAuditStream,
          command: {
            type: 'RecordDeadLetterDecision',
            event: { type: 'DeadLetterSkipped', data: auditData(letter, input.reason) },
          },
          commandId: input.commandId,
        })
      }),
  }),
})
