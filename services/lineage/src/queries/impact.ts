import type { NodeKind, Relation } from '../projections/ids'
import { nodeId } from '../projections/ids'
import type { GraphView, NodeStatus } from './graph-reader'

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
  licence: [{ rel: 'licensed_under', from: 'product' }],
  verification: [{ rel: 'verified_by', from: 'licence' }],
}

/**
 * Sources whose products' certificates rest on them too: a product made under a suspended or
 * revoked licence takes its certificates with it (the certificates point at the product, not at
 * the licence, so they are found from the products forwards).
 */
const CERTIFICATES_OF_PRODUCTS = new Set<NodeKind>(['licence', 'verification'])

export interface ImpactItem {
  id: string
  key: string
  label: string
  status: NodeStatus | null
}

export interface ImpactGroup {
  /** Every item of the group (exact, whatever page is listed). */
  total: number
  /** Items whose own status as of the date is still valid/active (what the change really hits). */
  active: number
  /** The page listed: `items` are the group's items (in id order) from index `cursor` on. */
  cursor: number
  items: ImpactItem[]
  /** Where the next page starts, or null when this page is the last. */
  nextCursor: number | null
}

export interface Impact {
  source: { id: string; label: string; status: NodeStatus | null }
  /** Business date of the answer. */
  asOf: string
  /** Record time of the answer: the store position it was read at, or null for the head. */
  atPosition: bigint | null
  reports: ImpactGroup
  certificates: ImpactGroup
  products: ImpactGroup
  enterprises: ImpactGroup
}

const ACTIVE = new Set(['valid', 'active', 'effective', 'registered', 'in_service', 'published'])

export interface ImpactOptions {
  /** Keep only reports this predicate accepts (e.g. issued after a suspension date). */
  reportFilter?: (report: ImpactItem & { data: Record<string, unknown> }) => boolean
  /** Items listed per group (totals are always complete). Default 200. */
  limit?: number
  /** Index of the first item listed in each group (paging; default 0). */
  cursor?: number
}

/**
 * Everything downstream of a node: reports, certificates, products and enterprises that rest on it,
 * as of the reader's time point, grouped and counted. Set-based: each level of the walk is one
 * query per relation, statuses are read for all items at once, and only the listed items' labels
 * are loaded — a widely used standard has thousands of reports behind it.
 */
export function impactOf(reader: GraphView, sourceId: string, options: ImpactOptions = {}): Impact | null {
  const source = reader.node(sourceId)
  if (!source) return null
  const limit = options.limit ?? 200
  const cursor = options.cursor ?? 0
  const found = { report: new Set<string>(), certificate: new Set<string>(), product: new Set<string>() }
  const seen = new Set<string>([source.id])
  let frontier = new Map<NodeKind, string[]>([[source.kind, [source.id]]])
  while (frontier.size > 0) {
    const next = new Map<NodeKind, string[]>()
    for (const [kind, ids] of frontier) {
      for (const { rel, from } of UPWARD[kind] ?? []) {
        for (const id of reader.sourcesOf(ids, rel)) {
          if (seen.has(id) || !id.startsWith(`${from}:`)) continue
          seen.add(id)
          const ids = next.get(from)
          if (ids) ids.push(id)
          else next.set(from, [id])
        }
      }
    }
    const reports = next.get('report')
    if (reports && options.reportFilter) {
      const nodes = reader.nodesOf(reports)
      const kept = reports.filter((id) => {
        const node = nodes.get(id)
        return (
          node !== undefined &&
          options.reportFilter!({ id, key: node.key, label: node.label, status: null, data: node.data })
        )
      })
      next.set('report', kept)
    }
    for (const [kind, ids] of next) {
      if (kind === 'report' || kind === 'certificate' || kind === 'product')
        for (const id of ids) found[kind].add(id)
    }
    frontier = next
  }
  if (CERTIFICATES_OF_PRODUCTS.has(source.kind))
    for (const id of reader.targetsOf([...found.product], 'certified_by'))
      if (id.startsWith('certificate:')) found.certificate.add(id)
  const enterprises = new Set<string>(reader.targetsOf([...found.product], 'made_by'))
  // Counted from status names alone; full statuses and labels only for the page listed.
  const group = (ids: Set<string>): ImpactGroup => {
    const names = reader.statusNamesOf([...ids])
    // Things that did not exist yet on the as-of date are not part of the impact.
    const existing = [...names.keys()].sort()
    const listed = existing.slice(cursor, cursor + limit)
    const nodes = reader.nodesOf(listed)
    const statuses = reader.statusesOf(listed)
    let active = 0
    for (const name of names.values()) if (name !== null && ACTIVE.has(name)) active++
    return {
      total: existing.length,
      active,
      cursor,
      nextCursor: cursor + limit < existing.length ? cursor + limit : null,
      items: listed.map((id) => ({
        id,
        key: nodes.get(id)?.key ?? id.slice(id.indexOf(':') + 1),
        label: nodes.get(id)?.label ?? id,
        status: statuses.get(id) ?? null,
      })),
    }
  }
  return {
    source: { id: source.id, label: source.label, status: source.status },
    asOf: reader.time.asOf,
    atPosition: reader.time.atPosition ?? null,
    reports: group(found.report),
    certificates: group(found.certificate),
    products: group(found.product),
    enterprises: group(enterprises),
  }
}

export const labNode = (labId: string) => nodeId('lab', labId)
