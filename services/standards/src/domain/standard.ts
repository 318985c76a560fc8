import { classifyStandardCode, type EventOf, standardKey, type standards } from '@qi/contracts'
import { type Decider, NotFoundError, RuleViolationError } from '@qi/decider'
import type { z } from 'zod'

export type StandardEvent =
  | EventOf<typeof standards.StandardDrafted>
  | EventOf<typeof standards.StandardPublished>
  | EventOf<typeof standards.StandardAmended>
  | EventOf<typeof standards.StandardSuperseded>
  | EventOf<typeof standards.StandardWithdrawn>
  | EventOf<typeof standards.InternationalStandardAdopted>

/** What the catalogue knows about the standard named as replacement, looked up by the router. */
export interface ReplacementFact {
  code: string
  version: string
  lifecycle: Lifecycle
}

export type StandardCommand =
  | { type: 'DraftStandard'; input: z.output<typeof standards.DraftStandard> }
  | { type: 'PublishStandard'; input: z.output<typeof standards.PublishStandard> }
  | { type: 'AmendStandard'; input: z.output<typeof standards.AmendStandard> }
  | {
      type: 'SupersedeStandard'
      input: z.output<typeof standards.SupersedeStandard>
      /** The replacing standard as the catalogue has it; null when it is not in the catalogue. */
      facts: { replacement: ReplacementFact | null }
    }
  | { type: 'WithdrawStandard'; input: z.output<typeof standards.WithdrawStandard> }
  | { type: 'AdoptInternationalStandard'; input: z.output<typeof standards.AdoptInternationalStandard> }

/** Stored lifecycle; "effective" is not stored because it follows from the date (see the catalogue). */
export type Lifecycle = 'draft' | 'published' | 'superseded' | 'withdrawn'

export interface StandardState {
  lifecycle: Lifecycle | null
  publishedOn: string | null
  amendments: number
}

const initialState = (): StandardState => ({ lifecycle: null, publishedOn: null, amendments: 0 })

function evolve(state: StandardState, event: StandardEvent): StandardState {
  switch (event.type) {
    case 'StandardDrafted':
      return { ...state, lifecycle: 'draft' }
    case 'StandardPublished':
      return { ...state, lifecycle: 'published', publishedOn: event.data.publishedOn }
    case 'StandardAmended':
      return { ...state, amendments: event.data.amendmentNo }
    case 'StandardSuperseded':
      return { ...state, lifecycle: 'superseded' }
    case 'StandardWithdrawn':
      return { ...state, lifecycle: 'withdrawn' }
    case 'InternationalStandardAdopted':
      return state
  }
}

function requireLifecycle(
  state: StandardState,
  key: { code: string; version: string },
  allowed: Lifecycle[],
  action: string,
): void {
  if (state.lifecycle === null) throw new NotFoundError('standard', standardKey(key))
  if (!allowed.includes(state.lifecycle)) {
    throw new RuleViolationError(
      'standards.lifecycle',
      `standard ${standardKey(key)} is ${state.lifecycle}; only a ${allowed.join(' or ')} standard can be ${action}`,
      standardKey(key),
    )
  }
}

function decide(command: StandardCommand, state: StandardState): StandardEvent[] {
  switch (command.type) {
    case 'DraftStandard': {
      const { commandId: _commandId, ...input } = command.input
      const key = standardKey(input)
      if (state.lifecycle !== null) {
        throw new RuleViolationError(
          'standards.unique-version',
          `standard ${key} is already in the catalogue (${state.lifecycle}); draft a new version instead`,
          key,
          'version',
        )
      }
      const classification = classifyStandardCode(input.code)
      if (!classification) {
        throw new RuleViolationError(
          'standards.code-prefix',
          `standard code ${input.code} has an unknown prefix; use GB, GB/T, an industry prefix (e.g. JB/T), DB42(/T), T/…, Q/… or ISO/IEC/EN`,
          input.code,
          'code',
        )
      }
      if (input.replaces && standardKey(input.replaces) === key) {
        throw new RuleViolationError(
          'standards.replaces-other',
          `standard ${key} cannot replace itself; name the earlier version it replaces`,
          key,
          'replaces',
        )
      }
      return [
        {
          type: 'StandardDrafted',
          data: { ...input, kind: classification.kind, mandatory: classification.mandatory },
        },
      ]
    }
    case 'PublishStandard': {
      const { commandId: _commandId, ...input } = command.input
      requireLifecycle(state, input, ['draft'], 'published')
      return [{ type: 'StandardPublished', data: input }]
    }
    case 'AmendStandard': {
      const { commandId: _commandId, ...input } = command.input
      requireLifecycle(state, input, ['published'], 'amended')
      if (state.publishedOn !== null && input.effectiveFrom < state.publishedOn) {
        throw new RuleViolationError(
          'standards.amendment-after-publication',
          `amendment to ${standardKey(input)} takes effect ${input.effectiveFrom}, before the standard was published ${state.publishedOn}`,
          standardKey(input),
          'effectiveFrom',
        )
      }
      return [{ type: 'StandardAmended', data: { ...input, amendmentNo: state.amendments + 1 } }]
    }
    case 'SupersedeStandard': {
      const { commandId: _commandId, ...input } = command.input
      const key = standardKey(input)
      const replacementKey = standardKey(input.replacedBy)
      requireLifecycle(state, input, ['published'], 'superseded')
      if (replacementKey === key) {
        throw new RuleViolationError(
          'standards.replaced-by-other',
          `standard ${key} cannot be superseded by itself; name the newer version`,
          key,
          'replacedBy',
        )
      }
      const { replacement } = command.facts
      if (!replacement) {
        throw new RuleViolationError(
          'standards.replacement-exists',
          `replacing standard ${replacementKey} is not in the catalogue; draft it before superseding ${key}`,
          replacementKey,
          'replacedBy',
        )
      }
      if (replacement.lifecycle === 'superseded' || replacement.lifecycle === 'withdrawn') {
        throw new RuleViolationError(
          'standards.replacement-current',
          `replacing standard ${replacementKey} is itself ${replacement.lifecycle}; name a current version`,
          replacementKey,
          'replacedBy',
        )
      }
      if (input.transitionEndsOn < input.supersededOn) {
        throw new RuleViolationError(
          'standards.transition-after-supersession',
          `transition for ${key} ends ${input.transitionEndsOn}, before it is superseded on ${input.supersededOn}`,
          key,
          'transitionEndsOn',
        )
      }
      return [{ type: 'StandardSuperseded', data: input }]
    }
    case 'WithdrawStandard': {
      const { commandId: _commandId, ...input } = command.input
      requireLifecycle(state, input, ['published'], 'withdrawn')
      return [{ type: 'StandardWithdrawn', data: input }]
    }
    case 'AdoptInternationalStandard': {
      const { commandId: _commandId, ...input } = command.input
      requireLifecycle(state, input, ['draft', 'published'], 'linked to an international standard')
      if (classifyStandardCode(input.international.code)?.kind !== 'international') {
        throw new RuleViolationError(
          'standards.adoption-of-international',
          `${input.international.code} is not an international standard code (ISO, IEC, EN, ITU, ASTM, IEEE, CODEX)`,
          input.international.code,
          'international',
        )
      }
      if (classifyStandardCode(input.code)?.kind === 'international') {
        throw new RuleViolationError(
          'standards.adoption-by-domestic',
          `${standardKey(input)} is itself international; only a domestic standard adopts an international one`,
          standardKey(input),
          'code',
        )
      }
      return [{ type: 'InternationalStandardAdopted', data: input }]
    }
  }
}

export const standardDecider: Decider<StandardCommand, StandardEvent, StandardState> = {
  initialState,
  evolve,
  decide,
}
