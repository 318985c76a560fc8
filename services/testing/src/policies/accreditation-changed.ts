import { domainCatalogue, type EventMetadata, testing } from '@qi/contracts'
import type { Policy } from '@qi/projections'
import { policyActor, runCommand, type ServiceDeps } from '@qi/trpc'
import { reportDecider } from '../domain/report'
import { TESTING_REPORTS } from '../projections/reports'

/**
 * Accreditation suspended or withdrawn → the lab's reports issued on or after that date are
 * flagged for review (they were issued without a valid accreditation). Idempotent: the follow-up
 * commandId derives from the triggering event and the report.
 */
export function accreditationChangedPolicy(deps: ServiceDeps): Policy {
  const name = 'testing.accreditation-changed'
  return {
    name,
    handles: ['AccreditationSuspended', 'AccreditationWithdrawn'],
    async react(event) {
      const data = domainCatalogue.decode(event).data as {
        labId: string
        reason: string
        from?: string
        on?: string
      }
      const from = data.from ?? data.on!
      const what = event.type === 'AccreditationSuspended' ? 'suspended' : 'withdrawn'
      const reports = deps.runner(TESTING_REPORTS)
      await reports.waitFor(event.position, 60_000)
      const rows = reports.db
        .prepare(
          `SELECT report_no FROM reports WHERE lab_id = ? AND issued_on >= ? AND status = 'valid' ORDER BY report_no`,
        )
        .all(data.labId, from) as Array<{ report_no: string }>
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
              on: from,
              reason: `issued while the accreditation of ${data.labId} was ${what} (from ${from}): ${data.reason}`,
              cause: { kind: 'accreditation_changed', ref: data.labId },
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
