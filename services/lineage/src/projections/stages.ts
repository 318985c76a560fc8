import type { NodeKind } from './ids'

/**
 * The lifecycle of each kind of node, in stage order: the status it shows in that stage, listed from
 * first to last. Stage order decides between status changes on the same business date (a standard
 * published and effective on one day is effective that day), never the order rows were written.
 *
 * The first entry may be a **registration** (`registration: true`): a fact that says only that the
 * thing exists, entered without a business date. It holds from the beginning of business time and
 * every dated change wins over it. (A standard's draft is a registration only when recorded without
 * `draftedOn`, and then holds from the day recorded; with `draftedOn` it ranks as the first dated
 * stage — see ./standard-stages.)
 *
 * To map a new event to a status: one entry in STATUS_CHANGES (./status-changes) saying which node
 * reaches which stage on which date; a stage that is new goes here, at its place in the lifecycle.
 * Standards events go to the stage fold in ./standard-stages instead.
 */
export const LIFECYCLES = {
  standard: [
    { stage: 'drafted', status: 'draft', registration: true },
    { stage: 'published', status: 'published' },
    { stage: 'effective', status: 'effective' },
    { stage: 'superseded', status: 'superseded' },
    { stage: 'transition_ended', status: 'transition_ended' },
    { stage: 'withdrawn', status: 'withdrawn' },
  ],
  lab: [{ stage: 'registered', status: 'registered', registration: true }],
  accreditation: [
    { stage: 'accredited', status: 'active' },
    { stage: 'suspended', status: 'suspended' },
    { stage: 'restored', status: 'active' },
    { stage: 'expired', status: 'expired' },
    { stage: 'withdrawn', status: 'withdrawn' },
  ],
  instrument: [
    { stage: 'registered', status: 'in_service', registration: true },
    { stage: 'retired', status: 'retired' },
  ],
  calibration: [
    { stage: 'calibrated', status: 'valid' },
    { stage: 'failed', status: 'failed' },
    { stage: 'expired', status: 'expired' },
  ],
  report: [
    { stage: 'issued', status: 'valid' },
    { stage: 'flagged', status: 'flagged' },
    { stage: 'amended', status: 'amended' },
    { stage: 'revoked', status: 'revoked' },
  ],
  certificate: [
    { stage: 'issued', status: 'valid' },
    { stage: 'under_review', status: 'under_review' },
    { stage: 'suspended', status: 'suspended' },
    { stage: 'restored', status: 'valid' },
    { stage: 'expired', status: 'expired' },
    { stage: 'withdrawn', status: 'withdrawn' },
  ],
  product: [
    { stage: 'registered', status: 'registered', registration: true },
    { stage: 'recalled', status: 'recalled' },
  ],
  enterprise: [{ stage: 'registered', status: 'registered', registration: true }],
  line: [{ stage: 'registered', status: 'registered', registration: true }],
  recall: [{ stage: 'announced', status: 'announced' }],
  licence: [
    { stage: 'issued', status: 'active' },
    { stage: 'suspended', status: 'suspended' },
    { stage: 'restored', status: 'active' },
    { stage: 'expired', status: 'expired' },
    { stage: 'revoked', status: 'revoked' },
  ],
  // A re-verification that passes on the day of a failure wins: passed is last.
  verification: [
    { stage: 'due', status: 'pending' },
    { stage: 'failed', status: 'failed' },
    { stage: 'missed', status: 'missed' },
    { stage: 'passed', status: 'passed' },
  ],
} as const satisfies Record<
  NodeKind,
  ReadonlyArray<{ stage: string; status: string; registration?: boolean }>
>

export type Lifecycles = typeof LIFECYCLES
export type StageOf<K extends NodeKind> = Lifecycles[K][number]['stage']

/** Rank 0 is a registration (timeless); dated stages rank 1, 2, … in lifecycle order. */
export const REGISTRATION_RANK = 0

export interface Stage {
  status: string
  rank: number
}

const stages = new Map<string, Stage>()
for (const [kind, lifecycle] of Object.entries(LIFECYCLES)) {
  lifecycle.forEach((entry, index) => {
    const registration = 'registration' in entry && entry.registration
    if (registration && index !== 0) throw new Error(`${kind}: a registration must be the first stage`)
    stages.set(`${kind}.${entry.stage}`, {
      status: entry.status,
      rank: registration ? REGISTRATION_RANK : index + 1,
    })
  })
}

export function stageOf<K extends NodeKind>(kind: K, stage: StageOf<K>): Stage {
  const found = stages.get(`${kind}.${stage}`)
  if (!found) throw new Error(`unknown stage ${kind}.${stage}`)
  return found
}
