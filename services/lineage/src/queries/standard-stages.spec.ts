import { afterEach, describe, expect, it } from 'vitest'
import { project, recorded } from '../testing/project'
import { GraphReader } from './graph-reader'
import { kpiSummary } from './kpi'
import { nodeDetail } from './node-detail'

/**
 * A standard's status as the standards service dates it (ARCHITECTURE.md "Standards: two time
 * axes"), read through lineage: drafts dated or not, partial and split supersessions, date
 * corrections and retracted replacement links, each on both axes (business date, store position).
 */
describe('standard stages in lineage', () => {
  let close = () => {}
  afterEach(() => close())

  const at = (events: ReturnType<typeof recorded>) => {
    const projected = project(events)
    close = projected.close
    const read = (id: string, asOf: string, atPosition?: number) => {
      const reader = new GraphReader(projected.graph, {
        asOf,
        ...(atPosition === undefined ? {} : { atPosition: BigInt(atPosition) }),
      })
      const detail = nodeDetail(reader, id)
      return (
        detail && {
          label: detail.node.label,
          status: detail.node.status ? `${detail.node.status.status}@${detail.node.status.since}` : null,
          history: detail.history.map((h) => `${h.status}@${h.since}`),
          replacedBy: (detail.node.data.replacedBy as string | undefined) ?? null,
        }
      )
    }
    return { read, kpi: (asOf: string) => kpiSummary(projected.kpi, asOf) }
  }

  const old = { code: 'GB/T 1591', version: '2008' }
  const id = 'standard:GB/T 1591-2008'
  const drafted = (extra: Record<string, unknown> = {}) => ({
    type: 'StandardDrafted',
    on: '2008-01-01',
    data: {
      ...old,
      kind: 'national_recommended',
      mandatory: false,
      titleZh: '低合金高强度结构钢',
      ics: ['77.140.50'],
      ledByProvince: true,
      ...extra,
    },
  })
  const published = {
    type: 'StandardPublished',
    on: '2008-10-01',
    data: { ...old, publishedOn: '2008-10-01', effectiveFrom: '2009-06-01' },
  }
  const superseded = (version: string, on: string, extra: Record<string, unknown> = {}) => ({
    type: 'StandardSuperseded',
    on,
    data: {
      ...old,
      replacedBy: { code: 'GB/T 1591', version },
      supersededOn: on,
      transitionEndsOn: on,
      ...extra,
    },
  })

  it('labels a foreign standard by its first title and counts an undated draft from the day recorded', () => {
    const { read } = at(
      recorded([
        {
          type: 'StandardDrafted',
          on: '2015-09-15',
          data: {
            code: 'ISO 9001',
            version: '2015',
            kind: 'international',
            mandatory: false,
            titleEn: 'Quality management systems',
            titleOther: 'Systèmes de management de la qualité',
            ics: ['03.120.10'],
            ledByProvince: false,
          },
        },
      ]),
    )
    expect(read('standard:ISO 9001-2015', '2015-09-15')).toMatchObject({
      label: 'ISO 9001-2015 Quality management systems',
      status: 'draft@2015-09-15',
    })
    expect(read('standard:ISO 9001-2015', '2015-09-14')).toBeNull()
  })

  it('dates a draft from draftedOn, and a dated stage wins over an undated draft', () => {
    expect(at(recorded([drafted({ draftedOn: '2007-03-01' })])).read(id, '2007-03-01')?.status).toBe(
      'draft@2007-03-01',
    )
    close()
    const { read } = at(recorded([published, drafted()]))
    // Recorded after publication, without a date: published and effective still hold.
    expect(read(id, '2010-01-01')?.status).toBe('effective@2009-06-01')
  })

  it('changes no status on a partial supersession, and counts a split from its earliest full one', () => {
    const { read } = at(
      recorded([
        drafted(),
        published,
        superseded('2017', '2019-02-01', { partial: true }),
        superseded('2019', '2019-05-01'),
        superseded('2018', '2018-06-01'),
      ]),
    )
    expect(read(id, '2019-03-01', 3)?.status).toBe('effective@2009-06-01')
    expect(read(id, '2019-03-01', 4)?.status).toBe('effective@2009-06-01')
    expect(read(id, '2019-05-01', 4)?.status).toBe('transition_ended@2019-05-01')
    // The back-dated full supersession recorded last moves the start back from its position on.
    expect(read(id, '2018-06-01')).toMatchObject({
      status: 'transition_ended@2018-06-01',
      replacedBy: 'GB/T 1591-2018',
    })
    expect(read(id, '2019-12-31')?.history).toEqual([
      'draft@2008-01-01',
      'published@2008-10-01',
      'effective@2009-06-01',
      'superseded@2018-06-01',
      'transition_ended@2018-06-01',
    ])
  })

  it('reads withdrawn, not transition ended, when the withdrawal comes before the transition ends', () => {
    const { read } = at(
      recorded([
        drafted(),
        published,
        {
          ...superseded('2018', '2018-06-01'),
          data: { ...superseded('2018', '2018-06-01').data, transitionEndsOn: '2019-06-01' },
        },
        {
          type: 'StandardWithdrawn',
          on: '2018-09-01',
          data: { ...old, withdrawnOn: '2018-09-01', reason: '废止' },
        },
      ]),
    )
    expect(read(id, '2018-07-01')?.status).toBe('superseded@2018-06-01')
    expect(read(id, '2019-07-01')?.status).toBe('withdrawn@2018-09-01')
    expect(read(id, '2019-07-01', 3)?.status).toBe('transition_ended@2019-06-01')
  })

  it('applies a date correction from its position on and keeps the old date at earlier positions', () => {
    const { read, kpi } = at(
      recorded([
        drafted(),
        published,
        {
          type: 'StandardDateCorrected',
          on: '2020-01-01',
          data: {
            ...old,
            stage: 'effective',
            date: '2009-10-01',
            previousDate: '2009-06-01',
            reason: '录入错误',
          },
        },
      ]),
    )
    expect(read(id, '2009-07-01', 2)?.status).toBe('effective@2009-06-01')
    expect(read(id, '2009-07-01')?.status).toBe('published@2008-10-01')
    expect(read(id, '2009-12-01')?.history).toEqual([
      'draft@2008-01-01',
      'published@2008-10-01',
      'effective@2009-10-01',
    ])
    const national = (asOf: string) => kpi(asOf).kpis.find((k) => k.id === 'standards.national')!.value
    expect(national('2009-07-01')).toBe(0)
    expect(national('2009-10-01')).toBe(1)
  })

  it('drops a retracted replacement from its position on: superseded from the earliest remaining link, or not at all', () => {
    const retract = (version: string) => ({
      type: 'StandardReplacementRetracted',
      on: '2020-01-01',
      data: { ...old, replacedBy: { code: 'GB/T 1591', version }, reason: '误录' },
    })
    const { read, kpi } = at(
      recorded([
        drafted(),
        published,
        superseded('2018', '2018-06-01'),
        superseded('2019', '2019-05-01'),
        retract('2018'),
        retract('2019'),
      ]),
    )
    expect(read(id, '2018-07-01', 4)?.status).toBe('transition_ended@2018-06-01')
    expect(read(id, '2018-07-01', 5)?.status).toBe('effective@2009-06-01')
    expect(read(id, '2019-07-01', 5)?.status).toBe('transition_ended@2019-05-01')
    expect(read(id, '2019-07-01', 6)).toMatchObject({ status: 'effective@2009-06-01', replacedBy: null })
    const national = kpi('2019-07-01').kpis.find((k) => k.id === 'standards.national')!.value
    expect(national).toBe(1)
  })
})
