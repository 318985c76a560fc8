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
  // Breadth first, a level at a time: what the level's nodes point to, then the nodes found, each
  // read in one statement for the whole level where the view offers it (`outByRelationOf`,
  // `nodesAt`), in the order a walk one node at a time would visit them.
  let level: Step[] = [{ node: root, testDate: null }]
  while (level.length > 0 && nodes.size < maxNodes) {
    const outgoing = outgoingOf(reader, level)
    const next: Step[] = []
    const found = reader.nodesAt ? reader.nodesAt(unknownTargets(level, outgoing, nodes)) : null
    for (const step of level) {
      if (nodes.size >= maxNodes) break
      const { node, testDate } = step
      for (const rel of DOWNWARD[node.kind] ?? []) {
        let out = outgoing.get(node.id)?.get(rel) ?? []
        if (rel === 'calibrated_by') {
          const date = testDate ?? reader.time.asOf
          out = picksCalibration(reader, node) ? picked(reader, node.id, date) : pickCalibration(out, date)
        }
        for (const edge of out) {
          let target = nodes.get(edge.to)
          if (!target) {
            const read = found?.has(edge.to) ? found.get(edge.to)! : reader.node(edge.to)
            if (!read) continue
            target = read
            // A calibration matters as it was when the instrument was used, not as of today.
            if (read.kind === 'calibration' && testDate) {
              read.data = {
                ...read.data,
                usedOn: testDate,
                statusWhenUsed: reader.statusOn(read.id, testDate),
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
            next.push({ node: target, testDate: nextTestDate })
          }
          edges.push(edge)
        }
      }
    }
    level = next
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

interface Step {
  node: GraphNode
  /** For an instrument: the date its calibration matters on (null: the as-of date). */
  testDate: string | null
}

/** An instrument's one calibration, when the view can pick it, needs none of its other edges. */
const picksCalibration = (reader: GraphView, node: GraphNode) =>
  reader.calibrationOn !== undefined && (DOWNWARD[node.kind] ?? []).every((rel) => rel === 'calibrated_by')

function picked(reader: GraphView, instrumentId: string, date: string): GraphEdge[] {
  const edge = reader.calibrationOn!(instrumentId, date)
  return edge ? [edge] : []
}

/** The out-edges by relation of the level's nodes that follow any (but an instrument the view picks for). */
function outgoingOf(reader: GraphView, level: Step[]): Map<string, Map<string, GraphEdge[]>> {
  const ids = level
    .filter(({ node }) => (DOWNWARD[node.kind] ?? []).length > 0 && !picksCalibration(reader, node))
    .map(({ node }) => node.id)
  if (reader.outByRelationOf) return reader.outByRelationOf(ids)
  return new Map(ids.map((id) => [id, reader.outByRelation(id)]))
}

/**
 * Targets of the level's edges not read yet (calibrations an instrument picks are read one by one:
 * which one is decided per instrument).
 */
function unknownTargets(
  level: Step[],
  outgoing: Map<string, Map<string, GraphEdge[]>>,
  nodes: Map<string, GraphNode>,
): string[] {
  const ids = new Set<string>()
  for (const { node } of level)
    for (const rel of DOWNWARD[node.kind] ?? [])
      if (rel !== 'calibrated_by')
        for (const edge of outgoing.get(node.id)?.get(rel) ?? []) if (!nodes.has(edge.to)) ids.add(edge.to)
  return [...ids]
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
