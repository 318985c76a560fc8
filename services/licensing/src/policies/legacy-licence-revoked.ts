import { licensing as contract, domainCatalogue, type EventMetadata } from '@qi/contracts'
import type { Policy } from '@qi/projections'
import { policyActor, runCommand, type ServiceDeps } from '@qi/trpc'
import { enterpriseLicenceDecider } from '../domain/enterprise-licence'
import { LICENSING_PROCESSES } from '../projections/processes'
import { findLegacyLicence } from '../projections/queries'

/**
 * A legacy per-category licence revoked in industrialization (ProductionLicenceRevoked) → if it was
 * migrated into an enterprise licence (一企一证), its scope line is withdrawn from that licence.
 * Idempotent per trigger (commandId) and per line (the decider adds nothing for a line not there).
 */
export function legacyLicenceRevokedPolicy(deps: ServiceDeps): Policy {
  const name = 'licensing.legacy-licence-revoked'
  return {
    name,
    handles: ['ProductionLicenceRevoked'],
    async react(event) {
      const data = domainCatalogue.decode(event).data as { licenceNo: string; on: string; reason: string }
      const runner = deps.runner(LICENSING_PROCESSES)
      await runner.waitFor(event.position, 60_000)
      const legacy = findLegacyLicence(runner.db, data.licenceNo)
      if (!legacy) return
      const metadata = event.metadata as Partial<EventMetadata>
      await runCommand({
        deps,
        actor: policyActor(name),
        decider: enterpriseLicenceDecider,
        streamName: contract.enterpriseLicenceStream(legacy.enterprise_id),
        command: {
          type: 'WithdrawLegacyScopeLine',
          data: {
            enterpriseId: legacy.enterprise_id,
            legacyLicenceNo: data.licenceNo,
            on: data.on,
            reason: data.reason,
          },
        },
        commandId: `policy:${name}:${event.id}`,
        causationId: event.id,
        correlationId: metadata.correlationId,
        occurredAt: data.on,
      })
    },
  }
}
