import { nodeId } from '../projections/ids'
import type { GraphView } from './graph-reader'
import { type Impact, impactOf } from './impact'

/** Certificates that would have to be re-certified by the transition deadline. Writes nothing. */
export function whatIfSupersede(reader: GraphView, standardId: string, deadline: string) {
  const impact = impactOf(reader, standardId)
  if (!impact) return null
  const mustRecertify = impact.certificates.items.filter(
    (c) => c.status?.status === 'valid' || c.status?.status === 'suspended',
  )
  return { change: 'supersede' as const, deadline, impact, mustRecertify }
}

/** Reports issued on or after `from` would be flagged, certificates on them put under review. */
export function whatIfSuspendLab(reader: GraphView, labId: string, from: string) {
  const impact: Impact | null = impactOf(reader, nodeId('lab', labId), {
    reportFilter: (report) => String(report.data.issuedOn ?? '') >= from,
  })
  if (!impact) return null
  return { change: 'suspend' as const, from, impact }
}
