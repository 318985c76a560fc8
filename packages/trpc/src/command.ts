import { domainCatalogue } from '@qi/contracts'
import { type CommandResult, type Decider, handleCommand, type Release, type Reservation } from '@qi/decider'
import { currentTraceparent, inSpan } from '@qi/projections'
import { TRPCError } from '@trpc/server'
import { type QiContext, SEEN_POSITION_HEADER, type ServiceDeps } from './context'
import type { Actor } from './roles'
import { assertPlausibleMinPosition, readWaitMs } from './wait'

export interface RunCommandOptions<TCommand, TEvent extends { type: string; data: unknown }, TState> {
  deps: ServiceDeps
  actor: Actor
  decider: Decider<TCommand, TEvent, TState>
  streamName: string
  command: TCommand
  commandId?: string
  /** Business time of the fact (e.g. the report's issue date); defaults to now. */
  occurredAt?: string
  /**
   * Projections whose read models the command's rules read. Before the rules are checked they are
   * brought up to the store's head (or `minPosition` if the client passed a later one), and that
   * position is recorded in the events' metadata as `checkedAtPosition`.
   */
  readModels?: string[]
  minPosition?: bigint
  /** For a policy's follow-up command: the triggering event's id (and its correlation). */
  causationId?: string
  correlationId?: string
  /** Called after the read models caught up, to look up cross-context facts for the decider. */
  enrich?: (command: TCommand) => TCommand
  /**
   * Invariants across streams enforced by the write side: keys (e.g. one licence per enterprise
   * and category) this command must hold alone, claimed in their own streams with an expected
   * revision before the command's append — a read model can lag and can be raced, a key stream
   * cannot. See `@qi/decider` reservations.
   */
  reservations?: readonly Reservation[]
  /** Keys whose claims end once the command's events are written (e.g. a revoked licence's slot). */
  releases?: (state: TState) => readonly Release[]
}

export interface MutationResult {
  streamName: string
  revision: bigint | null
  position: bigint | null
  duplicate: boolean
  events: string[]
}

/** The usual body of a mutation: catch read models up, enrich, decide, append. */
export async function runCommand<TCommand, TEvent extends { type: string; data: unknown }, TState>(
  options: RunCommandOptions<TCommand, TEvent, TState>,
): Promise<MutationResult> {
  const commandType = (options.command as { type?: unknown }).type
  return inSpan(
    `command ${typeof commandType === 'string' ? commandType : 'unknown'}`,
    { attributes: { 'qi.stream': options.streamName, 'qi.org': options.actor.org } },
    async (span) => {
      const result = await decideAndAppend(options)
      if (result.position !== null) span.setAttribute('qi.position', Number(result.position))
      span.setAttribute('qi.events', result.events.length)
      return result
    },
  )
}

async function decideAndAppend<TCommand, TEvent extends { type: string; data: unknown }, TState>(
  options: RunCommandOptions<TCommand, TEvent, TState>,
): Promise<MutationResult> {
  const { deps, actor, readModels = [] } = options
  let checkedAtPosition: bigint | undefined
  if (readModels.length > 0) {
    // minPosition is at most the head (or refused), so waiting for the head covers it.
    await assertPlausibleMinPosition(deps, options.minPosition)
    const target = await deps.store.headPosition()
    await Promise.all(readModels.map((name) => deps.runner(name).waitFor(target, readWaitMs())))
    checkedAtPosition = target ?? undefined
  }
  const command = options.enrich ? options.enrich(options.command) : options.command
  const result: CommandResult<TEvent> = await handleCommand({
    store: deps.store,
    catalogue: domainCatalogue,
    decider: options.decider,
    streamName: options.streamName,
    command,
    ...(options.reservations ? { reservations: options.reservations } : {}),
    ...(options.releases ? { releases: options.releases } : {}),
    context: {
      actor: actor.userId,
      org: actor.org,
      commandId: options.commandId,
      occurredAt: options.occurredAt,
      causationId: options.causationId,
      correlationId: options.correlationId,
      checkedAtPosition,
      traceparent: currentTraceparent(),
    },
  })
  return {
    streamName: result.streamName,
    revision: result.revision,
    position: result.position,
    duplicate: result.duplicate,
    events: result.events.map((e) => e.type),
  }
}

/** The actor a policy's follow-up commands are recorded under. */
export function policyActor(policyName: string): Actor {
  return { userId: `policy:${policyName}`, org: 'qi-ledger', orgName: 'QI Ledger policies', role: 'admin' }
}

/**
 * Read-your-writes for queries: waits (bounded) until the projection reached `minPosition`, and the
 * position the client says it has seen (`SEEN_POSITION_HEADER`, up to the store's head: a position
 * from another store, say before a reset, asks for nothing more than the head).
 */
export async function readModel(
  ctx: Pick<QiContext, 'deps' | 'seenPosition'>,
  projection: string,
  minPosition?: bigint,
) {
  const { deps } = ctx
  const runner = deps.runner(projection)
  await assertPlausibleMinPosition(deps, minPosition)
  await runner.waitFor(minPosition, readWaitMs())
  const seen = seenPosition(ctx.seenPosition)
  if (seen !== undefined && (runner.checkpoint === null || runner.checkpoint < seen)) {
    const head = await deps.store.headPosition()
    if (head !== null) await runner.waitFor(atMost(seen, head), readWaitMs())
  }
  return runner.db
}

/** The smaller of two positions (bigints: Math.min takes numbers only). */
function atMost(position: bigint, limit: bigint): bigint {
  if (position > limit) return limit
  return position
}

/** The seen-position header's value: a store position (digits), else BAD_REQUEST. */
function seenPosition(header: string | undefined): bigint | undefined {
  if (header === undefined || header === '') return undefined
  if (!/^\d{1,19}$/.test(header))
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: `${SEEN_POSITION_HEADER} must be a store position (digits), not '${header.slice(0, 40)}'`,
    })
  return BigInt(header)
}
