import { z } from 'zod'
import { CommandId, CreditCode, Id, LongText, Text } from '../common'
import { defineEvent, IsoDate } from '../envelope'

/**
 * Licensing reforms of the free-trade zone (seed items 十九–二十一) as event-sourced processes:
 * 先证后核 (licence first, on-site verification later) on one licence per enterprise (一企一证),
 * 告知承诺制 (approval on a signed commitment, inspected later), C-mark self-declaration and
 * 并联审批 (parallel examination by several departments).
 */
const context = 'licensing'

/** What an application for the enterprise's production licence asks for. */
export const LicenceApplicationKind = z.enum(['new', 'scope_extension', 'relocation', 'renewal'])
export type LicenceApplicationKind = z.infer<typeof LicenceApplicationKind>

/**
 * Days allowed for the on-site verification after a licence is issued first (先证后核), per kind of
 * application; the business date the verification is due on is recorded in the issuing event.
 */
export const VERIFICATION_DEADLINE_DAYS: Record<LicenceApplicationKind, number> = {
  new: 30,
  scope_extension: 30,
  relocation: 30,
  renewal: 60,
}

/** How a failed on-site verification ends for the licence. */
export const VerificationConsequence = z.enum(['suspended', 'revoked'])

/** Matters approved on a signed commitment (告知承诺制) and who may apply for them. */
export const CommitmentMatter = z.enum([
  'metrology_manufacture',
  'metrology_repair',
  'lab_qualification_first',
  'lab_qualification_reassessment',
  'lab_qualification_extension',
])
export type CommitmentMatter = z.infer<typeof CommitmentMatter>
export const matterHolderKind = (matter: CommitmentMatter): 'enterprise' | 'lab' =>
  matter.startsWith('lab_') ? 'lab' : 'enterprise'

/** Days the regulator has to inspect what was committed. */
export const COMMITMENT_INSPECTION_DAYS = 90

/** The examination branches of a parallel application (并联审批) with their department and deadline. */
export const ParallelBranch = z.enum(['type_approval', 'manufacturing_licence'])
export type ParallelBranch = z.infer<typeof ParallelBranch>
export const PARALLEL_BRANCHES: Record<
  ParallelBranch,
  { department: string; reviewerRole: 'metrology_institute' | 'regulator'; days: number }
> = {
  type_approval: {
    department: 'metrology institute (型式批准)',
    reviewerRole: 'metrology_institute',
    days: 20,
  },
  manufacturing_licence: { department: 'approvals office (制造许可)', reviewerRole: 'regulator', days: 15 },
}

/** Days a sampled C-mark declaration's check should be done in. */
export const CMARK_CHECK_DAYS = 30

export const Commitment = z.object({
  /** The commitment as signed (告知承诺书). */
  text: LongText,
  signer: Text,
  signedOn: IsoDate,
})

// ---- 先证后核 on one licence per enterprise (一企一证) ----

export const LicenceIssuedBeforeVerification = defineEvent({
  type: 'LicenceIssuedBeforeVerification',
  context,
  description:
    'On application the enterprise licence was issued (new) or changed (scope extension, relocation, renewal) before the on-site verification (先证后核), which is due by verificationDueOn.',
  schema: z.object({
    enterpriseId: CreditCode,
    licenceNo: Id,
    applicationId: Id,
    kind: LicenceApplicationKind,
    productCategories: z.array(Text).min(1),
    site: Text,
    appliedOn: IsoDate,
    issuedOn: IsoDate,
    expiresOn: IsoDate,
    verificationDueOn: IsoDate,
    /** The enterprise's products the applied scope lines cover (they rest on the licence in lineage). */
    products: z.array(Id).default([]),
  }),
})

export const OnSiteVerificationPassed = defineEvent({
  type: 'OnSiteVerificationPassed',
  context,
  description: 'The on-site verification following a licence issued first confirmed the application.',
  schema: z.object({ enterpriseId: CreditCode, applicationId: Id, verifiedOn: IsoDate, inspector: Text }),
})

export const OnSiteVerificationFailed = defineEvent({
  type: 'OnSiteVerificationFailed',
  context,
  description:
    'The on-site verification found the enterprise does not meet the conditions; the licence is suspended or revoked (the following event).',
  schema: z.object({
    enterpriseId: CreditCode,
    applicationId: Id,
    verifiedOn: IsoDate,
    inspector: Text,
    findings: Text,
    consequence: VerificationConsequence,
  }),
})

export const OnSiteVerificationMissed = defineEvent({
  type: 'OnSiteVerificationMissed',
  context,
  description:
    'No on-site verification was recorded by its due date (found by the deadline timer); the licence is suspended (the following event).',
  schema: z.object({ enterpriseId: CreditCode, applicationId: Id, dueOn: IsoDate }),
})

export const LicenceCause = z.object({
  kind: z.enum(['verification_failed', 'verification_missed']),
  applicationId: Id,
})

export const EnterpriseLicenceSuspended = defineEvent({
  type: 'EnterpriseLicenceSuspended',
  context,
  description: 'The enterprise licence was suspended, with its cause (a failed or missed verification).',
  schema: z.object({ enterpriseId: CreditCode, licenceNo: Id, from: IsoDate, cause: LicenceCause }),
})

export const EnterpriseLicenceRevoked = defineEvent({
  type: 'EnterpriseLicenceRevoked',
  context,
  description: 'The enterprise licence was revoked, with its cause (a failed verification).',
  schema: z.object({ enterpriseId: CreditCode, licenceNo: Id, on: IsoDate, cause: LicenceCause }),
})

export const EnterpriseLicenceRestored = defineEvent({
  type: 'EnterpriseLicenceRestored',
  context,
  description:
    'The regulator restored a suspended enterprise licence (e.g. after a passed re-verification), from the business date `on`.',
  schema: z.object({
    enterpriseId: CreditCode,
    licenceNo: Id,
    on: IsoDate,
    reason: Text,
    /** The re-verification (an application verified on site) the restoration rests on, if any. */
    applicationId: Id.optional(),
  }),
})

export const EnterpriseLicenceExpired = defineEvent({
  type: 'EnterpriseLicenceExpired',
  context,
  description:
    'The enterprise licence reached the end of its validity without a renewal (found by the deadline timer); it no longer holds from `on`, the day after expiresOn.',
  schema: z.object({ enterpriseId: CreditCode, licenceNo: Id, expiresOn: IsoDate, on: IsoDate }),
})

export const LegacyLicenceMigrated = defineEvent({
  type: 'LegacyLicenceMigrated',
  context,
  description:
    'A per-category production licence granted before 一企一证 (industrialization ProductionLicenceGranted) became a scope line of the enterprise licence; the legacy licence is referenced, not rewritten.',
  schema: z.object({
    enterpriseId: CreditCode,
    licenceNo: Id,
    legacyLicenceNo: Id,
    productCategory: Text,
    grantedOn: IsoDate,
    expiresOn: IsoDate,
  }),
})

export const LegacyScopeLineWithdrawn = defineEvent({
  type: 'LegacyScopeLineWithdrawn',
  context,
  description:
    'A migrated legacy licence was revoked in industrialization (ProductionLicenceRevoked): its scope line left the enterprise licence.',
  schema: z.object({
    enterpriseId: CreditCode,
    licenceNo: Id,
    legacyLicenceNo: Id,
    productCategory: Text,
    on: IsoDate,
    reason: Text,
  }),
})

// ---- 告知承诺制 ----

export const ApprovedOnCommitment = defineEvent({
  type: 'ApprovedOnCommitment',
  context,
  description:
    'A matter (metrology instrument manufacture/repair licence, testing-body qualification) was approved at once on the applicant’s signed commitment (告知承诺制); an inspection is due by inspectionDueOn.',
  schema: z.object({
    approvalId: Id,
    holderId: Id,
    matter: CommitmentMatter,
    scope: z.array(Text).min(1),
    commitment: Commitment,
    approvedOn: IsoDate,
    inspectionDueOn: IsoDate,
  }),
})

export const CommitmentVerified = defineEvent({
  type: 'CommitmentVerified',
  context,
  description: 'The inspection after an approval on commitment found the commitment true.',
  schema: z.object({ approvalId: Id, inspectedOn: IsoDate, inspector: Text }),
})

export const ApprovalRevokedForFalseCommitment = defineEvent({
  type: 'ApprovalRevokedForFalseCommitment',
  context,
  description:
    'The inspection found the commitment false: the approval is revoked, and what the holder did under it in doneUnder (approval date to revocation) is to be flagged by the contexts that recorded it.',
  schema: z.object({
    approvalId: Id,
    holderId: Id,
    matter: CommitmentMatter,
    inspectedOn: IsoDate,
    inspector: Text,
    findings: Text,
    doneUnder: z.object({ from: IsoDate, to: IsoDate }),
  }),
})

export const CommitmentInspectionOverdue = defineEvent({
  type: 'CommitmentInspectionOverdue',
  context,
  description:
    'The inspection of a commitment was not recorded by its due date (found by the deadline timer).',
  schema: z.object({ approvalId: Id, dueOn: IsoDate }),
})

// ---- C-mark self-declaration ----

export const CMarkDeclared = defineEvent({
  type: 'CMarkDeclared',
  context,
  description:
    'An enterprise declared, committed and filed that its quantitative packaged goods meet the C-mark requirements (no approval).',
  schema: z.object({
    enterpriseId: CreditCode,
    products: z.array(Text).min(1),
    commitment: Commitment,
    declaredOn: IsoDate,
  }),
})

export const CMarkCheckScheduled = defineEvent({
  type: 'CMarkCheckScheduled',
  context,
  description: 'The regulator’s sampling selected the declaration for a check, due by dueOn.',
  schema: z.object({ enterpriseId: CreditCode, checkId: Id, sampledOn: IsoDate, dueOn: IsoDate }),
})

export const CMarkCheckPassed = defineEvent({
  type: 'CMarkCheckPassed',
  context,
  description: 'The check of a C-mark declaration confirmed it.',
  schema: z.object({ enterpriseId: CreditCode, checkId: Id, checkedOn: IsoDate, inspector: Text }),
})

export const CMarkCheckFailed = defineEvent({
  type: 'CMarkCheckFailed',
  context,
  description:
    'The check of a C-mark declaration failed: the enterprise’s right to use the C mark is withdrawn.',
  schema: z.object({
    enterpriseId: CreditCode,
    checkId: Id,
    checkedOn: IsoDate,
    inspector: Text,
    findings: Text,
  }),
})

export const CMarkCheckOverdue = defineEvent({
  type: 'CMarkCheckOverdue',
  context,
  description: 'A sampled C-mark check was not recorded by its due date (found by the deadline timer).',
  schema: z.object({ enterpriseId: CreditCode, checkId: Id, dueOn: IsoDate }),
})

// ---- 并联审批 ----

export const ParallelApplicationFiled = defineEvent({
  type: 'ParallelApplicationFiled',
  context,
  description:
    'An enterprise applied for metrology instrument type approval and manufacturing licence together; each branch is examined by its own department by its own deadline (并联审批).',
  schema: z.object({
    applicationId: Id,
    enterpriseId: CreditCode,
    instrument: Text,
    filedOn: IsoDate,
    branches: z.array(z.object({ branch: ParallelBranch, department: Text, dueOn: IsoDate })).min(2),
  }),
})

export const ParallelBranchAssigned = defineEvent({
  type: 'ParallelBranchAssigned',
  context,
  description:
    'A branch of a parallel application was assigned to its reviewing department (an organisation id); only that organisation may decide it.',
  schema: z.object({
    applicationId: Id,
    branch: ParallelBranch,
    reviewerOrg: Id,
    assignedOn: IsoDate,
  }),
})

export const ParallelBranchDecided = defineEvent({
  type: 'ParallelBranchDecided',
  context,
  description: 'One branch of a parallel application decided (approved or refused) by its reviewer.',
  schema: z.object({
    applicationId: Id,
    branch: ParallelBranch,
    approved: z.boolean(),
    reviewerOrg: Id,
    decidedOn: IsoDate,
    reason: Text.optional(),
  }),
})

export const ParallelBranchOverdue = defineEvent({
  type: 'ParallelBranchOverdue',
  context,
  description:
    'A branch of a parallel application had not decided by its due date (found by the deadline timer).',
  schema: z.object({ applicationId: Id, branch: ParallelBranch, dueOn: IsoDate }),
})

export const ParallelApplicationCompleted = defineEvent({
  type: 'ParallelApplicationCompleted',
  context,
  description:
    'Every branch decided (approved), or one refused and the branches still open were stopped (refused).',
  schema: z.object({
    applicationId: Id,
    enterpriseId: CreditCode,
    outcome: z.enum(['approved', 'refused']),
    completedOn: IsoDate,
    stoppedBranches: z.array(ParallelBranch).default([]),
  }),
})

// ---- special equipment (seed item 二十一) ----

export const SpecialEquipmentActivity = z.enum(['installation', 'alteration', 'repair'])

export const ExaminationBodyApproved = defineEvent({
  type: 'ExaminationBodyApproved',
  context,
  description:
    'A special-equipment using unit in the zone was approved as an examination body for operators of the listed categories.',
  schema: z.object({ bodyId: CreditCode, name: Text, categories: z.array(Text).min(1), approvedOn: IsoDate }),
})

export const OperatorExamRecorded = defineEvent({
  type: 'OperatorExamRecorded',
  context,
  description: 'An examination body recorded an operator’s exam in one of its categories (passed or not).',
  schema: z.object({
    bodyId: CreditCode,
    examId: Id,
    candidate: Text,
    category: Text,
    examinedOn: IsoDate,
    passed: z.boolean(),
  }),
})

export const OperatorCertificateIssued = defineEvent({
  type: 'OperatorCertificateIssued',
  context,
  description: 'A special-equipment operator certificate was issued on a passed exam, on the spot.',
  schema: z.object({
    certificateNo: Id,
    bodyId: CreditCode,
    examId: Id,
    candidate: Text,
    category: Text,
    issuedOn: IsoDate,
    expiresOn: IsoDate,
  }),
})

export const ManufacturingQualificationRecorded = defineEvent({
  type: 'ManufacturingQualificationRecorded',
  context,
  description: 'The regulator recorded an enterprise’s special-equipment manufacturing qualification.',
  schema: z.object({
    enterpriseId: CreditCode,
    qualificationNo: Id,
    equipmentCategory: Text,
    grantedOn: IsoDate,
    expiresOn: IsoDate,
  }),
})

export const DerivedQualificationGranted = defineEvent({
  type: 'DerivedQualificationGranted',
  context,
  description:
    'An installation/alteration/repair qualification was granted from the enterprise’s manufacturing qualification of the same category, valid as long as it.',
  schema: z.object({
    enterpriseId: CreditCode,
    derivedFrom: Id,
    equipmentCategory: Text,
    activities: z.array(SpecialEquipmentActivity).min(1),
    grantedOn: IsoDate,
    expiresOn: IsoDate,
  }),
})

/** Years an operator certificate is valid for. */
export const OPERATOR_CERTIFICATE_YEARS = 4

export const licensingEvents = [
  LicenceIssuedBeforeVerification,
  OnSiteVerificationPassed,
  OnSiteVerificationFailed,
  OnSiteVerificationMissed,
  EnterpriseLicenceSuspended,
  EnterpriseLicenceRevoked,
  EnterpriseLicenceRestored,
  EnterpriseLicenceExpired,
  LegacyLicenceMigrated,
  LegacyScopeLineWithdrawn,
  ApprovedOnCommitment,
  CommitmentVerified,
  ApprovalRevokedForFalseCommitment,
  CommitmentInspectionOverdue,
  CMarkDeclared,
  CMarkCheckScheduled,
  CMarkCheckPassed,
  CMarkCheckFailed,
  CMarkCheckOverdue,
  ParallelApplicationFiled,
  ParallelBranchAssigned,
  ParallelBranchDecided,
  ParallelBranchOverdue,
  ParallelApplicationCompleted,
  ExaminationBodyApproved,
  OperatorExamRecorded,
  OperatorCertificateIssued,
  ManufacturingQualificationRecorded,
  DerivedQualificationGranted,
] as const

const base = { commandId: CommandId.optional() }

export const ApplyForLicence = z.object({
  ...base,
  enterpriseId: CreditCode,
  applicationId: Id,
  kind: LicenceApplicationKind,
  /** Required for a new licence; later applications act on the enterprise's one licence. */
  licenceNo: Id.optional(),
  productCategories: z.array(Text).min(1),
  site: Text,
  appliedOn: IsoDate,
  /** For a new licence or a renewal. */
  expiresOn: IsoDate.optional(),
  /** The enterprise's products the applied scope lines cover. */
  products: z.array(Id).max(200).optional(),
})

export const RestoreLicence = z.object({
  ...base,
  enterpriseId: CreditCode,
  on: IsoDate,
  reason: Text,
  applicationId: Id.optional(),
})

export const RecordOnSiteVerification = z.object({
  ...base,
  enterpriseId: CreditCode,
  applicationId: Id,
  verifiedOn: IsoDate,
  passed: z.boolean(),
  findings: Text.optional(),
  consequence: VerificationConsequence.optional(),
})

export const MigrateLegacyLicences = z.object({ enterpriseId: CreditCode.optional() })

export const ApproveOnCommitment = z.object({
  ...base,
  approvalId: Id,
  holderId: Id,
  matter: CommitmentMatter,
  scope: z.array(Text).min(1),
  commitment: Commitment,
})

export const RecordCommitmentInspection = z.object({
  ...base,
  approvalId: Id,
  inspectedOn: IsoDate,
  truthful: z.boolean(),
  findings: Text.optional(),
})

export const DeclareCMark = z.object({
  ...base,
  enterpriseId: CreditCode,
  products: z.array(Text).min(1),
  commitment: Commitment,
})

export const SampleCMarkDeclarations = z.object({
  /** Which sampling round (also the check ids' prefix); the same round picks the same declarations. */
  round: Id,
  /** How many open declarations to select. */
  count: z.number().int().min(1).max(100),
})

export const RecordCMarkCheck = z.object({
  ...base,
  enterpriseId: CreditCode,
  checkId: Id,
  checkedOn: IsoDate,
  passed: z.boolean(),
  findings: Text.optional(),
})

export const FileParallelApplication = z.object({
  ...base,
  applicationId: Id,
  enterpriseId: CreditCode,
  instrument: Text,
})

export const AssignParallelBranch = z.object({
  ...base,
  applicationId: Id,
  branch: ParallelBranch,
  reviewerOrg: Id,
})

export const DecideParallelBranch = z.object({
  ...base,
  applicationId: Id,
  branch: ParallelBranch,
  approved: z.boolean(),
  reason: Text.optional(),
})

export const ApproveExaminationBody = z.object({
  ...base,
  bodyId: CreditCode,
  name: Text,
  categories: z.array(Text).min(1),
})

export const RecordOperatorExam = z.object({
  ...base,
  bodyId: CreditCode,
  examId: Id,
  candidate: Text,
  category: Text,
  examinedOn: IsoDate,
  passed: z.boolean(),
})

export const RecordManufacturingQualification = z.object({
  ...base,
  enterpriseId: CreditCode,
  qualificationNo: Id,
  equipmentCategory: Text,
  grantedOn: IsoDate,
  expiresOn: IsoDate,
})

export const ApplyForDerivedQualification = z.object({
  ...base,
  enterpriseId: CreditCode,
  qualificationNo: Id,
  activities: z.array(SpecialEquipmentActivity).min(1),
})

export const enterpriseLicenceStream = (enterpriseId: string) => `one-licence-${enterpriseId}`
export const commitmentStream = (approvalId: string) => `commitment-${approvalId}`
export const cmarkStream = (enterpriseId: string) => `cmark-${enterpriseId}`
export const parallelStream = (applicationId: string) => `parallel-${applicationId}`
export const examinationBodyStream = (bodyId: string) => `se-body-${bodyId}`
export const seQualificationStream = (enterpriseId: string) => `se-qualification-${enterpriseId}`
