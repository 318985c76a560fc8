import { type NodeKind, nodeId, type Relation, standardNode } from '../projections/ids'
import { LIFECYCLES } from '../projections/stages'
import type {
  CauseLink,
  GraphEdge,
  GraphNode,
  GraphView,
  HistoryEntry,
  NodeStatus,
  TimePoint,
} from '../queries/graph-reader'

/**
 * The reference for every as-of answer of lineage: replays the recorded events up to store position
 * P and folds each node's status changes up to business date D. No indexes, no SQL, no incremental
 * state — slow and obviously right, for the model-based property test.
 *
 * The temporal model (ARCHITECTURE.md, "Lineage and time"):
 * - a fact counts at (D, P) when it was recorded at a position ≤ P and holds from a date ≤ D;
 * - a node's status is the last of its counted changes ordered by business date, then stage order
 *   (LIFECYCLES), then store position; registrations hold from the beginning of business time (a
 *   standard drafted without a date: from the day recorded);
 * - a standard's stages have one date each, folded from its events as the standards service dates
 *   them (foldStandard: partial links, splits, corrections, retractions);
 * - a term's scheduled expiry is void once another term of the same accreditation is recorded that
 *   starts no earlier than it and no later than that expiry (a renewal);
 * - a node exists at (D, P) when a fact about it was recorded by P and it has a status on D, or has
 *   no status recorded by P at all (a thing only referred to);
 * - an edge is visible when a fact recorded by P asserts it from a date ≤ D.
 */
export interface OracleEvent {
  type: string
  data: Record<string, unknown>
  /** The event's business date as its metadata gives it (`occurredAt`). */
  on: string
  position: number
  id: string
  causationId?: string | null
}

interface Change {
  node: string
  status: string
  /** Registration stages hold from the beginning of business time. */
  registration: boolean
  rank: number
  date: string
  position: number
  eventId: string
  causationId: string | null
  cause: { kind: string; ref: string | null } | null
  /** For a scheduled end of an accreditation term: the date that term began. */
  endOfTermFrom?: string
  /** For a registration that holds only from a business date (a draft recorded without a date). */
  countsFrom?: string
}

interface Assertion {
  from: string
  rel: Relation
  to: string
  date: string
  position: number
  detail: Record<string, unknown> | null
  /**
   * A relation whose targets a later fact restates as a whole (a certificate's basis reports and
   * standards): only the last counted statement's targets hold.
   */
  restated?: boolean
}

const TIMELESS = '0000-01-01'

const dayAfter = (date: string) => {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + 1)
  return d.toISOString().slice(0, 10)
}

function stage(kind: NodeKind, name: string) {
  const lifecycle = LIFECYCLES[kind] as ReadonlyArray<{
    stage: string
    status: string
    registration?: boolean
  }>
  const index = lifecycle.findIndex((s) => s.stage === name)
  if (index < 0) throw new Error(`oracle: no stage ${kind}.${name}`)
  const entry = lifecycle[index]!
  return {
    status: entry.status,
    registration: entry.registration === true,
    rank: entry.registration ? 0 : index + 1,
  }
}

type Ref = { code: string; version: string }
// biome-ignore lint/suspicious/noExplicitAny: event data of many shapes, read field by field
type Any = any

/** Everything recorded up to a store position, as plain lists. */
class Record_ {
  readonly nodes = new Map<string, { kind: NodeKind; key: string; data: Record<string, unknown> }>()
  readonly changes: Change[] = []
  readonly assertions: Assertion[] = []
  readonly terms: Array<{ node: string; from: string; position: number }> = []
  /** Replacement links retracted: every assertion of them recorded before is gone. */
  readonly retractions: Array<{ from: string; to: string; position: number }> = []
  /** Each standard's lifecycle events in record order, folded into its stage dates at the end. */
  private readonly standardEvents = new Map<string, OracleEvent[]>()

  constructor(events: OracleEvent[], position: number) {
    for (const e of [...events].sort((a, b) => a.position - b.position))
      if (e.position <= position) this.apply(e)
    for (const [key, list] of this.standardEvents) this.foldStandard(key, list)
  }

  private standardEvent(e: OracleEvent, key: string) {
    this.touch('standard', key)
    this.standardEvents.set(key, [...(this.standardEvents.get(key) ?? []), e])
  }

  /**
   * A standard's stages as the standards service dates them (ARCHITECTURE.md "Standards: two time
   * axes"): each stage has one date at a time — a later fact re-dates it, a correction re-dates it,
   * a retraction recomputes the supersession from the remaining full links. A stage's change is
   * attributed to the event that last changed its date.
   */
  private foldStandard(key: string, events: OracleEvent[]) {
    const dates = new Map<string, { date: string; dated: boolean; e: OracleEvent }>()
    const links = new Map<string, { on: string; ends: string }>()
    const set = (stage: string, date: string, dated: boolean, e: OracleEvent) => {
      const seen = dates.get(stage)
      if (!seen || seen.date !== date || seen.dated !== dated) dates.set(stage, { date, dated, e })
    }
    for (const e of events) {
      const d = e.data as Any
      switch (e.type) {
        case 'StandardDrafted':
          if (typeof d.draftedOn === 'string') set('drafted', d.draftedOn, true, e)
          else set('drafted', e.on, false, e)
          break
        case 'StandardPublished':
          set('published', d.publishedOn, true, e)
          set('effective', d.effectiveFrom, true, e)
          break
        case 'StandardSuperseded': {
          if (d.partial === true) break
          links.set(`${d.replacedBy.code}-${d.replacedBy.version}`, {
            on: d.supersededOn,
            ends: d.transitionEndsOn,
          })
          const seen = dates.get('superseded')
          if (!seen || d.supersededOn < seen.date) {
            set('superseded', d.supersededOn, true, e)
            set('transition_ended', d.transitionEndsOn, true, e)
          }
          break
        }
        case 'StandardWithdrawn':
          set('withdrawn', d.withdrawnOn, true, e)
          break
        case 'StandardReplacementRetracted': {
          if (!links.delete(`${d.replacedBy.code}-${d.replacedBy.version}`)) break
          const first = [...links.values()].sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0))[0]
          if (first) {
            set('superseded', first.on, true, e)
            set('transition_ended', first.ends, true, e)
          } else {
            dates.delete('superseded')
            dates.delete('transition_ended')
          }
          break
        }
        case 'StandardDateCorrected': {
          const stageName =
            d.stage === 'draft' ? 'drafted' : d.stage === 'transitionEnds' ? 'transition_ended' : d.stage
          if (dates.has(stageName)) set(stageName, d.date, true, e)
          break
        }
      }
    }
    // The transition's end shows only where the edition would read superseded without it: on the
    // later of its date and the supersession's, the last dated stage by then must be the supersession.
    const ends = dates.get('transition_ended')
    dates.delete('transition_ended')
    const superseded = dates.get('superseded')
    if (ends && superseded) {
      const from = [ends.date, superseded.date].sort()[1]! // the later of two ISO dates
      const last = [...dates.entries()]
        .filter(([, v]) => v.dated && v.date <= from)
        .sort(
          ([a, x], [b, y]) =>
            (x.date < y.date ? -1 : x.date > y.date ? 1 : 0) ||
            (a === 'drafted' ? 1 : stage('standard', a).rank) -
              (b === 'drafted' ? 1 : stage('standard', b).rank),
        )
        .at(-1)
      if (last?.[0] === 'superseded') dates.set('transition_ended', { ...ends, date: from })
    }
    for (const [stageName, { date, dated, e }] of dates) {
      if (stageName === 'drafted')
        this.change(
          e,
          'standard',
          key,
          'drafted',
          date,
          dated ? { registration: false, rank: 1 } : { countsFrom: date },
        )
      else this.change(e, 'standard', key, stageName, date)
    }
  }

  private touch(kind: NodeKind, key: string, data: Record<string, unknown> = {}) {
    const id = nodeId(kind, key)
    const existing = this.nodes.get(id)
    this.nodes.set(id, { kind, key, data: { ...existing?.data, ...data } })
    return id
  }

  private change(
    e: OracleEvent,
    kind: NodeKind,
    key: string,
    stageName: string,
    date: string,
    extra: Partial<Change> = {},
  ) {
    const id = this.touch(kind, key)
    const s = stage(kind, stageName)
    const cause = (e.data.cause as { kind: string; ref?: string } | undefined) ?? null
    this.changes.push({
      node: id,
      status: s.status,
      registration: s.registration,
      rank: s.rank,
      date,
      position: e.position,
      eventId: e.id,
      causationId: e.causationId ?? null,
      cause: cause ? { kind: cause.kind, ref: cause.ref ?? null } : null,
      ...extra,
    })
  }

  private edge(
    e: OracleEvent,
    from: string,
    rel: Relation,
    to: string,
    date: string,
    detail: Record<string, unknown> | null = null,
    restated = false,
  ) {
    this.assertions.push({ from, rel, to, date, position: e.position, detail, restated })
  }

  private apply(e: OracleEvent) {
    const d = e.data as Any
    const std = (ref: Ref) => `${ref.code}-${ref.version}`
    switch (e.type) {
      case 'StandardDrafted':
        this.touch('standard', std(d), { kind: d.kind })
        this.standardEvent(e, std(d))
        if (d.replaces) this.edge(e, standardNode(d.replaces), 'replaced_by', standardNode(d), TIMELESS)
        return
      case 'StandardPublished':
      case 'StandardDateCorrected':
        this.standardEvent(e, std(d))
        return
      case 'StandardAmended':
      case 'StandardSupplementPublished':
        this.touch('standard', std(d))
        return
      case 'StandardStageReached':
        return
      case 'StandardSuperseded':
        this.edge(e, standardNode(d), 'replaced_by', standardNode(d.replacedBy), d.supersededOn)
        this.standardEvent(e, std(d))
        return
      case 'StandardReplacementRetracted':
        this.retractions.push({ from: standardNode(d), to: standardNode(d.replacedBy), position: e.position })
        this.standardEvent(e, std(d))
        return
      case 'StandardWithdrawn':
        for (const to of d.replacedBy ?? [])
          this.edge(e, standardNode(d), 'replaced_by', standardNode(to), d.withdrawnOn)
        this.standardEvent(e, std(d))
        return
      case 'LabRegistered':
        this.change(e, 'lab', d.labId, 'registered', e.on)
        return
      case 'LabAccredited':
        this.edge(e, nodeId('lab', d.labId), 'holds', nodeId('accreditation', d.accreditationNo), d.validFrom)
        this.change(e, 'accreditation', d.accreditationNo, 'accredited', d.validFrom)
        this.change(e, 'accreditation', d.accreditationNo, 'expired', dayAfter(d.validUntil), {
          endOfTermFrom: d.validFrom,
        })
        this.terms.push({
          node: nodeId('accreditation', d.accreditationNo),
          from: d.validFrom,
          position: e.position,
        })
        return
      case 'AccreditationSuspended':
        this.change(e, 'accreditation', d.accreditationNo, 'suspended', d.from)
        return
      case 'AccreditationRestored':
        this.change(e, 'accreditation', d.accreditationNo, 'restored', d.on)
        return
      case 'AccreditationWithdrawn':
        this.change(e, 'accreditation', d.accreditationNo, 'withdrawn', d.on)
        return
      case 'AccreditationExpired': {
        // It ends the latest-starting term recorded before it, if any.
        const node = nodeId('accreditation', d.accreditationNo)
        const froms = this.terms.filter((t) => t.node === node).map((t) => t.from)
        const endOfTermFrom = froms.length > 0 ? froms.sort().at(-1) : undefined
        this.change(
          e,
          'accreditation',
          d.accreditationNo,
          'expired',
          d.on,
          endOfTermFrom ? { endOfTermFrom } : {},
        )
        return
      }
      case 'InstrumentRegistered':
        this.change(e, 'instrument', d.instrumentId, 'registered', e.on)
        return
      case 'InstrumentCalibrated': {
        this.touch('calibration', d.certificateNo, { calibratedOn: d.calibratedOn })
        const id = nodeId('calibration', d.certificateNo)
        this.edge(e, nodeId('instrument', d.instrumentId), 'calibrated_by', id, d.calibratedOn, {
          calibratedOn: d.calibratedOn,
          dueOn: d.dueOn,
        })
        this.edge(e, id, 'performed_by', nodeId('lab', d.calibratingLabId), d.calibratedOn)
        if (d.referenceInstrumentId)
          this.edge(e, id, 'traceable_to', nodeId('instrument', d.referenceInstrumentId), d.calibratedOn)
        if (d.passed) {
          this.change(e, 'calibration', d.certificateNo, 'calibrated', d.calibratedOn)
          this.change(e, 'calibration', d.certificateNo, 'expired', d.dueOn)
        } else this.change(e, 'calibration', d.certificateNo, 'failed', d.calibratedOn)
        return
      }
      case 'CalibrationExpired':
        this.change(e, 'calibration', d.certificateNo, 'expired', d.on)
        return
      case 'InstrumentRetired':
        this.change(e, 'instrument', d.instrumentId, 'retired', d.on)
        return
      case 'TestReportIssued':
        this.report(e, d)
        return
      case 'TestReportAmended':
        this.report(e, d)
        this.edge(e, nodeId('report', d.reportNo), 'amends', nodeId('report', d.previousReportNo), d.issuedOn)
        this.change(e, 'report', d.previousReportNo, 'amended', d.issuedOn)
        return
      case 'TestReportFlagged':
        this.change(e, 'report', d.reportNo, 'flagged', d.on)
        return
      case 'TestReportRevoked':
        this.change(e, 'report', d.reportNo, 'revoked', d.revokedOn)
        return
      case 'CertificateIssued': {
        this.touch('certificate', d.certificateNo, { issuedOn: d.issuedOn })
        const id = nodeId('certificate', d.certificateNo)
        this.edge(e, nodeId('product', d.product.productId), 'certified_by', id, d.issuedOn)
        this.edge(e, id, 'issued_by', nodeId('lab', d.bodyId), d.issuedOn)
        this.edge(e, id, 'under', nodeId('accreditation', d.accreditationNo), d.issuedOn)
        for (const r of d.basisReports)
          this.edge(e, id, 'based_on', nodeId('report', r), d.issuedOn, null, true)
        for (const s of d.standards) this.edge(e, id, 'certifies_to', standardNode(s), d.issuedOn, null, true)
        this.change(e, 'certificate', d.certificateNo, 'issued', d.issuedOn)
        this.change(e, 'certificate', d.certificateNo, 'expired', d.expiresOn)
        return
      }
      case 'CertificateSuspended':
        this.change(e, 'certificate', d.certificateNo, 'suspended', d.from)
        return
      case 'CertificateRestored':
        this.change(e, 'certificate', d.certificateNo, 'restored', d.on)
        return
      case 'CertificateWithdrawn':
        this.change(e, 'certificate', d.certificateNo, 'withdrawn', d.on)
        return
      case 'CertificateExpired':
        this.change(e, 'certificate', d.certificateNo, 'expired', d.on)
        return
      case 'CertificateReviewOpened':
        this.change(e, 'certificate', d.certificateNo, 'under_review', d.on)
        return
      case 'CertificateScopeChanged': {
        const id = this.touch('certificate', d.certificateNo)
        for (const r of d.basisReports ?? [])
          this.edge(e, id, 'based_on', nodeId('report', r), d.on, null, true)
        for (const s of d.standards ?? []) this.edge(e, id, 'certifies_to', standardNode(s), d.on, null, true)
        return
      }
      case 'CertificateTransitionDeadlineSet':
      case 'CertificateTransitionDeadlineLifted':
        this.touch('certificate', d.certificateNo)
        return
      case 'EnterpriseRegistered':
        this.change(e, 'enterprise', d.enterpriseId, 'registered', e.on)
        return
      case 'ProductionLineRegistered':
        this.change(e, 'line', d.lineId, 'registered', e.on)
        return
      case 'ProductRegistered': {
        const id = nodeId('product', d.productId)
        this.edge(e, id, 'made_by', nodeId('enterprise', d.enterpriseId), TIMELESS)
        for (const s of d.standards ?? []) this.edge(e, id, 'declares', standardNode(s), TIMELESS)
        this.change(e, 'product', d.productId, 'registered', e.on)
        return
      }
      case 'ProductMarketDeclared': {
        const id = this.touch('product', d.productId)
        this.edge(e, id, 'made_on', nodeId('line', d.lineId), d.declaredOn, { market: d.market })
        for (const s of d.standards) this.edge(e, id, 'declares', standardNode(s), d.declaredOn)
        return
      }
      case 'InternationalStandardAdopted':
        this.touch('standard', std(d))
        this.touch('standard', std(d.international))
        this.edge(e, standardNode(d), 'adopts', standardNode(d.international), e.on)
        return
      case 'ProductRecalled':
        this.edge(
          e,
          nodeId('product', d.productId),
          'recalled_in',
          nodeId('recall', d.recallId),
          d.announcedOn,
        )
        this.change(e, 'recall', d.recallId, 'announced', d.announcedOn)
        this.change(e, 'product', d.productId, 'recalled', d.announcedOn)
        return
      // ---- licensing (先证后核): product → licence → verification ----
      case 'LicenceIssuedBeforeVerification': {
        const licence = this.touch('licence', d.licenceNo)
        const verification = nodeId('verification', d.applicationId)
        if (d.kind === 'new') this.change(e, 'licence', d.licenceNo, 'issued', d.issuedOn)
        this.change(e, 'verification', d.applicationId, 'due', d.issuedOn)
        this.edge(e, licence, 'verified_by', verification, d.issuedOn, { kind: d.kind })
        for (const p of d.products ?? [])
          this.edge(e, nodeId('product', p), 'licensed_under', licence, d.issuedOn, {
            applicationId: d.applicationId,
            categories: d.productCategories,
          })
        return
      }
      case 'OnSiteVerificationPassed':
        this.change(e, 'verification', d.applicationId, 'passed', d.verifiedOn)
        return
      case 'OnSiteVerificationFailed':
        this.change(e, 'verification', d.applicationId, 'failed', d.verifiedOn)
        return
      case 'OnSiteVerificationMissed':
        this.change(e, 'verification', d.applicationId, 'missed', dayAfter(d.dueOn))
        return
      case 'EnterpriseLicenceSuspended':
        this.change(e, 'licence', d.licenceNo, 'suspended', d.from, {
          cause: { kind: d.cause.kind, ref: d.cause.applicationId },
        })
        return
      case 'EnterpriseLicenceRevoked':
        this.change(e, 'licence', d.licenceNo, 'revoked', d.on, {
          cause: { kind: d.cause.kind, ref: d.cause.applicationId },
        })
        return
      case 'EnterpriseLicenceRestored':
        this.change(e, 'licence', d.licenceNo, 'restored', d.on, {
          cause: d.applicationId ? { kind: 'reverification', ref: d.applicationId } : null,
        })
        return
      case 'EnterpriseLicenceExpired':
        this.change(e, 'licence', d.licenceNo, 'expired', d.on)
        return
      case 'LegacyLicenceMigrated':
        this.change(e, 'licence', d.licenceNo, 'issued', d.grantedOn)
        return
      default:
        throw new Error(`oracle: no model of ${e.type}`)
    }
  }

  private report(e: OracleEvent, d: Any) {
    this.touch('report', d.reportNo, { testedFrom: d.testedFrom, issuedOn: d.issuedOn })
    const id = nodeId('report', d.reportNo)
    this.edge(e, id, 'issued_by', nodeId('lab', d.labId), d.issuedOn)
    this.edge(e, id, 'under', nodeId('accreditation', d.accreditationNo), d.issuedOn)
    const standards = new Map<string, string[]>()
    for (const r of d.results) {
      const key = standardNode({ code: r.method.standardCode, version: r.method.standardVersion })
      standards.set(key, [...new Set([...(standards.get(key) ?? []), r.method.clause])])
    }
    for (const [s, clauses] of standards) this.edge(e, id, 'tested_to', s, d.issuedOn, { clauses })
    for (const i of d.instrumentIds) this.edge(e, id, 'used', nodeId('instrument', i), d.testedFrom)
    if (d.sample.productId) this.edge(e, nodeId('product', d.sample.productId), 'tested_in', id, d.issuedOn)
    this.change(e, 'report', d.reportNo, 'issued', d.issuedOn)
  }

  /** A scheduled end of term is void once a renewal is recorded that starts within or right after it. */
  isVoid(c: Change) {
    if (c.endOfTermFrom === undefined) return false
    const from = c.endOfTermFrom
    return this.terms.some(
      (t) =>
        t.node === c.node &&
        t.position !== c.position &&
        t.from <= c.date &&
        (t.from > from || (t.from === from && t.position > c.position)),
    )
  }
}

const order = (a: Change, b: Change) =>
  Number(b.registration) - Number(a.registration) ||
  (a.registration ? 0 : a.date < b.date ? -1 : a.date > b.date ? 1 : 0) ||
  a.rank - b.rank ||
  a.position - b.position

/** The graph at one time point, answered from the replayed record. */
export class OracleGraph implements GraphView {
  private readonly record: Record_

  constructor(
    events: OracleEvent[],
    readonly time: TimePoint,
  ) {
    this.record = new Record_(
      events,
      time.atPosition === undefined ? Number.MAX_SAFE_INTEGER : Number(time.atPosition),
    )
  }

  /** The node's counted changes up to `date`, in the order they take effect. */
  private changesOn(id: string, date: string) {
    return this.record.changes
      .filter(
        (c) =>
          c.node === id &&
          !this.record.isVoid(c) &&
          (c.registration ? (c.countsFrom ?? TIMELESS) <= date : c.date <= date),
      )
      .sort(order)
  }

  statusOn(id: string, date: string): NodeStatus | null {
    const last = this.changesOn(id, date).at(-1)
    return last ? toStatus(last) : null
  }

  private exists(id: string) {
    if (!this.record.nodes.has(id)) return false
    if (this.statusOn(id, this.time.asOf)) return true
    return !this.record.changes.some((c) => c.node === id && !this.record.isVoid(c))
  }

  node(id: string): GraphNode | null {
    if (!this.exists(id)) return null
    const n = this.record.nodes.get(id)!
    return {
      id,
      kind: n.kind,
      key: n.key,
      label: id,
      data: { ...n.data },
      status: this.statusOn(id, this.time.asOf),
    }
  }

  statusesOf(ids: string[]) {
    const result = new Map<string, NodeStatus | null>()
    for (const id of ids) if (this.exists(id)) result.set(id, this.statusOn(id, this.time.asOf))
    return result
  }

  statusNamesOf(ids: string[]) {
    const result = new Map<string, string | null>()
    for (const [id, status] of this.statusesOf(ids)) result.set(id, status?.status ?? null)
    return result
  }

  nodesOf(ids: string[]) {
    const result = new Map<string, { key: string; label: string; data: Record<string, unknown> }>()
    for (const id of ids) {
      const n = this.record.nodes.get(id)
      if (n) result.set(id, { key: n.key, label: id, data: { ...n.data } })
    }
    return result
  }

  /**
   * Edges asserted by a counted fact; the earliest such assertion gives the date and detail. Of a
   * restated relation only the last counted statement (by date, then position) holds.
   */
  private edges(): GraphEdge[] {
    this.visibleEdges ??= this.computeEdges()
    return this.visibleEdges
  }

  private visibleEdges: GraphEdge[] | undefined

  private computeEdges(): GraphEdge[] {
    const counted = this.record.assertions.filter(
      (a) =>
        a.date <= this.time.asOf &&
        !this.record.retractions.some(
          (r) => a.rel === 'replaced_by' && r.from === a.from && r.to === a.to && r.position > a.position,
        ),
    )
    const last = new Map<string, Assertion>()
    for (const a of counted) {
      if (!a.restated) continue
      const seen = last.get(`${a.from}|${a.rel}`)
      if (!seen || a.date > seen.date || (a.date === seen.date && a.position > seen.position))
        last.set(`${a.from}|${a.rel}`, a)
    }
    const byKey = new Map<string, GraphEdge>()
    for (const a of counted) {
      if (a.restated && last.get(`${a.from}|${a.rel}`)!.position !== a.position) continue
      const key = `${a.from}|${a.rel}|${a.to}`
      const seen = byKey.get(key)
      if (!seen || a.date < seen.since)
        byKey.set(key, { from: a.from, to: a.to, rel: a.rel, detail: a.detail, since: a.date })
    }
    // In id order, as the projection lists them (a walk reaching a node twice keeps the first).
    return [...byKey.values()].sort((x, y) => (x.to < y.to ? -1 : x.to > y.to ? 1 : 0))
  }

  outByRelation(id: string) {
    const result = new Map<Relation, GraphEdge[]>()
    for (const e of this.edges().filter((e) => e.from === id))
      result.set(e.rel, [...(result.get(e.rel) ?? []), e])
    return result
  }

  sourcesOf(targets: string[], rel: Relation) {
    return [
      ...new Set(
        this.edges()
          .filter((e) => e.rel === rel && targets.includes(e.to))
          .map((e) => e.from),
      ),
    ]
  }

  targetsOf(sources: string[], rel: Relation) {
    return [
      ...new Set(
        this.edges()
          .filter((e) => e.rel === rel && sources.includes(e.from))
          .map((e) => e.to),
      ),
    ]
  }

  history(id: string): HistoryEntry[] {
    return this.changesOn(id, this.time.asOf).map((c) => ({ ...toStatus(c), position: BigInt(c.position) }))
  }

  causeChain(): CauseLink[] {
    return []
  }

  /** Standards of the KPI in force on the as-of date (effective, or superseded within the transition). */
  standardsInForce(): string[] {
    return [...this.record.nodes.entries()]
      .filter(
        ([id, n]) =>
          n.kind === 'standard' &&
          n.data.kind !== undefined &&
          ['effective', 'superseded'].includes(this.statusOn(id, this.time.asOf)?.status ?? ''),
      )
      .map(([, n]) => n.key)
  }
}

function toStatus(c: Change): NodeStatus {
  return {
    status: c.status,
    since: c.date,
    reason: null,
    cause: c.cause,
    eventId: c.eventId,
    causationId: c.causationId,
  }
}
