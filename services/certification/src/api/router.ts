import { certification, IsoDate, SearchText } from '@qi/contracts'
import { NotFoundError } from '@qi/decider'
import { waitForReactions } from '@qi/projections'
import {
  assertPlausibleMinPosition,
  authedProcedure,
  commandProcedure,
  publicProcedure,
  readModel,
  readWaitMs,
  router,
} from '@qi/trpc'
import { z } from 'zod'
import { certificateDecider } from '../domain/certificate'
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

const requester = (actor: { role: string; org: string }) => ({ role: actor.role, org: actor.org })

const onCertificate = {
  decider: certificateDecider,
  stream: (input: { certificateNo: string }) => certification.certificateStream(input.certificateNo),
}

export const certificationRouter = router({
  issueCertificate: commandProcedure({
    ...onCertificate,
    roles: ['certification_body'],
    input: certification.IssueCertificate,
    owner: {
      org: (input) => input.bodyId,
      refusal: (actor, input) =>
        `you act for ${actor.org}; a certification body may only issue certificates as itself, not as ${input.bodyId}`,
    },
    readModels: [CERTIFICATION_REFS],
    command: (input) => ({
      type: 'IssueCertificate',
      data: input,
      facts: { accreditation: null, reports: {}, standards: {} },
    }),
    enrich: (command, input, { deps }) => ({
      ...command,
      facts: loadCertificateFacts(deps.runner(CERTIFICATION_REFS).db, input),
    }),
    occurredAt: (input) => input.issuedOn,
  }),

  /* Status changes by a person: the decider checks the body owns the certificate. */
  suspendCertificate: commandProcedure({
    ...onCertificate,
    roles: ['certification_body', 'regulator'],
    input: certification.SuspendCertificate,
    command: (input, { actor }) => ({
      type: 'SuspendCertificate',
      data: input,
      requestedBy: requester(actor),
    }),
    occurredAt: (input) => input.from,
  }),

  restoreCertificate: commandProcedure({
    ...onCertificate,
    roles: ['certification_body'],
    input: certification.RestoreCertificate,
    command: (input, { actor }) => ({
      type: 'RestoreCertificate',
      data: input,
      requestedBy: requester(actor),
    }),
    occurredAt: (input) => input.on,
  }),

  withdrawCertificate: commandProcedure({
    ...onCertificate,
    roles: ['certification_body', 'regulator'],
    input: certification.WithdrawCertificate,
    command: (input, { actor }) => ({
      type: 'WithdrawCertificate',
      data: input,
      requestedBy: requester(actor),
    }),
    occurredAt: (input) => input.on,
  }),

  expireCertificate: commandProcedure({
    ...onCertificate,
    roles: ['certification_body'],
    input: certification.ExpireCertificate,
    command: (input, { actor }) => ({
      type: 'ExpireCertificate',
      data: input,
      requestedBy: requester(actor),
    }),
    occurredAt: (input) => input.on,
  }),

  changeScope: commandProcedure({
    ...onCertificate,
    roles: ['certification_body'],
    input: certification.ChangeCertificateScope,
    readModels: [CERTIFICATION_REFS],
    command: (input, { actor }) => ({
      type: 'ChangeCertificateScope',
      data: input,
      facts: { reports: {}, standards: {} },
      requestedBy: requester(actor),
    }),
    enrich: (command, input, { deps }) => {
      const { reports, standards } = loadCertificateFacts(deps.runner(CERTIFICATION_REFS).db, input)
      return { ...command, facts: { reports, standards } }
    },
    occurredAt: (input) => input.on,
  }),

  list: authedProcedure
    .input(
      z.object({
        bodyId: z.string().optional(),
        holderId: z.string().optional(),
        productId: z.string().optional(),
        status: z.enum(['valid', 'under_review', 'suspended', 'withdrawn', 'expired']).optional(),
        /** Trimmed and NFKC-folded (full-width ＣＣＣ finds CCC); LIKE is case-insensitive. */
        search: SearchText.optional(),
        sort: z.enum(['issued_desc', 'issued_asc', 'number', 'expires']).default('issued_desc'),
        limit: z.number().int().min(1).max(200).default(50),
        offset: z.number().int().min(0).default(0),
        minPosition: z.bigint().optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const db = await readModel(ctx, CERTIFICATION_CERTIFICATES, input.minPosition)
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
    .input(
      z.object({
        certificateNo: z.string().min(1),
        minPosition: z.bigint().optional(),
        /**
         * With `minPosition`: first wait until this server's policies have reacted to the event at
         * that position (e.g. the suspension after a basis report's revocation), then read at the
         * store's head, so that their follow-ups show. A replica that runs no policies waits only
         * for `minPosition`.
         */
        afterPolicies: z.boolean().optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      let minPosition = input.minPosition
      if (input.afterPolicies && minPosition !== undefined) {
        await assertPlausibleMinPosition(ctx.deps, minPosition)
        await waitForReactions(ctx.deps.store, ctx.deps.policies?.() ?? [], minPosition, readWaitMs())
        minPosition = (await ctx.deps.store.headPosition()) ?? minPosition
      }
      const db = await readModel(ctx, CERTIFICATION_CERTIFICATES, minPosition)
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
      const db = await readModel(ctx, CERTIFICATION_CERTIFICATES, input.minPosition)
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
