import { createCallerFactory } from '@qi/trpc'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RecordedStandardEvent, type Stage, statusOn, supplementsOn } from '../domain/as-of'
import { catalogueProjection } from '../projections/catalogue'
import { standardsRouter } from './router'
import { actorOf, startTestPlatform } from './test-platform'

/**
 * Model-based test of the as-of answers: random catalogue histories (same-day stages, back-dated
 * and out-of-order entry across streams, undated drafts, corrections, splits, merges, partial
 * replacements, retracted links, supplements, month/year-precision dates, withdrawals without a
 * date) are recorded, then
 * `standards.list`, `standards.inForce` and `standards.get` on random (date, position) pairs must
 * equal the replay oracle (`statusOn`). Fixed seed; the seed and the counterexample are printed on
 * failure.
 */
const SEED = Number(process.env.QI_PROPERTY_SEED ?? 20261127)
const RUNS = 1000
const TODAY = '2026-06-01'

// A small pool of days so that stages often fall on the same day.
const DAYS = [
  '2001-01-01',
  '2001-09-01',
  '2005-03-15',
  '2005-03-16',
  '2010-07-01',
  '2012-12-31',
  '2013-01-01',
  '2016-06-30',
  '2020-01-01',
  '2024-03-15',
  '2026-06-01',
  '2027-01-01',
]
const dayArb = fc.integer({ min: 0, max: DAYS.length - 1 })
const queryDayArb = fc.oneof(
  fc.constantFrom(...DAYS),
  fc.constantFrom('1999-12-31', '2005-03-14', '2013-06-01', '2030-12-31'),
)

interface EditionPlan {
  draftDay: number
  /** Whether the draft carries its own business date or counts from the day it was recorded. */
  draftDated: boolean
  published: null | { on: number; effectiveAfter: number }
  end:
    | null
    | { kind: 'superseded'; after: number; by: number[]; partial: boolean[]; retractFirst: boolean }
    | { kind: 'withdrawn'; after: number; unknownDate: boolean }
  /** Supplements (amendment / corrigendum numbers) with their publication days, entered in this order. */
  supplements: Array<{ number: number; on: number }>
  correction: null | { stage: 'published' | 'effective' | 'superseded' | 'withdrawn'; to: number }
}

const editionArb: fc.Arbitrary<EditionPlan> = fc.record({
  draftDay: dayArb,
  draftDated: fc.boolean(),
  published: fc.option(fc.record({ on: dayArb, effectiveAfter: fc.integer({ min: 0, max: 3 }) }), {
    freq: 4,
  }),
  end: fc.option(
    fc.oneof(
      fc.record({
        kind: fc.constant('superseded' as const),
        after: fc.integer({ min: 0, max: 4 }),
        by: fc.uniqueArray(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 2 }),
        partial: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
        retractFirst: fc.boolean(),
      }),
      fc.record({
        kind: fc.constant('withdrawn' as const),
        after: fc.integer({ min: 0, max: 4 }),
        unknownDate: fc.boolean(),
      }),
    ),
    { freq: 2 },
  ),
  supplements: fc.uniqueArray(fc.record({ number: fc.integer({ min: 1, max: 3 }), on: dayArb }), {
    maxLength: 2,
    selector: (x) => x.number,
  }),
  correction: fc.option(
    fc.record({
      stage: fc.constantFrom(
        'published' as const,
        'effective' as const,
        'superseded' as const,
        'withdrawn' as const,
      ),
      to: dayArb,
    }),
    { freq: 3 },
  ),
})

const historyArb = fc.record({
  editions: fc.array(editionArb, { minLength: 1, maxLength: 5 }),
  /** Two codes so that editions of one code can be replaced by another (splits, merges). */
  codeOf: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 5, maxLength: 5 }),
  /** Sort keys interleaving the streams: entry order across streams is arbitrary. */
  interleave: fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 40, maxLength: 40 }),
  queries: fc.array(
    fc.record({ on: queryDayArb, at: fc.option(fc.integer({ min: 0, max: 40 }), { freq: 2 }) }),
    { minLength: 3, maxLength: 3 },
  ),
})
type History = typeof historyArb extends fc.Arbitrary<infer T> ? T : never

interface PlannedEvent {
  streamName: string
  type: string
  data: Record<string, unknown> & { code: string; version: string }
  occurredAt: string
}

/** Turns a plan into per-stream event lists that the standards service could have written. */
function eventsOf(history: History, namespace: number): PlannedEvent[][] {
  const codes = [`GB/T ${90_000_000 + namespace * 10}`, `GB/T ${90_000_000 + namespace * 10 + 1}`]
  const refs = history.editions.map((_, i) => ({
    code: codes[history.codeOf[i] ?? 0] as string,
    version: String(2000 + i),
  }))
  const streams: PlannedEvent[][] = []
  history.editions.forEach((plan, i) => {
    const ref = refs[i] as { code: string; version: string }
    const streamName = `standard-${ref.code}-${ref.version}`
    const events: PlannedEvent[] = []
    const push = (type: string, data: Record<string, unknown>, occurredAt: string) =>
      events.push({ streamName, type, data: { ...ref, ...data }, occurredAt })
    const draftDay = DAYS[plan.draftDay] as string
    push(
      'StandardDrafted',
      {
        kind: 'national_recommended',
        mandatory: false,
        titleZh: `标准 ${i}`,
        ics: ['03.120'],
        ledByProvince: false,
        ...(plan.draftDated ? { draftedOn: draftDay } : {}),
      },
      draftDay,
    )
    const recordedDates = new Map<string, string>()
    if (plan.published) {
      const on = plan.published.on
      const effective = Math.min(DAYS.length - 1, on + plan.published.effectiveAfter)
      // First-of-year / first-of-month days stand for year- and month-precision dates (stored as
      // their first day, as the standards decider does).
      const precisionOf = (day: string) =>
        day.endsWith('-01-01') ? 'year' : day.endsWith('-01') ? 'month' : null
      const precision = Object.fromEntries(
        [
          ['publishedOn', precisionOf(DAYS[on] as string)],
          ['effectiveFrom', precisionOf(DAYS[effective] as string)],
        ].filter(([, p]) => p !== null),
      )
      push(
        'StandardPublished',
        {
          publishedOn: DAYS[on],
          effectiveFrom: DAYS[effective],
          ...(Object.keys(precision).length > 0 ? { precision } : {}),
        },
        DAYS[on] as string,
      )
      recordedDates.set('published', DAYS[on] as string)
      recordedDates.set('effective', DAYS[effective] as string)
      if (plan.end) {
        const endDay = DAYS[Math.min(DAYS.length - 1, on + plan.end.after)] as string
        if (plan.end.kind === 'withdrawn') {
          // A withdrawal without a known date counts from the day it was recorded.
          const recordedOn = plan.end.unknownDate ? (DAYS[plan.draftDay + 1] ?? TODAY) : endDay
          push(
            'StandardWithdrawn',
            {
              withdrawnOn: recordedOn,
              reason: '废止',
              ...(plan.end.unknownDate ? { precision: { withdrawnOn: 'unknown' } } : {}),
            },
            recordedOn,
          )
          recordedDates.set('withdrawn', recordedOn)
        } else {
          // Splits (several replacements, possibly on different days), merges (several editions
          // replaced by one), partial replacements.
          const others = plan.end.by.map((j) => refs[j % refs.length]).filter((r) => r && r !== ref)
          const replacements = others.length > 0 ? others : [{ code: ref.code, version: '2099' }]
          replacements.forEach((replacedBy, n) => {
            // A split's replacements are recorded in date order or against it.
            const reversed = plan.end?.kind === 'superseded' && (plan.end.by[0] ?? 0) % 2 === 0
            const later = reversed ? replacements.length - 1 - n : n
            const day = DAYS[Math.min(DAYS.length - 1, on + (plan.end?.after ?? 0) + later)] as string
            const partial = plan.end?.kind === 'superseded' && plan.end.partial[n] === true
            push(
              'StandardSuperseded',
              { replacedBy, supersededOn: day, transitionEndsOn: day, ...(partial ? { partial } : {}) },
              day,
            )
            const earliest = recordedDates.get('superseded')
            if (!partial && (earliest === undefined || day < earliest)) recordedDates.set('superseded', day)
          })
          // A link recorded in error is retracted (a fact correction).
          if (plan.end.retractFirst) {
            push(
              'StandardReplacementRetracted',
              { replacedBy: replacements[0], reason: '代替关系录入错误' },
              TODAY,
            )
          }
        }
      }
    }
    for (const supplement of plan.supplements) {
      const day = DAYS[supplement.on] as string
      const monthly = day.endsWith('-01')
      push(
        'StandardSupplementPublished',
        {
          kind: 'amendment',
          number: supplement.number,
          identifier: `${ref.code}-${ref.version}/Amd ${supplement.number}:${day.slice(0, 4)}`,
          publishedOn: day,
          ...(monthly ? { precision: { publishedOn: 'month' } } : {}),
        },
        day,
      )
    }
    const previousDate = plan.correction && recordedDates.get(plan.correction.stage)
    if (plan.correction && previousDate) {
      push(
        'StandardDateCorrected',
        { stage: plan.correction.stage, date: DAYS[plan.correction.to], previousDate, reason: '录入错误' },
        TODAY,
      )
    }
    streams.push(events)
  })
  return streams
}

/** Merges the streams by the interleave keys, keeping each stream's own order. */
function interleave(streams: PlannedEvent[][], keys: number[]): PlannedEvent[] {
  const cursors = streams.map(() => 0)
  const out: PlannedEvent[] = []
  let step = 0
  for (;;) {
    const open = streams.map((s, i) => ((cursors[i] as number) < s.length ? i : -1)).filter((i) => i >= 0)
    if (open.length === 0) return out
    const pick = open[(keys[step++ % keys.length] as number) % open.length] as number
    out.push((streams[pick] as PlannedEvent[])[cursors[pick] as number] as PlannedEvent)
    cursors[pick] = (cursors[pick] as number) + 1
  }
}

let platform: Awaited<ReturnType<typeof startTestPlatform>>
beforeAll(async () => {
  platform = await startTestPlatform([catalogueProjection], TODAY)
})
afterAll(async () => {
  await platform.close()
})

describe('standards as-of answers', () => {
  it(`equal the replay oracle on ${RUNS} generated histories (seed ${SEED})`, async () => {
    const api = createCallerFactory(standardsRouter)(platform.context(actorOf('standards_institute', 'HBSI')))
    let namespace = 0
    let checks = 0
    await fc.assert(
      fc.asyncProperty(historyArb, async (history) => {
        namespace += 1
        const planned = interleave(eventsOf(history, namespace), history.interleave)
        const recorded: RecordedStandardEvent[] = []
        let last = 0n
        for (const event of planned) {
          const result = await platform.seedEvent(event.type, event.streamName, event.data, event.occurredAt)
          last = result.position
          recorded.push({
            type: event.type,
            data: event.data,
            position: result.position,
            occurredAt: event.occurredAt,
          })
        }
        const keys = [...new Map(recorded.map((e) => [`${e.data.code}-${e.data.version}`, e.data])).values()]
        const codes = [...new Set(keys.map((k) => k.code))]
        const first = recorded[0]?.position ?? 0n
        // Every key date of the history (and the day before it), as believed now.
        const keyDates = new Set<string>()
        for (const e of recorded) {
          for (const value of Object.values(e.data)) {
            if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
              keyDates.add(value)
              keyDates.add(new Date(Date.parse(value) - 86_400_000).toISOString().slice(0, 10))
            }
          }
        }
        for (const on of keyDates) {
          const list = await api.list({ codes, asOf: on, limit: 200, minPosition: last })
          const expected: Record<string, Stage> = {}
          for (const key of keys) {
            const status = statusOn(recorded, key, on)
            if (status) expected[`${key.code}-${key.version}`] = status
          }
          checks += 1
          expect({ on, statuses: Object.fromEntries(list.items.map((i) => [i.key, i.status])) }).toEqual({
            on,
            statuses: expected,
          })
        }
        for (const query of history.queries) {
          // Record time: a position inside (or just before) this history, or now.
          const at = query.at === null ? undefined : first - 1n + BigInt(query.at % (recorded.length + 1))
          const expected = new Map<string, Stage>()
          for (const key of keys) {
            const status = statusOn(recorded, key, query.on, at)
            if (status) expected.set(`${key.code}-${key.version}`, status)
          }
          const where = { on: query.on, at: at === undefined ? 'now' : String(at - first + 1n) }
          const list = await api.list({
            codes,
            asOf: query.on,
            atPosition: at,
            limit: 200,
            minPosition: last,
          })
          checks += 1
          expect({
            ...where,
            statuses: Object.fromEntries(list.items.map((i) => [i.key, i.status])),
          }).toEqual({
            ...where,
            statuses: Object.fromEntries(expected),
          })
          for (const status of ['draft', 'published', 'effective', 'superseded', 'withdrawn'] as const) {
            const filtered = await api.list({ codes, status, asOf: query.on, atPosition: at, limit: 200 })
            checks += 1
            expect({ ...where, status, keys: filtered.items.map((i) => i.key).sort() }).toEqual({
              ...where,
              status,
              keys: [...expected]
                .filter(([, s]) => s === status)
                .map(([k]) => k)
                .sort(),
            })
          }
          for (const code of codes) {
            const inForce = await api.inForce({ code, on: query.on, atPosition: at })
            checks += 1
            expect({
              ...where,
              code,
              inForce: inForce.editions.map((e) => `${e.code}-${e.version}`).sort(),
            }).toEqual({
              ...where,
              code,
              inForce: [...expected]
                .filter(([k, s]) => s === 'effective' && k.startsWith(`${code}-`))
                .map(([k]) => k)
                .sort(),
            })
          }
          for (const key of keys) {
            const visible = recorded.some(
              (e) =>
                e.type === 'StandardDrafted' &&
                e.data.code === key.code &&
                e.data.version === key.version &&
                (at === undefined || e.position <= at),
            )
            const detail = await api.get({ ...key, asOf: query.on, atPosition: at }).then(
              (d) => ({
                status: d.status,
                supplements: d.supplements
                  .filter((x) => x.applies)
                  .map((x) => x.identifier)
                  .sort(),
              }),
              () => 'not found',
            )
            checks += 1
            expect({ ...where, key, detail }).toEqual({
              ...where,
              key,
              detail: visible
                ? {
                    status: expected.get(`${key.code}-${key.version}`) ?? null,
                    supplements: supplementsOn(recorded, key, query.on, at),
                  }
                : 'not found',
            })
          }
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: false },
    )
    console.info(`as-of property: ${RUNS} histories, ${checks} checks against the oracle (seed ${SEED})`)
    expect(checks).toBeGreaterThan(RUNS)
  }, 600_000)
})
