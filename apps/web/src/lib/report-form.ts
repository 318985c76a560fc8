import { testing } from '@qi/contracts'
import type { z } from 'zod'
import type { IssueLike } from './api-error'

/** The lab portal's form: every input is a string while editing. */
export interface ResultDraft {
  standardCode: string
  standardVersion: string
  clause: string
  parameter: string
  value: string
  unit: string
  uncertainty: string
  limit: string
  verdict: z.infer<typeof testing.Verdict>
}

export interface ReportDraft {
  reportNo: string
  labId: string
  accreditationNo: string
  customerName: string
  customerEnterpriseId: string
  productId: string
  productName: string
  model: string
  batch: string
  receivedOn: string
  testedFrom: string
  testedTo: string
  issuedOn: string
  results: ResultDraft[]
  decisionRule: z.infer<typeof testing.DecisionRule>
  conformity: z.infer<typeof testing.Conformity>
  instrumentIds: string[]
  signatory: string
}

export type IssueTestReportInput = z.input<typeof testing.IssueTestReport>

export const emptyResult = (): ResultDraft => ({
  standardCode: '',
  standardVersion: '',
  clause: '',
  parameter: '',
  value: '',
  unit: '',
  uncertainty: '',
  limit: '',
  verdict: 'pass',
})

export function emptyReport(labId: string, accreditationNo: string, today: string): ReportDraft {
  return {
    reportNo: '',
    labId,
    accreditationNo,
    customerName: '',
    customerEnterpriseId: '',
    productId: '',
    productName: '',
    model: '',
    batch: '',
    receivedOn: '',
    testedFrom: today,
    testedTo: today,
    issuedOn: today,
    results: [emptyResult()],
    decisionRule: 'simple_acceptance',
    conformity: 'conforms',
    instrumentIds: [''],
    signatory: '',
  }
}

const optional = (value: string) => (value.trim() === '' ? undefined : value)

/** The command input (the API's own field names, so error paths match the form's). */
export function toIssueTestReport(draft: ReportDraft, commandId?: string): IssueTestReportInput {
  return {
    commandId,
    reportNo: draft.reportNo,
    labId: draft.labId,
    accreditationNo: draft.accreditationNo,
    customer: { name: draft.customerName, enterpriseId: optional(draft.customerEnterpriseId) },
    sample: {
      productId: optional(draft.productId),
      productName: draft.productName,
      model: draft.model,
      batch: optional(draft.batch),
      receivedOn: optional(draft.receivedOn),
    },
    testedFrom: draft.testedFrom,
    testedTo: draft.testedTo,
    results: draft.results.map((r) => ({
      method: { standardCode: r.standardCode, standardVersion: r.standardVersion, clause: r.clause },
      parameter: r.parameter,
      value: r.value,
      unit: r.unit,
      uncertainty: optional(r.uncertainty),
      limit: optional(r.limit),
      verdict: r.verdict,
    })),
    decisionRule: draft.decisionRule,
    conformity: draft.conformity,
    instrumentIds: draft.instrumentIds,
    signatory: draft.signatory,
    issuedOn: draft.issuedOn,
  }
}

/** Client-side check with the same schema the server uses; field errors by dotted path. */
export function validateReport(
  draft: ReportDraft,
): { ok: true; input: IssueTestReportInput } | { ok: false; issues: IssueLike[] } {
  const input = toIssueTestReport(draft)
  const parsed = testing.IssueTestReport.safeParse(input, { reportInput: true })
  return parsed.success ? { ok: true, input } : { ok: false, issues: parsed.error.issues }
}

/** `GB/T 8059-2016, GB 4706.1-2005` → refs (split at each entry's last '-'). */
export function parseStandardRefs(text: string): Array<{ code: string; version: string }> {
  return splitList(text).map((entry) => {
    const dash = entry.lastIndexOf('-')
    return dash <= 0
      ? { code: entry, version: '' }
      : { code: entry.slice(0, dash).trim(), version: entry.slice(dash + 1).trim() }
  })
}

/** A comma-, semicolon- or newline-separated list, blanks dropped (，and ； too). */
export function splitList(text: string): string[] {
  return text
    .split(/[,;\n，；]/)
    .map((part) => part.trim())
    .filter((part) => part !== '')
}

/** A form draft from an issued report, for an amendment (same content, a new number to fill). */
export function draftFromReport(report: IssueTestReportInput): ReportDraft {
  return {
    reportNo: '',
    labId: report.labId,
    accreditationNo: report.accreditationNo,
    customerName: report.customer.name,
    customerEnterpriseId: report.customer.enterpriseId ?? '',
    productId: report.sample.productId ?? '',
    productName: report.sample.productName,
    model: report.sample.model,
    batch: report.sample.batch ?? '',
    receivedOn: report.sample.receivedOn ?? '',
    testedFrom: report.testedFrom,
    testedTo: report.testedTo,
    issuedOn: report.issuedOn,
    results: report.results.map((r) => ({
      standardCode: r.method.standardCode,
      standardVersion: r.method.standardVersion,
      clause: r.method.clause,
      parameter: r.parameter,
      value: r.value,
      unit: r.unit ?? '',
      uncertainty: r.uncertainty ?? '',
      limit: r.limit ?? '',
      verdict: r.verdict ?? 'pass',
    })),
    decisionRule: report.decisionRule ?? 'simple_acceptance',
    conformity: report.conformity ?? 'conforms',
    instrumentIds: [...report.instrumentIds],
    signatory: report.signatory,
  }
}
