import {
  classifyStandardCode,
  type DatePrecision,
  type EventOf,
  expandPartialDate,
  formatIdentifier,
  standardKey,
  type standards,
} from '@qi/contracts'
import { type Decider, NotFoundError, RuleViolationError } from '@qi/decider'
import type { z } from 'zod'

export type StandardEvent =
  | EventOf<typeof standards.StandardDrafted>
  | EventOf<typeof standards.StandardPublished>
  | EventOf<typeof standards.StandardAmended>
  | EventOf<typeof standards.StandardSuperseded>
  | EventOf<typeof standards.StandardWithdrawn>
  | EventOf<typeof standards.InternationalStandardAdopted>
  | EventOf<typeof standards.StandardDateCorrected>
  | EventOf<typeof standards.StandardSupplementPublished>
  | EventOf<typeof standards.StandardStageReached>
  | EventOf<typeof standards.StandardReplacementRetracted>

/**
 * What the catalogue (read model) knows about the standard named as replacement, looked up by the
 * router: a fact from another stream.
 */
export interface ReplacementFact {
  code: string
  version: string
  lifecycle: Lifecycle
  publishedOn: string | null
  supersededOn: string | null
  withdrawnOn: string | null
}

/** An edition the catalogue records as replaced by this one (another stream), for date corrections. */
export interface ReplacedFact {
  code: string
  version: string
  supersededOn: string
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
  | {
      type: 'WithdrawStandard'
      input: z.output<typeof standards.WithdrawStandard>
      /** The day the command is recorded: the date of a withdrawal whose date is not known. */
      recordedOn: string
    }
  | { type: 'PublishSupplement'; input: z.output<typeof standards.PublishSupplement> }
  | { type: 'RecordStandardStage'; input: z.output<typeof standards.RecordStandardStage> }
  | { type: 'RetractReplacement'; input: z.output<typeof standards.RetractReplacement> }
  | { type: 'AdoptInternationalStandard'; input: z.output<typeof standards.AdoptInternationalStandard> }
  | {
      type: 'CorrectStandardDate'
      input: z.output<typeof standards.CorrectStandardDate>
      /**
       * From the read model: the editions this one replaced (checked when its publication date
       * moves) and its replacement (checked when its supersession date moves).
       */
      facts: { replaced: ReplacedFact[]; replacement: ReplacementFact | null }
    }

/** Stored lifecycle; "effective" is not stored because it follows from the date (see the catalogue). */
export type Lifecycle = 'draft' | 'published' | 'superseded' | 'withdrawn'

/** The business dates recorded so far (corrections applied). */
export interface StageDates {
  draft: string | null
  published: string | null
  effective: string | null
  superseded: string | null
  transitionEnds: string | null
  withdrawn: string | null
}

export interface StandardState {
  lifecycle: Lifecycle | null
  publishedOn: string | null
  amendments: number
  dates: StageDates
  replacedBy: { code: string; version: string } | null
  /** Every replacement recorded (a split has several). */
  replacements: string[]
  /** Full replacements and their dates (to recompute the supersession after a retraction). */
  fullLinks: Array<{ to: { code: string; version: string }; on: string; transitionEndsOn: string }>
  /** Supplements recorded, as `kind number`. */
  supplements: string[]
  /** Review/confirmation stages recorded, as `stageCode@date`. */
  stageCodes: string[]
  /** Precision of the publication date (a replacement's date is often only a month). */
  publishedPrecision: DatePrecision
}

const initialState = (): StandardState => ({
  lifecycle: null,
  publishedOn: null,
  amendments: 0,
  dates: {
    draft: null,
    published: null,
    effective: null,
    superseded: null,
    transitionEnds: null,
    withdrawn: null,
  },
  replacedBy: null,
  replacements: [],
  fullLinks: [],
  supplements: [],
  stageCodes: [],
  publishedPrecision: 'day',
})

function evolve(state: StandardState, event: StandardEvent): StandardState {
  switch (event.type) {
    case 'StandardDrafted':
      return { ...state, lifecycle: 'draft', dates: { ...state.dates, draft: event.data.draftedOn ?? null } }
    case 'StandardPublished':
      return {
        ...state,
        lifecycle: 'published',
        publishedOn: event.data.publishedOn,
        publishedPrecision: event.data.precision?.publishedOn ?? 'day',
        dates: { ...state.dates, published: event.data.publishedOn, effective: event.data.effectiveFrom },
      }
    case 'StandardAmended':
      return { ...state, amendments: event.data.amendmentNo }
    case 'StandardSuperseded': {
      const replacements = [...state.replacements, standardKey(event.data.replacedBy)]
      if (event.data.partial) return { ...state, replacements }
      const fullLinks = [
        ...state.fullLinks,
        {
          to: event.data.replacedBy,
          on: event.data.supersededOn,
          transitionEndsOn: event.data.transitionEndsOn,
        },
      ]
      const earlier = state.dates.superseded !== null && state.dates.superseded <= event.data.supersededOn
      return {
        ...state,
        lifecycle: 'superseded',
        replacedBy: earlier ? state.replacedBy : event.data.replacedBy,
        replacements,
        fullLinks,
        dates: earlier
          ? state.dates
          : {
              ...state.dates,
              superseded: event.data.supersededOn,
              transitionEnds: event.data.transitionEndsOn,
            },
      }
    }
    case 'StandardSupplementPublished':
      return { ...state, supplements: [...state.supplements, `${event.data.kind} ${event.data.number}`] }
    case 'StandardReplacementRetracted': {
      const to = standardKey(event.data.replacedBy)
      const replacements = state.replacements.filter((k) => k !== to)
      const fullLinks = state.fullLinks.filter((l) => standardKey(l.to) !== to)
      if (fullLinks.length === state.fullLinks.length) return { ...state, replacements }
      const earliest = [...fullLinks].sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0))[0]
      return {
        ...state,
        replacements,
        fullLinks,
        lifecycle: earliest ? 'superseded' : state.lifecycle === 'superseded' ? 'published' : state.lifecycle,
        replacedBy: earliest ? earliest.to : null,
        dates: {
          ...state.dates,
          superseded: earliest ? earliest.on : null,
          transitionEnds: earliest ? earliest.transitionEndsOn : null,
        },
      }
    }
    case 'StandardStageReached':
      return { ...state, stageCodes: [...state.stageCodes, `${event.data.stageCode}@${event.data.on}`] }
    case 'StandardWithdrawn':
      return {
        ...state,
        lifecycle: 'withdrawn',
        dates: { ...state.dates, withdrawn: event.data.withdrawnOn },
      }
    case 'InternationalStandardAdopted':
      return state
    case 'StandardDateCorrected': {
      const dates = { ...state.dates, [event.data.stage]: event.data.date }
      return { ...state, dates, publishedOn: dates.published }
    }
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

/** Expands a partial date, noting its precision under `field` when it is not a full day. */
function dated(text: string, field: string, precision: Record<string, DatePrecision>): string {
  const { date, precision: p } = expandPartialDate(text)
  if (p !== 'day') precision[field] = p
  return date
}
const withPrecision = (precision: Record<string, DatePrecision>) =>
  Object.keys(precision).length > 0 ? { precision } : {}

const STAGE_NAMES: Record<keyof StageDates, string> = {
  draft: 'drafted',
  published: 'published',
  effective: 'effective',
  superseded: 'superseded',
  transitionEnds: 'transition ends',
  withdrawn: 'withdrawn',
}

/**
 * The order a standard's own dates must keep (one stream, no other facts): drafted ≤ published ≤
 * effective; published ≤ superseded ≤ transition end; published ≤ withdrawn. `field` names the
 * command field that carries the date being checked.
 */
function checkOwnDates(key: string, dates: StageDates, field: string): void {
  const pairs: Array<[keyof StageDates, keyof StageDates, string]> = [
    ['draft', 'published', 'standards.published-after-draft'],
    ['published', 'effective', 'standards.effective-after-publication'],
    ['published', 'superseded', 'standards.superseded-after-publication'],
    ['superseded', 'transitionEnds', 'standards.transition-after-supersession'],
    ['published', 'withdrawn', 'standards.withdrawn-after-publication'],
  ]
  for (const [earlier, later, rule] of pairs) {
    const from = dates[earlier]
    const to = dates[later]
    if (from !== null && to !== null && to < from) {
      throw new RuleViolationError(
        rule,
        later === 'transitionEnds'
          ? `transition for ${key} ends ${to}, before it is superseded on ${from}`
          : `standard ${key} would be ${STAGE_NAMES[later]} on ${to}, before it was ${STAGE_NAMES[earlier]} on ${from}`,
        key,
        later === 'transitionEnds' && field !== 'date' ? 'transitionEndsOn' : field,
      )
    }
  }
}

/** Cross-stream: a replacement must be published on or before the supersession and still current then. */
function checkReplacement(key: string, supersededOn: string, replacement: ReplacementFact, field: string) {
  const replacementKey = standardKey(replacement)
  if (replacement.lifecycle === 'draft' || replacement.publishedOn === null) {
    throw new RuleViolationError(
      'standards.replacement-published',
      `replacing standard ${replacementKey} is not published; publish it before superseding ${key}`,
      replacementKey,
      field,
    )
  }
  if (supersededOn < replacement.publishedOn) {
    throw new RuleViolationError(
      'standards.superseded-after-replacement-published',
      `standard ${key} would be superseded on ${supersededOn}, before its replacement ${replacementKey} was published on ${replacement.publishedOn}`,
      key,
      field,
    )
  }
  const ended = replacement.withdrawnOn ?? replacement.supersededOn
  if (ended !== null && ended <= supersededOn) {
    throw new RuleViolationError(
      'standards.replacement-current',
      `replacing standard ${replacementKey} is itself ${replacement.lifecycle} on ${ended}; name a version current on ${supersededOn}`,
      replacementKey,
      'replacedBy',
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
      const precision: Record<string, DatePrecision> = {}
      const { draftedOn, ...rest } = input
      return [
        {
          type: 'StandardDrafted',
          data: {
            ...rest,
            ...(draftedOn ? { draftedOn: dated(draftedOn, 'draftedOn', precision) } : {}),
            kind: classification.kind,
            mandatory: classification.mandatory,
            ...withPrecision(precision),
          },
        },
      ]
    }
    case 'PublishStandard': {
      const { commandId: _commandId, ...input } = command.input
      requireLifecycle(state, input, ['draft'], 'published')
      const precision: Record<string, DatePrecision> = {}
      const publishedOn = dated(input.publishedOn, 'publishedOn', precision)
      const effectiveFrom = dated(input.effectiveFrom ?? input.publishedOn, 'effectiveFrom', precision)
      checkOwnDates(
        standardKey(input),
        { ...state.dates, published: publishedOn, effective: effectiveFrom },
        'publishedOn',
      )
      return [
        {
          type: 'StandardPublished',
          data: {
            code: input.code,
            version: input.version,
            publishedOn,
            effectiveFrom,
            ...withPrecision(precision),
          },
        },
      ]
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
      requireLifecycle(state, input, ['published', 'superseded'], 'superseded')
      if (state.replacements.includes(replacementKey)) {
        throw new RuleViolationError(
          'standards.replacement-unique',
          `standard ${key} is already recorded as replaced by ${replacementKey}`,
          replacementKey,
          'replacedBy',
        )
      }
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
      const precision: Record<string, DatePrecision> = {}
      const supersededOn = dated(input.supersededOn, 'supersededOn', precision)
      const transitionEndsOn = dated(
        input.transitionEndsOn ?? input.supersededOn,
        'transitionEndsOn',
        precision,
      )
      checkOwnDates(
        key,
        { ...state.dates, superseded: supersededOn, transitionEnds: transitionEndsOn },
        'supersededOn',
      )
      checkReplacement(key, supersededOn, replacement, 'supersededOn')
      return [
        {
          type: 'StandardSuperseded',
          data: {
            code: input.code,
            version: input.version,
            replacedBy: input.replacedBy,
            supersededOn,
            transitionEndsOn,
            ...(input.partial ? { partial: true } : {}),
            ...withPrecision(precision),
          },
        },
      ]
    }
    case 'WithdrawStandard': {
      const { commandId: _commandId, ...input } = command.input
      requireLifecycle(state, input, ['published'], 'withdrawn')
      const precision: Record<string, DatePrecision> = {}
      const withdrawnOn = input.withdrawnOn
        ? dated(input.withdrawnOn, 'withdrawnOn', precision)
        : command.recordedOn
      if (!input.withdrawnOn) precision.withdrawnOn = 'unknown'
      checkOwnDates(standardKey(input), { ...state.dates, withdrawn: withdrawnOn }, 'withdrawnOn')
      return [
        {
          type: 'StandardWithdrawn',
          data: {
            code: input.code,
            version: input.version,
            withdrawnOn,
            reason: input.reason,
            ...(input.replacedBy && input.replacedBy.length > 0 ? { replacedBy: input.replacedBy } : {}),
            ...withPrecision(precision),
          },
        },
      ]
    }
    case 'PublishSupplement': {
      const { commandId: _commandId, ...input } = command.input
      const key = standardKey(input)
      if (state.lifecycle === null) throw new NotFoundError('standard', key)
      const label = `${input.kind} ${input.number}`
      if (state.supplements.includes(label)) {
        throw new RuleViolationError(
          'standards.supplement-unique',
          `${key} already has ${label.replace('_', ' ')}`,
          key,
          'number',
        )
      }
      const precision: Record<string, DatePrecision> = {}
      const publishedOn = dated(input.publishedOn, 'publishedOn', precision)
      if (state.dates.published !== null && publishedOn < state.dates.published) {
        throw new RuleViolationError(
          'standards.supplement-after-publication',
          `${label.replace('_', ' ')} to ${key} published ${publishedOn}, before the edition itself (${state.dates.published})`,
          key,
          'publishedOn',
        )
      }
      const short = { amendment: 'Amd', corrigendum: 'Cor', technical_corrigendum: 'TC' }[input.kind]
      const identifier = `${formatIdentifier(input)}/${short} ${input.number}:${publishedOn.slice(0, 4)}`
      return [
        {
          type: 'StandardSupplementPublished',
          data: {
            code: input.code,
            version: input.version,
            kind: input.kind,
            number: input.number,
            identifier,
            publishedOn,
            ...(input.title ? { title: input.title } : {}),
            ...withPrecision(precision),
          },
        },
      ]
    }
    case 'RetractReplacement': {
      const { commandId: _commandId, ...input } = command.input
      const key = standardKey(input)
      if (state.lifecycle === null) throw new NotFoundError('standard', key)
      if (!state.replacements.includes(standardKey(input.replacedBy))) {
        throw new RuleViolationError(
          'standards.retraction-of-recorded',
          `standard ${key} is not recorded as replaced by ${standardKey(input.replacedBy)}; nothing to retract`,
          key,
          'replacedBy',
        )
      }
      return [{ type: 'StandardReplacementRetracted', data: input }]
    }
    case 'RecordStandardStage': {
      const { commandId: _commandId, ...input } = command.input
      if (state.lifecycle === null) throw new NotFoundError('standard', standardKey(input))
      const precision: Record<string, DatePrecision> = {}
      const on = dated(input.on, 'on', precision)
      return [
        {
          type: 'StandardStageReached',
          data: {
            code: input.code,
            version: input.version,
            stageCode: input.stageCode,
            on,
            ...withPrecision(precision),
          },
        },
      ]
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
    case 'CorrectStandardDate': {
      const { commandId: _commandId, ...input } = command.input
      const key = standardKey(input)
      if (state.lifecycle === null) throw new NotFoundError('standard', key)
      const precision: Record<string, DatePrecision> = {}
      const date = dated(input.date, 'date', precision)
      const previousDate = state.dates[input.stage]
      if (previousDate === null) {
        throw new RuleViolationError(
          'standards.correction-of-recorded',
          `standard ${key} has no recorded ${STAGE_NAMES[input.stage]} date to correct`,
          key,
          'stage',
        )
      }
      if (previousDate === date && Object.keys(precision).length === 0) {
        throw new RuleViolationError(
          'standards.correction-changes-date',
          `standard ${key} is already recorded as ${STAGE_NAMES[input.stage]} on ${date}; nothing to correct`,
          key,
          'date',
        )
      }
      checkOwnDates(key, { ...state.dates, [input.stage]: date }, 'date')
      if (input.stage === 'superseded' && command.facts.replacement) {
        checkReplacement(key, date, command.facts.replacement, 'date')
      }
      if (input.stage === 'published') {
        for (const replaced of command.facts.replaced) {
          if (replaced.supersededOn < date) {
            throw new RuleViolationError(
              'standards.superseded-after-replacement-published',
              `${standardKey(replaced)} is recorded as superseded by ${key} on ${replaced.supersededOn}, before ${date}; correct that date first`,
              standardKey(replaced),
              'date',
            )
          }
        }
      }
      return [
        {
          type: 'StandardDateCorrected',
          data: {
            code: input.code,
            version: input.version,
            stage: input.stage,
            date,
            previousDate,
            reason: input.reason,
            ...withPrecision(precision),
          },
        },
      ]
    }
  }
}

export const standardDecider: Decider<StandardCommand, StandardEvent, StandardState> = {
  initialState,
  evolve,
  decide,
}
