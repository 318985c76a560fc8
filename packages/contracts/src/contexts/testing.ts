import { z } from 'zod'
import { Code, CommandId, Id, MethodRef, Text } from '../common'
import { defineEvent, IsoDate } from '../envelope'

const context = 'testing'

export const Verdict = z.enum(['pass', 'fail', 'not_applicable'])
export const Conformity = z.enum(['conforms', 'does_not_conform', 'no_statement'])
export const DecisionRule = z.enum([
  'simple_acceptance',
  'guarded_acceptance',
  'shared_risk',
  'not_applicable',
])

export const TestResult = z.object({
  method: MethodRef,
  parameter: Text,
  value: Code(100).min(1, 'required'),
  unit: Code(30).default(''),
  uncertainty: Code(60).optional(),
  limit: Code(100).optional(),
  verdict: Verdict,
})
export type TestResult = z.infer<typeof TestResult>

const ReportContent = z.object({
  reportNo: Id,
  labId: Id,
  accreditationNo: Id,
  customer: z.object({ name: Text, enterpriseId: Id.optional() }),
  sample: z.object({
    productId: Id.optional(),
    productName: Text,
    model: Text,
    batch: Text.optional(),
    receivedOn: IsoDate.optional(),
  }),
  testedFrom: IsoDate,
  testedTo: IsoDate,
  results: z.array(TestResult).min(1, 'a report needs at least one result'),
  decisionRule: DecisionRule,
  conformity: Conformity,
  instrumentIds: z.array(Id).min(1, 'name the instruments used'),
  signatory: Text,
  issuedOn: IsoDate,
})

export const TestReportIssued = defineEvent({
  type: 'TestReportIssued',
  context,
  description:
    'An accredited test report was issued (ISO/IEC 17025 §7.8): sample, results per standard clause, instruments.',
  schema: ReportContent,
})

export const TestReportAmended = defineEvent({
  type: 'TestReportAmended',
  context,
  description:
    'A new report replaces an earlier one (previousReportNo); the earlier one stays on record as amended.',
  schema: ReportContent.extend({ previousReportNo: Id, reason: Text }),
})

export const TestReportRevoked = defineEvent({
  type: 'TestReportRevoked',
  context,
  description: 'The report was revoked; certificates based on it lose their basis.',
  schema: z.object({ reportNo: Id, revokedOn: IsoDate, reason: Text }),
})

export const TestReportFlagged = defineEvent({
  type: 'TestReportFlagged',
  context,
  description:
    "The report was issued while the lab's accreditation was suspended or withdrawn, or under a qualification revoked for a false commitment (licensing): it needs review.",
  schema: z.object({
    reportNo: Id,
    on: IsoDate,
    reason: Text,
    cause: z.object({ kind: z.enum(['accreditation_changed', 'false_commitment']), ref: Code(200) }),
  }),
})

export const testingEvents = [
  TestReportIssued,
  TestReportAmended,
  TestReportRevoked,
  TestReportFlagged,
] as const

const base = { commandId: CommandId.optional() }
const datesInOrder = <T extends { testedFrom: string; testedTo: string; issuedOn: string }>(c: T) =>
  c.testedFrom <= c.testedTo && c.testedTo <= c.issuedOn

export const IssueTestReport = ReportContent.extend(base).refine(datesInOrder, {
  message: 'dates must run testedFrom ≤ testedTo ≤ issuedOn',
  path: ['testedTo'],
})
export const AmendTestReport = ReportContent.extend({ ...base, previousReportNo: Id, reason: Text }).refine(
  datesInOrder,
  {
    message: 'dates must run testedFrom ≤ testedTo ≤ issuedOn',
    path: ['testedTo'],
  },
)
export const RevokeTestReport = z.object({ ...base, reportNo: Id, revokedOn: IsoDate, reason: Text })

export const reportStream = (reportNo: string) => `report-${reportNo}`
