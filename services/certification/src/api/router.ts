import { certification, IsoDate } from '@qi/contracts'
import { ForbiddenError, NotFoundError } from '@qi/decider'
import {
  type Actor,
  authedProcedure,
  publicProcedure,
  readModel,
  rolesProcedure,
  router,
  runCommand,
  type ServiceDeps,
} from '@qi/trpc'
import { z } from 'zod'
import { type CertificateCommand, certificateDecider } from '../domain/certificate'
import {
  CERTIFICATION_CERTIFICATES,
  type CertificateContent,
  type CertificateRow,
  certificateHistory,
  certificateStatusOn,
  findCertificate,
  scopeChanges,
  transitionDeadlines,
} from '../projections/certificates'
import { bodyName, CERTIFICATION_REFS, loadCertificateFacts } from '../projections/refs'

const today = (now: Date) => now.toISOString().slice(0, 10)

function summary(row: CertificateRow) {
  return {
    certificateNo: row.certificate_no,
    bodyId: row.body_id,
    accreditationNo: row.accreditation_no,
    holder: { enterpriseId: row.holder_id, name: row.holder_name },
    product: { productId: row.product_id, name: row.product_name },
    scheme: row.scheme,
    issuedOn: row.issued_on,
    expiresOn: row.expires_on,
    status: row.status,
    statusSince: row.status_since,
  }
}

/** Status changes by a person: the decider checks the body owns the certificate. */
function runStatusChange(
  deps: ServiceDeps,
  actor: Actor,
  command: CertificateCommand & { data: { certificateNo: string; commandId?: string } },
  occurredAt: string,
) {
  return runCommand({
    deps,
    actor,
    decider: certificateDecider,
    streamName: certification.certificateStream(command.data.certificateNo),
    command,
    commandId: command.data.commandId,
    occurredAt,
  })
}

const requester = (actor: { role: string; org: string }) => ({ role: actor.role, org: actor.org })

export const certificationRouter = router({
  issueCertificate: rolesProcedure('certification_body')
    .input(certification.IssueCertificate)
    .mutation(({ ctx, input }) => {
      if (ctx.actor.role !== 'admin' && ctx.actor.org !== input.bodyId) {
        throw new ForbiddenError(
          `you act for ${ctx.actor.org}; a certification body may only issue certificates as itself, not as ${input.bodyId}`,
        )
      }
      return runCommand({
        deps: ctx.deps,
        actor: ctx.actor,
        decider: certificateDecider,
        streamName: certification.certificateStream(input.certificateNo),
        command: {
          type: 'IssueCertificate',
          data: input,
          facts: { accreditation: null, reports: {}, standards: {} },
        },
        commandId: input.commandId,
        occurredAt: input.issuedOn,
        readModels: [CERTIFICATION_REFS],
        enrich: (command) =>
          command.type === 'IssueCertificate'
            ? { ...command, facts: loadCertificateFacts(ctx.deps.runner(CERTIFICATION_REFS).db, input) }
            : command,
      })
    }),

  suspendCertificate: rolesProcedure('certification_body', 'regulator')
    .input(certification.SuspendCertificate)
    .mutation(({ ctx, input }) =>
      runStatusChange(
        ctx.deps,
        ctx.actor,
        { type: 'SuspendCertificate', data: input, requestedBy: requester(ctx.actor) },
        input.from,
      ),
    ),

  restoreCertificate: rolesProcedure('certification_body')
    .input(certification.RestoreCertificate)
    .mutation(({ ctx, input }) =>
      runStatusChange(
        ctx.deps,
        ctx.actor,
        { type: 'RestoreCertificate', data: input, requestedBy: requester(ctx.actor) },
        input.on,
      ),
    ),

  withdrawCertificate: rolesProcedure('certification_body', 'regulator')
    .input(certification.WithdrawCertificate)
    .mutation(({ ctx, input }) =>
      runStatusChange(
        ctx.deps,
        ctx.actor,
        { type: 'WithdrawCertificate', data: input, requestedBy: requester(ctx.actor) },
        input.on,
      ),
    ),

  expireCertificate: rolesProcedure('certification_body')
    .input(certification.ExpireCertificate)
    .mutation(({ ctx, input }) =>
      runStatusChange(
        ctx.deps,
        ctx.actor,
        { type: 'ExpireCertificate', data: input, requestedBy: requester(ctx.actor) },
        input.on,
      ),
    ),

  changeScope: rolesProcedure('certification_body')
    .input(certification.ChangeCertificateScope)
    .mutation(({ ctx, input }) =>
      runCommand({
        deps: ctx.deps,
        actor: ctx.actor,
        decider: certificateDecider,
        streamName: certification.certificateStream(input.certificateNo),
        command: {
          type: 'ChangeCertificateScope',
          data: input,
          facts: { reports: {}, standards: {} },
          requestedBy: requester(ctx.actor),
        },
        commandId: input.commandId,
        occurredAt: input.on,
        readModels: [CERTIFICATION_REFS],
        enrich: (command) => {
          if (command.type !== 'ChangeCertificateScope') return command
          const { reports, standards } = loadCertificateFacts(ctx.deps.runner(CERTIFICATION_REFS).db, input)
          return { ...command, facts: { reports, standards } }
        },
      }),
    ),

  list: authedProcedure
    .input(
      z.object({
        bodyId: z.string().optional(),
        holderId: z.string().optional(),
        productId: z.string().optional(),
        status: z.enum(['valid', 'under_review', 'suspended', 'withdrawn', 'expired']).optional(),
        /** Trimmed and NFKC-folded (full-width ＣＣＣ finds CCC); LIKE is case-insensitive. */
        search: z
          .string()
          .max(100)
          .transform((text) => text.normalize('NFKC').trim())
          .optional(),
        sort: z.enum(['issued_desc', 'issued_asc', 'number', 'expires']).default('issued_desc'),
        limit: z.number().int().min(1).max(200).default(50),
        offset: z.number().int().min(0).default(0),
        minPosition: z.bigint().optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const db = await readModel(ctx.deps, CERTIFICATION_CERTIFICATES, input.minPosition)
      const order = {
        issued_desc: 'issued_on DESC, certificate_no',
        issued_asc: 'issued_on, certificate_no',
        number: 'certificate_no',
        expires: 'expires_on, certificate_no',
      }[input.sort]
      const where: string[] = []
      const params: string[] = []
      const filters: Array<[string, string | undefined]> = [
        ['body_id', input.bodyId],
        ['holder_id', input.holderId],
        ['product_id', input.productId],
        ['status', input.status],
      ]
      for (const [column, value] of filters) {
        if (value === undefined) continue
        where.push(`${column} = ?`)
        params.push(value)
      }
      if (input.search) {
        where.push('(certificate_no LIKE ? OR holder_name LIKE ? OR product_name LIKE ?)')
        const pattern = `%${input.search}%`
        params.push(pattern, pattern, pattern)
      }
      const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''
      const total = (
        db.prepare(`SELECT COUNT(*) AS n FROM certificates ${clause}`).get(...params) as { n: number }
      ).n
      const rows = db
        .prepare(`SELECT * FROM certificates ${clause} ORDER BY ${order} LIMIT ? OFFSET ?`)
        .all(...params, input.limit, input.offset) as CertificateRow[]
      return { total, items: rows.map(summary) }
    }),

  get: authedProcedure
    .input(z.object({ certificateNo: z.string().min(1), minPosition: z.bigint().optional() }))
    .query(async ({ ctx, input }) => {
      const db = await readModel(ctx.deps, CERTIFICATION_CERTIFICATES, input.minPosition)
      const row = findCertificate(db, input.certificateNo)
      if (!row) throw new NotFoundError('certificate', input.certificateNo)
      return {
        ...summary(row),
        certificate: JSON.parse(row.content) as CertificateContent,
        history: certificateHistory(db, row.certificate_no).map((h) => ({
          status: h.status,
          validFrom: h.valid_from,
          validTo: h.valid_to,
          reason: h.reason,
          cause: h.cause_kind ? { kind: h.cause_kind, ref: h.cause_ref } : null,
        })),
        scopeChanges: scopeChanges(db, row.certificate_no),
        transitionDeadlines: transitionDeadlines(db, row.certificate_no).map((d) => ({
          standard: d.standard,
          replacedBy: d.replaced_by,
          deadline: d.deadline,
        })),
      }
    }),

  /** Public verification by number: the certificate's status on a date and what it covers. */
  verify: publicProcedure
    .input(
      z.object({
        certificateNo: z.string().min(1),
        on: IsoDate.optional(),
        minPosition: z.bigint().optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const db = await readModel(ctx.deps, CERTIFICATION_CERTIFICATES, input.minPosition)
      const row = findCertificate(db, input.certificateNo)
      if (!row) throw new NotFoundError('certificate', input.certificateNo)
      const content = JSON.parse(row.content) as CertificateContent
      const on = input.on ?? today(ctx.deps.now())
      const status = certificateStatusOn(db, row.certificate_no, on)
      // A certificate still recorded as valid past its expiry date has lapsed even before an
      // ExpireCertificate command records it.
      const lapsed = status?.status === 'valid' && on > row.expires_on
      return {
        certificateNo: row.certificate_no,
        on,
        status: lapsed ? ('expired' as const) : (status?.status ?? ('not_issued' as const)),
        statusSince: lapsed ? row.expires_on : (status?.valid_from ?? null),
        reason: status && status.status !== 'valid' ? status.reason : null,
        holder: content.holder.name,
        manufacturer: content.manufacturer.name,
        product: { name: content.product.name, models: content.product.models },
        scheme: content.scheme,
        standards: content.standards,
        basisReports: content.basisReports,
        issuingBody: {
          bodyId: row.body_id,
          name: bodyName(ctx.deps.runner(CERTIFICATION_REFS).db, row.body_id),
          accreditationNo: row.accreditation_no,
        },
        validity: { issuedOn: row.issued_on, expiresOn: row.expires_on },
      }
    }),
})
