import { z } from 'zod'
import { CommandId, Id, StandardCode, StandardKind, StandardRef, StandardVersion, Text } from '../common'
import { defineEvent, IsoDate } from '../envelope'

const context = 'standards'
const Key = { code: StandardCode, version: StandardVersion }

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
    titleZh: Text,
    titleEn: Text.optional(),
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
  }),
})

export const StandardPublished = defineEvent({
  type: 'StandardPublished',
  context,
  description: 'The standard was published with its implementation (effective) date.',
  schema: z.object({ ...Key, publishedOn: IsoDate, effectiveFrom: IsoDate }),
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
  description: 'A newer version replaces this one; certificates on it may use it until the transition ends.',
  schema: z.object({ ...Key, replacedBy: StandardRef, supersededOn: IsoDate, transitionEndsOn: IsoDate }),
})

export const StandardWithdrawn = defineEvent({
  type: 'StandardWithdrawn',
  context,
  description: 'The standard was withdrawn (废止) without replacement.',
  schema: z.object({ ...Key, withdrawnOn: IsoDate, reason: Text }),
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
  schema: z.object({ ...Key, stage: CorrectableStage, date: IsoDate, previousDate: IsoDate, reason: Text }),
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
] as const

// ---- commands (the tRPC inputs) ----
const base = { commandId: CommandId.optional() }

export const DraftStandard = z.object({
  ...base,
  ...Key,
  titleZh: Text,
  titleEn: Text.optional(),
  ics: StandardDrafted.schema.shape.ics,
  ccs: StandardDrafted.schema.shape.ccs,
  technicalCommittee: Id.optional(),
  ledByProvince: z.boolean().default(false),
  replaces: StandardRef.optional(),
  draftedOn: IsoDate.optional(),
})
export const PublishStandard = z
  .object({ ...base, ...Key, publishedOn: IsoDate, effectiveFrom: IsoDate })
  .refine((c) => c.publishedOn <= c.effectiveFrom, {
    message: 'the implementation date cannot be before publication',
    path: ['effectiveFrom'],
  })
export const AmendStandard = z.object({ ...base, ...Key, summary: Text, effectiveFrom: IsoDate })
export const SupersedeStandard = z.object({
  ...base,
  ...Key,
  replacedBy: StandardRef,
  supersededOn: IsoDate,
  transitionEndsOn: IsoDate,
})
export const WithdrawStandard = z.object({ ...base, ...Key, withdrawnOn: IsoDate, reason: Text })
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
  date: IsoDate,
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
