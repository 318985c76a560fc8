import { afterEach, describe, expect, it } from 'vitest'
import { project, recorded } from '../testing/project'
import { GraphReader } from './graph-reader'
import { nodeDetail } from './node-detail'

/** The cases the property test first found on the old code, as plain examples. */
describe('status history on both time axes', () => {
  let close = () => {}
  afterEach(() => close())

  const at = (events: ReturnType<typeof recorded>) => {
    const projected = project(events)
    close = projected.close
    return (id: string, asOf: string, atPosition?: number) => {
      const reader = new GraphReader(projected.graph, {
        asOf,
        ...(atPosition === undefined ? {} : { atPosition: BigInt(atPosition) }),
      })
      const detail = nodeDetail(reader, id)
      return detail && { status: detail.node.status?.status, history: detail.history.map((h) => h.status) }
    }
  }

  const iso = { code: 'GB/T 19001', version: '2016' }
  const drafted = {
    type: 'StandardDrafted',
    on: '2016-01-01',
    data: {
      ...iso,
      kind: 'national_recommended',
      mandatory: false,
      titleZh: '质量管理体系',
      ics: ['03.120'],
      ledByProvince: false,
    },
  }

  it('reads a standard published and effective on the same day as effective', () => {
    const node = at(
      recorded([
        drafted,
        {
          type: 'StandardPublished',
          on: '2016-12-30',
          data: { ...iso, publishedOn: '2016-12-30', effectiveFrom: '2016-12-30' },
        },
      ]),
    )
    expect(node('standard:GB/T 19001-2016', '2016-12-30')?.status).toBe('effective')
    expect(node('standard:GB/T 19001-2016', '2020-01-01')?.status).toBe('effective')
  })

  it('reads a supersession whose transition ends the same day as transition ended', () => {
    const node = at(
      recorded([
        drafted,
        {
          type: 'StandardSuperseded',
          on: '2021-01-01',
          data: {
            ...iso,
            replacedBy: { code: 'GB/T 19001', version: '2021' },
            supersededOn: '2021-01-01',
            transitionEndsOn: '2021-01-01',
          },
        },
      ]),
    )
    expect(node('standard:GB/T 19001-2016', '2021-01-01')?.status).toBe('transition_ended')
  })

  it('shows a scheduled expiry only from its date, and a back-dated change only once recorded', () => {
    const ref = { labId: 'L1', accreditationNo: 'CNAS L1' }
    const node = at(
      recorded([
        {
          type: 'LabAccredited',
          on: '2020-01-01',
          data: {
            ...ref,
            accreditingBody: 'CNAS',
            baseStandard: 'ISO/IEC 17025',
            validFrom: '2020-01-01',
            validUntil: '2024-12-31',
            scope: [],
          },
        },
        {
          type: 'AccreditationSuspended',
          on: '2021-03-10',
          data: { ...ref, from: '2021-03-10', reason: '监督不合格' },
        },
        // Entered later, back-dated before the suspension: the suspension still stands after its date.
        {
          type: 'AccreditationRestored',
          on: '2021-03-01',
          data: { ...ref, on: '2021-03-01', reason: '整改完成' },
        },
      ]),
    )
    expect(node('accreditation:CNAS L1', '2021-03-05')).toEqual({
      status: 'active',
      history: ['active', 'active'],
    })
    expect(node('accreditation:CNAS L1', '2021-03-05', 2)).toEqual({ status: 'active', history: ['active'] })
    expect(node('accreditation:CNAS L1', '2021-06-01')?.status).toBe('suspended')
    expect(node('accreditation:CNAS L1', '2025-01-01')?.history).toEqual([
      'active',
      'active',
      'suspended',
      'expired',
    ])
  })

  it('lets a renewal entered before the earlier term still replace that term’s end, and keep its own', () => {
    const term = (validFrom: string, validUntil: string) => ({
      type: 'LabAccredited',
      on: validFrom,
      data: {
        labId: 'L1',
        accreditationNo: 'CNAS L1',
        accreditingBody: 'CNAS',
        baseStandard: 'ISO/IEC 17025',
        validFrom,
        validUntil,
        scope: [],
      },
    })
    const node = at(recorded([term('2024-06-01', '2029-05-31'), term('2019-06-01', '2024-06-30')]))
    expect(node('accreditation:CNAS L1', '2024-07-15')?.status).toBe('active')
    expect(node('accreditation:CNAS L1', '2029-06-01')?.status).toBe('expired')
    // Before the earlier term was entered, nothing was known of it.
    expect(node('accreditation:CNAS L1', '2020-01-01', 1)).toBeNull()
  })

  it('lets a re-accreditation recorded after an expiry call that expiry off from its start', () => {
    const term = (validFrom: string, validUntil: string) => ({
      type: 'LabAccredited',
      on: validFrom,
      data: {
        labId: 'L1',
        accreditationNo: 'CNAS L1',
        accreditingBody: 'CNAS',
        baseStandard: 'ISO/IEC 17025',
        validFrom,
        validUntil,
        scope: [],
      },
    })
    const node = at(
      recorded([
        term('2019-01-01', '2023-12-31'),
        {
          type: 'AccreditationExpired',
          on: '2024-01-01',
          data: { labId: 'L1', accreditationNo: 'CNAS L1', on: '2024-01-01' },
        },
        term('2023-12-15', '2028-12-14'),
      ]),
    )
    expect(node('accreditation:CNAS L1', '2024-06-01')?.status).toBe('active')
    expect(node('accreditation:CNAS L1', '2024-06-01', 2)?.status).toBe('expired')
    expect(node('accreditation:CNAS L1', '2028-12-15')?.status).toBe('expired')
  })

  it('knows a thing from any fact about it, and nothing that was not yet recorded', () => {
    const node = at(
      recorded([
        {
          type: 'StandardWithdrawn',
          on: '2019-05-01',
          data: { ...iso, withdrawnOn: '2019-05-01', reason: '废止' },
        },
        drafted,
      ]),
    )
    expect(node('standard:GB/T 19001-2016', '2020-01-01', 1)).toEqual({
      status: 'withdrawn',
      history: ['withdrawn'],
    })
    expect(node('standard:GB/T 19001-2016', '2018-01-01', 1)).toBeNull()
    expect(node('standard:GB/T 19001-2016', '2018-01-01')).toEqual({ status: 'draft', history: ['draft'] })
    expect(node('standard:GB/T 19001-2016', '2020-01-01', 0)).toBeNull()
  })

  it('reads a certificate’s basis by business date, a back-dated scope change included', () => {
    const events = recorded([
      {
        type: 'CertificateIssued',
        on: '2021-01-01',
        data: {
          certificateNo: 'C1',
          bodyId: 'CB1',
          accreditationNo: 'CNAS C1',
          holder: { enterpriseId: '91420100MA4K000001', name: '企业' },
          manufacturer: { enterpriseId: '91420100MA4K000001', name: '企业' },
          factory: {},
          product: { productId: 'P1', name: '电热水壶', models: ['MJ-17'] },
          scheme: 'voluntary_product',
          standards: [iso],
          basisReports: ['R1'],
          issuedOn: '2021-01-01',
          expiresOn: '2026-01-01',
        },
      },
      {
        type: 'CertificateScopeChanged',
        on: '2021-06-01',
        data: { certificateNo: 'C1', on: '2021-06-01', reason: '换型', basisReports: ['R2'] },
      },
      // Entered afterwards, dated between the two.
      {
        type: 'CertificateScopeChanged',
        on: '2021-03-01',
        data: { certificateNo: 'C1', on: '2021-03-01', reason: '补测', basisReports: ['R3'] },
      },
    ])
    const projected = project(events)
    close = projected.close
    // What lineage and impact walk: the certificate's based_on edges at the time point.
    const basis = (asOf: string, atPosition?: number) =>
      (
        new GraphReader(projected.graph, {
          asOf,
          ...(atPosition === undefined ? {} : { atPosition: BigInt(atPosition) }),
        })
          .outByRelation('certificate:C1')
          .get('based_on') ?? []
      ).map((e) => e.to)
    expect(basis('2021-02-01')).toEqual(['report:R1'])
    expect(basis('2021-04-01')).toEqual(['report:R3'])
    expect(basis('2021-07-01')).toEqual(['report:R2'])
    expect(basis('2021-04-01', 2)).toEqual(['report:R1'])
  })
})
