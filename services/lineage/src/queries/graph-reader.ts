import type Database from 'better-sqlite3'
import { EFFECT_ORDER } from '../projections/graph'
import type { NodeKind, Relation } from '../projections/ids'

/** A point of view in time: business date (as-of) and, for audits, the store position. */
export interface TimePoint {
  asOf: string
  /** Only facts recorded at or before this store position count. */
  atPosition?: bigint
}

export interface NodeStatus {
  status: string
  since: string
  reason: string | null
  cause: { kind: string; ref: string | null } | null
  eventId: string | null
  causationId: string | null
}

export interface GraphNode {
  id: string
  kind: NodeKind
  key: string
  label: string
  /** Read only: large data is parsed once and shared, frozen, between queries (`parseNodeData`). */
  data: Readonly<Record<string, unknown>>
  status: NodeStatus | null
}

export interface GraphEdge {
  from: string
  to: string
  rel: Relation
  detail: Record<string, unknown> | null
  since: string
}

/** One change in a node's status history, as the time point sees it. */
export interface HistoryEntry extends NodeStatus {
  position: bigint
}

export interface CauseLink {
  eventId: string
  type: string
  nodeId: string
  occurredAt: string
  position: bigint
}

/**
 * What lineage, impact and node detail read: the graph as seen from one time point. `GraphReader`
 * reads it from the projection; the test oracle (`testing/oracle.ts`) answers it by replaying events.
 */
export interface GraphView {
  readonly time: TimePoint
  node(id: string): GraphNode | null
  statusOn(id: string, date: string): NodeStatus | null
  statusesOf(ids: string[]): Map<string, NodeStatus | null>
  /**
   * What `statusesOf` says, reduced to the status names (null: no status): for counting thousands
   * of nodes, when only a page of them is listed with its full statuses.
   */
  statusNamesOf(ids: string[]): Map<string, string | null>
  nodesOf(ids: string[]): Map<string, { key: string; label: string; data: Record<string, unknown> }>
  outByRelation(id: string): Map<Relation, GraphEdge[]>
  /**
   * Optional: the instrument's calibration that covered `date` (its `calibrated_by` edge with the
   * latest calibration date on or before it; the first by target id among equals), without reading
   * the others. Lineage picks it from `outByRelation` when a view has no such shortcut.
   */
  calibrationOn?(instrumentId: string, date: string): GraphEdge | null
  /**
   * Optional batch forms of `node` and `outByRelation` for a walk that reads a whole level at once
   * (one statement instead of one per node): the same answers, keyed by id; a node `node` would
   * answer null for is absent, and a node without visible out-edges has an empty map.
   */
  nodesAt?(ids: string[]): Map<string, GraphNode>
  outByRelationOf?(ids: string[]): Map<string, Map<Relation, GraphEdge[]>>
  sourcesOf(targets: string[], rel: Relation): string[]
  targetsOf(sources: string[], rel: Relation): string[]
  /** The node's status changes up to the time point, in the order they take effect. */
  history(id: string): HistoryEntry[]
  /** The chain of events that caused an event, back to the fact that started it. */
  causeChain(causationId: string | null): CauseLink[]
}

interface NodeRow {
  id: string
  kind: NodeKind
  key: string
  label: string
  data: string
}
interface EdgeRow {
  from_id: string
  to_id: string
  rel: Relation
  detail: string | null
  valid_from: string
}
/** A status history row as queries select it (`toStatus` makes a `NodeStatus` of it). */
export interface StatusRow {
  status: string
  valid_from: string
  reason: string | null
  cause_kind: string | null
  cause_ref: string | null
  event_id: string | null
  causation_id: string | null
}

/**
 * A node and its settled status on the date, as an array (`.raw()`: ~200 of them per lineage at
 * scale, and an object with 13 named fields per row cost ~1 µs more each).
 */
type SettledNodeRow = [
  id: string,
  kind: NodeKind,
  key: string,
  label: string,
  data: string,
  decided: number,
  status: string | null,
  validFrom: string | null,
  reason: string | null,
  causeKind: string | null,
  causeRef: string | null,
  eventId: string | null,
  causationId: string | null,
]

const MAX_POSITION = Number.MAX_SAFE_INTEGER

/** Named parameters of a time point in edge statements. */
interface At {
  asOf: string
  position: number
}

/**
 * Status rows that count at a time point (parameters: as-of date, store position, store position):
 * recorded by the position, not called off by then, and holding from a date on or before the as-of
 * date (`counts_from`: registrations (stage 0) hold from the beginning of business time, a draft
 * without a date of its own from the day it was recorded).
 */
const COUNTED = `counts_from <= ? AND position <= ?
  AND (cancelled_position IS NULL OR cancelled_position > ?)`
/**
 * Whether a node's settled status rows (./projections/graph, SETTLE) decide its status on @asOf at
 * the head, and which of them does: the current one once all its rows count, the one before while
 * only the changes dated `settled_from` are still to come.
 */
export const DECIDED = '(n.settled_from IS NULL OR n.settled_from <= @asOf OR n.prior_from <= @asOf)'
const DECIDED_ROW = `CASE WHEN n.settled_from IS NULL OR n.settled_from <= @asOf THEN n.current_row
  WHEN n.prior_from <= @asOf THEN n.prior_row END`

/**
 * Whether the edge row `e` (a table name or alias) counts at the time point @asOf/@position:
 * asserted by a counted fact, and for a restated relation by the last counted statement of it.
 */
export const visibleEdge = (e: string) => `${e}.valid_from <= @asOf AND ${e}.position <= @position
  AND (${e}.cancelled_position IS NULL OR ${e}.cancelled_position > @position) AND (${e}.restated = 0 OR NOT EXISTS (
    SELECT 1 FROM edges later WHERE later.from_id = ${e}.from_id AND later.rel = ${e}.rel AND later.restated = 1
      AND later.valid_from <= @asOf AND later.position <= @position
      AND (later.valid_from > ${e}.valid_from OR (later.valid_from = ${e}.valid_from AND later.position > ${e}.position))))`

interface ReaderStatements {
  node: Database.Statement<[string, number], NodeRow>
  status: Database.Statement<[string, string, number, number], StatusRow>
  hasStatuses: Database.Statement<[string, number, number], { found: number }>
  out: Database.Statement<[string, string, At], EdgeRow>
  outAll: Database.Statement<[string, At], EdgeRow>
  calibrationOn: Database.Statement<[string, At & { date: string }], EdgeRow>
  in: Database.Statement<[string, string, At], EdgeRow>
  inAll: Database.Statement<[string, At], EdgeRow>
  sourcesOf: Database.Statement<[string, string, At], string>
  targetsOf: Database.Statement<[string, string, At], string>
  statusNamesOf: Database.Statement<
    [string, number, number, string, number, number, number],
    [string, string | null]
  >
  settledNames: Database.Statement<[{ ids: string; asOf: string }], [string, string | null, number]>
  settledNode: Database.Statement<[{ id: string; asOf: string }], SettledNodeRow>
  settledNodes: Database.Statement<[{ ids: string; asOf: string }], SettledNodeRow>
  outAllOf: Database.Statement<[string, At], EdgeRow>
  statusesOf: Database.Statement<[string, string, number, number], StatusRow & { node_id: string }>
  withoutStatuses: Database.Statement<[number, number, string, number], { id: string }>
  nodesOf: Database.Statement<[string], NodeRow>
  nodesAtPosition: Database.Statement<[string, number], NodeRow>
  history: Database.Statement<[string, string, number, number], StatusRow & { position: number }>
  cause: Database.Statement<
    [string],
    {
      event_id: string
      type: string
      node_id: string
      position: number
      occurred_at: string
      causation_id: string | null
    }
  >
}

/**
 * Prepared once per database: a reader is made per request, and preparing six statements each
 * time cost more than a small lineage query itself.
 */
const statementsByDatabase = new WeakMap<Database.Database, ReaderStatements>()

/**
 * The graph's file memory-mapped for reading (SQLite caps it at 2 GiB; beyond that, plain reads):
 * a lineage at 1M events reads ~400 rows by key from a 1.6 GB file, and through SQLite's default
 * 2 MB page cache most of them cost a read() per page; mapped, 18% less CPU per query (measured).
 * Set once per connection; writes are unchanged (SQLite writes a mapped file with write()).
 */
const GRAPH_MMAP_BYTES = 2 ** 31

function readerStatements(db: Database.Database): ReaderStatements {
  let statements = statementsByDatabase.get(db)
  if (statements) return statements
  if (!db.memory && db.pragma('mmap_size', { simple: true }) === 0)
    db.pragma(`mmap_size = ${GRAPH_MMAP_BYTES}`)
  const visible = visibleEdge('edges')
  statements = {
    node: db.prepare('SELECT id, kind, key, label, data FROM nodes WHERE id = ? AND position <= ?'),
    status: db.prepare(
      `SELECT status, valid_from, reason, cause_kind, cause_ref, event_id, causation_id FROM statuses
       WHERE node_id = ? AND ${COUNTED} ORDER BY ${EFFECT_ORDER('DESC')} LIMIT 1`,
    ),
    hasStatuses: db.prepare(
      `SELECT EXISTS (SELECT 1 FROM statuses WHERE node_id = ? AND position <= ?
         AND (cancelled_position IS NULL OR cancelled_position > ?)) AS found`,
    ),
    // One row per fact asserting an edge: an edge counts from the earliest assertion that counts
    // (its date and detail), so the GROUP BYs fold them into one edge each.
    out: db.prepare(
      `SELECT from_id, to_id, rel, detail, min(valid_from) AS valid_from FROM edges
       WHERE from_id = ? AND rel = ? AND ${visible} GROUP BY to_id ORDER BY to_id`,
    ),
    // Primary-key order (rel, to_id): grouped by relation, each group in the order `out` returns it.
    outAll: db.prepare(
      `SELECT from_id, to_id, rel, detail, min(valid_from) AS valid_from FROM edges
       WHERE from_id = ? AND ${visible} GROUP BY rel, to_id ORDER BY rel, to_id`,
    ),
    // An instrument has a calibrated_by edge per calibration (dozens over the years) and lineage
    // follows one: the `out` rows of the relation, narrowed to the latest calibration date on or
    // before @date, the smallest target id among equals. The edge's date is its calibration date
    // (the projection writes the edge on `calibratedOn`, the same date its detail carries), so
    // no detail is parsed to pick one.
    calibrationOn: db.prepare(
      `SELECT from_id, to_id, rel, detail, valid_from FROM (
         SELECT from_id, to_id, rel, detail, min(valid_from) AS valid_from FROM edges
         WHERE from_id = ? AND rel = 'calibrated_by' AND ${visible} GROUP BY to_id)
       WHERE valid_from <= @date ORDER BY valid_from DESC, to_id LIMIT 1`,
    ),
    in: db.prepare(
      `SELECT from_id, to_id, rel, detail, min(valid_from) AS valid_from FROM edges
       WHERE to_id = ? AND rel = ? AND ${visible} GROUP BY from_id ORDER BY from_id`,
    ),
    // Index order (rel, then the primary key's from_id): each relation's group in the order `in` returns it.
    inAll: db.prepare(
      `SELECT from_id, to_id, rel, detail, min(valid_from) AS valid_from FROM edges
       WHERE to_id = ? AND ${visible} GROUP BY rel, from_id ORDER BY rel, from_id`,
    ),
    // Set-based forms for impact analysis: one statement per relation and level, not per node.
    // Plucked: thousands of bare ids, not thousands of one-field objects.
    sourcesOf: db
      .prepare(
        `SELECT DISTINCT from_id FROM edges WHERE rel = ? AND to_id IN (SELECT value FROM json_each(?)) AND ${visible}`,
      )
      .pluck() as Database.Statement<[string, string, At], string>,
    targetsOf: db
      .prepare(
        `SELECT DISTINCT to_id FROM edges WHERE rel = ? AND from_id IN (SELECT value FROM json_each(?)) AND ${visible}`,
      )
      .pluck() as Database.Statement<[string, string, At], string>,
    // The deciding row of each node, found by the same indexed LIMIT 1 as `status` per id: a
    // window over every row of thousands of nodes sorted them all (the bulk of a wide impact).
    statusesOf: db.prepare(
      `SELECT s.node_id, s.status, s.valid_from, s.reason, s.cause_kind, s.cause_ref, s.event_id, s.causation_id
       FROM json_each(?) j JOIN statuses s ON s.rowid = (
         SELECT rowid FROM statuses WHERE node_id = j.value AND counts_from <= ? AND position <= ?
           AND (cancelled_position IS NULL OR cancelled_position > ?)
         ORDER BY ${EFFECT_ORDER('DESC')} LIMIT 1)`,
    ),
    // At the head (./projections/graph, SETTLE): [id, status name, decided] of each node known;
    // decided = 0: its status on the date is not settled yet (read the history).
    settledNames: db
      .prepare(
        `SELECT n.id, CASE WHEN n.settled_from IS NULL OR n.settled_from <= @asOf THEN n.current_status
           WHEN n.prior_from <= @asOf THEN n.prior_status END, ${DECIDED}
         FROM json_each(@ids) j JOIN nodes n ON n.id = j.value`,
      )
      .raw() as ReaderStatements['settledNames'],
    // The node and, when decided, its settled status on the date, in one read.
    settledNode: db
      .prepare(
        `SELECT n.id, n.kind, n.key, n.label, n.data, ${DECIDED} AS decided, s.status, s.valid_from, s.reason,
           s.cause_kind, s.cause_ref, s.event_id, s.causation_id
         FROM nodes n LEFT JOIN statuses s ON s.rowid = ${DECIDED_ROW} WHERE n.id = @id`,
      )
      .raw() as ReaderStatements['settledNode'],
    // The same for many nodes in one statement (a lineage level).
    settledNodes: db
      .prepare(
        `SELECT n.id, n.kind, n.key, n.label, n.data, ${DECIDED} AS decided, s.status, s.valid_from, s.reason,
           s.cause_kind, s.cause_ref, s.event_id, s.causation_id
         FROM json_each(@ids) j JOIN nodes n ON n.id = j.value LEFT JOIN statuses s ON s.rowid = ${DECIDED_ROW}`,
      )
      .raw() as ReaderStatements['settledNodes'],
    // `outAll` for many sources in one statement, in (from_id, rel, to_id) order.
    outAllOf: db.prepare(
      `SELECT from_id, to_id, rel, detail, min(valid_from) AS valid_from FROM edges
       WHERE from_id IN (SELECT value FROM json_each(?)) AND ${visible}
       GROUP BY from_id, rel, to_id ORDER BY from_id, rel, to_id`,
    ),
    // [id, status name] of each node that exists at the time point: its deciding status, or null
    // for a node known by the position with no status recorded by then.
    statusNamesOf: db
      .prepare(
        `SELECT x.id, x.status FROM (
           SELECT j.value AS id, (SELECT status FROM statuses WHERE node_id = j.value AND counts_from <= ?
               AND position <= ? AND (cancelled_position IS NULL OR cancelled_position > ?)
             ORDER BY ${EFFECT_ORDER('DESC')} LIMIT 1) AS status
           FROM json_each(?) j) x
         WHERE x.status IS NOT NULL OR (NOT EXISTS (SELECT 1 FROM statuses s WHERE s.node_id = x.id
             AND s.position <= ? AND (s.cancelled_position IS NULL OR s.cancelled_position > ?))
           AND EXISTS (SELECT 1 FROM nodes n WHERE n.id = x.id AND n.position <= ?))`,
      )
      .raw() as Database.Statement<
      [string, number, number, string, number, number, number],
      [string, string | null]
    >,
    // Nodes known at the position that have no status recorded by then (things only referred to).
    withoutStatuses: db.prepare(
      `SELECT id FROM nodes n WHERE NOT EXISTS (SELECT 1 FROM statuses s WHERE s.node_id = n.id
         AND s.position <= ? AND (s.cancelled_position IS NULL OR s.cancelled_position > ?))
       AND id IN (SELECT value FROM json_each(?)) AND position <= ?`,
    ),
    nodesOf: db.prepare(
      'SELECT id, kind, key, label, data FROM nodes WHERE id IN (SELECT value FROM json_each(?))',
    ),
    nodesAtPosition: db.prepare(
      'SELECT id, kind, key, label, data FROM nodes WHERE id IN (SELECT value FROM json_each(?)) AND position <= ?',
    ),
    history: db.prepare(
      `SELECT status, valid_from, position, reason, cause_kind, cause_ref, event_id, causation_id FROM statuses
       WHERE node_id = ? AND ${COUNTED} ORDER BY ${EFFECT_ORDER('ASC')}`,
    ),
    cause: db.prepare(
      'SELECT event_id, type, node_id, position, occurred_at, causation_id FROM causes WHERE event_id = ?',
    ),
  }
  statementsByDatabase.set(db, statements)
  return statements
}

/** Reads the lineage graph as of a business date (and optionally a store position). */
export class GraphReader implements GraphView {
  private readonly statements: ReaderStatements
  private readonly position: number
  private readonly at: At

  constructor(
    readonly db: Database.Database,
    readonly time: TimePoint,
  ) {
    this.position = time.atPosition === undefined ? MAX_POSITION : Number(time.atPosition)
    this.at = { asOf: time.asOf, position: this.position }
    this.statements = readerStatements(db)
  }

  /**
   * The node as of the time point; null if nothing about it was recorded by the store position, or
   * if it came into being only after the as-of date (it has statuses, none by then). Registrations
   * carry no business date, so a registered node, or one only referred to, exists on any date.
   */
  node(id: string): GraphNode | null {
    if (this.time.atPosition === undefined) {
      // At the head, most nodes' status on the date is settled on their row (one read for both).
      const row = this.statements.settledNode.get({ id, asOf: this.time.asOf })
      if (!row) return null
      if (row[5]) return settledNode(row)
    }
    return this.nodeFromHistory(id)
  }

  /** `node` for many ids: at the head one statement for all, then the undecided ones from their history. */
  nodesAt(ids: string[]): Map<string, GraphNode> {
    const result = new Map<string, GraphNode>()
    if (ids.length === 0) return result
    if (this.time.atPosition !== undefined) return this.nodesFromHistory(ids, result)
    const undecided: string[] = []
    for (const row of this.statements.settledNodes.all({ ids: JSON.stringify(ids), asOf: this.time.asOf })) {
      if (row[5]) result.set(row[0], settledNode(row))
      else undecided.push(row[0])
    }
    return this.nodesFromHistory(undecided, result)
  }

  /** `nodeFromHistory` of many nodes, added to `result`: their rows, then their statuses on the date. */
  private nodesFromHistory(ids: string[], result: Map<string, GraphNode>): Map<string, GraphNode> {
    if (ids.length === 0) return result
    // A node with status rows by the position, none counting by the date, did not exist yet: absent.
    const statuses = this.statusesOf(ids)
    for (const row of this.statements.nodesAtPosition.all(JSON.stringify(ids), this.position)) {
      if (statuses.has(row.id)) result.set(row.id, nodeOf(row, statuses.get(row.id)!))
    }
    return result
  }

  private nodeFromHistory(id: string): GraphNode | null {
    const row = this.statements.node.get(id, this.position)
    if (!row) return null
    const status = this.status(id)
    if (!status && this.statements.hasStatuses.get(id, this.position, this.position)!.found) return null
    return nodeOf(row, status)
  }

  /** Nodes with an edge `rel` into any of `targets` (visible at the time point). */
  sourcesOf(targets: string[], rel: Relation): string[] {
    if (targets.length === 0) return []
    return this.statements.sourcesOf.all(rel, JSON.stringify(targets), this.at)
  }

  /** Nodes any of `sources` has an edge `rel` to (visible at the time point). */
  targetsOf(sources: string[], rel: Relation): string[] {
    if (sources.length === 0) return []
    return this.statements.targetsOf.all(rel, JSON.stringify(sources), this.at)
  }

  /**
   * Statuses of many nodes at the time point in one query. Nodes that did not exist yet (statuses,
   * all later, or nothing recorded by the position) are left out; nodes without any status map to null.
   */
  statusesOf(ids: string[]): Map<string, NodeStatus | null> {
    const result = new Map<string, NodeStatus | null>()
    if (ids.length === 0) return result
    const json = JSON.stringify(ids)
    for (const row of this.statements.statusesOf.all(json, this.time.asOf, this.position, this.position))
      result.set(row.node_id, toStatus(row))
    for (const row of this.statements.withoutStatuses.all(this.position, this.position, json, this.position))
      result.set(row.id, null)
    return result
  }

  /**
   * At the head, a node whose status rows all count by the as-of date, or all but its last change
   * still to come, is answered from its settled status (one primary-key read; ./projections/graph,
   * SETTLE); the others (more changes to come, a node that did not exist yet) and any earlier store
   * position read the history.
   */
  statusNamesOf(ids: string[]): Map<string, string | null> {
    if (ids.length === 0) return new Map()
    const p = this.position
    if (this.time.atPosition !== undefined)
      return new Map(this.statements.statusNamesOf.all(this.time.asOf, p, p, JSON.stringify(ids), p, p, p))
    const result = new Map<string, string | null>()
    const unsettled: string[] = []
    for (const [id, status, decided] of this.statements.settledNames.all({
      ids: JSON.stringify(ids),
      asOf: this.time.asOf,
    })) {
      if (decided) result.set(id, status)
      else unsettled.push(id)
    }
    if (unsettled.length > 0)
      for (const [id, status] of this.statements.statusNamesOf.all(
        this.time.asOf,
        p,
        p,
        JSON.stringify(unsettled),
        p,
        p,
        p,
      ))
        result.set(id, status)
    return result
  }

  /** Key, label and data of many nodes in one query. */
  nodesOf(ids: string[]): Map<string, { key: string; label: string; data: Record<string, unknown> }> {
    const result = new Map<string, { key: string; label: string; data: Record<string, unknown> }>()
    if (ids.length === 0) return result
    for (const row of this.statements.nodesOf.all(JSON.stringify(ids))) {
      result.set(row.id, { key: row.key, label: row.label, data: JSON.parse(row.data) })
    }
    return result
  }

  status(id: string): NodeStatus | null {
    return this.statusOn(id, this.time.asOf)
  }

  /**
   * The node's status on another business date (same store position): the last change that counts,
   * in effect order. Registrations (draft, registered, in_service) only say that the thing exists:
   * any dated change wins over them, even when the registration was entered later.
   */
  statusOn(id: string, date: string): NodeStatus | null {
    const row = this.statements.status.get(id, date, this.position, this.position)
    return row ? toStatus(row) : null
  }

  /** Changes up to the as-of date as recorded by the position: no scheduled change before its date. */
  history(id: string): HistoryEntry[] {
    return this.statements.history
      .all(id, this.time.asOf, this.position, this.position)
      .map((row) => ({ ...toStatus(row), position: BigInt(row.position) }))
  }

  causeChain(causationId: string | null, depth = 8): CauseLink[] {
    const chain: CauseLink[] = []
    let next = causationId
    while (next && chain.length < depth) {
      const row = this.statements.cause.get(next)
      if (!row) break
      chain.push({
        eventId: row.event_id,
        type: row.type,
        nodeId: row.node_id,
        occurredAt: row.occurred_at,
        position: BigInt(row.position),
      })
      next = row.causation_id
    }
    return chain
  }

  out(id: string, rel: Relation): GraphEdge[] {
    return this.statements.out.all(id, rel, this.at).map(toEdge)
  }

  /** Every visible in-edge of a node, by relation: one query where `in` per relation would be several. */
  inByRelation(id: string): Map<Relation, GraphEdge[]> {
    return groupByRelation(this.statements.inAll.all(id, this.at))
  }

  /** Every visible out-edge of a node, by relation: one query where `out` per relation would be several. */
  outByRelation(id: string): Map<Relation, GraphEdge[]> {
    return groupByRelation(this.statements.outAll.all(id, this.at))
  }

  /** `outByRelation` of many nodes in one statement. */
  outByRelationOf(ids: string[]): Map<string, Map<Relation, GraphEdge[]>> {
    const result = new Map<string, Map<Relation, GraphEdge[]>>()
    for (const id of ids) result.set(id, new Map())
    if (ids.length === 0) return result
    for (const row of this.statements.outAllOf.all(JSON.stringify(ids), this.at)) {
      const byRelation = result.get(row.from_id)!
      const edges = byRelation.get(row.rel)
      if (edges) edges.push(toEdge(row))
      else byRelation.set(row.rel, [toEdge(row)])
    }
    return result
  }

  calibrationOn(instrumentId: string, date: string): GraphEdge | null {
    const row = this.statements.calibrationOn.get(instrumentId, { ...this.at, date })
    return row ? toEdge(row) : null
  }

  in(id: string, rel: Relation): GraphEdge[] {
    return this.statements.in.all(id, rel, this.at).map(toEdge)
  }
}

/**
 * Node data as stored is JSON text; most is a few hundred bytes, but some is large and read by
 * many queries (an accreditation's scope lists every method: ~5 KB, and a lineage at scale reaches
 * ~26 of them, most of its parsing). Large texts are parsed once per distinct text and the value
 * shared, frozen so that no caller can change what the next one reads; bounded by count and size
 * (the oldest go first). Keyed by the text itself, so a node whose data changed is parsed anew.
 */
const SHARED_DATA_MIN_CHARS = 1024
const SHARED_DATA_MAX_ENTRIES = 2048
const SHARED_DATA_MAX_CHARS = 8 * 1024 * 1024
const sharedData = new Map<string, Record<string, unknown>>()
let sharedDataChars = 0

function parseNodeData(text: string): Record<string, unknown> {
  if (text.length < SHARED_DATA_MIN_CHARS) return JSON.parse(text)
  const known = sharedData.get(text)
  if (known) return known
  const value = deepFreeze(JSON.parse(text) as Record<string, unknown>)
  sharedData.set(text, value)
  sharedDataChars += text.length
  while (sharedData.size > SHARED_DATA_MAX_ENTRIES || sharedDataChars > SHARED_DATA_MAX_CHARS) {
    const oldest = sharedData.keys().next().value as string
    sharedData.delete(oldest)
    sharedDataChars -= oldest.length
  }
  return value
}

/** A node row with its status (read from the history). */
function nodeOf(row: NodeRow, status: NodeStatus | null): GraphNode {
  return { id: row.id, kind: row.kind, key: row.key, label: row.label, data: parseNodeData(row.data), status }
}

/** A node read with its settled status (a `settledNode` row whose status is decided). */
function settledNode(row: SettledNodeRow): GraphNode {
  const [id, kind, key, label, data, , status, since, reason, causeKind, causeRef, eventId, causationId] = row
  return {
    id,
    kind,
    key,
    label,
    data: parseNodeData(data),
    status:
      status === null
        ? null
        : {
            status,
            since: since!,
            reason,
            cause: causeKind ? { kind: causeKind, ref: causeRef } : null,
            eventId,
            causationId,
          },
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const inner of Object.values(value)) deepFreeze(inner)
  }
  return value
}

function groupByRelation(rows: EdgeRow[]): Map<Relation, GraphEdge[]> {
  const byRelation = new Map<Relation, GraphEdge[]>()
  for (const row of rows) {
    const edges = byRelation.get(row.rel)
    if (edges) edges.push(toEdge(row))
    else byRelation.set(row.rel, [toEdge(row)])
  }
  return byRelation
}

export function toStatus(row: StatusRow): NodeStatus {
  return {
    status: row.status,
    since: row.valid_from,
    reason: row.reason,
    cause: row.cause_kind ? { kind: row.cause_kind, ref: row.cause_ref } : null,
    eventId: row.event_id,
    causationId: row.causation_id,
  }
}

function toEdge(row: EdgeRow): GraphEdge {
  return {
    from: row.from_id,
    to: row.to_id,
    rel: row.rel,
    detail: row.detail ? JSON.parse(row.detail) : null,
    since: row.valid_from,
  }
}
