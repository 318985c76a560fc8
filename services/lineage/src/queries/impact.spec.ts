import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type Draft, day, reportData } from '../testing/histories'
import { type OracleEvent, OracleGraph } from '../testing/oracle'
import { project } from '../testing/project'
import { GraphReader, type GraphView, type TimePoint } from './graph-reader'
import { type Impact, type ImpactGroup, impactByWalk, impactOf } from './impact'

/**
 * `impactOf` on the projection answers in one SQL statement; the walk through `GraphView`
 * (`impactByWalk`) is the algorithm it replaced. Both must list the same items in the same order on
 * every page, with the same exact totals, on wide seeded histories (dozens of reports and
 * certificates on a few standards, labs and instruments, restated certificate scopes, revocations,
 * back-dated entries), at the head and at earlier business dates and store positions — and agree
 * with the replay oracle.
 */

const SEED = 20_261_128
const RUNS = 25
const SPAN = 40

const STANDARDS = [
  { code: 'GB/T 100', version: '2015' },
  { code: 'GB/T 200', version: '2018' },
  { code: 'GB 300', version: '2020' },
]
const LABS = ['L1', 'L2']
const INSTRUMENTS = ['I1', 'I2', 'I3']
const ENTERPRISES = ['91420100MA4K000001', '91420100MA4K000002', '91420100MA4K000003']
const PRODUCTS = ['P1', 'P2', 'P3', 'P4', 'P5', 'P6']
const REPORTS = Array.from({ length: 30 }, (_, i) => `R${String(i + 1).padStart(2, '0')}`)
const CERTIFICATES = Array.from({ length: 14 }, (_, i) => `C${String(i + 1).padStart(2, '0')}`)

const setup: Draft[] = [
  ...STANDARDS.flatMap((ref): Draft[] => [
    {
      type: 'StandardDrafted',
      on: day(0),
      data: {
        ...ref,
        kind: 'national_recommended',
        mandatory: false,
        titleZh: '标准',
        ics: ['97.030'],
        ledByProvince: true,
      },
    },
    { type: 'StandardPublished', on: day(1), data: { ...ref, publishedOn: day(1), effectiveFrom: day(2) } },
  ]),
  ...[...LABS, 'CB1'].flatMap((labId): Draft[] => [
    {
      type: 'LabRegistered',
      on: day(0),
      data: {
        labId,
        name: labId,
        kind: labId === 'CB1' ? 'certification_body' : 'testing_lab',
        region: 'Hubei/Wuhan',
        centreLevel: 'provincial',
      },
    },
    {
      type: 'LabAccredited',
      on: day(0),
      data: {
        labId,
        accreditationNo: `CNAS ${labId}`,
        accreditingBody: 'CNAS',
        baseStandard: labId === 'CB1' ? 'ISO/IEC 17065' : 'ISO/IEC 17025',
        validFrom: day(0),
        validUntil: day(SPAN + 30),
        scope: [],
        schemes: [],
      },
    },
  ]),
  ...INSTRUMENTS.map(
    (instrumentId): Draft => ({
      type: 'InstrumentRegistered',
      on: day(0),
      data: { instrumentId, ownerLabId: 'L1', name: '仪器', quantity: 'current', level: 'working' },
    }),
  ),
  ...ENTERPRISES.map(
    (enterpriseId): Draft => ({
      type: 'EnterpriseRegistered',
      on: day(0),
      data: { enterpriseId, name: '企业', region: 'Hubei/Wuhan', industry: 'equipment' },
    }),
  ),
]

const pick = <T>(list: readonly T[]) => fc.constantFrom(...list)
const dateArb = fc.integer({ min: 0, max: SPAN })

const productStream = (productId: string) =>
  fc
    .record({
      registered: fc.boolean(),
      enterprise: pick(ENTERPRISES),
      standards: fc.subarray(STANDARDS, { minLength: 1 }),
    })
    .map(({ registered, enterprise, standards }): Draft[] =>
      registered
        ? [
            {
              type: 'ProductRegistered',
              on: day(1),
              data: {
                productId,
                enterpriseId: enterprise,
                name: '电热水壶',
                model: `M-${productId}`,
                industry: 'equipment',
                standards,
              },
            },
          ]
        : [],
    )

const reportStream = (reportNo: string) =>
  fc
    .record({
      lab: pick(LABS),
      standards: fc.subarray(STANDARDS, { minLength: 1, maxLength: 2 }),
      product: pick(PRODUCTS),
      instruments: fc.subarray(INSTRUMENTS, { minLength: 1, maxLength: 2 }),
      tested: dateArb,
      gap: fc.integer({ min: 0, max: 3 }),
      change: fc.option(fc.tuple(fc.boolean(), dateArb), { freq: 3 }),
    })
    .map((r): Draft[] => {
      const issuedOn = day(r.tested + r.gap)
      return [
        {
          type: 'TestReportIssued',
          on: issuedOn,
          data: reportData({
            reportNo,
            lab: r.lab,
            enterpriseId: ENTERPRISES[0]!,
            product: r.product,
            model: `M-${r.product}`,
            standards: r.standards,
            instruments: r.instruments,
            testedFrom: r.tested,
            gap: r.gap,
          }),
        },
        ...(r.change === null
          ? []
          : [
              r.change[0]
                ? {
                    type: 'TestReportRevoked',
                    on: day(r.change[1]),
                    data: { reportNo, revokedOn: day(r.change[1]), reason: '撤销' },
                  }
                : {
                    type: 'TestReportFlagged',
                    on: day(r.change[1]),
                    data: {
                      reportNo,
                      on: day(r.change[1]),
                      reason: '待查',
                      cause: { kind: 'accreditation_changed', ref: 'L1' },
                    },
                  },
            ]),
      ]
    })

const certificateChange = (certificateNo: string) =>
  fc
    .tuple(
      fc.integer({ min: 0, max: 4 }),
      dateArb,
      fc.subarray(REPORTS, { minLength: 1, maxLength: 3 }),
      fc.subarray(STANDARDS, { minLength: 1 }),
    )
    .map(([which, on, reports, standards]): Draft => {
      const at = day(on)
      switch (which) {
        case 0:
          return { type: 'CertificateSuspended', on: at, data: { certificateNo, from: at, reason: '暂停' } }
        case 1:
          return { type: 'CertificateWithdrawn', on: at, data: { certificateNo, on: at, reason: '撤销' } }
        case 2:
          return {
            type: 'CertificateScopeChanged',
            on: at,
            data: { certificateNo, on: at, reason: '变更', basisReports: reports },
          }
        case 3:
          return {
            type: 'CertificateScopeChanged',
            on: at,
            data: { certificateNo, on: at, reason: '变更', standards },
          }
        default:
          return { type: 'CertificateExpired', on: at, data: { certificateNo, on: at } }
      }
    })

const certificateStream = (certificateNo: string) =>
  fc
    .record({
      product: pick(PRODUCTS),
      holder: pick(ENTERPRISES),
      reports: fc.subarray(REPORTS, { minLength: 1, maxLength: 3 }),
      standards: fc.subarray(STANDARDS, { minLength: 1, maxLength: 2 }),
      issued: dateArb,
      length: fc.integer({ min: 0, max: SPAN }),
      changes: fc.array(certificateChange(certificateNo), { maxLength: 2 }),
    })
    .map((c): Draft[] => [
      {
        type: 'CertificateIssued',
        on: day(c.issued),
        data: {
          certificateNo,
          bodyId: 'CB1',
          accreditationNo: 'CNAS CB1',
          holder: { enterpriseId: c.holder, name: '企业' },
          manufacturer: { enterpriseId: c.holder, name: '企业' },
          factory: {},
          product: { productId: c.product, name: '电热水壶', models: [`M-${c.product}`] },
          scheme: 'voluntary_product',
          standards: c.standards,
          basisReports: c.reports,
          issuedOn: day(c.issued),
          expiresOn: day(c.issued + c.length),
        },
      },
      ...c.changes,
    ])

/** The setup first, then every thing's stream interleaved at random (each stream in its own order). */
const wideHistoryArb = fc
  .tuple(
    fc.tuple(...PRODUCTS.map(productStream)),
    fc.tuple(...REPORTS.map(reportStream)),
    fc.tuple(...CERTIFICATES.map(certificateStream)),
    fc.array(fc.nat(), { minLength: 100, maxLength: 100 }),
  )
  .map(([products, reports, certificates, picks]) => {
    const streams = [...products, ...reports, ...certificates].filter((s) => s.length > 0).map((s) => [...s])
    const drafts: Draft[] = [...setup]
    let i = 0
    while (streams.some((s) => s.length > 0)) {
      const open = streams.filter((s) => s.length > 0)
      drafts.push(open[(picks[i++ % picks.length] ?? 0) % open.length]!.shift()!)
    }
    return drafts.map((d, n): OracleEvent => ({ ...d, position: n + 1, id: `e${n + 1}` }))
  })

const SOURCES = [
  ...STANDARDS.map((s) => `standard:${s.code}-${s.version}`),
  ...LABS.map((l) => `lab:${l}`),
  'lab:CB1',
  ...INSTRUMENTS.map((i) => `instrument:${i}`),
  'report:R01',
  'report:R02',
  'accreditation:CNAS L1',
  'certificate:C01',
]
const PAGE = 4

/** Every page of every group, from cursor 0 until `nextCursor` is null, and one past the end. */
function pages(view: GraphView, source: string, impact: typeof impactOf): ImpactGroup[][] | null {
  const first = impact(view, source, { limit: PAGE })
  if (!first) return null
  const groups = (i: Impact) => [i.reports, i.certificates, i.products, i.enterprises]
  const all = [groups(first)]
  const longest = Math.max(...groups(first).map((g) => g.total))
  for (let cursor = PAGE; cursor <= longest; cursor += PAGE)
    all.push(groups(impact(view, source, { limit: PAGE, cursor })!))
  return all
}

/** What a user reads in a page, comparable with the oracle (which keeps no labels or reasons). */
const readable = (all: ImpactGroup[][] | null) =>
  all?.map((groups) =>
    groups.map((g) => ({
      total: g.total,
      active: g.active,
      cursor: g.cursor,
      nextCursor: g.nextCursor,
      items: g.items.map((i) => `${i.id} ${i.status ? `${i.status.status}@${i.status.since}` : null}`),
    })),
  ) ?? null

describe('impactOf in SQL against the walk it replaced and the replay oracle', () => {
  it(`lists the same items on every page with the same totals (${RUNS} wide histories, seed ${SEED})`, () => {
    let pagesCompared = 0
    let itemsListed = 0
    fc.assert(
      fc.property(
        wideHistoryArb,
        fc.array(
          fc.record({
            asOf: fc.integer({ min: 0, max: SPAN + 5 }),
            at: fc.option(fc.double({ min: 0.3, max: 1, noNaN: true }), { freq: 2 }),
          }),
          { minLength: 2, maxLength: 2 },
        ),
        (events, points) => {
          const projected = project(events)
          try {
            for (const point of [{ asOf: SPAN + 10, at: null }, ...points]) {
              const time: TimePoint = {
                asOf: day(point.asOf),
                ...(point.at === null ? {} : { atPosition: BigInt(Math.round(point.at * events.length)) }),
              }
              const reader = new GraphReader(projected.graph, time)
              const oracle = new OracleGraph(events, time)
              for (const source of SOURCES) {
                const where = `${source} as of ${time.asOf} at ${time.atPosition ?? 'head'}`
                const actual = pages(reader, source, impactOf)
                // Same reader, the walk: every field alike (labels, keys, full statuses).
                expect(actual, where).toEqual(pages(reader, source, impactByWalk))
                expect(readable(actual), `${where} (oracle)`).toEqual(
                  readable(pages(oracle, source, impactByWalk)),
                )
                for (const page of actual ?? []) {
                  pagesCompared++
                  for (const group of page) itemsListed += group.items.length
                }
              }
            }
          } finally {
            projected.close()
          }
        },
      ),
      { seed: SEED, numRuns: RUNS },
    )
    // The histories are wide enough that groups run over several pages.
    expect(pagesCompared).toBeGreaterThan(RUNS * 3 * SOURCES.length)
    expect(itemsListed).toBeGreaterThan(RUNS * 100)
  }, 120_000)

  it('pages a wide group exactly: totals on every page, items in id order, no item twice or missing', () => {
    const [events] = fc.sample(wideHistoryArb, { seed: SEED, numRuns: 1 })
    const projected = project(events!)
    try {
      const reader = new GraphReader(projected.graph, { asOf: day(SPAN + 10) })
      const source = `standard:${STANDARDS[0]!.code}-${STANDARDS[0]!.version}`
      const whole = impactOf(reader, source, { limit: 1000 })!
      expect(whole.reports.total).toBeGreaterThan(PAGE * 2)
      const listed: string[] = []
      for (let cursor: number | null = 0; cursor !== null; ) {
        const page: ImpactGroup = impactOf(reader, source, { limit: PAGE, cursor })!.reports
        expect([page.total, page.active, page.cursor]).toEqual([
          whole.reports.total,
          whole.reports.active,
          cursor,
        ])
        listed.push(...page.items.map((i) => i.id))
        cursor = page.nextCursor
      }
      expect(listed).toEqual(whole.reports.items.map((i) => i.id))
      expect(listed).toEqual([...listed].sort())
      const past = impactOf(reader, source, { limit: PAGE, cursor: whole.reports.total + 3 })!.reports
      expect(past).toEqual({ ...whole.reports, cursor: whole.reports.total + 3, items: [], nextCursor: null })
    } finally {
      projected.close()
    }
  })
})

describe('impactOf on a graph built before the nodes_settled index', () => {
  it('answers the same without it (the index comes with the next rebuild)', () => {
    const [events] = fc.sample(wideHistoryArb, { seed: SEED + 1, numRuns: 1 })
    const withIndex = project(events!)
    const without = project(events!)
    try {
      without.graph.exec('DROP INDEX nodes_settled')
      for (const time of [{ asOf: day(SPAN + 10) }, { asOf: day(SPAN / 2) }]) {
        for (const source of SOURCES) {
          const expected = impactOf(new GraphReader(withIndex.graph, time), source, { limit: PAGE })
          expect(impactOf(new GraphReader(without.graph, time), source, { limit: PAGE }), source).toEqual(
            expected,
          )
        }
      }
    } finally {
      withIndex.close()
      without.close()
    }
  })
})
