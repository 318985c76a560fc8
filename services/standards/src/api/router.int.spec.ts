import { createCallerFactory } from '@qi/trpc'
import { TRPCError } from '@trpc/server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { catalogueProjection } from '../projections/catalogue'
import { standardsRouter } from './router'
import { actorOf, startTestPlatform } from './test-platform'

const TODAY = '2025-06-01'
const institute = actorOf('standards_institute', 'HBSI')
const draft = {
  code: 'GB/T 19001',
  version: '2016',
  titleZh: '质量管理体系 要求',
  titleEn: 'Quality management systems — Requirements',
  ics: ['03.120.10'],
  technicalCommittee: 'SAC/TC 151',
}

let platform: Awaited<ReturnType<typeof startTestPlatform>>
const callerAs = (actor: ReturnType<typeof actorOf>) =>
  createCallerFactory(standardsRouter)({
    actor,
    invalidApiKey: false,
    requestId: 'test',
    deps: platform.deps,
  })

async function rejection(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(TRPCError)
  return error as TRPCError
}

beforeEach(async () => {
  platform = await startTestPlatform([catalogueProjection], TODAY)
})
afterEach(async () => {
  await platform.close()
})

describe('standards router', () => {
  it('drafts, publishes and lists a standard with its status as of today', async () => {
    const api = callerAs(institute)
    const drafted = await api.draft({ ...draft, commandId: 'draft-19001-2016' })
    expect(drafted).toMatchObject({
      streamName: 'standard-GB/T 19001-2016',
      events: ['StandardDrafted'],
      duplicate: false,
    })
    const retried = await api.draft({ ...draft, commandId: 'draft-19001-2016' })
    expect(retried.duplicate).toBe(true)

    await api.publish({
      code: 'GB/T 19001',
      version: '2016',
      publishedOn: '2016-12-30',
      effectiveFrom: '2017-07-01',
    })
    await api.draft({ ...draft, version: '2025', replaces: { code: 'GB/T 19001', version: '2016' } })
    const last = await api.publish({
      code: 'GB/T 19001',
      version: '2025',
      publishedOn: '2025-05-01',
      effectiveFrom: '2025-11-01',
    })

    const list = await api.list({ search: '19001', minPosition: last.position ?? undefined })
    expect(list.total).toBe(2)
    expect(list.items.map((s) => [s.version, s.status, s.kind, s.mandatory])).toEqual([
      ['2025', 'published', 'national_recommended', false],
      ['2016', 'effective', 'national_recommended', false],
    ])
    expect((await api.list({ status: 'effective' })).items.map((s) => s.key)).toEqual(['GB/T 19001-2016'])
    expect((await api.list({ ics: '03.120' })).total).toBe(2)
    expect((await api.list({ kind: 'local' })).total).toBe(0)
  })

  it('supersedes, amends, adopts and shows the chain both ways', async () => {
    const api = callerAs(institute)
    await api.establishTc({
      tcId: 'SAC/TC 151',
      name: '全国质量管理和质量保证标准化技术委员会',
      level: 'national',
      establishedOn: '1988-01-01',
    })
    await api.draft(draft)
    await api.publish({
      code: 'GB/T 19001',
      version: '2016',
      publishedOn: '2016-12-30',
      effectiveFrom: '2017-07-01',
    })
    await api.amend({
      code: 'GB/T 19001',
      version: '2016',
      summary: '第1号修改单',
      effectiveFrom: '2018-01-01',
    })
    await api.adoptInternational({
      code: 'GB/T 19001',
      version: '2016',
      international: { code: 'ISO 9001', version: '2015' },
      degree: 'IDT',
    })
    await api.draft({ ...draft, version: '2025' })
    await api.publish({
      code: 'GB/T 19001',
      version: '2025',
      publishedOn: '2025-01-01',
      effectiveFrom: '2025-03-01',
    })
    const result = await api.supersede({
      code: 'GB/T 19001',
      version: '2016',
      replacedBy: { code: 'GB/T 19001', version: '2025' },
      supersededOn: '2025-03-01',
      transitionEndsOn: '2026-03-01',
    })
    expect(result.events).toEqual(['StandardSuperseded'])

    const old = await api.get({
      code: 'GB/T 19001',
      version: '2016',
      minPosition: result.position ?? undefined,
    })
    expect(old.status).toBe('superseded')
    expect(old.amendments).toEqual([{ amendmentNo: 1, summary: '第1号修改单', effectiveFrom: '2018-01-01' }])
    expect(old.adoption).toEqual({ code: 'ISO 9001', version: '2015', degree: 'IDT' })
    expect(old.supersessionChain.map((l) => [l.version, l.status, l.supersededOn])).toEqual([
      ['2016', 'superseded', '2025-03-01'],
      ['2025', 'effective', null],
    ])
    const current = await api.get({ code: 'GB/T 19001', version: '2025' })
    expect(current.replaces).toEqual({ code: 'GB/T 19001', version: '2016' })
    expect(current.supersessionChain.map((l) => l.version)).toEqual(['2016', '2025'])
    expect(current.otherVersions.map((v) => v.version)).toEqual(['2016'])
    expect(await api.tcs()).toEqual([
      {
        tcId: 'SAC/TC 151',
        name: '全国质量管理和质量保证标准化技术委员会',
        level: 'national',
        establishedOn: '1988-01-01',
        standards: 2,
      },
    ])
  })

  it('refuses what a user must fix, with the tRPC code a client can act on', async () => {
    const api = callerAs(institute)
    expect((await rejection(api.draft({ ...draft, code: 'XX 1' }))).code).toBe('PRECONDITION_FAILED')
    expect((await rejection(api.draft({ ...draft, ics: [] }))).code).toBe('BAD_REQUEST')
    const unknown = await rejection(
      api.publish({ code: 'GB 1', version: '2020', publishedOn: '2020-01-01', effectiveFrom: '2020-02-01' }),
    )
    expect(unknown.code).toBe('NOT_FOUND')
    await api.draft(draft)
    await api.publish({
      code: 'GB/T 19001',
      version: '2016',
      publishedOn: '2016-12-30',
      effectiveFrom: '2017-07-01',
    })
    const missing = await rejection(
      api.supersede({
        code: 'GB/T 19001',
        version: '2016',
        replacedBy: { code: 'GB/T 19001', version: '2030' },
        supersededOn: '2030-01-01',
        transitionEndsOn: '2031-01-01',
      }),
    )
    expect(missing.code).toBe('PRECONDITION_FAILED')
    expect(missing.message).toMatch(/GB\/T 19001-2030 is not in the catalogue/)
    expect((await rejection(api.get({ code: 'GB/T 19001', version: '2030' }))).code).toBe('NOT_FOUND')
    const lab = callerAs(actorOf('lab', 'LAB-1'))
    expect((await rejection(lab.draft(draft))).code).toBe('FORBIDDEN')
  })

  it('answers which edition was in force on a date, and honours a correction only from when it was recorded', async () => {
    const api = callerAs(institute)
    await api.draft({ ...draft, version: '2008' })
    await api.publish({
      code: 'GB/T 19001',
      version: '2008',
      publishedOn: '2008-10-30',
      effectiveFrom: '2009-03-01',
    })
    await api.draft({ ...draft, version: '2016' })
    await api.publish({
      code: 'GB/T 19001',
      version: '2016',
      publishedOn: '2016-12-30',
      effectiveFrom: '2017-07-01',
    })
    const superseded = await api.supersede({
      code: 'GB/T 19001',
      version: '2008',
      replacedBy: { code: 'GB/T 19001', version: '2016' },
      supersededOn: '2017-07-01',
      transitionEndsOn: '2018-09-15',
    })
    const before = superseded.position ?? undefined
    const inForce = async (on: string, atPosition?: bigint) =>
      (await api.inForce({ code: 'GB/T 19001', on, atPosition, minPosition: before })).editions.map(
        (e) => e.version,
      )
    expect(await inForce('2008-12-01')).toEqual([])
    expect(await inForce('2010-01-01')).toEqual(['2008'])
    expect(await inForce('2017-06-30')).toEqual(['2008'])
    expect(await inForce('2017-07-01')).toEqual(['2016'])
    const list1990 = await api.list({ codes: ['GB/T 19001'], asOf: '1990-06-01' })
    expect(list1990.total).toBe(0)
    const list2016 = await api.list({ codes: ['GB/T 19001'], asOf: '2017-01-01' })
    expect(list2016.items.map((s) => [s.version, s.status])).toEqual([
      ['2016', 'published'],
      ['2008', 'effective'],
    ])

    // The 2016 edition actually took effect a month earlier: corrected, not rewritten.
    const corrected = await api.correctDate({
      code: 'GB/T 19001',
      version: '2016',
      stage: 'effective',
      date: '2017-06-01',
      reason: '实施日期录入错误',
    })
    expect(corrected.events).toEqual(['StandardDateCorrected'])
    const now = await api.inForceMany({
      codes: ['GB/T 19001'],
      on: '2017-06-15',
      minPosition: corrected.position ?? undefined,
    })
    expect(now.items[0]?.editions.map((e) => e.version)).toEqual(['2016', '2008'])
    // As recorded before the correction, 2016 was not yet in force on that day.
    expect(await inForce('2017-06-15', before)).toEqual(['2008'])
    const detail = await api.get({ code: 'GB/T 19001', version: '2016' })
    expect(detail.effectiveFrom).toBe('2017-06-01')
    expect(detail.corrections).toMatchObject([
      { stage: 'effective', previousDate: '2017-07-01', date: '2017-06-01' },
    ])
    const believed = await api.get({ code: 'GB/T 19001', version: '2016', atPosition: before })
    expect(believed.effectiveFrom).toBe('2017-07-01')
    expect(believed.corrections).toEqual([])
  })

  it('refuses inconsistent dates with the rule and field a client can show', async () => {
    const api = callerAs(institute)
    await api.draft(draft)
    await api.publish({
      code: 'GB/T 19001',
      version: '2016',
      publishedOn: '2016-12-30',
      effectiveFrom: '2017-07-01',
    })
    await api.draft({ ...draft, version: '2025' })
    const unpublished = await rejection(
      api.supersede({
        code: 'GB/T 19001',
        version: '2016',
        replacedBy: { code: 'GB/T 19001', version: '2025' },
        supersededOn: '2025-03-01',
        transitionEndsOn: '2026-03-01',
      }),
    )
    expect(unpublished.code).toBe('PRECONDITION_FAILED')
    expect(unpublished.cause).toMatchObject({ rule: 'standards.replacement-published' })
    await api.publish({
      code: 'GB/T 19001',
      version: '2025',
      publishedOn: '2025-05-01',
      effectiveFrom: '2025-11-01',
    })
    const early = await rejection(
      api.supersede({
        code: 'GB/T 19001',
        version: '2016',
        replacedBy: { code: 'GB/T 19001', version: '2025' },
        supersededOn: '2020-03-01',
        transitionEndsOn: '2026-03-01',
      }),
    )
    expect(early.cause).toMatchObject({
      rule: 'standards.superseded-after-replacement-published',
      field: 'supersededOn',
    })
    const withdrawn = await rejection(
      api.withdraw({ code: 'GB/T 19001', version: '2016', withdrawnOn: '2015-01-01', reason: '技术落后' }),
    )
    expect(withdrawn.cause).toMatchObject({
      rule: 'standards.withdrawn-after-publication',
      field: 'withdrawnOn',
    })
  })
})
