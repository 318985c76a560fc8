import { z } from 'zod'
import { CommandId, Id, MethodRef, Text } from '../common'
import { defineEvent, IsoDate } from '../envelope'

const context = 'accreditation'

export const OrgKind = z.enum(['testing_lab', 'calibration_lab', 'certification_body', 'inspection_body'])
export const CentreLevel = z.enum(['national', 'provincial', 'municipal', 'county', 'enterprise'])
export const BaseStandard = z.enum(['ISO/IEC 17025', 'ISO/IEC 17065', 'ISO/IEC 17020', 'ISO/IEC 17021-1'])
export const CertificationScheme = z.enum(['CCC', 'voluntary_product', 'management_system', 'other'])

export const ScopeLine = z.object({
  lineId: Id,
  /** The product or object tested, e.g. 家用电冰箱. */
  object: Text,
  parameter: Text,
  method: MethodRef,
  limitation: Text.optional(),
})
export type ScopeLine = z.infer<typeof ScopeLine>

const Ref = { labId: Id, accreditationNo: Id }

export const LabRegistered = defineEvent({
  type: 'LabRegistered',
  context,
  description: 'A testing or calibration lab, certification body or inspection body was registered.',
  schema: z.object({
    labId: Id,
    name: Text,
    kind: OrgKind,
    region: Text,
    /** For testing centres: national / provincial quality inspection centre (seed item 十). */
    centreLevel: CentreLevel,
  }),
})

export const LabAccredited = defineEvent({
  type: 'LabAccredited',
  context,
  description:
    'An accreditation was granted with its scope lines (object / parameter / method with version).',
  schema: z.object({
    ...Ref,
    accreditingBody: Text,
    baseStandard: BaseStandard,
    validFrom: IsoDate,
    validUntil: IsoDate,
    scope: z.array(ScopeLine),
    schemes: z.array(CertificationScheme).default([]),
  }),
})

export const AccreditationScopeExtended = defineEvent({
  type: 'AccreditationScopeExtended',
  context,
  description: 'Scope lines (or certification schemes) were added to an accreditation.',
  schema: z.object({
    ...Ref,
    lines: z.array(ScopeLine),
    schemes: z.array(CertificationScheme).default([]),
    on: IsoDate,
  }),
})

export const AccreditationScopeReduced = defineEvent({
  type: 'AccreditationScopeReduced',
  context,
  description: 'Scope lines were removed from an accreditation.',
  schema: z.object({ ...Ref, lineIds: z.array(Id).min(1), reason: Text, on: IsoDate }),
})

export const AccreditationSuspended = defineEvent({
  type: 'AccreditationSuspended',
  context,
  description: 'The accreditation was suspended from a date; work after it is not accredited.',
  schema: z.object({ ...Ref, reason: Text, from: IsoDate }),
})

export const AccreditationRestored = defineEvent({
  type: 'AccreditationRestored',
  context,
  description: 'A suspended accreditation was restored.',
  schema: z.object({ ...Ref, on: IsoDate, reason: Text }),
})

export const AccreditationWithdrawn = defineEvent({
  type: 'AccreditationWithdrawn',
  context,
  description: 'The accreditation was withdrawn.',
  schema: z.object({ ...Ref, reason: Text, on: IsoDate }),
})

export const AccreditationExpired = defineEvent({
  type: 'AccreditationExpired',
  context,
  description: 'The accreditation reached the end of its validity.',
  schema: z.object({ ...Ref, on: IsoDate }),
})

export const accreditationEvents = [
  LabRegistered,
  LabAccredited,
  AccreditationScopeExtended,
  AccreditationScopeReduced,
  AccreditationSuspended,
  AccreditationRestored,
  AccreditationWithdrawn,
  AccreditationExpired,
] as const

const base = { commandId: CommandId.optional() }

export const RegisterLab = z.object({
  ...base,
  labId: Id,
  name: Text,
  kind: OrgKind,
  region: Text,
  centreLevel: CentreLevel,
})
export const AccreditLab = z
  .object({
    ...base,
    ...Ref,
    accreditingBody: Text.default('CNAS'),
    baseStandard: BaseStandard,
    validFrom: IsoDate,
    validUntil: IsoDate,
    scope: z.array(ScopeLine).default([]),
    schemes: z.array(CertificationScheme).default([]),
  })
  .refine((c) => c.validFrom < c.validUntil, {
    message: 'validity must end after it starts',
    path: ['validUntil'],
  })
export const ExtendScope = z.object({
  ...base,
  ...Ref,
  lines: z.array(ScopeLine).default([]),
  schemes: z.array(CertificationScheme).default([]),
  on: IsoDate,
})
export const ReduceScope = z.object({
  ...base,
  ...Ref,
  lineIds: z.array(Id).min(1),
  reason: Text,
  on: IsoDate,
})
export const SuspendAccreditation = z.object({ ...base, ...Ref, reason: Text, from: IsoDate })
export const RestoreAccreditation = z.object({ ...base, ...Ref, on: IsoDate, reason: Text })
export const WithdrawAccreditation = z.object({ ...base, ...Ref, reason: Text, on: IsoDate })
export const ExpireAccreditation = z.object({ ...base, ...Ref, on: IsoDate })

export const labStream = (labId: string) => `lab-${labId}`
