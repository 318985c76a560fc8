import { z } from 'zod'
import { CommandId, Id, StandardCode, StandardKind, StandardRef, StandardVersion, Text } from '../common'
import { defineEvent, IsoDate } from '../envelope'
import { DatePrecision, PartialDate, SupplementKind } from '../standard-identifiers'

const context = 'standards'
const Key = { code: StandardCode, version: StandardVersion }

/** A title as catalogues give it (real ISO titles exceed 500 characters). */
export const Title = z.string().trim().min(1, 'required').max(2000, 'at most 2000 characters')

/**
 * Precision of the event's dates, by field name; a field not named is exact to the day. A month or
 * year date is stored as its first day and counts from it; `unknown` (a withdrawal without a date)
 * is stored as the day it was recorded.
 */
const Precision = z
  .record(z.string(), DatePrecision)
  .optional()
  .describe('precision of date fields, by field name (absent: day)')

export const AdoptionDegree = z.enum(['IDT', 'MOD', 'NEQ'])
export const TcLevel = z.enum(['national', 'provincial'])

export const StandardDrafted = defineEvent({
  type: 'StandardDrafted',
  context,
  description:
    'A standard version was registered as a draft (title, kind from the code prefix, ICS/CCS, TC).',
  schema: z.object({
    ...Key,
    kind: StandardKind,
    mandatory: z.boolean(),
    /** Optional since foreign standards have no Chinese title; at least one title is given. */
    titleZh: Title.optional(),
    titleEn: Title.optional(),
    /** A title in another language, e.g. French for ISO. */
    titleOther: Title.optional(),
    ics: z.array(z.string().regex(/^\d{2}(\.\d{3}(\.\d{2})?)?$/, 'an ICS code such as 03.120.10')).min(1),
    ccs: z
      .string()
      .regex(/^[A-Z]\d{2}$/, 'a CCS code such as A00')
      .optional(),
    technicalCommittee: Id.optional(),
    /** Led (drafted) by an organisation of the province: counts toward the seed's targets. */
    ledByProvince: z.boolean(),
    replaces: StandardRef.optional(),
    /** Business date of the draft (e.g. the project's approval); absent: counts from the day recorded. */
    draftedOn: IsoDate.optional(),
    precision: Precision,
  }),
})

export const StandardPublished = defineEvent({
  type: 'StandardPublished',
  context,
  description: 'The standard was published with its implementation (effective) date.',
  schema: z.object({ ...Key, publishedOn: IsoDate, effectiveFrom: IsoDate, precision: Precision }),
})

export const StandardAmended = defineEvent({
  type: 'StandardAmended',
  context,
  description: 'An amendment (修改单) to a published standard took effect.',
  schema: z.object({
    ...Key,
    amendmentNo: z.number().int().positive(),
    summary: Text,
    effectiveFrom: IsoDate,
  }),
})

export const StandardSuperseded = defineEvent({
  type: 'StandardSuperseded',
  context,
  description:
    'A newer version replaces this one; certificates on it may use it until the transition ends. Recorded once per replacement: several for a split, one on each predecessor for a merge. The edition counts as superseded from the earliest full supersession; a partial one (`partial`) records the link only.',
  schema: z.object({
    ...Key,
    replacedBy: StandardRef,
    supersededOn: IsoDate,
    transitionEndsOn: IsoDate,
    partial: z.boolean().optional(),
    precision: Precision,
  }),
})

export const StandardWithdrawn = defineEvent({
  type: 'StandardWithdrawn',
  context,
  description:
    'The standard was withdrawn (废止). Without a known date `withdrawnOn` is the day recorded and `precision.withdrawnOn` is `unknown`; `replacedBy` names editions that took over, if any.',
  schema: z.object({
    ...Key,
    withdrawnOn: IsoDate,
    reason: Text,
    replacedBy: z.array(StandardRef).optional(),
    precision: Precision,
  }),
})

export const InternationalStandardAdopted = defineEvent({
  type: 'InternationalStandardAdopted',
  context,
  description:
    'The standard adopts an international standard (IDT identical, MOD modified, NEQ not equivalent).',
  schema: z.object({
    ...Key,
    international: z.object({ code: StandardCode, version: StandardVersion }),
    degree: AdoptionDegree,
  }),
})

export const TechnicalCommitteeEstablished = defineEvent({
  type: 'TechnicalCommitteeEstablished',
  context,
  description: 'A standardization technical committee (TC) was established.',
  schema: z.object({ tcId: Id, name: Text, level: TcLevel, establishedOn: IsoDate }),
})

/** A recorded business date that a correction can replace. */
export const CorrectableStage = z.enum([
  'draft',
  'published',
  'effective',
  'superseded',
  'transitionEnds',
  'withdrawn',
])

export const StandardDateCorrected = defineEvent({
  type: 'StandardDateCorrected',
  context,
  description:
    'A business date recorded earlier for the standard was wrong: from this event on the stage counts from `date` (business time); what was believed before stays readable at earlier positions (record time).',
  schema: z.object({
    ...Key,
    stage: CorrectableStage,
    date: IsoDate,
    previousDate: IsoDate,
    reason: Text,
    precision: Precision,
  }),
})

export const StandardSupplementPublished = defineEvent({
  type: 'StandardSupplementPublished',
  context,
  description:
    'An amendment, corrigendum or technical corrigendum to an edition, identified by its own number (`ISO 9001:2015/Amd 1:2024`), was published; it applies from `publishedOn`. May be recorded in any order.',
  schema: z.object({
    ...Key,
    kind: SupplementKind,
    number: z.number().int().positive(),
    identifier: z.string().min(1).max(120),
    publishedOn: IsoDate,
    title: Title.optional(),
    precision: Precision,
  }),
})

export const StandardReplacementRetracted = defineEvent({
  type: 'StandardReplacementRetracted',
  context,
  description:
    'A replacement link (StandardSuperseded) was recorded in error and is retracted, with a reason; nothing is rewritten. From this position on the edition counts as superseded from its earliest remaining full replacement, or not superseded when none remains; earlier positions still show the link.',
  schema: z.object({ ...Key, replacedBy: StandardRef, reason: Text }),
})

/** Harmonized stage codes (ISO/IEC): 60.60 published, 90.20 under review, 90.92 to be revised, 90.93 confirmed, 95.99 withdrawn. */
export const HarmonizedStageCode = z.string().regex(/^\d{2}\.\d{2}$/, 'a harmonized stage code such as 90.93')

export const StandardStageReached = defineEvent({
  type: 'StandardStageReached',
  context,
  description:
    'A review or confirmation stage (harmonized stage code, e.g. 90.20 review, 90.93 confirmed) was reached on a date. Informational: the status follows publication, supersession and withdrawal.',
  schema: z.object({ ...Key, stageCode: HarmonizedStageCode, on: IsoDate, precision: Precision }),
})

export const standardsEvents = [
  StandardDrafted,
  StandardPublished,
  StandardAmended,
  StandardSuperseded,
  StandardWithdrawn,
  InternationalStandardAdopted,
  TechnicalCommitteeEstablished,
  StandardDateCorrected,
  StandardSupplementPublished,
  StandardStageReached,
  StandardReplacementRetracted,
] as const

// ---- commands (the tRPC inputs) ----
const base = { commandId: CommandId.optional() }

export const DraftStandard = z
  .object({
    ...base,
    ...Key,
    titleZh: Title.optional(),
    titleEn: Title.optional(),
    titleOther: Title.optional(),
    ics: StandardDrafted.schema.shape.ics,
    ccs: StandardDrafted.schema.shape.ccs,
    technicalCommittee: Id.optional(),
    ledByProvince: z.boolean().default(false),
    replaces: StandardRef.optional(),
    draftedOn: PartialDate.optional(),
  })
  .refine((c) => c.titleZh || c.titleEn || c.titleOther, {
    message: 'a title in at least one language',
    path: ['titleZh'],
  })
/** Dates in commands may be partial (`2001-09`, `2001`); they count from their first day. */
export const PublishStandard = z
  .object({ ...base, ...Key, publishedOn: PartialDate, effectiveFrom: PartialDate.optional() })
  .refine((c) => !c.effectiveFrom || c.publishedOn <= c.effectiveFrom, {
    message: 'the implementation date cannot be before publication',
    path: ['effectiveFrom'],
  })
export const AmendStandard = z.object({ ...base, ...Key, summary: Text, effectiveFrom: IsoDate })
export const SupersedeStandard = z.object({
  ...base,
  ...Key,
  replacedBy: StandardRef,
  supersededOn: PartialDate,
  /** Absent: no transition (the same day as the supersession). */
  transitionEndsOn: PartialDate.optional(),
  /** The replacement takes over only part of this edition, which stays in force. */
  partial: z.boolean().optional(),
})
export const WithdrawStandard = z.object({
  ...base,
  ...Key,
  /** Absent: the date is not known (counts from the day recorded). */
  withdrawnOn: PartialDate.optional(),
  reason: Text,
  replacedBy: z.array(StandardRef).max(50).optional(),
})
export const PublishSupplement = z.object({
  ...base,
  ...Key,
  kind: SupplementKind,
  number: z.number().int().positive(),
  publishedOn: PartialDate,
  title: Title.optional(),
})
export const RetractReplacement = z.object({ ...base, ...Key, replacedBy: StandardRef, reason: Text })
export const RecordStandardStage = z.object({
  ...base,
  ...Key,
  stageCode: HarmonizedStageCode,
  on: PartialDate,
})
export const AdoptInternationalStandard = z.object({
  ...base,
  ...Key,
  international: StandardRef,
  degree: AdoptionDegree,
})
export const CorrectStandardDate = z.object({
  ...base,
  ...Key,
  stage: CorrectableStage,
  date: PartialDate,
  reason: Text,
})
export const EstablishTechnicalCommittee = z.object({
  ...base,
  tcId: Id,
  name: Text,
  level: TcLevel,
  establishedOn: IsoDate,
})

export const standardStream = (ref: { code: string; version: string }) =>
  `standard-${ref.code}-${ref.version}`
export const tcStream = (tcId: string) => `tc-${tcId}`
