import { licensing as contract } from '@qi/contracts'
import { DomainError } from '@qi/decider'
import { policyActor, runCommand, type ServiceDeps } from '@qi/trpc'
import { cmarkDecider } from '../domain/cmark'
import { commitmentDecider } from '../domain/commitment'
import { addDays } from '../domain/dates'
import { enterpriseLicenceDecider } from '../domain/enterprise-licence'
import { parallelDecider } from '../domain/parallel'
import { LICENSING_PROCESSES } from '../projections/processes'
import { deadlinesToAct } from '../projections/queries'

export const DEADLINES_TIMER = 'licensing.deadlines'

/**
 * The deadline timer: every open deadline whose business date has passed gets its follow-up command
 * (a missed verification suspends the licence; a licence past its validity end expires; an
 * inspection, branch decision or C-mark check not made is marked overdue). The due work comes from a projection, so it survives restarts; each command's id is
 * derived from the deadline, so running the timer twice (or on two nodes) has one effect. Returns
 * how many deadlines it acted on.
 */
export async function actOnDeadlines(deps: ServiceDeps): Promise<number> {
  const today = deps.now().toISOString().slice(0, 10)
  const runner = deps.runner(LICENSING_PROCESSES)
  await runner.waitForHead(60_000)
  let acted = 0
  for (const row of deadlinesToAct(runner.db, today)) {
    const common = {
      deps,
      actor: policyActor(DEADLINES_TIMER),
      commandId: `deadline:${row.work_id}:${row.due_on}`,
      // The business date of the miss: the first day past the deadline, not the day the timer ran.
      occurredAt: addDays(row.due_on, 1),
    }
    try {
      const result =
        row.kind === 'verification'
          ? await runCommand({
              ...common,
              decider: enterpriseLicenceDecider,
              streamName: contract.enterpriseLicenceStream(row.party),
              command: {
                type: 'MissVerification',
                data: { enterpriseId: row.party, applicationId: row.ref },
                today,
              },
            })
          : row.kind === 'inspection'
            ? await runCommand({
                ...common,
                decider: commitmentDecider,
                streamName: contract.commitmentStream(row.ref),
                command: { type: 'MarkInspectionOverdue', data: { approvalId: row.ref }, today },
              })
            : row.kind === 'expiry'
              ? await runCommand({
                  ...common,
                  decider: enterpriseLicenceDecider,
                  streamName: contract.enterpriseLicenceStream(row.party),
                  command: { type: 'ExpireLicence', data: { enterpriseId: row.party }, today },
                })
              : row.kind === 'cmark_check'
                ? await runCommand({
                    ...common,
                    decider: cmarkDecider,
                    streamName: contract.cmarkStream(row.party),
                    command: {
                      type: 'MarkCheckOverdue',
                      data: { enterpriseId: row.party, checkId: row.ref },
                      today,
                    },
                  })
                : await runCommand({
                    ...common,
                    decider: parallelDecider,
                    streamName: contract.parallelStream(row.ref),
                    command: {
                      type: 'MarkBranchOverdue',
                      data: { applicationId: row.ref, branch: row.branch as contract.ParallelBranch },
                      today,
                    },
                  })
      if (!result.duplicate && result.events.length > 0) acted += 1
    } catch (error) {
      // The work was done between the read and the command (e.g. the verification was recorded):
      // the decider refuses, and there is nothing left to do.
      if (!(error instanceof DomainError)) throw error
    }
  }
  return acted
}

/**
 * 一企一证 migration of one legacy per-category licence (industrialization ProductionLicenceGranted)
 * into a scope line of the enterprise's one licence. The commandId is derived from the legacy licence,
 * so running the migration again adds nothing.
 */
export function migrateLegacyLicence(
  deps: ServiceDeps,
  actor: ReturnType<typeof policyActor>,
  legacy: {
    licenceNo: string
    enterpriseId: string
    productCategory: string
    grantedOn: string
    expiresOn: string
  },
  cause: { causationId?: string; correlationId?: string } = {},
) {
  return runCommand({
    deps,
    actor,
    decider: enterpriseLicenceDecider,
    streamName: contract.enterpriseLicenceStream(legacy.enterpriseId),
    command: {
      type: 'MigrateLegacyLicence',
      data: {
        enterpriseId: legacy.enterpriseId,
        legacyLicenceNo: legacy.licenceNo,
        productCategory: legacy.productCategory,
        grantedOn: legacy.grantedOn,
        expiresOn: legacy.expiresOn,
      },
    },
    commandId: `migrate-legacy:${legacy.licenceNo}`,
    occurredAt: legacy.grantedOn,
    ...cause,
  })
}
