import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { day, historyArb, NODES, timePointsArb } from '../testing/histories'
import { type OracleEvent, OracleGraph } from '../testing/oracle'
import { project } from '../testing/project'
import { GraphReader, type GraphView, type TimePoint } from './graph-reader'
import { type ImpactGroup, impactOf } from './impact'
import { kpiSummary } from './kpi'
import { lineageOf } from './lineage'
import { nodeDetail } from './node-detail'
import { whatIfSupersede, whatIfSuspendLab } from './what-if'

const SEED = 20_261_127
const RUNS = 1_000

const status = (s: { status: string; since: string } | null | undefined) =>
  s ? `${s.status}@${s.since}` : null

/** Every as-of answer of lineage at one time point, reduced to what a user reads in it. */
function answers(view: GraphView) {
  const node = Object.fromEntries(
    NODES.map((id) => {
      const detail = nodeDetail(view, id)
      return [id, detail && { status: status(detail.node.status), history: detail.history.map(status) }]
    }),
  )
  const lineage = Object.fromEntries(
    ['product:P1', 'certificate:C1', 'report:R1'].map((root) => {
      const graph = lineageOf(view, root)
      return [
        root,
        graph && {
          nodes: graph.nodes
            .map((n) => {
              const whenUsed = n.data.statusWhenUsed as { status: string; since: string } | null | undefined
              return `${n.id} ${status(n.status)}${n.data.usedOn ? ` used ${status(whenUsed)}` : ''}`
            })
            .sort(),
          edges: graph.edges.map((e) => `${e.from} ${e.rel} ${e.to}`).sort(),
          problems: graph.problems.map((p) => p.id).sort(),
        },
      ]
    }),
  )
  const impact = Object.fromEntries(
    [
      'standard:GB/T 100-2015',
      'standard:GB/T 100-2020',
      'lab:L1',
      'instrument:I1',
      'report:R1',
      'licence:LIC1',
    ].map((source) => {
      const found = impactOf(view, source)
      const group = (g: {
        total: number
        active: number
        items: Array<{ id: string; status: unknown }>
      }) => ({
        total: g.total,
        active: g.active,
        items: g.items.map((i) => `${i.id} ${status(i.status as never)}`),
      })
      // The second page of one item: the same totals, the next item, where the page after starts.
      const paged = impactOf(view, source, { limit: 1, cursor: 1 })
      const page = (g: ImpactGroup, all: ImpactGroup) => {
        expect([g.total, g.active]).toEqual([all.total, all.active])
        expect(g.items).toEqual(all.items.slice(1, 2))
        return { items: g.items.map((i) => i.id), nextCursor: g.nextCursor }
      }
      return [
        source,
        found && {
          source: status(found.source.status),
          reports: group(found.reports),
          certificates: group(found.certificates),
          products: group(found.products),
          enterprises: group(found.enterprises),
          secondPage: [
            page(paged!.reports, found.reports),
            page(paged!.certificates, found.certificates),
            page(paged!.products, found.products),
            page(paged!.enterprises, found.enterprises),
          ],
        },
      ]
    }),
  )
  const items = (list: Array<{ id: string; status: unknown }>) =>
    list.map((i) => `${i.id} ${status(i.status as never)}`)
  const supersede = whatIfSupersede(view, 'standard:GB/T 100-2015', '2020-01-10')
  const suspend = whatIfSuspendLab(view, 'L1', '2020-01-06')
  const whatIf = {
    supersede: supersede && items(supersede.mustRecertify),
    suspend: suspend && {
      reports: items(suspend.impact.reports.items),
      certificates: items(suspend.impact.certificates.items),
    },
  }
  return { node, lineage, impact, whatIf }
}

function describeHistory(events: OracleEvent[]) {
  return events
    .map((e) => `  #${e.position} (on ${e.on}) ${e.type} ${JSON.stringify(e.data).slice(0, 160)}`)
    .join('\n')
}

describe('as-of answers against the replay oracle', () => {
  it(`agree for ${RUNS} random histories at 3 random (business date, store position) each (seed ${SEED})`, () => {
    let checks = 0
    fc.assert(
      fc.property(historyArb, timePointsArb, (events, points) => {
        const projected = project(events)
        const { graph, kpi } = projected
        try {
          for (const point of points) {
            const time: TimePoint = {
              asOf: day(point.asOf),
              ...(point.at === null ? {} : { atPosition: BigInt(Math.round(point.at * events.length)) }),
            }
            const actual = answers(new GraphReader(graph, time))
            const expected = answers(new OracleGraph(events, time))
            const where = `as of ${time.asOf}, at position ${time.atPosition ?? 'head'}, history:\n${describeHistory(events)}`
            expect(actual.node, `lineage.node ${where}`).toEqual(expected.node)
            expect(actual.lineage, `lineage.of* ${where}`).toEqual(expected.lineage)
            expect(actual.impact, `impact.* ${where}`).toEqual(expected.impact)
            expect(actual.whatIf, `whatIf.* ${where}`).toEqual(expected.whatIf)
            // The KPI has no store position: it reads the head.
            const summary = kpiSummary(kpi, time.asOf)
            const inForce = new OracleGraph(events, { asOf: time.asOf }).standardsInForce()
            const value = (id: string) => summary.kpis.find((k) => k.id === id)!.value
            expect(
              { national: value('standards.national'), local: value('standards.local') },
              `kpi ${where}`,
            ).toEqual({
              national: inForce.filter((key) => key.startsWith('GB/T')).length,
              local: inForce.filter((key) => key.startsWith('DB42')).length,
            })
            checks++
          }
        } finally {
          projected.close()
        }
      }),
      { seed: SEED, numRuns: RUNS },
    )
    expect(checks).toBeGreaterThanOrEqual(RUNS * 3)
    // Deterministic but long (a thousand histories): generous for a machine shared with other jobs.
  }, 120_000)
})
