/**
 * Lays a lineage graph out in columns by node kind (product → certificates → reports →
 * labs/accreditations/instruments/calibrations → standards) and colours nodes by status.
 * Pure: the output fits React Flow's node and edge shapes but carries no React.
 */

export interface LineageNodeInput {
  id: string
  kind: string
  key: string
  label: string
  status: { status: string; since?: string; reason?: string | null } | null
  data?: Record<string, unknown>
  /** A collapsed group standing for these nodes (see groupLineage). */
  group?: { members: string[] }
}

export interface LineageEdgeInput {
  from: string
  to: string
  rel: string
}

export type StatusTone = 'good' | 'warn' | 'bad' | 'neutral'

/** Column of each kind; kinds not listed go to the last column but one. */
export const COLUMN_OF_KIND: Record<string, number> = {
  product: 0,
  enterprise: 0,
  line: 0,
  recall: 0,
  certificate: 1,
  report: 2,
  lab: 3,
  accreditation: 3,
  instrument: 3,
  calibration: 3,
  standard: 4,
}
/** Order of kinds inside a column (top to bottom). */
const KIND_ORDER = [
  'product',
  'enterprise',
  'line',
  'recall',
  'certificate',
  'report',
  'lab',
  'accreditation',
  'instrument',
  'calibration',
  'standard',
]

const GOOD = new Set([
  'valid',
  'active',
  'effective',
  'published',
  'in_service',
  'registered',
  'conforms',
  'passed',
])
const WARN = new Set(['suspended', 'amended', 'reduced', 'draft', 'in_transition', 'under_review', 'flagged'])
const BAD = new Set([
  'withdrawn',
  'revoked',
  'expired',
  'failed',
  'retired',
  'recalled',
  'transition_ended',
  'superseded',
  'not_accredited',
])

export function statusTone(status: string | null | undefined): StatusTone {
  if (!status) return 'neutral'
  if (GOOD.has(status)) return 'good'
  if (WARN.has(status)) return 'warn'
  if (BAD.has(status)) return 'bad'
  return 'neutral'
}

/** The status that matters for a node: a calibration's is the one when the instrument was used. */
export function effectiveNodeStatus(node: LineageNodeInput): string | null {
  const whenUsed = node.data?.statusWhenUsed
  if (node.kind === 'calibration' && node.data?.usedOn) {
    return typeof whenUsed === 'object' && whenUsed !== null && 'status' in whenUsed
      ? String((whenUsed as { status: unknown }).status)
      : 'failed'
  }
  return node.status?.status ?? null
}

export interface LaidOutNode {
  id: string
  position: { x: number; y: number }
  data: {
    kind: string
    key: string
    label: string
    status: string | null
    tone: StatusTone
    isRoot: boolean
    /** How many nodes a collapsed group stands for (group nodes only). */
    groupSize?: number
  }
}

export interface LaidOutEdge {
  id: string
  source: string
  target: string
  label: string
}

export interface LayoutOptions {
  columnWidth?: number
  rowHeight?: number
}

export function layoutLineage(
  graph: { root: string; nodes: ReadonlyArray<LineageNodeInput>; edges: ReadonlyArray<LineageEdgeInput> },
  options: LayoutOptions = {},
): { nodes: LaidOutNode[]; edges: LaidOutEdge[]; columns: number } {
  const columnWidth = options.columnWidth ?? 260
  const rowHeight = options.rowHeight ?? 90
  const columns = new Map<number, LineageNodeInput[]>()
  for (const node of graph.nodes) {
    const column = COLUMN_OF_KIND[node.kind] ?? 3
    columns.set(column, [...(columns.get(column) ?? []), node])
  }
  const rank = (kind: string) => {
    const index = KIND_ORDER.indexOf(kind)
    return index === -1 ? KIND_ORDER.length : index
  }
  const tallest = Math.max(0, ...[...columns.values()].map((list) => list.length))
  const nodes: LaidOutNode[] = []
  for (const [column, list] of columns) {
    list.sort((a, b) => rank(a.kind) - rank(b.kind) || a.key.localeCompare(b.key))
    // Centre shorter columns against the tallest so edges stay short.
    const offset = ((tallest - list.length) * rowHeight) / 2
    list.forEach((node, row) => {
      const status = effectiveNodeStatus(node)
      nodes.push({
        id: node.id,
        position: { x: column * columnWidth, y: offset + row * rowHeight },
        data: {
          kind: node.kind,
          key: node.key,
          label: node.label,
          status,
          tone: statusTone(status),
          isRoot: node.id === graph.root,
          ...(node.group ? { groupSize: node.group.members.length } : {}),
        },
      })
    })
  }
  const known = new Set(graph.nodes.map((n) => n.id))
  const seen = new Set<string>()
  const edges: LaidOutEdge[] = []
  for (const edge of graph.edges) {
    const id = `${edge.from}→${edge.rel}→${edge.to}`
    if (seen.has(id) || !known.has(edge.from) || !known.has(edge.to)) continue
    seen.add(id)
    edges.push({ id, source: edge.from, target: edge.to, label: edge.rel })
  }
  return { nodes, edges, columns: columns.size }
}

/** A collapsed group's node id: one group per kind. */
export const groupId = (kind: string) => `group:${kind}`

export interface GroupOptions {
  /** A kind with at least this many nodes that need no attention is shown as one group node. */
  threshold?: number
  /** Kinds the user expanded. */
  expanded?: ReadonlySet<string>
}

/**
 * Collapses the many nodes of one kind ("18 reports") into one group node, so a large lineage
 * stays readable at fit. Only nodes that need no attention are grouped: the root and any node whose
 * status is a warning or a problem stay in view. Edges to and from the members go to the group.
 */
export interface LineageGraphInput {
  root: string
  nodes: ReadonlyArray<LineageNodeInput>
  edges: ReadonlyArray<LineageEdgeInput>
}

export function groupLineage(graph: LineageGraphInput, options: GroupOptions = {}): LineageGraphInput {
  const threshold = options.threshold ?? 5
  const members = new Map<string, string[]>()
  for (const node of graph.nodes) {
    if (node.id === graph.root || options.expanded?.has(node.kind)) continue
    const tone = statusTone(effectiveNodeStatus(node))
    if (tone === 'bad' || tone === 'warn') continue
    members.set(node.kind, [...(members.get(node.kind) ?? []), node.id])
  }
  const groupOf = new Map<string, string>()
  const groups: LineageNodeInput[] = []
  for (const [kind, ids] of members) {
    if (ids.length < threshold) continue
    for (const id of ids) groupOf.set(id, groupId(kind))
    groups.push({
      id: groupId(kind),
      kind,
      key: groupId(kind),
      label: '',
      status: null,
      group: { members: ids },
    })
  }
  if (groups.length === 0) return graph
  const nodes = [...graph.nodes.filter((node) => !groupOf.has(node.id)), ...groups]
  const edges = graph.edges
    .map((edge) => ({
      ...edge,
      from: groupOf.get(edge.from) ?? edge.from,
      to: groupOf.get(edge.to) ?? edge.to,
    }))
    .filter((edge) => edge.from !== edge.to)
  return { ...graph, nodes, edges }
}

export type ArrowKey = 'ArrowUp' | 'ArrowDown' | 'ArrowLeft' | 'ArrowRight'

/**
 * The node an arrow key moves to from `fromId`: up and down within the column, left and right to
 * the nearest column on that side, to its node closest in height. Null at an edge of the graph.
 */
export function neighbourNode(
  nodes: ReadonlyArray<{ id: string; position: { x: number; y: number } }>,
  fromId: string,
  key: ArrowKey,
): string | null {
  const from = nodes.find((node) => node.id === fromId)
  if (!from) return nodes[0]?.id ?? null
  const { x, y } = from.position
  if (key === 'ArrowUp' || key === 'ArrowDown') {
    const below = key === 'ArrowDown'
    const candidates = nodes
      .filter((node) => node.position.x === x && (below ? node.position.y > y : node.position.y < y))
      .sort((a, b) => (below ? a.position.y - b.position.y : b.position.y - a.position.y))
    return candidates[0]?.id ?? null
  }
  const right = key === 'ArrowRight'
  const columns = [...new Set(nodes.map((node) => node.position.x))]
    .filter((column) => (right ? column > x : column < x))
    .sort((a, b) => (right ? a - b : b - a))
  const column = columns[0]
  if (column === undefined) return null
  const candidates = nodes
    .filter((node) => node.position.x === column)
    .sort((a, b) => Math.abs(a.position.y - y) - Math.abs(b.position.y - y) || a.position.y - b.position.y)
  return candidates[0]?.id ?? null
}
