import type Database from 'better-sqlite3'
import { EFFECT_ORDER } from '../projections/graph'
import type { NodeKind, Relation } from '../projections/ids'
import { nodeId } from '../projections/ids'
import {
  DECIDED,
  GraphReader,
  type GraphView,
  type NodeStatus,
  type StatusRow,
  toStatus,
  visibleEdge,
} from './graph-reader'

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
 * as of the reader's time point, grouped and counted. On the projection (`GraphReader`) one SQL
 * statement walks, counts and pages (`impactInSql`); the walk below answers any other view (the
 * replay oracle), a report filter (what-if) and the licence sources.
 */
export function impactOf(reader: GraphView, sourceId: string, options: ImpactOptions = {}): Impact | null {
  if (reader instanceof GraphReader && !options.reportFilter) {
    const source = reader.node(sourceId)
    if (!source) return null
    // A licence's products take their certificates along: that step stays in the walk below.
    const statement = CERTIFICATES_OF_PRODUCTS.has(source.kind)
      ? null
      : impactStatement(reader.db, source.kind, reader.time.atPosition === undefined)
    if (statement) return impactInSql(reader, statement, source, options)
  }
  return impactByWalk(reader, sourceId, options)
}

/**
 * The walk level by level through `GraphView`: each level is one query per relation, statuses are
 * read for all items at once, and only the listed items' labels are loaded. The reference the SQL
 * form is tested against (./impact.spec.ts).
 */
export function impactByWalk(
  reader: GraphView,
  sourceId: string,
  options: ImpactOptions = {},
): Impact | null {
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

/** An edge `e` counts at the time point. */
const VISIBLE = visibleEdge('e')

/** The status rows that count at the time point, latest in effect order first (the reader's `COUNTED`). */
const COUNTED_ROWS = (node: string) => `FROM statuses WHERE node_id = ${node} AND counts_from <= @asOf
  AND position <= @position AND (cancelled_position IS NULL OR cancelled_position > @position)
  ORDER BY ${EFFECT_ORDER('DESC')} LIMIT 1`

const ACTIVE_LIST = [...ACTIVE].map((name) => `'${name}'`).join(', ')

/** The groups, in the order the walk reaches them: nothing downstream of a report, certificate or product leads back. */
const CHAIN = ['report', 'certificate', 'product'] as const

/**
 * Sources of a visible edge `rel` into the nodes of `into` (a CTE, or the source itself), kept to
 * ids of kind `from` (`from:` up to `from;`, the id range of the prefix).
 */
const sourcesInto = (into: string | null, rel: Relation, from: NodeKind) =>
  into === null
    ? `SELECT e.from_id FROM edges e WHERE e.to_id = @source AND e.rel = '${rel}'
        AND e.from_id >= '${from}:' AND e.from_id < '${from};' AND ${VISIBLE}`
    : `SELECT e.from_id FROM ${into} x CROSS JOIN edges e ON e.to_id = x.id AND e.rel = '${rel}'
        AND e.from_id >= '${from}:' AND e.from_id < '${from};' WHERE ${VISIBLE}`

/**
 * The walk from a source of `kind`, level by level as set-based joins (one indexed probe of
 * `edges_by_target` per node and relation, each group deduplicated once): the kinds form a chain
 * (report → certificate → product), so the first level is the source's own relations and the
 * rest follows UPWARD along the chain. A recursive CTE did the same walk with a third more CPU
 * (its queue and the union's dedup per row). Null for sources whose walk leaves the chain (a
 * verification's licences): those take the walk in JS.
 */
function walkSql(kind: NodeKind): string | null {
  const first = UPWARD[kind] ?? []
  if (first.some(({ from }) => !(CHAIN as readonly string[]).includes(from))) return null
  const groups = CHAIN.map((group) => {
    const parts = [
      ...first.filter(({ from }) => from === group).map(({ rel }) => sourcesInto(null, rel, group)),
      ...CHAIN.flatMap((earlier) =>
        (UPWARD[earlier] ?? [])
          .filter(({ from }) => from === group)
          .map(({ rel }) => sourcesInto(`${earlier}s`, rel, group)),
      ),
    ]
    // The source itself is never part of its impact (the walk starts with it seen).
    const body =
      parts.length === 0
        ? 'SELECT NULL WHERE 0'
        : `SELECT DISTINCT from_id FROM (${parts.join(' UNION ALL ')}) WHERE from_id <> @source`
    return `${group}s(id) AS MATERIALIZED (${body})`
  })
  return `WITH ${groups.join(',\n')},
  enterprises(id) AS MATERIALIZED (SELECT DISTINCT e.to_id FROM products x CROSS JOIN edges e ON e.from_id = x.id
    AND e.rel = 'made_by' WHERE ${VISIBLE}),
  items(kind, id) AS (${[...CHAIN, 'enterprise'].map((group) => `SELECT '${group}', id FROM ${group}s`).join(' UNION ALL ')})`
}

/**
 * One statement: the walk (`walkSql`), each item's status name (settled at the head, else its
 * deciding history row) and existence on the date, then per group the exact total and active count
 * and only the page's rows with their labels and full statuses, plus each group's first row for its
 * totals when the page is past it. One window ordering (kind, id) gives the row numbers and the
 * totals: every sort opens a sorter, whose fixed cost (milliseconds) outweighed small impacts
 * when each group's page and the totals each had their own.
 */
const impactSql = (walk: string, head: boolean, NODES_SETTLED = '') => `${walk},
  named AS MATERIALIZED (${
    head
      ? `SELECT i.kind, i.id, ${DECIDED} AS decided,
      CASE WHEN NOT (${DECIDED}) THEN (SELECT status ${COUNTED_ROWS('i.id')})
        WHEN n.settled_from IS NULL OR n.settled_from <= @asOf THEN n.current_status
        ELSE n.prior_status END AS name
    FROM items i CROSS JOIN nodes n${NODES_SETTLED} ON n.id = i.id`
      : // At an earlier store position the history decides (and the node row is read only for
        // the few items without a status, to see whether it was known by then).
        `SELECT i.kind, i.id, 0 AS decided, (SELECT status ${COUNTED_ROWS('i.id')}) AS name
    FROM items i`
  }),
  existing AS MATERIALIZED (
    SELECT kind, id, decided, name IN (${ACTIVE_LIST}) AS active FROM named
    WHERE decided OR name IS NOT NULL OR (NOT EXISTS (SELECT 1 FROM statuses s
      WHERE s.node_id = named.id AND s.position <= @position
        AND (s.cancelled_position IS NULL OR s.cancelled_position > @position))
      AND EXISTS (SELECT 1 FROM nodes WHERE nodes.id = named.id AND nodes.position <= @position))
  ),
  counted AS (
    SELECT kind, id, decided, row_number() OVER byId AS rn, count(*) OVER whole AS total,
      coalesce(sum(active) OVER whole, 0) AS active
    FROM existing
    WINDOW byId AS (PARTITION BY kind ORDER BY id),
      whole AS (byId ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
  )
SELECT c.kind, c.id, c.rn, c.total, c.active, n.key, n.label, s.status, s.valid_from, s.reason, s.cause_kind,
  s.cause_ref, s.event_id, s.causation_id
FROM counted c CROSS JOIN nodes n ON n.id = c.id
  LEFT JOIN statuses s ON c.rn > @cursor AND c.rn <= @cursor + @limit AND s.rowid = CASE WHEN c.decided THEN
    CASE WHEN n.settled_from IS NULL OR n.settled_from <= @asOf THEN n.current_row ELSE n.prior_row END
    ELSE (SELECT rowid ${COUNTED_ROWS('c.id')}) END
WHERE c.rn = 1 OR (c.rn > @cursor AND c.rn <= @cursor + @limit)`

/**
 * An item of a group, its index in the group (from 1) and the group's totals, with its status row
 * (all null for an item off the page or without a status).
 */
type ImpactRow = {
  kind: 'report' | 'certificate' | 'product' | 'enterprise'
  id: string
  rn: number
  total: number
  active: number
  key: string
  label: string
} & (StatusRow | { [K in keyof StatusRow]: null })

interface ImpactParameters {
  source: string
  asOf: string
  position: number
  cursor: number
  limit: number
}

type ImpactStatement = Database.Statement<[ImpactParameters], ImpactRow>
/** Prepared once per database, source kind and head or not (null: that kind's walk is not in SQL). */
const impactStatements = new WeakMap<Database.Database, Map<string, ImpactStatement | null>>()

function impactStatement(db: Database.Database, kind: NodeKind, head: boolean): ImpactStatement | null {
  let byKind = impactStatements.get(db)
  if (!byKind) {
    byKind = new Map()
    impactStatements.set(db, byKind)
  }
  const key = `${kind} ${head}`
  if (!byKind.has(key)) {
    const walk = walkSql(kind)
    byKind.set(key, walk === null ? null : prepareImpact(db, walk, head))
  }
  return byKind.get(key)!
}

/**
 * The planner takes the primary key's index for a node by id even where the covering
 * `nodes_settled` (../projections/graph) answers without reading the row: named. A graph built
 * before that index existed (it comes with the next rebuild) gets the same statement without it.
 */
function prepareImpact(db: Database.Database, walk: string, head: boolean): ImpactStatement {
  try {
    return db.prepare(impactSql(walk, head, ' INDEXED BY nodes_settled')) as ImpactStatement
  } catch (error) {
    if (!(error instanceof Error && /no such index: nodes_settled/.test(error.message))) throw error
    return db.prepare(impactSql(walk, head)) as ImpactStatement
  }
}

/**
 * `impactOf` on the projection: one statement, only the page's rows and each group's totals come
 * back (no ids materialised in JS, no node data parsed). Items are in SQLite's binary (UTF-8 byte)
 * order of ids, which is the walk's JS sort order for every id without characters beyond the BMP.
 */
function impactInSql(
  reader: GraphReader,
  statement: ImpactStatement,
  source: { id: string; kind: NodeKind; label: string; status: NodeStatus | null },
  options: ImpactOptions,
): Impact {
  const limit = options.limit ?? 200
  const cursor = options.cursor ?? 0
  const head = reader.time.atPosition === undefined
  const rows = statement.all({
    source: source.id,
    asOf: reader.time.asOf,
    position: head ? Number.MAX_SAFE_INTEGER : Number(reader.time.atPosition),
    cursor,
    limit,
  })
  const groups = {
    report: emptyGroup(cursor),
    certificate: emptyGroup(cursor),
    product: emptyGroup(cursor),
    enterprise: emptyGroup(cursor),
  }
  const order = new Map(rows.map((row) => [row.id, row.rn]))
  for (const row of rows) {
    const group = groups[row.kind]
    group.total = row.total
    group.active = row.active
    group.nextCursor = cursor + limit < row.total ? cursor + limit : null
    if (row.rn > cursor && row.rn <= cursor + limit)
      group.items.push({
        id: row.id,
        key: row.key,
        label: row.label,
        status: row.status === null ? null : toStatus(row),
      })
  }
  // In the window's order already; sorted here so that the order never rests on the plan.
  for (const group of Object.values(groups)) group.items.sort((a, b) => order.get(a.id)! - order.get(b.id)!)
  return {
    source: { id: source.id, label: source.label, status: source.status },
    asOf: reader.time.asOf,
    atPosition: reader.time.atPosition ?? null,
    reports: groups.report,
    certificates: groups.certificate,
    products: groups.product,
    enterprises: groups.enterprise,
  }
}

const emptyGroup = (cursor: number): ImpactGroup => ({
  total: 0,
  active: 0,
  cursor,
  nextCursor: null,
  items: [],
})
