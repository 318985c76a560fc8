import type { NodeKind, Relation } from '../projections/ids'
import { nodeId } from '../projections/ids'
import type { GraphReader, NodeStatus } from './graph-reader'

/** Which relations impact analysis follows backwards into each kind of node. */
const UPWARD: Partial<Record<NodeKind, Array<{ rel: Relation; from: NodeKind }>>> = {
  standard: [
    { rel: 'tested_to', from: 'report' },
    { rel: 'certifies_to', from: 'certificate' },
    { rel: 'declares', from: 'product' },
  ],
  accreditation: [
    { rel: 'under', from: 'report' },
    { rel: 'under', from: 'certificate' },
  ],
  lab: [
    { rel: 'issued_by', from: 'report' },
    { rel: 'issued_by', from: 'certificate' },
  ],
  instrument: [{ rel: 'used', from: 'report' }],
  report: [
    { rel: 'based_on', from: 'certificate' },
    { rel: 'tested_in', from: 'product' },
  ],
  certificate: [{ rel: 'certified_by', from: 'product' }],
}

export interface ImpactItem {
  id: string
  key: string
  label: string
  status: NodeStatus | null
}

export interface ImpactGroup {
  total: number
  /** Items whose own status as of the date is still valid/active (what the change really hits). */
  active: number
  items: ImpactItem[]
}

export interface Impact {
  source: { id: string; label: string; status: NodeStatus | null }
  asOf: string
  reports: ImpactGroup
  certificates: ImpactGroup
  products: ImpactGroup
  enterprises: ImpactGroup
}

const ACTIVE = new Set(['valid', 'active', 'effective', 'registered', 'in_service', 'published'])

export interface ImpactOptions {
  /** Keep only reports this predicate accepts (e.g. issued after a suspension date). */
  reportFilter?: (report: ImpactItem & { data: Record<string, unknown> }) => boolean
  /** Items listed per group (totals are always complete). */
  limit?: number
}

/**
 * Everything downstream of a node: reports, certificates, products and enterprises that rest on it,
 * as of the reader's time point, grouped and counted.
 */
export function impactOf(reader: GraphReader, sourceId: string, options: ImpactOptions = {}): Impact | null {
  const source = reader.node(sourceId)
  if (!source) return null
  const limit = options.limit ?? 200
  const found: Record<'report' | 'certificate' | 'product' | 'enterprise', Map<string, ImpactItem>> = {
    report: new Map(),
    certificate: new Map(),
    product: new Map(),
    enterprise: new Map(),
  }
  const seen = new Set<string>([source.id])
  const queue = [source]
  while (queue.length > 0) {
    const node = queue.shift()!
    const relations = UPWARD[node.kind] ?? []
    const incoming = relations.length > 0 ? reader.inByRelation(node.id) : null
    for (const { rel, from } of relations) {
      for (const edge of incoming?.get(rel) ?? []) {
        if (seen.has(edge.from) || !edge.from.startsWith(`${from}:`)) continue
        const upstream = reader.node(edge.from)
        if (!upstream) continue
        const item: ImpactItem = {
          id: upstream.id,
          key: upstream.key,
          label: upstream.label,
          status: upstream.status,
        }
        if (
          upstream.kind === 'report' &&
          options.reportFilter &&
          !options.reportFilter({ ...item, data: upstream.data })
        ) {
          continue
        }
        seen.add(edge.from)
        if (upstream.kind === 'report' || upstream.kind === 'certificate' || upstream.kind === 'product') {
          found[upstream.kind].set(upstream.id, item)
        }
        queue.push(upstream)
      }
    }
  }
  for (const product of found.product.values()) {
    for (const edge of reader.out(product.id, 'made_by')) {
      if (found.enterprise.has(edge.to)) continue
      const enterprise = reader.node(edge.to)
      if (enterprise) {
        found.enterprise.set(enterprise.id, {
          id: enterprise.id,
          key: enterprise.key,
          label: enterprise.label,
          status: enterprise.status,
        })
      }
    }
  }
  const group = (items: Map<string, ImpactItem>): ImpactGroup => {
    const all = [...items.values()].sort((a, b) => a.key.localeCompare(b.key))
    return {
      total: all.length,
      active: all.filter((i) => i.status && ACTIVE.has(i.status.status)).length,
      items: all.slice(0, limit),
    }
  }
  return {
    source: { id: source.id, label: source.label, status: source.status },
    asOf: reader.time.asOf,
    reports: group(found.report),
    certificates: group(found.certificate),
    products: group(found.product),
    enterprises: group(found.enterprise),
  }
}

export const labNode = (labId: string) => nodeId('lab', labId)
