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

    // Server-side sort: by code (default) or by date, undated drafts last.
    const undated = await api.draft({ ...draft, code: 'GB/T 1', version: '2024' })
    const minPosition = undated.position ?? undefined
    const keys = async (sort?: 'code' | 'effective_desc' | 'effective_asc' | 'published_desc') =>
      (await api.list({ sort, minPosition })).items.map((s) => s.key)
    expect(await keys()).toEqual(['GB/T 1-2024', 'GB/T 19001-2025', 'GB/T 19001-2016'])
    expect(await keys('effective_desc')).toEqual(['GB/T 19001-2025', 'GB/T 19001-2016', 'GB/T 1-2024'])
    expect(await keys('effective_asc')).toEqual(['GB/T 19001-2016', 'GB/T 19001-2025', 'GB/T 1-2024'])
    expect(await keys('published_desc')).toEqual(['GB/T 19001-2025', 'GB/T 19001-2016', 'GB/T 1-2024'])
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

  it('holds real catalogue facts: identifiers, partial dates, splits, merges, supplements, review stages', async () => {
    const api = callerAs(institute)
    const iso = (version: string, titleEn: string) => ({
      identifier: `ISO/IEC 27001:${version}`,
      titleEn,
      ics: ['35.030'],
    })
    await api.draft(iso('2005', 'Information security management systems — Requirements'))
    await api.publish({ code: 'ISO/IEC 27001', version: '2005', publishedOn: '2005-10' })
    await api.draft(iso('2013', 'x'.repeat(564)))
    await api.publish({ code: 'ISO/IEC 27001', version: '2013', publishedOn: '2013-10' })
    await api.draft({ code: 'ISO/IEC 27002', version: '2013', titleEn: 'Code of practice', ics: ['35.030'] })
    await api.publish({ code: 'ISO/IEC 27002', version: '2013', publishedOn: '2013' })
    // A split: 2005 is replaced by both 27001:2013 and 27002:2013.
    for (const replacedBy of [
      { code: 'ISO/IEC 27001', version: '2013' },
      { code: 'ISO/IEC 27002', version: '2013' },
    ]) {
      await api.supersede({ code: 'ISO/IEC 27001', version: '2005', replacedBy, supersededOn: '2013-10' })
    }
    // Supplements back-filled out of order, each with its own number.
    await api.publishSupplement({
      code: 'ISO/IEC 27001',
      version: '2013',
      kind: 'corrigendum',
      number: 2,
      publishedOn: '2015-12',
    })
    await api.publishSupplement({
      code: 'ISO/IEC 27001',
      version: '2013',
      kind: 'corrigendum',
      number: 1,
      publishedOn: '2014-09',
    })
    const last = await api.recordStage({
      code: 'ISO/IEC 27001',
      version: '2013',
      stageCode: '90.93',
      on: '2019',
    })

    const found = await api.list({
      search: 'ｉｓｏ／ｉｅｃ　２７００１：２０１３',
      minPosition: last.position ?? undefined,
    })
    expect(found.items.map((i) => i.identifier)).toEqual(['ISO/IEC 27001:2013'])
    const detail = await api.get({ code: 'ISO/IEC 27001', version: '2013', asOf: '2015-01-01' })
    expect(detail.shown.publishedOn).toBe('2013-10')
    expect(detail.supplements.map((x) => [x.identifier, x.shownOn, x.applies])).toEqual([
      ['ISO/IEC 27001:2013/Cor 1:2014', '2014-09', true],
      ['ISO/IEC 27001:2013/Cor 2:2015', '2015-12', false],
    ])
    expect(detail.replacesAll.map((e) => `${e.code}:${e.version}`)).toEqual(['ISO/IEC 27001:2005'])
    expect(detail.stageCodes).toEqual([{ stageCode: '90.93', on: '2019-01-01', shownOn: '2019' }])
    const old = await api.get({ code: 'ISO/IEC 27001', version: '2005' })
    expect(old.replacedByAll.map((e) => [e.code, e.shownOn, e.kind])).toEqual([
      ['ISO/IEC 27001', '2013-10', 'full'],
      ['ISO/IEC 27002', '2013-10', 'full'],
    ])
    // Month precision counts from the first day of the month.
    const inForce = await api.inForceMany({ codes: ['ISO/IEC 27001'], on: '2013-09-30' })
    expect(inForce.items[0]?.editions.map((e) => e.version)).toEqual(['2005'])
    const after = await api.inForce({ code: 'ISO/IEC 27001', on: '2016-01-01' })
    expect(after.editions).toMatchObject([
      { version: '2013', supplements: ['ISO/IEC 27001:2013/Cor 1:2014', 'ISO/IEC 27001:2013/Cor 2:2015'] },
    ])
  })

  it('counts a split edition as superseded from its earliest full replacement, whatever the entry order', async () => {
    const api = callerAs(institute)
    const edition = async (code: string, version: string, publishedOn: string) => {
      await api.draft({ ...draft, code, version })
      await api.publish({ code, version, publishedOn })
    }
    await edition('GB/T 100', '2000', '2000-01-01')
    await edition('GB/T 101', '2010', '2010-01-01')
    await edition('GB/T 102', '2012', '2012-01-01')
    await edition('GB/T 103', '2011', '2011-01-01')
    const supersede = (
      replacedBy: { code: string; version: string },
      supersededOn: string,
      partial?: boolean,
    ) => api.supersede({ code: 'GB/T 100', version: '2000', replacedBy, supersededOn, partial })
    await supersede({ code: 'GB/T 101', version: '2010' }, '2010-06-01')
    await supersede({ code: 'GB/T 102', version: '2012' }, '2012-06-01')
    const last = await supersede({ code: 'GB/T 103', version: '2011' }, '2011-01-01', true)
    const statusOn = async (asOf: string) =>
      (await api.get({ code: 'GB/T 100', version: '2000', asOf, minPosition: last.position ?? undefined }))
        .status
    expect(await statusOn('2010-05-31')).toBe('effective')
    expect(await statusOn('2010-06-01')).toBe('superseded')
    expect(await statusOn('2011-06-01')).toBe('superseded')

    // The 2010 link was recorded in error: retracted, the edition counts from the 2012 one.
    const retracted = await api.retractReplacement({
      code: 'GB/T 100',
      version: '2000',
      replacedBy: { code: 'GB/T 101', version: '2010' },
      reason: '代替关系录入错误',
    })
    const now = await api.get({
      code: 'GB/T 100',
      version: '2000',
      asOf: '2011-06-01',
      minPosition: retracted.position ?? undefined,
    })
    expect(now.status).toBe('effective')
    expect(now.replacedByAll.map((e) => [e.code, e.kind])).toEqual([
      ['GB/T 103', 'partial'],
      ['GB/T 102', 'full'],
    ])
    const before = await api.get({
      code: 'GB/T 100',
      version: '2000',
      asOf: '2011-06-01',
      atPosition: last.position ?? undefined,
    })
    expect(before.status).toBe('superseded')
  })
})
