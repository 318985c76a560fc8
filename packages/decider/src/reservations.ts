import type { EventMetadata } from '@qi/contracts'
import {
  type EventStore,
  type ExpectedRevision,
  type RecordedEvent,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@qi/eventstore'
import { ConflictError, RuleViolationError } from './errors'
import { deterministicEventId } from './event-ids'

/**
 * Write-side guards for invariants that span streams (uniqueness, "only one successor").
 *
 * A command that must be the only holder of a key first appends a `UniqueKeyReserved` claim to the
 * key's own stream at the revision it read (reserve), then appends its events to its own stream
 * (append). The store's expected-revision check makes the reserve step a compare-and-set: of two
 * racing commands — in one batch, concurrent, or from two processes on one EventStoreDB — one
 * appends its claim, the other re-reads, sees the claim and is refused.
 *
 * Failure between the two appends:
 * - the command refused by its decider (or by a conflict) releases its claim (`refused`);
 * - a retry with the same commandId (and organisation) finds its own claim and completes;
 * - a process that died after reserving leaves a *pending* claim (its holder stream lacks the
 *   command's events). Another command meeting it gets CONFLICT ("being claimed, try again")
 *   while it is younger than `orphanAfterMs` (record time), after that it is released as
 *   `orphaned` and the key can be claimed again.
 */
export interface Reservation {
  /** The key stream, e.g. `key-licence-slot-<enterprise>-<category>`. */
  key: string
  /** The rule named in the RuleViolationError when another holder has the key. */
  rule: string
  /** What holds the key (e.g. the licence number); claims by the same holder never conflict. */
  holder: string
  /** A key held for a period: claims conflict only when their periods overlap ([from, to)). */
  validity?: { from: string; to: string }
  /** The input field the violation concerns. */
  field?: string
  /** Says who holds the key and what to do, for the RuleViolationError's message. */
  refusal: (existing: Claim) => string
}

/** Ends the claims a holder has on a key (e.g. the licence was revoked). */
export interface Release {
  key: string
  holder: string
}

export interface Claim {
  /** The UniqueKeyReserved event's id. */
  id: string
  key: string
  rule: string
  holder: string
  holderStream: string
  validity?: { from: string; to: string }
  commandId: string
  org: string
  recordedAt: Date
  released: 'ended' | 'refused' | 'orphaned' | null
}

export interface ReservationContext {
  store: EventStore
  commandId: string
  org: string
  /** The claiming command's stream (where a confirmed claim's events are). */
  holderStream: string
  metadata: (schemaVersion: number) => EventMetadata
  /** Validates an event's data against its contract (the catalogue's `encode`). */
  encode: (type: string, data: unknown) => unknown
  /** Record-time clock, compared with the store's `recordedAt` (never a business-time clock). */
  now: () => number
  orphanAfterMs: number
  maxRetries: number
}

/** A pending claim older than this (record time) counts as orphaned: its process died. */
export const DEFAULT_ORPHAN_AFTER_MS = 5 * 60_000

const RESERVED = 'UniqueKeyReserved'
const RELEASED = 'UniqueKeyReleased'

async function readKey(store: EventStore, key: string): Promise<RecordedEvent[]> {
  try {
    return await store.readStream(key)
  } catch (error) {
    if (error instanceof StreamNotFoundError) return []
    throw error
  }
}

/** Folds a key stream into its claims, oldest first. */
export function claimsOf(events: readonly RecordedEvent[]): Claim[] {
  const claims = new Map<string, Claim>()
  for (const event of events) {
    const data = event.data as Record<string, string | undefined>
    const metadata = event.metadata as Partial<EventMetadata>
    if (event.type === RESERVED) {
      claims.set(event.id, {
        id: event.id,
        key: data.key!,
        rule: data.rule!,
        holder: data.holder!,
        holderStream: data.holderStream!,
        ...(data.validFrom && data.validTo ? { validity: { from: data.validFrom, to: data.validTo } } : {}),
        commandId: metadata.commandId ?? '',
        org: metadata.org ?? '',
        recordedAt: event.recordedAt,
        released: null,
      })
    } else if (event.type === RELEASED) {
      const claim = claims.get(data.claimId!)
      if (claim) claim.released = data.reason as Claim['released']
    }
  }
  return [...claims.values()]
}

const overlaps = (a?: { from: string; to: string }, b?: { from: string; to: string }) =>
  !a || !b || (a.from < b.to && b.from < a.to)

async function isConfirmed(store: EventStore, claim: Claim): Promise<boolean> {
  const events = await readKey(store, claim.holderStream)
  return events.some((e) => {
    const metadata = e.metadata as Partial<EventMetadata>
    return metadata.commandId === claim.commandId && metadata.org === claim.org
  })
}

const revisionOf = (events: readonly RecordedEvent[]): ExpectedRevision =>
  events.length === 0 ? 'no_stream' : events.at(-1)!.revision

function releaseEvent(ctx: ReservationContext, claim: Claim, reason: 'ended' | 'refused' | 'orphaned') {
  return {
    id: deterministicEventId(claim.key, `release\u0000${claim.id}`, 0),
    type: RELEASED,
    data: ctx.encode(RELEASED, { key: claim.key, holder: claim.holder, claimId: claim.id, reason }),
    metadata: ctx.metadata(1),
  }
}

/**
 * Claims every key (in key order) for this command, or throws: RuleViolationError when another
 * holder has a key, ConflictError when another command is claiming it right now. Keys claimed
 * before a refusal are released again. Returns this command's claims (found or made).
 */
export async function reserveKeys(ctx: ReservationContext, reservations: readonly Reservation[]) {
  const held: Claim[] = []
  const sorted = [...reservations].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  try {
    for (const reservation of sorted) {
      held.push(await reserveKey(ctx, reservation))
    }
  } catch (error) {
    await releaseClaims(ctx, held, 'refused')
    throw error
  }
  return held
}

async function reserveKey(ctx: ReservationContext, reservation: Reservation): Promise<Claim> {
  const { store } = ctx
  for (let attempt = 0; ; attempt++) {
    const events = await readKey(store, reservation.key)
    const claims = claimsOf(events)
    const mine = claims.filter((c) => c.commandId === ctx.commandId && c.org === ctx.org)
    const own = mine.at(-1)
    // A retry: the claim stands (or ended with its holder, which this command created).
    if (own && (own.released === null || own.released === 'ended')) return own
    const rivals = claims.filter(
      (c) =>
        c.released === null && c.holder !== reservation.holder && overlaps(c.validity, reservation.validity),
    )
    let orphanReleased = false
    try {
      for (const rival of rivals) {
        if (await isConfirmed(store, rival)) {
          throw new RuleViolationError(
            reservation.rule,
            reservation.refusal(rival),
            rival.holder,
            reservation.field,
          )
        }
        if (ctx.now() - rival.recordedAt.getTime() < ctx.orphanAfterMs) {
          throw new ConflictError(
            `${reservation.holder} cannot be recorded yet: another command is being recorded for ${rival.holder} under the same rule (${reservation.rule}); try again in a moment`,
          )
        }
        // Its command died between reserving and writing its stream: release it, then re-read.
        await store.appendToStream(reservation.key, [releaseEvent(ctx, rival, 'orphaned')], {
          expectedRevision: revisionOf(events),
        })
        orphanReleased = true
        break
      }
      if (orphanReleased) continue
      // Claims by the same holder (another command for the same licence number) do not conflict:
      // each command keeps its own claim, so a refused one releases only its own.
      const claimEvent = {
        id: deterministicEventId(reservation.key, `${ctx.org}\u0000${ctx.commandId}`, mine.length),
        type: RESERVED,
        data: ctx.encode(RESERVED, {
          key: reservation.key,
          rule: reservation.rule,
          holder: reservation.holder,
          holderStream: ctx.holderStream,
          ...(reservation.validity
            ? { validFrom: reservation.validity.from, validTo: reservation.validity.to }
            : {}),
        }),
        metadata: ctx.metadata(1),
      }
      await store.appendToStream(reservation.key, [claimEvent], { expectedRevision: revisionOf(events) })
      return {
        id: claimEvent.id,
        key: reservation.key,
        rule: reservation.rule,
        holder: reservation.holder,
        holderStream: ctx.holderStream,
        ...(reservation.validity ? { validity: reservation.validity } : {}),
        commandId: ctx.commandId,
        org: ctx.org,
        recordedAt: new Date(ctx.now()),
        released: null,
      }
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error
      if (attempt >= ctx.maxRetries) {
        throw new ConflictError(
          `${reservation.holder} could not be checked against rule ${reservation.rule}: others kept recording under it (${attempt + 1} attempts); try again`,
        )
      }
    }
  }
}

/** Releases claims, each at its key stream's current revision (idempotent: released ones are skipped). */
export async function releaseClaims(
  ctx: ReservationContext,
  claims: readonly Claim[],
  reason: 'ended' | 'refused' | 'orphaned',
) {
  for (const claim of claims) {
    for (let attempt = 0; ; attempt++) {
      const events = await readKey(ctx.store, claim.key)
      const current = claimsOf(events).find((c) => c.id === claim.id)
      if (!current || current.released !== null) break
      try {
        await ctx.store.appendToStream(claim.key, [releaseEvent(ctx, current, reason)], {
          expectedRevision: revisionOf(events),
        })
        break
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= ctx.maxRetries) throw error
      }
    }
  }
}

/** Ends every standing claim of a holder on the given keys (after the holder ended, e.g. revoked). */
export async function releaseKeys(ctx: ReservationContext, releases: readonly Release[]) {
  for (const release of releases) {
    const claims = claimsOf(await readKey(ctx.store, release.key)).filter(
      (c) => c.released === null && c.holder === release.holder,
    )
    await releaseClaims(ctx, claims, 'ended')
  }
}
