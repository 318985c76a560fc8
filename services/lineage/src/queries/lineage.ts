import type { NodeKind, Relation } from '../projections/ids'
import type { GraphEdge, GraphNode, GraphView } from './graph-reader'
import { type ReasonPhrase, reasonPhrases } from './reasons'

/** Which relations lineage follows from each kind of node (towards what it rests on). */
const DOWNWARD: Partial<Record<NodeKind, Relation[]>> = {
  product: ['certified_by', 'tested_in', 'made_by', 'made_on', 'recalled_in', 'declares', 'licensed_under'],
  licence: ['verified_by'],
  certificate: ['based_on', 'certifies_to', 'issued_by', 'under'],
  report: ['issued_by', 'under', 'tested_to', 'used', 'amends'],
  instrument: ['calibrated_by'],
  calibration: ['traceable_to', 'performed_by'],
  standard: ['replaced_by', 'adopts'],
}

/** Statuses that break the chain: a node in one of them makes what rests on it questionable. */
export const PROBLEM_STATUSES = new Set([
  'suspended',
  'withdrawn',
  'expired',
  'revoked',
  'amended',
  'failed',
  'missed',
  'retired',
  'transition_ended',
  'recalled',
  'draft',
  'under_review',
  'flagged',
])

export interface LineageGraph {
  root: string
  asOf: string
  atPosition: bigint | null
  nodes: GraphNode[]
  edges: GraphEdge[]
  /** Nodes whose status as of the date breaks the chain, with why. */
  problems: Array<{
    id: string
    kind: NodeKind
    label: string
    status: string
    reason: string | null
    /** The reason as codes + the person's words (./reasons), for clients to render in their language. */
    reasonPhrases: ReasonPhrase[] | null
  }>
  counts: Partial<Record<NodeKind, number>>
}

/**
 * Walks the graph from `rootId` along DOWNWARD relations. For an instrument reached from a report,
 * only the calibration that covered the report's test date is followed (that is the one the
 * report's validity rested on); for a reference standard reached from a calibration, the one that
 * covered that calibration's date; otherwise the latest calibration up to the as-of date.
 */
export function lineageOf(reader: GraphView, rootId: string, maxNodes = 2000): LineageGraph | null {
  const root = reader.node(rootId)
  if (!root) return null
  const nodes = new Map<string, GraphNode>([[root.id, root]])
  const edges: GraphEdge[] = []
  const queue: Array<{ node: GraphNode; testDate: string | null }> = [{ node: root, testDate: null }]
  while (queue.length > 0 && nodes.size < maxNodes) {
    const { node, testDate } = queue.shift()!
    const relations = DOWNWARD[node.kind] ?? []
    // An instrument's one calibration, when the view can pick it, needs none of its other edges.
    const picks = reader.calibrationOn !== undefined && relations.every((rel) => rel === 'calibrated_by')
    const outgoing = relations.length > 0 && !picks ? reader.outByRelation(node.id) : null
    for (const rel of relations) {
      let out = outgoing?.get(rel) ?? []
      if (rel === 'calibrated_by') {
        const date = testDate ?? reader.time.asOf
        const picked = picks ? reader.calibrationOn!(node.id, date) : null
        out = picks ? (picked ? [picked] : []) : pickCalibration(out, date)
      }
      for (const edge of out) {
        let target = nodes.get(edge.to)
        if (!target) {
          const found = reader.node(edge.to)
          if (!found) continue
          target = found
          // A calibration matters as it was when the instrument was used, not as of today.
          if (found.kind === 'calibration' && testDate) {
            found.data = {
              ...found.data,
              usedOn: testDate,
              statusWhenUsed: reader.statusOn(found.id, testDate),
            }
          }
          nodes.set(target.id, target)
          // The date an instrument's calibration matters on: the test date for an instrument a report
          // used, the calibration date for a reference standard a calibration was traced to.
          const nextTestDate =
            target.kind !== 'instrument'
              ? null
              : node.kind === 'report'
                ? String(node.data.testedFrom ?? '') || null
                : node.kind === 'calibration'
                  ? String(node.data.calibratedOn ?? '') || null
                  : null
          queue.push({ node: target, testDate: nextTestDate })
        }
        edges.push(edge)
      }
    }
  }
  const all = [...nodes.values()]
  const counts: Partial<Record<NodeKind, number>> = {}
  for (const n of all) counts[n.kind] = (counts[n.kind] ?? 0) + 1
  return {
    root: root.id,
    asOf: reader.time.asOf,
    atPosition: reader.time.atPosition ?? null,
    nodes: all,
    edges,
    problems: all
      .filter((n) => n.status && PROBLEM_STATUSES.has(effectiveStatus(n)))
      .map((n) => ({
        id: n.id,
        kind: n.kind,
        label: n.label,
        status: n.status!.status,
        reason: n.status!.reason,
        reasonPhrases: reasonPhrases(n.status!.reason),
      })),
    counts,
  }
}

/** The status that decides whether a node breaks the chain (a calibration: when it was used). */
function effectiveStatus(node: GraphNode): string {
  const whenUsed = node.data.statusWhenUsed as { status: string } | null | undefined
  if (node.kind === 'calibration' && node.data.usedOn) return whenUsed?.status ?? 'failed'
  return node.status?.status ?? 'unknown'
}

function pickCalibration(edges: GraphEdge[], date: string): GraphEdge[] {
  let best: GraphEdge | null = null
  for (const edge of edges) {
    const calibratedOn = String(edge.detail?.calibratedOn ?? edge.since)
    if (calibratedOn > date) continue
    if (!best || calibratedOn > String(best.detail?.calibratedOn ?? best.since)) best = edge
  }
  return best ? [best] : []
}
