import type { accreditation, EventOf } from '@qi/contracts'
import { type Decider, NotFoundError, RuleViolationError } from '@qi/decider'
import type { z } from 'zod'

export type LabEvent =
  | EventOf<typeof accreditation.LabRegistered>
  | EventOf<typeof accreditation.LabAccredited>
  | EventOf<typeof accreditation.AccreditationScopeExtended>
  | EventOf<typeof accreditation.AccreditationScopeReduced>
  | EventOf<typeof accreditation.AccreditationSuspended>
  | EventOf<typeof accreditation.AccreditationRestored>
  | EventOf<typeof accreditation.AccreditationWithdrawn>
  | EventOf<typeof accreditation.AccreditationExpired>

export type LabCommand =
  | { type: 'RegisterLab'; input: z.output<typeof accreditation.RegisterLab> }
  | { type: 'AccreditLab'; input: z.output<typeof accreditation.AccreditLab> }
  | { type: 'ExtendScope'; input: z.output<typeof accreditation.ExtendScope> }
  | { type: 'ReduceScope'; input: z.output<typeof accreditation.ReduceScope> }
  | { type: 'SuspendAccreditation'; input: z.output<typeof accreditation.SuspendAccreditation> }
  | { type: 'RestoreAccreditation'; input: z.output<typeof accreditation.RestoreAccreditation> }
  | { type: 'WithdrawAccreditation'; input: z.output<typeof accreditation.WithdrawAccreditation> }
  | { type: 'ExpireAccreditation'; input: z.output<typeof accreditation.ExpireAccreditation> }

export type OrgKind = z.infer<typeof accreditation.OrgKind>
type BaseStandard = z.infer<typeof accreditation.BaseStandard>
export type AccreditationStatus = 'active' | 'suspended' | 'withdrawn' | 'expired'

export interface LabState {
  kind: OrgKind | null
  accreditation: {
    accreditationNo: string
    validFrom: string
    validUntil: string
    status: AccreditationStatus
    /** The date the current status began (e.g. the suspension date). */
    statusSince: string
    lineIds: string[]
  } | null
}

/** ISO/IEC conformity-assessment standards each kind of organisation is accredited against. */
export const BASE_STANDARDS_BY_KIND: Record<OrgKind, BaseStandard[]> = {
  testing_lab: ['ISO/IEC 17025'],
  calibration_lab: ['ISO/IEC 17025'],
  certification_body: ['ISO/IEC 17065', 'ISO/IEC 17021-1'],
  inspection_body: ['ISO/IEC 17020'],
}

export const MAX_VALIDITY_YEARS = 5

/** The same calendar day `years` later (29 Feb falls back to 28 Feb). */
export function addYears(isoDate: string, years: number): string {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number]
  const target = new Date(Date.UTC(year + years, month - 1, day))
  if (target.getUTCMonth() !== month - 1) target.setUTCDate(0)
  return target.toISOString().slice(0, 10)
}

const initialState = (): LabState => ({ kind: null, accreditation: null })

function withStatus(state: LabState, status: AccreditationStatus, since: string): LabState {
  return state.accreditation
    ? { ...state, accreditation: { ...state.accreditation, status, statusSince: since } }
    : state
}

function evolve(state: LabState, event: LabEvent): LabState {
  switch (event.type) {
    case 'LabRegistered':
      return { ...state, kind: event.data.kind }
    case 'LabAccredited':
      return {
        ...state,
        accreditation: {
          accreditationNo: event.data.accreditationNo,
          validFrom: event.data.validFrom,
          validUntil: event.data.validUntil,
          status: 'active',
          statusSince: event.data.validFrom,
          lineIds: event.data.scope.map((line) => line.lineId),
        },
      }
    case 'AccreditationScopeExtended':
      return state.accreditation
        ? {
            ...state,
            accreditation: {
              ...state.accreditation,
              lineIds: [...state.accreditation.lineIds, ...event.data.lines.map((line) => line.lineId)],
            },
          }
        : state
    case 'AccreditationScopeReduced':
      return state.accreditation
        ? {
            ...state,
            accreditation: {
              ...state.accreditation,
              lineIds: state.accreditation.lineIds.filter((id) => !event.data.lineIds.includes(id)),
            },
          }
        : state
    case 'AccreditationSuspended':
      return withStatus(state, 'suspended', event.data.from)
    case 'AccreditationRestored':
      return withStatus(state, 'active', event.data.on)
    case 'AccreditationWithdrawn':
      return withStatus(state, 'withdrawn', event.data.on)
    case 'AccreditationExpired':
      return withStatus(state, 'expired', event.data.on)
  }
}

type Accreditation = NonNullable<LabState['accreditation']>

function requireRegistered(state: LabState, labId: string): OrgKind {
  if (state.kind === null) throw new NotFoundError('lab', labId)
  return state.kind
}

/** The lab's current accreditation under the number the command names. */
function requireAccreditation(
  state: LabState,
  input: { labId: string; accreditationNo: string },
): Accreditation {
  requireRegistered(state, input.labId)
  const current = state.accreditation
  if (!current || current.accreditationNo !== input.accreditationNo) {
    throw new NotFoundError('accreditation', `${input.labId} ${input.accreditationNo}`)
  }
  return current
}

function requireStatus(current: Accreditation, allowed: AccreditationStatus[], action: string): void {
  if (!allowed.includes(current.status)) {
    throw new RuleViolationError(
      'accreditation.status',
      `accreditation ${current.accreditationNo} is ${current.status} since ${current.statusSince}; only an accreditation that is ${allowed.join(' or ')} can be ${action}`,
      current.accreditationNo,
    )
  }
}

function requireNotBefore(current: Accreditation, date: string, field: string, what: string): void {
  if (date < current.statusSince) {
    throw new RuleViolationError(
      'accreditation.date-order',
      `${what} on ${date} is before accreditation ${current.accreditationNo} became ${current.status} on ${current.statusSince}`,
      current.accreditationNo,
      field,
    )
  }
}

function requireUniqueLineIds(lineIds: string[], existing: string[], accreditationNo: string): void {
  const seen = new Set(existing)
  for (const lineId of lineIds) {
    if (seen.has(lineId)) {
      throw new RuleViolationError(
        'accreditation.scope-line-unique',
        `scope line ${lineId} appears twice in accreditation ${accreditationNo}; give every line its own id`,
        lineId,
        'scope',
      )
    }
    seen.add(lineId)
  }
}

function decide(command: LabCommand, state: LabState): LabEvent[] {
  switch (command.type) {
    case 'RegisterLab': {
      const { commandId: _commandId, ...input } = command.input
      if (state.kind !== null) {
        throw new RuleViolationError(
          'accreditation.lab-unique',
          `lab ${input.labId} is already registered; choose another id`,
          input.labId,
          'labId',
        )
      }
      return [{ type: 'LabRegistered', data: input }]
    }
    case 'AccreditLab': {
      const { commandId: _commandId, ...input } = command.input
      const kind = requireRegistered(state, input.labId)
      const latestEnd = addYears(input.validFrom, MAX_VALIDITY_YEARS)
      if (input.validUntil > latestEnd) {
        throw new RuleViolationError(
          'accreditation.validity-max-5-years',
          `accreditation ${input.accreditationNo} runs until ${input.validUntil}, more than ${MAX_VALIDITY_YEARS} years after ${input.validFrom}; end it by ${latestEnd}`,
          input.accreditationNo,
          'validUntil',
        )
      }
      const fitting = BASE_STANDARDS_BY_KIND[kind]
      if (!fitting.includes(input.baseStandard)) {
        throw new RuleViolationError(
          'accreditation.base-standard-fits-kind',
          `lab ${input.labId} is a ${kind}; accredit it against ${fitting.join(' or ')}, not ${input.baseStandard}`,
          input.labId,
          'baseStandard',
        )
      }
      if (state.accreditation?.status === 'suspended') {
        throw new RuleViolationError(
          'accreditation.no-renewal-while-suspended',
          `accreditation ${state.accreditation.accreditationNo} of lab ${input.labId} is suspended; restore or withdraw it before granting a new one`,
          state.accreditation.accreditationNo,
        )
      }
      requireUniqueLineIds(
        input.scope.map((line) => line.lineId),
        [],
        input.accreditationNo,
      )
      return [{ type: 'LabAccredited', data: input }]
    }
    case 'ExtendScope': {
      const { commandId: _commandId, ...input } = command.input
      const current = requireAccreditation(state, input)
      requireStatus(current, ['active'], 'extended')
      if (input.lines.length === 0 && input.schemes.length === 0) {
        throw new RuleViolationError(
          'accreditation.extension-not-empty',
          `the extension of accreditation ${current.accreditationNo} adds no scope line and no scheme; add at least one`,
          current.accreditationNo,
          'lines',
        )
      }
      requireUniqueLineIds(
        input.lines.map((line) => line.lineId),
        current.lineIds,
        current.accreditationNo,
      )
      return [{ type: 'AccreditationScopeExtended', data: input }]
    }
    case 'ReduceScope': {
      const { commandId: _commandId, ...input } = command.input
      const current = requireAccreditation(state, input)
      requireStatus(current, ['active', 'suspended'], 'reduced')
      const unknown = input.lineIds.find((lineId) => !current.lineIds.includes(lineId))
      if (unknown !== undefined) {
        throw new RuleViolationError(
          'accreditation.scope-line-known',
          `scope line ${unknown} is not in accreditation ${current.accreditationNo}; its lines are ${current.lineIds.join(', ') || 'none'}`,
          unknown,
          'lineIds',
        )
      }
      return [{ type: 'AccreditationScopeReduced', data: input }]
    }
    case 'SuspendAccreditation': {
      const { commandId: _commandId, ...input } = command.input
      const current = requireAccreditation(state, input)
      requireStatus(current, ['active'], 'suspended')
      requireNotBefore(current, input.from, 'from', 'suspension')
      if (input.from > current.validUntil) {
        throw new RuleViolationError(
          'accreditation.within-validity',
          `suspension from ${input.from} is after accreditation ${current.accreditationNo} ends on ${current.validUntil}`,
          current.accreditationNo,
          'from',
        )
      }
      return [{ type: 'AccreditationSuspended', data: input }]
    }
    case 'RestoreAccreditation': {
      const { commandId: _commandId, ...input } = command.input
      const current = requireAccreditation(state, input)
      requireStatus(current, ['suspended'], 'restored')
      requireNotBefore(current, input.on, 'on', 'restoration')
      return [{ type: 'AccreditationRestored', data: input }]
    }
    case 'WithdrawAccreditation': {
      const { commandId: _commandId, ...input } = command.input
      const current = requireAccreditation(state, input)
      requireStatus(current, ['active', 'suspended'], 'withdrawn')
      requireNotBefore(current, input.on, 'on', 'withdrawal')
      return [{ type: 'AccreditationWithdrawn', data: input }]
    }
    case 'ExpireAccreditation': {
      const { commandId: _commandId, ...input } = command.input
      const current = requireAccreditation(state, input)
      requireStatus(current, ['active', 'suspended'], 'expired')
      if (input.on < current.validUntil) {
        throw new RuleViolationError(
          'accreditation.expires-at-end-of-validity',
          `accreditation ${current.accreditationNo} is valid until ${current.validUntil}; it cannot expire on ${input.on}`,
          current.accreditationNo,
          'on',
        )
      }
      return [{ type: 'AccreditationExpired', data: input }]
    }
  }
}

export const labDecider: Decider<LabCommand, LabEvent, LabState> = { initialState, evolve, decide }
