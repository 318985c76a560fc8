import { IsoDate, SearchText, testing } from '@qi/contracts'
import { NotFoundError } from '@qi/decider'
import { type Actor, authedProcedure, commandProcedure, publicProcedure, readModel, router } from '@qi/trpc'
import { z } from 'zod'
import { oneSuccessor, reportDecider } from '../domain/report'
import { labName, loadReportFacts, TESTING_REFS } from '../projections/refs'
import {
  loadPreviousReport,
  lookupReport,
  type ReportContent,
  type ReportRow,
  reportFlags,
  statusHistory,
  statusOn,
  TESTING_REPORTS,
} from '../projections/reports'

/** A lab issues and amends reports only as itself (its actor.org is its labId); admin is exempt. */
const actsAsLab = {
  org: (input: { labId: string }) => input.labId,
  refusal: (actor: Actor, input: { labId: string }) =>
    `you act for ${actor.org}; a lab may only issue reports as itself, not as ${input.labId}`,
}

const onReport = {
  decider: reportDecider,
  stream: (input: { reportNo: string }) => testing.reportStream(input.reportNo),
}

const today = (now: Date) => now.toISOString().slice(0, 10)

function summary(row: ReportRow) {
  return {
    reportNo: row.report_no,
    labId: row.lab_id,
    accreditationNo: row.accreditation_no,
    customerName: row.customer_name,
    productId: row.product_id,
    productName: row.product_name,
    model: row.model,
    testedFrom: row.tested_from,
    testedTo: row.tested_to,
    issuedOn: row.issued_on,
    conformity: row.conformity,
    status: row.status,
    replacedBy: row.replaced_by,
    previousReportNo: row.previous_report_no,
  }
}

const ReportStatusFilter = z.enum(['valid', 'amended', 'revoked'])

export const testingRouter = router({
  issueReport: commandProcedure({
    ...onReport,
    roles: ['lab'],
    input: testing.IssueTestReport,
    owner: actsAsLab,
    readModels: [TESTING_REFS],
    command: (input) => ({
      type: 'IssueTestReport',
      data: input,
      facts: { accreditation: null, instruments: {}, standards: {} },
    }),
    enrich: (command, input, { deps }) => ({
      ...command,
      facts: loadReportFacts(deps.runner(TESTING_REFS).db, input),
    }),
    occurredAt: (input) => input.testedTo,
  }),

  amendReport: commandProcedure({
    ...onReport,
    roles: ['lab'],
    input: testing.AmendTestReport,
    owner: actsAsLab,
    readModels: [TESTING_REFS, TESTING_REPORTS],
    command: (input, { actor }) => ({
      type: 'AmendTestReport',
      data: input,
      facts: { accreditation: null, instruments: {}, standards: {}, previousReport: null },
      requestedBy: { role: actor.role, org: actor.org },
    }),
    enrich: (command, input, { deps }) => ({
      ...command,
      facts: {
        ...loadReportFacts(deps.runner(TESTING_REFS).db, input),
        previousReport: loadPreviousReport(deps.runner(TESTING_REPORTS).db, input.previousReportNo),
      },
    }),
    occurredAt: (input) => input.testedTo,
    reservations: (input) => [oneSuccessor(input)],
  }),

  revokeReport: commandProcedure({
    ...onReport,
    roles: ['lab', 'regulator'],
    input: testing.RevokeTestReport,
    command: (input, { actor }) => ({
      type: 'RevokeTestReport',
      data: input,
      requestedBy: { role: actor.role, org: actor.org },
    }),
    occurredAt: (input) => input.revokedOn,
  }),

  listReports: authedProcedure
    .input(
      z.object({
        labId: z.string().optional(),
        productId: z.string().optional(),
        status: ReportStatusFilter.optional(),
        /** Trimmed and NFKC-folded (full-width letters find their ASCII); LIKE is case-insensitive. */
        search: SearchText.optional(),
        sort: z.enum(['issued_desc', 'issued_asc', 'number']).default('issued_desc'),
        limit: z.number().int().min(1).max(200).default(50),
        offset: z.number().int().min(0).default(0),
        minPosition: z.bigint().optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const db = await readModel(ctx, TESTING_REPORTS, input.minPosition)
      const order = {
        issued_desc: 'issued_on DESC, report_no',
        issued_asc: 'issued_on, report_no',
        number: 'report_no',
      }[input.sort]
      const where: string[] = []
      const params: string[] = []
      if (input.labId) {
        where.push('lab_id = ?')
        params.push(input.labId)
      }
      if (input.productId) {
        where.push('product_id = ?')
        params.push(input.productId)
      }
      if (input.status) {
        where.push('status = ?')
        params.push(input.status)
      }
      if (input.search) {
        where.push('(report_no LIKE ? OR product_name LIKE ? OR model LIKE ? OR customer_name LIKE ?)')
        const pattern = `%${input.search}%`
        params.push(pattern, pattern, pattern, pattern)
      }
      const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''
      const total = (
        db.prepare(`SELECT COUNT(*) AS n FROM reports ${clause}`).get(...params) as { n: number }
      ).n
      const rows = db
        .prepare(`SELECT * FROM reports ${clause} ORDER BY ${order} LIMIT ? OFFSET ?`)
        .all(...params, input.limit, input.offset) as ReportRow[]
      return { total, items: rows.map(summary) }
    }),

  getReport: authedProcedure
    .input(z.object({ reportNo: z.string().min(1), minPosition: z.bigint().optional() }))
    .query(async ({ ctx, input }) => {
      const db = await readModel(ctx, TESTING_REPORTS, input.minPosition)
      const row = lookupReport(db, input.reportNo)
      if (!row) throw new NotFoundError('test report', input.reportNo)
      const content = JSON.parse(row.content) as ReportContent
      return {
        ...summary(row),
        report: content,
        history: statusHistory(db, row.report_no).map((h) => ({
          status: h.status,
          validFrom: h.valid_from,
          validTo: h.valid_to,
          reason: h.reason,
          replacedBy: h.replaced_by,
        })),
        flags: reportFlags(db, row.report_no).map((f) => ({
          on: f.on_date,
          reason: f.reason,
          labId: f.cause_ref,
        })),
      }
    }),

  /** Public verification by number: what the report covers and its status on a date. */
  verifyReport: publicProcedure
    .input(
      z.object({ reportNo: z.string().min(1), on: IsoDate.optional(), minPosition: z.bigint().optional() }),
    )
    .query(async ({ ctx, input }) => {
      const db = await readModel(ctx, TESTING_REPORTS, input.minPosition)
      const row = lookupReport(db, input.reportNo)
      if (!row) throw new NotFoundError('test report', input.reportNo)
      const content = JSON.parse(row.content) as ReportContent
      const on = input.on ?? today(ctx.deps.now())
      const status = statusOn(db, row.report_no, on)
      const standards = [
        ...new Map(
          content.results.map((r) => [
            `${r.method.standardCode}-${r.method.standardVersion}`,
            { code: r.method.standardCode, version: r.method.standardVersion },
          ]),
        ).values(),
      ]
      return {
        reportNo: row.report_no,
        lab: {
          labId: row.lab_id,
          name: labName(ctx.deps.runner(TESTING_REFS).db, row.lab_id),
          accreditationNo: row.accreditation_no,
        },
        customerName: row.customer_name,
        sample: {
          productName: content.sample.productName,
          model: content.sample.model,
          batch: content.sample.batch ?? null,
        },
        standards,
        testedFrom: row.tested_from,
        testedTo: row.tested_to,
        issuedOn: row.issued_on,
        conformity: row.conformity,
        on,
        status: status?.status ?? ('not_issued' as const),
        statusSince: status?.valid_from ?? null,
        reason: status && status.status !== 'valid' ? status.reason : null,
        replacedBy: status?.status === 'amended' ? status.replaced_by : null,
      }
    }),
})
