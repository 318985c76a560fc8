import { domainCatalogue, type EventMetadata, testing } from '@qi/contracts'
import type { Policy } from '@qi/projections'
import { policyActor, runCommand, type ServiceDeps } from '@qi/trpc'
import { reportDecider } from '../domain/report'
import { TESTING_REPORTS } from '../projections/reports'

/**
 * A testing body's qualification approved on a commitment (告知承诺制, licensing) was revoked because
 * the commitment was false → the reports it issued while working under that approval (the event's
 * `doneUnder` period) are flagged for review. Idempotent per trigger and report.
 */
export function falseCommitmentPolicy(deps: ServiceDeps): Policy {
  const name = 'testing.false-commitment'
  return {
    name,
    handles: ['ApprovalRevokedForFalseCommitment'],
    async react(event) {
      const data = domainCatalogue.decode(event).data as {
        approvalId: string
        holderId: string
        matter: string
        findings: string
        doneUnder: { from: string; to: string }
      }
      // Metrology manufacture/repair approvals are an enterprise's, not a testing body's.
      if (!data.matter.startsWith('lab_')) return
      const reports = deps.runner(TESTING_REPORTS)
      await reports.waitFor(event.position, 60_000)
      const rows = reports.db
        .prepare(
          `SELECT report_no FROM reports WHERE lab_id = ? AND issued_on >= ? AND issued_on <= ? AND status = 'valid'
           ORDER BY report_no`,
        )
        .all(data.holderId, data.doneUnder.from, data.doneUnder.to) as Array<{ report_no: string }>
      const metadata = event.metadata as Partial<EventMetadata>
      for (const { report_no: reportNo } of rows) {
        await runCommand({
          deps,
          actor: policyActor(name),
          decider: reportDecider,
          streamName: testing.reportStream(reportNo),
          command: {
            type: 'FlagReport',
            data: {
              reportNo,
              on: data.doneUnder.to,
              reason: `issued under approval ${data.approvalId}, revoked for a false commitment: ${data.findings}`,
              cause: { kind: 'false_commitment', ref: data.holderId },
            },
          },
          commandId: `policy:${name}:${event.id}:${reportNo}`,
          causationId: event.id,
          correlationId: metadata.correlationId,
          occurredAt: metadata.occurredAt,
        })
      }
    },
  }
}
