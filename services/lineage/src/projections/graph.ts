import {
  type accreditation,
  type certification,
  domainCatalogue,
  type EventOf,
  type industrialization,
  type metrology,
  standardKey,
  type standards,
  type testing,
} from '@qi/contracts'
import type { RecordedEvent } from '@qi/eventstore'
import type { Projection } from '@qi/projections'
import type Database from 'better-sqlite3'
import { licensingHandlers } from './graph-licensing'
import { type NodeKind, nodeId, type Relation, standardNode } from './ids'
import { REGISTRATION_RANK, type StageOf, stageOf } from './stages'
import {
  foldStandardStages,
  NO_STAGES,
  STANDARD_STAGE_EVENTS,
  type StandardStages,
  sameDate,
  stageRows,
} from './standard-stages'
import { STATUS_CHANGES } from './status-changes'

type Data<D> = EventOf<D> extends { data: infer T } ? T : never

export const LINEAGE_GRAPH = 'lineage.graph'

/**
 * Indexes only queries read (`apply` never does): a rebuild creates them after its bulk load, one
 * sorted pass each, instead of updating them row by row (statuses_by_node stays: `apply` reads it).
 */
const READ_INDEX_SQL: Record<string, string> = {
  nodes_by_kind: 'CREATE INDEX nodes_by_kind ON nodes (kind, key)',
  // Covering for impact's set-based walk (`sourcesOf`): what decides an edge's visibility is in the
  // index, so thousands of edges are read without a primary-key lookup each; from_id first keeps
  // the sources in id order.
  edges_by_target:
    'CREATE INDEX edges_by_target ON edges (to_id, rel, from_id, valid_from, position, restated, cancelled_position)',
  // Covering for impact's status names at the head (../queries/impact): thousands of nodes' settled
  // statuses read from this narrow index, not from their rows (which carry the data JSON).
  nodes_settled:
    'CREATE INDEX nodes_settled ON nodes (id, settled_from, prior_from, current_status, prior_status)',
}
const READ_INDEXES = Object.values(READ_INDEX_SQL)
  .map((sql) => `${sql};`)
  .join('\n')

/**
 * The order status changes take effect in: registrations first, then by business date, then by
 * lifecycle stage (./stages), then by store position (only a restatement of the same stage on the
 * same date is decided by when it was recorded). Readers pick the last one that counts.
 */
export const EFFECT_ORDER = (direction: 'ASC' | 'DESC') =>
  `stage = 0 ${direction === 'ASC' ? 'DESC' : 'ASC'}, CASE WHEN stage = 0 THEN '' ELSE valid_from END ${direction},
   stage ${direction}, position ${direction}`

/**
 * A node's settled status, kept on its row (the deciding status row's rowid, and its name): the
 * status its rows not called off decide once every one of them counts (on and after `settled_from`,
 * the latest date any of them counts from), and the one before that, while all but the rows counting
 * from `settled_from` count (on and after `prior_from`, before `settled_from`): a certificate's
 * validity before its scheduled expiry. Readers at the head answer "status on D" from them for
 * D >= prior_from; earlier dates, store positions and nodes with more than one change still to come
 * read the history. Parameter: the node id (the WHERE of `settleNode`), or none for the whole table
 * after a bulk load. (An UPDATE reads the row as it was, hence the subqueries written out again.)
 */
const LIVE = 'node_id = nodes.id AND cancelled_position IS NULL'
const SETTLED_FROM = `(SELECT max(counts_from) FROM statuses WHERE ${LIVE})`
const DECIDING = (where: string) =>
  `(SELECT rowid FROM statuses WHERE ${LIVE}${where} ORDER BY ${EFFECT_ORDER('DESC')} LIMIT 1)`
const BEFORE_SETTLED = ` AND counts_from < ${SETTLED_FROM}`
const SETTLE = `UPDATE nodes SET
  current_row = ${DECIDING('')},
  current_status = (SELECT status FROM statuses WHERE rowid = ${DECIDING('')}),
  settled_from = ${SETTLED_FROM},
  prior_row = ${DECIDING(BEFORE_SETTLED)},
  prior_status = (SELECT status FROM statuses WHERE rowid = ${DECIDING(BEFORE_SETTLED)}),
  prior_from = (SELECT max(counts_from) FROM statuses WHERE ${LIVE}${BEFORE_SETTLED})`

/**
 * SETTLE for every node at once, after a bulk load (which leaves all of them unsettled): one sorted
 * pass over the rows not called off, ranked per node in effect order, instead of six correlated
 * subqueries per node (~30% less time on the same graph, the same columns: bulk-load spec).
 */
const SETTLE_ALL = `WITH live AS (
    SELECT rowid AS r, node_id, status, counts_from, stage, valid_from, position,
      max(counts_from) OVER (PARTITION BY node_id) AS settled_from
    FROM statuses WHERE cancelled_position IS NULL),
  current AS (SELECT node_id, r, status, settled_from FROM (
    SELECT *, row_number() OVER (PARTITION BY node_id ORDER BY ${EFFECT_ORDER('DESC')}) AS n FROM live) WHERE n = 1),
  prior AS (SELECT node_id, r, status, prior_from FROM (
    SELECT *, max(counts_from) OVER (PARTITION BY node_id) AS prior_from,
      row_number() OVER (PARTITION BY node_id ORDER BY ${EFFECT_ORDER('DESC')}) AS n
    FROM live WHERE counts_from < settled_from) WHERE n = 1)
  UPDATE nodes SET current_row = current.r, current_status = current.status, settled_from = current.settled_from,
    prior_row = prior.r, prior_status = prior.status, prior_from = prior.prior_from
  FROM current LEFT JOIN prior ON prior.node_id = current.node_id WHERE nodes.id = current.node_id`

let handledTypes: ReadonlySet<string> | undefined

/** Databases being bulk loaded: `apply` leaves settling nodes to the end of the load (one pass). */
const bulkLoading = new WeakSet<Database.Database>()

/**
 * The integrated graph: nodes (standards, labs, accreditations, instruments, calibrations, reports,
 * certificates, products, enterprises, lines, recalls), edges from each thing to what it rests on,
 * and a status history per node keyed by business date (`valid_from`), lifecycle stage and store
 * position, so that "status on date D as recorded at position P" is a range query, not a replay
 * (see ARCHITECTURE.md, "Lineage and time", and LIFECYCLES in ./stages).
 */
export const lineageGraphProjection: Projection = {
  name: LINEAGE_GRAPH,
  version: 6,
  // What `apply` dispatches on (a getter: the tables are declared below); the runner skips the rest.
  get handles() {
    handledTypes ??= new Set([
      ...Object.keys(handlers),
      ...Object.keys(STATUS_CHANGES),
      ...STANDARD_STAGE_EVENTS,
    ])
    return handledTypes
  },
  setup(db) {
    db.exec(`
      CREATE TABLE nodes (
        id TEXT PRIMARY KEY, kind TEXT NOT NULL, key TEXT NOT NULL, label TEXT NOT NULL,
        data TEXT NOT NULL DEFAULT '{}', position INTEGER NOT NULL,
        -- Its settled status rows (statuses.rowid, and their names for counting) and the dates they
        -- hold from (SETTLE): all null for a node with no status rows not called off.
        current_row INTEGER, current_status TEXT, settled_from TEXT, prior_row INTEGER, prior_status TEXT,
        prior_from TEXT
      );
      -- One row per fact asserting an edge (a product declares a standard when registered and again
      -- when declared for a market, maybe with another date): readers fold them into one edge.
      -- restated = 1: the fact states all targets of the relation at once (a certificate's basis
      -- reports and standards); only the last such statement that counts (by date, then position) holds.
      CREATE TABLE edges (
        from_id TEXT NOT NULL, rel TEXT NOT NULL, to_id TEXT NOT NULL, detail TEXT,
        valid_from TEXT NOT NULL, position INTEGER NOT NULL, restated INTEGER NOT NULL DEFAULT 0,
        -- A link retracted as recorded in error (StandardReplacementRetracted): gone from this position on.
        cancelled_position INTEGER,
        PRIMARY KEY (from_id, rel, to_id, position)
      ) WITHOUT ROWID;
      CREATE TABLE statuses (
        node_id TEXT NOT NULL, status TEXT NOT NULL, valid_from TEXT NOT NULL, position INTEGER NOT NULL,
        -- The business date the row counts from: valid_from, the beginning of business time for a
        -- registration, the day recorded for a draft without a date of its own.
        counts_from TEXT NOT NULL,
        -- Rank of the lifecycle stage (./stages): decides between changes on the same business date.
        -- 0 is a registration, which holds from the beginning of business time.
        stage INTEGER NOT NULL,
        reason TEXT, cause_kind TEXT, cause_ref TEXT, event_id TEXT, causation_id TEXT,
        -- For the scheduled end of an accreditation term: the date that term began.
        term_from TEXT,
        -- A scheduled end of term that a renewal called off, or a standard's stage date that a later
        -- fact re-dated (correction, retraction, …): invisible from this store position on, still
        -- there for audits of what was recorded before.
        cancelled_position INTEGER
      );
      -- Each standard's stage dates as folded so far (./standard-stages), to rewrite only what changes.
      CREATE TABLE standard_stages (node_id TEXT PRIMARY KEY, state TEXT NOT NULL) WITHOUT ROWID;
      CREATE INDEX statuses_by_node ON statuses (node_id, valid_from, position);
      CREATE TABLE causes (
        event_id TEXT PRIMARY KEY, type TEXT NOT NULL, node_id TEXT NOT NULL, position INTEGER NOT NULL,
        occurred_at TEXT NOT NULL, causation_id TEXT
      ) WITHOUT ROWID;
      ${READ_INDEXES}
    `)
  },
  // A rebuild loads without the indexes only readers use and builds each once at the end.
  bulkLoad: {
    begin(db) {
      for (const name of Object.keys(READ_INDEX_SQL)) db.exec(`DROP INDEX ${name}`)
      bulkLoading.add(db)
    },
    end(db) {
      bulkLoading.delete(db)
      db.exec(SETTLE_ALL)
      db.exec(READ_INDEXES)
    },
  },
  apply(event, db) {
    const data = domainCatalogue.readData(event)
    if (data === null) return
    const handler = handlers[event.type]
    const changes = STATUS_CHANGES[event.type]
    if (!handler && !changes && !STANDARD_STAGE_EVENTS.has(event.type)) return
    const w = new Writer(db, event)
    handler?.(w, data as never)
    if (STANDARD_STAGE_EVENTS.has(event.type)) w.standardStages(data as never, event.type)
    // Then the status changes it records (the table in ./status-changes).
    for (const c of changes?.(data, w.occurredOn) ?? [])
      w.status(nodeId(c.kind, c.key), c.kind, c.stage as never, c.on, c.reason, c.cause)
    if (!bulkLoading.has(db)) w.settle()
  },
}

interface Statements {
  upsertNode: Database.Statement<[string, string, string, string, string, number]>
  insertNode: Database.Statement<[string, string, string, string, string, number]>
  updateData: Database.Statement<[string, string]>
  getData: Database.Statement<[string], { data: string }>
  upsertEdge: Database.Statement<[string, string, string, string | null, string, number, number]>
  status: Database.Statement<
    [
      string,
      string,
      string,
      string,
      number,
      number,
      string | null,
      string | null,
      string | null,
      string,
      string | null,
      string | null,
      number | null,
    ]
  >
  ensureNode: Database.Statement<[string, string, string, string, number]>
  cause: Database.Statement<[string, string, string, number, string, string | null]>
  voidEndsOfTerm: Database.Statement<[number, string, string, string]>
  renewedWithin: Database.Statement<[string, number, string, string], { found: number }>
  latestTerm: Database.Statement<[string, number], { term_from: string | null }>
  cancelStage: Database.Statement<[number, string, number]>
  retractEdge: Database.Statement<[number, string, string, string]>
  getStages: Database.Statement<[string], { state: string }>
  putStages: Database.Statement<[string, string]>
  settleNode: Database.Statement<[string]>
}

const statementCache = new WeakMap<Database.Database, Statements>()

function statements(db: Database.Database): Statements {
  let s = statementCache.get(db)
  if (!s) {
    s = {
      upsertNode: db.prepare(
        `INSERT INTO nodes (id, kind, key, label, data, position) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET label = excluded.label, data = excluded.data`,
      ),
      insertNode: db.prepare(
        'INSERT INTO nodes (id, kind, key, label, data, position) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
      ),
      updateData: db.prepare('UPDATE nodes SET data = ? WHERE id = ?'),
      getData: db.prepare('SELECT data FROM nodes WHERE id = ?'),
      upsertEdge: db.prepare(
        `INSERT INTO edges (from_id, rel, to_id, detail, valid_from, position, restated) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (from_id, rel, to_id, position) DO UPDATE SET detail = excluded.detail`,
      ),
      status: db.prepare(
        `INSERT INTO statuses (node_id, status, valid_from, counts_from, position, stage, reason, cause_kind, cause_ref,
           event_id, causation_id, term_from, cancelled_position)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      cancelStage: db.prepare(
        'UPDATE statuses SET cancelled_position = ? WHERE node_id = ? AND stage = ? AND cancelled_position IS NULL',
      ),
      retractEdge: db.prepare(
        'UPDATE edges SET cancelled_position = ? WHERE from_id = ? AND rel = ? AND to_id = ? AND cancelled_position IS NULL',
      ),
      getStages: db.prepare('SELECT state FROM standard_stages WHERE node_id = ?'),
      settleNode: db.prepare(`${SETTLE} WHERE id = ?`),
      putStages: db.prepare(
        'INSERT INTO standard_stages (node_id, state) VALUES (?, ?) ON CONFLICT (node_id) DO UPDATE SET state = excluded.state',
      ),
      ensureNode: db.prepare(
        `INSERT INTO nodes (id, kind, key, label, position) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      ),
      cause: db.prepare(
        `INSERT OR IGNORE INTO causes (event_id, type, node_id, position, occurred_at, causation_id) VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      // Ends of earlier (or restated) terms on or after the renewal's start, not yet called off.
      voidEndsOfTerm: db.prepare(
        `UPDATE statuses SET cancelled_position = ? WHERE node_id = ? AND term_from IS NOT NULL
         AND term_from <= ? AND valid_from >= ? AND cancelled_position IS NULL`,
      ),
      // A term already recorded that starts after `from` and no later than the end being written.
      latestTerm: db.prepare(
        'SELECT max(valid_from) AS term_from FROM statuses WHERE node_id = ? AND stage = ?',
      ),
      renewedWithin: db.prepare(
        `SELECT count(*) AS found FROM statuses WHERE node_id = ? AND stage = ? AND valid_from > ? AND valid_from <= ?`,
      ),
    }
    statementCache.set(db, s)
  }
  return s
}

/** Writes one event's effect on the graph. */
class Writer {
  private readonly s: Statements
  readonly position: number
  readonly occurredOn: string
  private readonly causationId: string | null
  /** Nodes this event already wrote (no need to make sure they exist). */
  private readonly known = new Set<string>()
  private causeWritten = false
  /** Nodes whose status rows this event wrote or called off (settled at its end). */
  private readonly unsettled = new Set<string>()
  /** Node data this event read (`data`), kept up to date by `patch`; null: no such node yet. */
  private readonly read = new Map<string, Record<string, unknown> | null>()

  constructor(
    db: Database.Database,
    private readonly event: RecordedEvent,
  ) {
    this.s = statements(db)
    this.position = Number(event.position)
    const metadata = event.metadata as { occurredAt?: string; causationId?: string | null }
    this.occurredOn = (metadata.occurredAt ?? event.recordedAt.toISOString()).slice(0, 10)
    this.causationId = metadata.causationId ?? null
  }

  node(kind: NodeKind, key: string, label: string, data: Record<string, unknown> = {}) {
    const id = nodeId(kind, key)
    this.known.add(id)
    this.read.delete(id)
    // Most nodes are new (a report, a certificate): one insert; merge only into one that exists.
    if (this.s.insertNode.run(id, kind, key, label, JSON.stringify(data), this.position).changes > 0)
      return id
    const existing = this.s.getData.get(id)!
    const merged = { ...JSON.parse(existing.data), ...data }
    this.s.upsertNode.run(id, kind, key, label, JSON.stringify(merged), this.position)
    return id
  }

  /** Merges fields into a node's data (creating a placeholder node if an event refers to it first). */
  patch(id: string, data: Record<string, unknown>) {
    this.known.add(id)
    const existing = this.read.has(id) ? this.read.get(id)! : this.stored(id)
    if (!existing) {
      const [kind, ...rest] = id.split(':')
      this.s.upsertNode.run(id, kind!, rest.join(':'), rest.join(':'), JSON.stringify(data), this.position)
      if (this.read.has(id)) this.read.set(id, data)
      return
    }
    const merged = { ...existing, ...data }
    this.s.updateData.run(JSON.stringify(merged), id)
    if (this.read.has(id)) this.read.set(id, merged)
  }

  /** Brings the settled status of the nodes whose status rows this event changed up to date. */
  settle() {
    for (const id of this.unsettled) this.s.settleNode.run(id)
  }

  /** A node's data; read and parsed once per event, since a handler that reads it then patches it. */
  data(id: string): Record<string, unknown> {
    if (!this.read.has(id)) this.read.set(id, this.stored(id))
    return this.read.get(id) ?? {}
  }

  private stored(id: string): Record<string, unknown> | null {
    const row = this.s.getData.get(id)
    return row ? (JSON.parse(row.data) as Record<string, unknown>) : null
  }

  edge(from: string, rel: Relation, to: string, validFrom: string, detail?: unknown) {
    this.s.upsertEdge.run(
      from,
      rel,
      to,
      detail === undefined ? null : JSON.stringify(detail),
      validFrom,
      this.position,
      0,
    )
  }

  /** Calls off every assertion of an edge recorded so far, from this position on. */
  retractEdge(from: string, rel: Relation, to: string) {
    this.s.retractEdge.run(this.position, from, rel, to)
  }

  /**
   * States all targets of `rel` from `from` as of `validFrom`: from that date on (as recorded from
   * this position) they replace whatever an earlier-dated statement said — a back-dated statement
   * recorded later replaces only up to the next later-dated one.
   */
  restate(from: string, rel: Relation, targets: string[], validFrom: string) {
    for (const to of targets) this.s.upsertEdge.run(from, rel, to, null, validFrom, this.position, 1)
  }

  /**
   * An accreditation term from `from` to `until` (last day in force): it starts, and it is scheduled
   * to end the day after `until` unless a renewal — another term starting after it and no later than
   * that day — is recorded. A renewal calls off the scheduled end of every earlier term it follows
   * on from, whichever was recorded first, so back-entered terms read right too.
   */
  term(accreditationNo: string, from: string, until: string) {
    const id = nodeId('accreditation', accreditationNo)
    const ends = dayAfter(until)
    this.s.voidEndsOfTerm.run(this.position, id, from, from)
    this.unsettled.add(id)
    this.status(id, 'accreditation', 'accredited', from, `accredited ${from} until ${until}`)
    const renewed = this.s.renewedWithin.get(id, stageOf('accreditation', 'accredited').rank, from, ends)!
    this.status(id, 'accreditation', 'expired', ends, `validity ended ${until}`, undefined, {
      termFrom: from,
      void: renewed.found > 0,
    })
  }

  /**
   * A recorded expiry ends the term in force when it was recorded (the latest-starting term recorded
   * before it), so a re-accreditation recorded afterwards calls it off like a scheduled end. With no
   * term recorded yet it is a bare fact that nothing calls off.
   */
  termExpired(accreditationNo: string, on: string) {
    const id = nodeId('accreditation', accreditationNo)
    const termFrom = this.s.latestTerm.get(id, stageOf('accreditation', 'accredited').rank)!.term_from
    this.status(id, 'accreditation', 'expired', on, `expired ${on}`, undefined, {
      termFrom: termFrom ?? undefined,
      void: false,
    })
  }

  /**
   * Folds a standards event into the standard's stage dates (./standard-stages) and rewrites only
   * the stages whose date changed: the row recorded before is called off from this position on, the
   * new one counts from it. A dated draft ranks as the first dated stage; one without a date is a
   * registration that holds from the day it was recorded.
   */
  standardStages(d: { code: string; version: string }, type: string) {
    const id = standardNode(d)
    if (!this.known.has(id)) {
      // Any fact about a standard makes it known, even one that changes no status (a partial link).
      this.s.ensureNode.run(id, 'standard', standardKey(d), standardKey(d), this.position)
      this.known.add(id)
    }
    const row = this.s.getStages.get(id)
    const before: StandardStages = row ? JSON.parse(row.state) : NO_STAGES
    const after = foldStandardStages(before, type, d, this.occurredOn)
    if (after === before) return
    const rank = (stage: string, dated: boolean) =>
      stage === 'drafted' ? (dated ? 1 : 0) : stageOf('standard', stage as StageOf<'standard'>).rank
    const [beforeRows, afterRows] = [stageRows(before), stageRows(after)]
    for (const stage of new Set([...Object.keys(beforeRows), ...Object.keys(afterRows)])) {
      const was = beforeRows[stage]
      const now = afterRows[stage]
      if (sameDate(was, now)) continue
      if (was) {
        this.s.cancelStage.run(this.position, id, rank(stage, was.dated))
        this.unsettled.add(id)
      }
      if (now)
        this.status(
          id,
          'standard',
          stage as StageOf<'standard'>,
          now.date,
          now.reason,
          undefined,
          undefined,
          {
            rank: rank(stage, now.dated),
            countsFrom: now.date,
          },
        )
    }
    this.s.putStages.run(id, JSON.stringify(after))
    if (type === 'StandardSuperseded' || type === 'StandardReplacementRetracted') {
      // The node's data (latest recorded): the full replacements that remain, the earliest first.
      const links = [...after.links].sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0))
      this.patch(id, {
        replacedBy: links[0]?.to ?? null,
        replacements: links.map((l) => l.to),
        transitionEndsOn: after.dates.transition_ended?.date ?? null,
      })
    }
  }

  /**
   * Records that node `id` (of `kind`) reached lifecycle `stage` on business date `validFrom`. A
   * fact about a thing makes it known, even before the fact that registers it is recorded.
   */
  status<K extends NodeKind>(
    id: string,
    kind: K,
    stage: StageOf<K>,
    validFrom: string,
    reason?: string,
    cause?: { kind: string; ref?: string },
    endOfTerm?: { termFrom: string | undefined; void: boolean },
    standard?: { rank: number; countsFrom: string },
  ) {
    const { status, rank: stageRank } = stageOf(kind, stage)
    const rank = standard?.rank ?? stageRank
    this.unsettled.add(id)
    if (!this.known.has(id)) {
      const key = id.slice(kind.length + 1)
      this.s.ensureNode.run(id, kind, key, key, this.position)
      this.known.add(id)
    }
    this.s.status.run(
      id,
      status,
      validFrom,
      standard?.countsFrom ?? (rank === REGISTRATION_RANK ? TIMELESS : validFrom),
      this.position,
      rank,
      reason ?? null,
      cause?.kind ?? null,
      cause?.ref ?? null,
      this.event.id,
      this.causationId,
      endOfTerm?.termFrom ?? null,
      endOfTerm?.void ? this.position : null,
    )
    // The event's first status change names its node (the insert ignored the others anyway).
    if (!this.causeWritten) {
      this.s.cause.run(this.event.id, this.event.type, id, this.position, validFrom, this.causationId)
      this.causeWritten = true
    }
  }
}

type Handler = (w: Writer, data: never) => void

/**
 * Registration facts carry no business date (only when they were entered), so the structure they
 * set up — who makes a product, which standard replaces which — holds at any as-of date.
 */
const TIMELESS = '0000-01-01'

const dayAfter = (date: string) => {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + 1)
  return d.toISOString().slice(0, 10)
}

const handlers: Record<string, Handler> = {
  // ---- licensing (./graph-licensing) ----
  ...licensingHandlers,
  // ---- standards ----
  StandardDrafted: (w, d: Data<typeof standards.StandardDrafted>) => {
    // Foreign standards may have no Chinese title: the first title present.
    const title = d.titleZh ?? d.titleEn ?? d.titleOther
    const id = w.node('standard', standardKey(d), title ? `${standardKey(d)} ${title}` : standardKey(d), {
      code: d.code,
      version: d.version,
      kind: d.kind,
      mandatory: d.mandatory,
      titleZh: d.titleZh ?? null,
      titleEn: d.titleEn ?? null,
      titleOther: d.titleOther ?? null,
      draftedOn: d.draftedOn ?? null,
      ics: d.ics,
      technicalCommittee: d.technicalCommittee ?? null,
      ledByProvince: d.ledByProvince,
    })
    if (d.replaces) w.edge(standardNode(d.replaces), 'replaced_by', id, TIMELESS)
  },
  StandardPublished: (w, d: Data<typeof standards.StandardPublished>) => {
    const id = standardNode(d)
    w.patch(id, {
      publishedOn: d.publishedOn,
      effectiveFrom: d.effectiveFrom,
      ...(d.precision ? { precision: d.precision } : {}),
    })
  },
  StandardAmended: (w, d: Data<typeof standards.StandardAmended>) => {
    const id = standardNode(d)
    const amendments = (w.data(id).amendments as unknown[] | undefined) ?? []
    w.patch(id, {
      amendments: [...amendments, { no: d.amendmentNo, summary: d.summary, effectiveFrom: d.effectiveFrom }],
    })
  },
  StandardSuperseded: (w, d: Data<typeof standards.StandardSuperseded>) => {
    const id = standardNode(d)
    // A partial supersession records the link only; the status is the stage fold's (./standard-stages).
    if (!d.partial)
      w.patch(id, { replacedBy: standardKey(d.replacedBy), transitionEndsOn: d.transitionEndsOn })
    w.edge(id, 'replaced_by', standardNode(d.replacedBy), d.supersededOn)
  },
  StandardReplacementRetracted: (w, d: Data<typeof standards.StandardReplacementRetracted>) => {
    // The link was recorded in error: every assertion of it recorded before is gone from here on.
    w.retractEdge(standardNode(d), 'replaced_by', standardNode(d.replacedBy))
  },
  StandardSupplementPublished: (w, d: Data<typeof standards.StandardSupplementPublished>) => {
    const id = standardNode(d)
    const supplements = (w.data(id).supplements as unknown[] | undefined) ?? []
    w.patch(id, {
      supplements: [...supplements, { identifier: d.identifier, kind: d.kind, publishedOn: d.publishedOn }],
    })
  },
  StandardWithdrawn: (w, d: Data<typeof standards.StandardWithdrawn>) => {
    // The editions that took over, if any: links like a supersession's, from the withdrawal on.
    for (const to of d.replacedBy ?? [])
      w.edge(standardNode(d), 'replaced_by', standardNode(to), d.withdrawnOn)
  },
  InternationalStandardAdopted: (w, d: Data<typeof standards.InternationalStandardAdopted>) => {
    const id = standardNode(d)
    w.patch(id, { adopts: { ...d.international, degree: d.degree } })
    const intl = w.node('standard', standardKey(d.international), standardKey(d.international), {
      code: d.international.code,
      version: d.international.version,
      kind: 'international',
    })
    w.edge(id, 'adopts', intl, w.occurredOn, { degree: d.degree })
  },

  // ---- accreditation ----
  LabRegistered: (w, d: Data<typeof accreditation.LabRegistered>) => {
    w.node('lab', d.labId, d.name, { kind: d.kind, region: d.region, centreLevel: d.centreLevel })
  },
  LabAccredited: (w, d: Data<typeof accreditation.LabAccredited>) => {
    const id = w.node('accreditation', d.accreditationNo, `${d.accreditingBody} ${d.accreditationNo}`, {
      labId: d.labId,
      baseStandard: d.baseStandard,
      validFrom: d.validFrom,
      validUntil: d.validUntil,
      scope: d.scope,
      schemes: d.schemes,
    })
    w.edge(nodeId('lab', d.labId), 'holds', id, d.validFrom)
    // validUntil is the last day in force; a renewal under the same number replaces the end of a term.
    w.term(d.accreditationNo, d.validFrom, d.validUntil)
  },
  AccreditationScopeExtended: (w, d: Data<typeof accreditation.AccreditationScopeExtended>) => {
    const id = nodeId('accreditation', d.accreditationNo)
    const current = w.data(id)
    w.patch(id, {
      scope: [...((current.scope as unknown[]) ?? []), ...d.lines],
      schemes: [...new Set([...((current.schemes as string[]) ?? []), ...d.schemes])],
    })
  },
  AccreditationScopeReduced: (w, d: Data<typeof accreditation.AccreditationScopeReduced>) => {
    const id = nodeId('accreditation', d.accreditationNo)
    const scope = ((w.data(id).scope as Array<{ lineId: string }>) ?? []).filter(
      (l) => !d.lineIds.includes(l.lineId),
    )
    w.patch(id, { scope })
  },
  AccreditationExpired: (w, d: Data<typeof accreditation.AccreditationExpired>) => {
    w.termExpired(d.accreditationNo, d.on)
  },

  // ---- metrology ----
  InstrumentRegistered: (w, d: Data<typeof metrology.InstrumentRegistered>) => {
    w.node('instrument', d.instrumentId, `${d.instrumentId} ${d.name}`, {
      ownerLabId: d.ownerLabId,
      name: d.name,
      quantity: d.quantity,
      level: d.level,
    })
  },
  InstrumentCalibrated: (w, d: Data<typeof metrology.InstrumentCalibrated>) => {
    const id = w.node('calibration', d.certificateNo, `calibration ${d.certificateNo}`, {
      instrumentId: d.instrumentId,
      calibratingLabId: d.calibratingLabId,
      calibratedOn: d.calibratedOn,
      dueOn: d.dueOn,
      uncertainty: d.uncertainty,
      passed: d.passed,
      referenceInstrumentId: d.referenceInstrumentId ?? null,
    })
    const instrument = nodeId('instrument', d.instrumentId)
    w.edge(instrument, 'calibrated_by', id, d.calibratedOn, { calibratedOn: d.calibratedOn, dueOn: d.dueOn })
    w.edge(id, 'performed_by', nodeId('lab', d.calibratingLabId), d.calibratedOn)
    if (d.referenceInstrumentId)
      w.edge(id, 'traceable_to', nodeId('instrument', d.referenceInstrumentId), d.calibratedOn)
    if (d.passed) {
    } else {
    }
  },

  // ---- testing ----
  TestReportIssued: (w, d: Data<typeof testing.TestReportIssued>) => reportIssued(w, d),
  TestReportAmended: (w, d: Data<typeof testing.TestReportAmended>) => {
    const id = reportIssued(w, d)
    const previous = nodeId('report', d.previousReportNo)
    w.edge(id, 'amends', previous, d.issuedOn)
    w.patch(previous, { amendedBy: d.reportNo })
  },

  // ---- certification ----
  CertificateIssued: (w, d: Data<typeof certification.CertificateIssued>) => {
    const id = w.node('certificate', d.certificateNo, `${d.scheme} ${d.certificateNo}`, {
      bodyId: d.bodyId,
      accreditationNo: d.accreditationNo,
      holder: d.holder,
      manufacturer: d.manufacturer,
      product: d.product,
      scheme: d.scheme,
      standards: d.standards,
      basisReports: d.basisReports,
      issuedOn: d.issuedOn,
      expiresOn: d.expiresOn,
    })
    w.edge(nodeId('product', d.product.productId), 'certified_by', id, d.issuedOn)
    w.edge(id, 'issued_by', nodeId('lab', d.bodyId), d.issuedOn)
    w.edge(id, 'under', nodeId('accreditation', d.accreditationNo), d.issuedOn)
    w.restate(
      id,
      'based_on',
      d.basisReports.map((reportNo) => nodeId('report', reportNo)),
      d.issuedOn,
    )
    w.restate(id, 'certifies_to', d.standards.map(standardNode), d.issuedOn)
  },
  CertificateTransitionDeadlineSet: (w, d: Data<typeof certification.CertificateTransitionDeadlineSet>) => {
    const id = nodeId('certificate', d.certificateNo)
    const deadlines = (w.data(id).transitionDeadlines as Record<string, string> | undefined) ?? {}
    w.patch(id, { transitionDeadlines: { ...deadlines, [standardKey(d.standard)]: d.deadline } })
  },
  CertificateTransitionDeadlineLifted: (
    w,
    d: Data<typeof certification.CertificateTransitionDeadlineLifted>,
  ) => {
    const id = nodeId('certificate', d.certificateNo)
    const { [standardKey(d.standard)]: _lifted, ...deadlines } =
      (w.data(id).transitionDeadlines as Record<string, string> | undefined) ?? {}
    w.patch(id, { transitionDeadlines: deadlines })
  },
  CertificateScopeChanged: (w, d: Data<typeof certification.CertificateScopeChanged>) => {
    const id = nodeId('certificate', d.certificateNo)
    if (d.basisReports)
      w.restate(
        id,
        'based_on',
        d.basisReports.map((r) => nodeId('report', r)),
        d.on,
      )
    if (d.standards) w.restate(id, 'certifies_to', d.standards.map(standardNode), d.on)
    const product = w.data(id).product as Record<string, unknown> | undefined
    w.patch(id, {
      ...(d.models && product ? { product: { ...product, models: d.models } } : {}),
      ...(d.standards ? { standards: d.standards } : {}),
      ...(d.basisReports ? { basisReports: d.basisReports } : {}),
    })
  },

  // ---- industrialization ----
  EnterpriseRegistered: (w, d: Data<typeof industrialization.EnterpriseRegistered>) => {
    w.node('enterprise', d.enterpriseId, d.name, { region: d.region, industry: d.industry })
  },
  ProductRegistered: (w, d: Data<typeof industrialization.ProductRegistered>) => {
    const id = w.node('product', d.productId, `${d.name} ${d.model}`, {
      enterpriseId: d.enterpriseId,
      name: d.name,
      model: d.model,
      industry: d.industry,
      gs1: d.gs1 ?? null,
    })
    w.edge(id, 'made_by', nodeId('enterprise', d.enterpriseId), TIMELESS)
    for (const ref of d.standards) w.edge(id, 'declares', standardNode(ref), TIMELESS)
  },
  ProductionLineRegistered: (w, d: Data<typeof industrialization.ProductionLineRegistered>) => {
    w.node('line', d.lineId, d.name, { enterpriseId: d.enterpriseId, location: d.location })
  },
  ProductMarketDeclared: (w, d: Data<typeof industrialization.ProductMarketDeclared>) => {
    const id = nodeId('product', d.productId)
    const markets = (w.data(id).markets as Record<string, unknown> | undefined) ?? {}
    w.patch(id, {
      markets: {
        ...markets,
        [d.market]: { lineId: d.lineId, standards: d.standards, declaredOn: d.declaredOn },
      },
    })
    w.edge(id, 'made_on', nodeId('line', d.lineId), d.declaredOn, { market: d.market })
    for (const ref of d.standards) w.edge(id, 'declares', standardNode(ref), d.declaredOn)
  },
  ProductRecalled: (w, d: Data<typeof industrialization.ProductRecalled>) => {
    const id = w.node('recall', d.recallId, `recall ${d.recallId}`, {
      productId: d.productId,
      reason: d.reason,
      batches: d.batches,
      ordered: d.ordered,
      announcedOn: d.announcedOn,
    })
    const product = nodeId('product', d.productId)
    w.edge(product, 'recalled_in', id, d.announcedOn)
  },
}

function reportIssued(w: Writer, d: Data<typeof testing.TestReportIssued>) {
  const id = w.node('report', d.reportNo, `report ${d.reportNo}`, {
    labId: d.labId,
    accreditationNo: d.accreditationNo,
    customer: d.customer.name,
    sample: d.sample,
    testedFrom: d.testedFrom,
    testedTo: d.testedTo,
    conformity: d.conformity,
    issuedOn: d.issuedOn,
    instrumentIds: d.instrumentIds,
  })
  w.edge(id, 'issued_by', nodeId('lab', d.labId), d.issuedOn)
  w.edge(id, 'under', nodeId('accreditation', d.accreditationNo), d.issuedOn)
  const clauses = new Map<string, string[]>()
  for (const result of d.results) {
    const key = standardNode({ code: result.method.standardCode, version: result.method.standardVersion })
    clauses.set(key, [...new Set([...(clauses.get(key) ?? []), result.method.clause])])
  }
  for (const [standard, list] of clauses) w.edge(id, 'tested_to', standard, d.issuedOn, { clauses: list })
  for (const instrumentId of d.instrumentIds)
    w.edge(id, 'used', nodeId('instrument', instrumentId), d.testedFrom)
  if (d.sample.productId) w.edge(nodeId('product', d.sample.productId), 'tested_in', id, d.issuedOn)
  return id
}
