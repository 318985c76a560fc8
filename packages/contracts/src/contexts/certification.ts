import { z } from 'zod'
import { Code, CommandId, Id, StandardRef, Text } from '../common'
import { defineEvent, IsoDate } from '../envelope'
import { CertificationScheme } from './accreditation'

const context = 'certification'

/** Why a certificate's status changed when a policy (not a person) changed it. */
export const StatusCause = z.object({
  kind: z.enum(['manual', 'report_revoked', 'accreditation_changed', 'standard_superseded', 'recall']),
  /** The triggering thing: a report number, lab id, standard key or recall id. */
  ref: Code(200).optional(),
})

const CertificateContent = z.object({
  certificateNo: Id,
  bodyId: Id,
  accreditationNo: Id,
  holder: z.object({ enterpriseId: Id, name: Text }),
  manufacturer: z.object({ enterpriseId: Id, name: Text }),
  factory: z.object({ productionLineId: Id.optional(), address: Text.optional() }),
  product: z.object({ productId: Id, name: Text, models: z.array(Text).min(1) }),
  scheme: CertificationScheme,
  standards: z.array(StandardRef).min(1),
  basisReports: z.array(Id).min(1, 'a certificate is based on at least one test report'),
  issuedOn: IsoDate,
  expiresOn: IsoDate,
})

export const CertificateIssued = defineEvent({
  type: 'CertificateIssued',
  context,
  description: 'A certificate was issued on basis reports, under the body’s accreditation for the scheme.',
  schema: CertificateContent,
})

export const CertificateSuspended = defineEvent({
  type: 'CertificateSuspended',
  context,
  description: 'The certificate was suspended from a date, with a reason and cause.',
  schema: z.object({
    certificateNo: Id,
    from: IsoDate,
    reason: Text,
    cause: StatusCause.default({ kind: 'manual' }),
  }),
})

export const CertificateRestored = defineEvent({
  type: 'CertificateRestored',
  context,
  description: 'A suspended certificate was restored.',
  schema: z.object({ certificateNo: Id, on: IsoDate, reason: Text }),
})

export const CertificateWithdrawn = defineEvent({
  type: 'CertificateWithdrawn',
  context,
  description: 'The certificate was withdrawn (cancelled) for good.',
  schema: z.object({
    certificateNo: Id,
    on: IsoDate,
    reason: Text,
    cause: StatusCause.default({ kind: 'manual' }),
  }),
})

export const CertificateExpired = defineEvent({
  type: 'CertificateExpired',
  context,
  description:
    'The certificate reached its expiry date, or the end of a standard transition without re-certification.',
  schema: z.object({
    certificateNo: Id,
    on: IsoDate,
    reason: Text.optional(),
    cause: StatusCause.optional(),
  }),
})

export const CertificateReviewOpened = defineEvent({
  type: 'CertificateReviewOpened',
  context,
  description:
    'Something the certificate rests on changed (lab accreditation, recall, a basis report): the body must review it.',
  schema: z.object({ certificateNo: Id, on: IsoDate, reason: Text, cause: StatusCause }),
})

export const CertificateTransitionDeadlineSet = defineEvent({
  type: 'CertificateTransitionDeadlineSet',
  context,
  description:
    'A standard the certificate is on was superseded: re-certify to the new version by the deadline or it expires.',
  schema: z.object({ certificateNo: Id, standard: StandardRef, replacedBy: StandardRef, deadline: IsoDate }),
})

export const CertificateTransitionDeadlineLifted = defineEvent({
  type: 'CertificateTransitionDeadlineLifted',
  context,
  description:
    'The replacement link that set a transition deadline was retracted (StandardReplacementRetracted): that deadline no longer applies. When the standard stays superseded by another edition, a new CertificateTransitionDeadlineSet follows.',
  schema: z.object({ certificateNo: Id, standard: StandardRef, replacedBy: StandardRef, reason: Text }),
})

export const CertificateScopeChanged = defineEvent({
  type: 'CertificateScopeChanged',
  context,
  description: 'Models, standards or basis reports of the certificate changed.',
  schema: z.object({
    certificateNo: Id,
    on: IsoDate,
    reason: Text,
    models: z.array(Text).min(1).optional(),
    standards: z.array(StandardRef).min(1).optional(),
    basisReports: z.array(Id).min(1).optional(),
  }),
})

export const certificationEvents = [
  CertificateIssued,
  CertificateSuspended,
  CertificateRestored,
  CertificateWithdrawn,
  CertificateExpired,
  CertificateScopeChanged,
  CertificateReviewOpened,
  CertificateTransitionDeadlineSet,
  CertificateTransitionDeadlineLifted,
] as const

const base = { commandId: CommandId.optional() }
export const IssueCertificate = CertificateContent.extend(base).refine((c) => c.issuedOn < c.expiresOn, {
  message: 'the expiry date must be after the issue date',
  path: ['expiresOn'],
})
export const SuspendCertificate = z.object({ ...base, certificateNo: Id, from: IsoDate, reason: Text })
export const RestoreCertificate = z.object({ ...base, certificateNo: Id, on: IsoDate, reason: Text })
export const WithdrawCertificate = z.object({ ...base, certificateNo: Id, on: IsoDate, reason: Text })
export const ExpireCertificate = z.object({ ...base, certificateNo: Id, on: IsoDate })
export const ChangeCertificateScope = CertificateScopeChanged.schema.extend(base)

export const certificateStream = (certificateNo: string) => `certificate-${certificateNo}`
