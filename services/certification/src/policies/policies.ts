import { certification, domainCatalogue, type EventMetadata, standardKey } from '@qi/contracts'
import type { RecordedEvent } from '@qi/eventstore'
import type { Policy } from '@qi/projections'
import { earliestReplacement } from '@qi/refs'
import { policyActor, runCommand, type ServiceDeps } from '@qi/trpc'
import type Database from 'better-sqlite3'
import { type CertificateCommand, certificateDecider } from '../domain/certificate'
import { CERTIFICATION_CERTIFICATES } from '../projections/certificates'
import { CERTIFICATION_REFS } from '../projections/refs'

/** Policies act with full rights: the rule they apply was decided by the platform, not a user. */
const AS_PLATFORM = { role: 'admin', org: 'qi-ledger' }

interface LiveCertificate {
  certificate_no: string
  status: string
  content: string
}

const LIVE = `status IN ('valid', 'under_review', 'suspended')`

/** Issues one follow-up command on a certificate, idempotent through a commandId derived from the trigger. */
async function follow(
  deps: ServiceDeps,
  policy: string,
  trigger: RecordedEvent,
  certificateNo: string,
  command: CertificateCommand,
) {
  const metadata = trigger.metadata as Partial<EventMetadata>
  return runCommand({
    deps,
    actor: policyActor(policy),
    decider: certificateDecider,
    streamName: certification.certificateStream(certificateNo),
    command,
    commandId: `policy:${policy}:${trigger.id}:${certificateNo}`,
    causationId: trigger.id,
    correlationId: metadata.correlationId,
    occurredAt: metadata.occurredAt,
  })
}

/** The certification read models a policy reads, at or after its triggers. */
interface ReadModels {
  certificates: Database.Database
  refs: Database.Database
}

/** A follow-up command a policy decided on, for one certificate. */
interface FollowUp {
  /** The name its commandId and actor carry (a policy may issue a second kind, e.g. `…:reset`). */
  policy: string
  certificateNo: string
  command: CertificateCommand
}

/**
 * Decides the follow-ups of one trigger. `planned` holds, per certificate, the status that the
 * follow-ups already planned in this batch leave it in (the read model does not show them yet).
 */
type Plan = (event: RecordedEvent, models: ReadModels, planned: Map<string, string>) => FollowUp[]

/**
 * A certification policy from its plan. Triggers handled together (`reactAll`) share one wait for
 * the read models (at the last trigger); their follow-ups run certificate by certificate: in
 * trigger order on one certificate, side by side on different ones, so that the appends of
 * different certificates go to the store together (one group commit) instead of one at a time.
 * The effect is that of `react` on each trigger in turn: the read models are read at or after
 * each trigger (as `react` alone does), and each follow-up keeps its trigger's commandId.
 */
function certificationPolicy(
  deps: ServiceDeps,
  name: string,
  handles: readonly string[],
  plan: Plan,
): Policy {
  const reactAll = async (events: RecordedEvent[]) => {
    const models = await readModels(deps, events.at(-1)!)
    const planned = new Map<string, string>()
    const byCertificate = new Map<string, Array<{ trigger: RecordedEvent; followUp: FollowUp }>>()
    for (const event of events) {
      for (const followUp of plan(event, models, planned)) {
        const queue = byCertificate.get(followUp.certificateNo) ?? []
        queue.push({ trigger: event, followUp })
        byCertificate.set(followUp.certificateNo, queue)
      }
    }
    const outcomes = await Promise.allSettled(
      [...byCertificate.values()].map(async (queue) => {
        for (const { trigger, followUp } of queue)
          await follow(deps, followUp.policy, trigger, followUp.certificateNo, followUp.command)
      }),
    )
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected')
    if (failed) throw failed.reason
  }
  return { name, handles, react: (event) => reactAll([event]), reactAll }
}

/** Waits until the certification read models include the trigger, then returns their databases. */
async function readModels(deps: ServiceDeps, trigger: RecordedEvent): Promise<ReadModels> {
  const certificates = deps.runner(CERTIFICATION_CERTIFICATES)
  const refs = deps.runner(CERTIFICATION_REFS)
  await Promise.all([certificates.waitFor(trigger.position, 60_000), refs.waitFor(trigger.position, 60_000)])
  return { certificates: certificates.db, refs: refs.db }
}

function certificatesBasedOn(db: Database.Database, reportNos: string[]): LiveCertificate[] {
  if (reportNos.length === 0) return []
  return db
    .prepare(
      `SELECT certificate_no, status, content FROM certificates
       WHERE ${LIVE} AND certificate_no IN (
         SELECT certificate_no FROM certificate_basis_reports WHERE report_no IN (${reportNos.map(() => '?').join(',')}))
       ORDER BY certificate_no`,
    )
    .all(...reportNos) as LiveCertificate[]
}

function reportIsValid(refs: Database.Database, reportNo: string) {
  const row = refs.prepare('SELECT revoked_on, replaced_by FROM reports WHERE report_no = ?').get(reportNo) as
    | { revoked_on: string | null; replaced_by: string | null }
    | undefined
  return row !== undefined && row.revoked_on === null && row.replaced_by === null
}

/**
 * Report revoked → each certificate based on it is suspended when no other valid basis report
 * remains, and put under review when others remain.
 */
export function reportRevokedPolicy(deps: ServiceDeps): Policy {
  const name = 'certification.report-revoked'
  return certificationPolicy(deps, name, ['TestReportRevoked'], (event, { certificates, refs }, planned) => {
    const { reportNo, revokedOn, reason } = domainCatalogue.decode(event).data as {
      reportNo: string
      revokedOn: string
      reason: string
    }
    return certificatesBasedOn(certificates, [reportNo]).map((row) => {
      const basis = (JSON.parse(row.content) as { basisReports: string[] }).basisReports
      const remaining = basis.filter((r) => r !== reportNo && reportIsValid(refs, r))
      const cause = { kind: 'report_revoked' as const, ref: reportNo }
      const status = planned.get(row.certificate_no) ?? row.status
      const suspend = remaining.length === 0 && status !== 'suspended'
      // What the decider makes of the command: a review opens only on a valid certificate.
      if (suspend) planned.set(row.certificate_no, 'suspended')
      else if (status === 'valid') planned.set(row.certificate_no, 'under_review')
      const command: CertificateCommand = suspend
        ? {
            type: 'SuspendCertificate',
            data: {
              certificateNo: row.certificate_no,
              from: revokedOn,
              reason: `basis report ${reportNo} revoked: ${reason}`,
            },
            requestedBy: AS_PLATFORM,
            cause,
          }
        : {
            type: 'OpenReview',
            data: {
              certificateNo: row.certificate_no,
              on: revokedOn,
              reason: `basis report ${reportNo} revoked (${reason}); remaining basis: ${remaining.join(', ') || 'none'}`,
              cause,
            },
          }
      return { policy: name, certificateNo: row.certificate_no, command }
    })
  })
}

/**
 * Accreditation suspended or withdrawn → certificates resting on that lab's reports issued from
 * that date on, and certificates the body itself issued, are put under review.
 */
export function accreditationChangedPolicy(deps: ServiceDeps): Policy {
  const name = 'certification.accreditation-changed'
  return certificationPolicy(
    deps,
    name,
    ['AccreditationSuspended', 'AccreditationWithdrawn'],
    (event, { certificates, refs }) => {
      const data = domainCatalogue.decode(event).data as {
        labId: string
        reason: string
        from?: string
        on?: string
      }
      const from = data.from ?? data.on!
      const what = event.type === 'AccreditationSuspended' ? 'suspended' : 'withdrawn'
      const reports = (
        refs
          .prepare('SELECT report_no FROM reports WHERE lab_id = ? AND issued_on >= ?')
          .all(data.labId, from) as Array<{
          report_no: string
        }>
      ).map((r) => r.report_no)
      const affected = new Map<string, string>()
      for (const row of certificatesBasedOn(certificates, reports)) {
        affected.set(
          row.certificate_no,
          `rests on reports of ${data.labId} issued after its accreditation was ${what} ${from}`,
        )
      }
      const issued = certificates
        .prepare(`SELECT certificate_no FROM certificates WHERE ${LIVE} AND body_id = ?`)
        .all(data.labId) as Array<{ certificate_no: string }>
      for (const row of issued) {
        affected.set(row.certificate_no, `issuing body ${data.labId}'s accreditation was ${what} ${from}`)
      }
      return [...affected].map(([certificateNo, why]) => ({
        policy: name,
        certificateNo,
        command: {
          type: 'OpenReview',
          data: {
            certificateNo,
            on: from,
            reason: `${why}: ${data.reason}`,
            cause: { kind: 'accreditation_changed', ref: data.labId },
          },
        },
      }))
    },
  )
}

/** Standard superseded → certificates on the old version get the transition deadline. */
export function standardSupersededPolicy(deps: ServiceDeps): Policy {
  const name = 'certification.standard-superseded'
  return certificationPolicy(deps, name, ['StandardSuperseded'], (event, { certificates }) => {
    const data = domainCatalogue.decode(event).data as {
      code: string
      version: string
      replacedBy: { code: string; version: string }
      transitionEndsOn: string
      partial?: boolean
    }
    // A partial replacement leaves the old version in force: no transition.
    if (data.partial) return []
    const rows = certificates
      .prepare(
        `SELECT certificate_no FROM certificates WHERE ${LIVE} AND certificate_no IN (
           SELECT certificate_no FROM certificate_standards WHERE standard = ?) ORDER BY certificate_no`,
      )
      .all(standardKey({ code: data.code, version: data.version })) as Array<{ certificate_no: string }>
    return rows.map((row) => ({
      policy: name,
      certificateNo: row.certificate_no,
      command: {
        type: 'SetTransitionDeadline',
        data: {
          certificateNo: row.certificate_no,
          standard: { code: data.code, version: data.version },
          replacedBy: data.replacedBy,
          deadline: data.transitionEndsOn,
        },
      },
    }))
  })
}

/**
 * A replacement link retracted → certificates whose transition deadline came from that link lose
 * it; when the standard stays superseded by another edition (a split), they get that one's deadline.
 */
export function standardReplacementRetractedPolicy(deps: ServiceDeps): Policy {
  const name = 'certification.standard-replacement-retracted'
  return certificationPolicy(
    deps,
    name,
    ['StandardReplacementRetracted'],
    (event, { certificates, refs }) => {
      const data = domainCatalogue.decode(event).data as {
        code: string
        version: string
        replacedBy: { code: string; version: string }
        reason: string
      }
      const standard = { code: data.code, version: data.version }
      const rows = certificates
        .prepare(
          `SELECT d.certificate_no FROM transition_deadlines d
           JOIN certificates c ON c.certificate_no = d.certificate_no
           WHERE d.standard = ? AND d.replaced_by = ? AND c.${LIVE} ORDER BY d.certificate_no`,
        )
        .all(standardKey(standard), standardKey(data.replacedBy)) as Array<{ certificate_no: string }>
      const remaining = earliestReplacement(refs, standardKey(standard))
      return rows.flatMap((row): FollowUp[] => [
        {
          policy: name,
          certificateNo: row.certificate_no,
          command: {
            type: 'LiftTransitionDeadline',
            data: {
              certificateNo: row.certificate_no,
              standard,
              replacedBy: data.replacedBy,
              reason: data.reason,
            },
          },
        },
        ...(remaining
          ? [
              {
                policy: `${name}:reset`,
                certificateNo: row.certificate_no,
                command: {
                  type: 'SetTransitionDeadline' as const,
                  data: {
                    certificateNo: row.certificate_no,
                    standard,
                    replacedBy: remaining.replacedBy,
                    deadline: remaining.transitionEndsOn,
                  },
                },
              },
            ]
          : []),
      ])
    },
  )
}

/** Product recalled → the product's certificates are put under review. */
export function recallPolicy(deps: ServiceDeps): Policy {
  const name = 'certification.recall'
  return certificationPolicy(deps, name, ['ProductRecalled'], (event, { certificates }) => {
    const data = domainCatalogue.decode(event).data as {
      recallId: string
      productId: string
      reason: string
      announcedOn: string
    }
    const rows = certificates
      .prepare(`SELECT certificate_no FROM certificates WHERE ${LIVE} AND product_id = ?`)
      .all(data.productId) as Array<{ certificate_no: string }>
    return rows.map((row) => ({
      policy: name,
      certificateNo: row.certificate_no,
      command: {
        type: 'OpenReview',
        data: {
          certificateNo: row.certificate_no,
          on: data.announcedOn,
          reason: `product ${data.productId} recalled (${data.recallId}): ${data.reason}`,
          cause: { kind: 'recall', ref: data.recallId },
        },
      },
    }))
  })
}

/**
 * Certificates still on a superseded version after its transition deadline expire. Run on a timer
 * (the deadline passing is not an event); idempotent through a commandId per certificate and
 * standard. Returns how many certificates it expired.
 */
export async function expireAfterTransition(deps: ServiceDeps): Promise<number> {
  const today = deps.now().toISOString().slice(0, 10)
  const runner = deps.runner(CERTIFICATION_CERTIFICATES)
  await runner.waitForHead(60_000)
  const db = runner.db
  const due = db
    .prepare(
      `SELECT d.certificate_no, d.code, d.version, d.deadline FROM transition_deadlines d
       JOIN certificates c ON c.certificate_no = d.certificate_no
       WHERE d.deadline <= ? AND c.${LIVE} AND EXISTS (
         SELECT 1 FROM certificate_standards s WHERE s.standard = d.standard AND s.certificate_no = d.certificate_no)`,
    )
    .all(today) as Array<{ certificate_no: string; code: string; version: string; deadline: string }>
  let expired = 0
  for (const row of due) {
    const standard = { code: row.code, version: row.version }
    const result = await runCommand({
      deps,
      actor: policyActor('certification.transition-expiry'),
      decider: certificateDecider,
      streamName: certification.certificateStream(row.certificate_no),
      command: {
        type: 'ExpireAtTransitionDeadline',
        data: { certificateNo: row.certificate_no, standard, on: today },
      },
      commandId: `policy:transition-expiry:${row.certificate_no}:${standardKey(standard)}`,
      occurredAt: row.deadline,
    })
    if (result.events.length > 0 && !result.duplicate) expired += 1
  }
  return expired
}

export function certificationPolicies(deps: ServiceDeps): Policy[] {
  return [
    reportRevokedPolicy(deps),
    accreditationChangedPolicy(deps),
    standardSupersededPolicy(deps),
    standardReplacementRetractedPolicy(deps),
    recallPolicy(deps),
  ]
}
