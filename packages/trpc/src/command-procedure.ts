import { type Decider, ForbiddenError, type Release, type Reservation } from '@qi/decider'
import type { z } from 'zod'
import { runCommand } from './command'
import type { ServiceDeps } from './context'
import type { Actor, Role } from './roles'
import { rolesProcedure } from './trpc'

/** Who calls and with what: what a declaration's functions may read besides the input. */
export interface CommandCall {
  actor: Actor
  deps: ServiceDeps
}

/**
 * "A non-admin actor acts only for itself": `actor.org` must equal `org(input)`. `roles` narrows the
 * rule to some roles (e.g. only labs, the metrology institute acting for any lab).
 */
export interface OwnerRule<TInput> {
  org: (input: TInput) => string
  refusal: (actor: Actor, input: TInput) => string
  /** The roles bound by the rule; every role but admin when absent. */
  roles?: readonly Role[]
}

/**
 * One mutation as a declaration: one command on one stream. Each function gets the parsed input
 * and the call (actor, deps). Checked in this order: `authorize`, `owner`, then `runCommand`
 * (read models caught up, `enrich`, decide, reservations, append).
 */
export interface CommandDeclaration<
  TSchema extends z.ZodType,
  TCommand,
  TEvent extends { type: string; data: unknown },
  TState,
  TBuilt extends TCommand,
> {
  /** Who may call (admin always may); kept in the procedure's `meta.access`. */
  roles: readonly Role[]
  input: TSchema
  decider: Decider<TCommand, TEvent, TState>
  stream: (input: z.output<TSchema>) => string
  /** The usual ownership rule (see OwnerRule). */
  owner?: OwnerRule<z.output<TSchema>>
  /** Other checks of the caller before anything is read or written; throw to refuse. */
  authorize?: (input: z.output<TSchema>, call: CommandCall) => void
  /** Projections the rules read: caught up to the head before `enrich` (runCommand's `readModels`). */
  readModels?: readonly string[]
  /** The command as the input gives it (facts still empty); may be async (e.g. an operator's action first). */
  command: (input: z.output<TSchema>, call: CommandCall) => TBuilt | Promise<TBuilt>
  /** Fills the command's facts from the read models, after they caught up. */
  enrich?: (command: TBuilt, input: z.output<TSchema>, call: CommandCall) => NoInfer<TCommand>
  /** Business time of the fact; now when absent. */
  occurredAt?: (input: z.output<TSchema>, call: CommandCall) => string
  reservations?: (input: z.output<TSchema>) => readonly Reservation[]
  releases?: (state: NoInfer<TState>) => readonly Release[]
  /** The client's idempotence key; `input.commandId` when absent. */
  commandId?: (input: z.output<TSchema>) => string | undefined
  /** A position the client saw, to check the rules no earlier than it. */
  minPosition?: (input: z.output<TSchema>) => bigint | undefined
}

/** The input without its `commandId` (which goes to the envelope, not into the command's data). */
export function commandData<T extends { commandId?: string }>({
  commandId: _,
  ...data
}: T): Omit<T, 'commandId'> {
  return data
}

/**
 * Builds the mutation of one command from its declaration: `rolesProcedure(...roles)` (access in
 * meta, span and log per call, errors mapped), the input schema, the ownership rule, and
 * `runCommand` with the declared stream, read models, enrich, business time and reservations.
 */
export function commandProcedure<
  TSchema extends z.ZodType,
  TCommand,
  TEvent extends { type: string; data: unknown },
  TState,
  const TBuilt extends TCommand,
>(declaration: CommandDeclaration<TSchema, TCommand, TEvent, TState, TBuilt>) {
  const { owner, authorize, enrich, occurredAt, reservations, minPosition } = declaration
  return rolesProcedure(...declaration.roles)
    .input(declaration.input)
    .mutation(async ({ ctx, input: raw }) => {
      const input = raw as z.output<TSchema>
      const call: CommandCall = { actor: ctx.actor, deps: ctx.deps }
      authorize?.(input, call)
      if (owner) assertOwner(owner, input, ctx.actor)
      const command = await declaration.command(input, call)
      return runCommand<TCommand, TEvent, TState>({
        deps: ctx.deps,
        actor: ctx.actor,
        decider: declaration.decider,
        streamName: declaration.stream(input),
        command,
        commandId: declaration.commandId
          ? declaration.commandId(input)
          : (input as { commandId?: string }).commandId,
        ...(occurredAt ? { occurredAt: occurredAt(input, call) } : {}),
        ...(declaration.readModels ? { readModels: [...declaration.readModels] } : {}),
        ...(minPosition ? { minPosition: minPosition(input) } : {}),
        ...(enrich ? { enrich: (built: TCommand) => enrich(built as TBuilt, input, call) } : {}),
        ...(reservations ? { reservations: reservations(input) } : {}),
        ...(declaration.releases ? { releases: declaration.releases } : {}),
      })
    })
}

function assertOwner<TInput>(rule: OwnerRule<TInput>, input: TInput, actor: Actor) {
  const bound = rule.roles ? rule.roles.includes(actor.role) : actor.role !== 'admin'
  if (bound && actor.org !== rule.org(input)) throw new ForbiddenError(rule.refusal(actor, input))
}
