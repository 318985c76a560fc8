import { createCallerFactory } from '@qi/trpc'
import { actorOf, startTestPlatform } from '@qi/trpc/testing'
import { TRPCError } from '@trpc/server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { labsProjection } from '../projections/labs'
import { accreditationRouter } from './router'

const TODAY = '2023-06-01'
const regulator = actorOf('regulator', 'HBAMR')
const ref = { labId: 'HBQI-01', accreditationNo: 'CNAS L0001' }
const line = (lineId: string, clause: string) => ({
  lineId,
  object: '家用电冰箱',
  parameter: '耗电量',
  method: { standardCode: 'GB 12021.2', standardVersion: '2015', clause },
})

let platform: Awaited<ReturnType<typeof startTestPlatform>>
const callerAs = (actor: ReturnType<typeof actorOf>) =>
  createCallerFactory(accreditationRouter)({
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

async function registerAndAccredit() {
  const api = callerAs(regulator)
  await api.registerLab({
    labId: 'HBQI-01',
    name: '湖北省产品质量监督检验研究院',
    kind: 'testing_lab',
    region: '武汉',
    centreLevel: 'provincial',
  })
  return api.accredit({
    ...ref,
    baseStandard: 'ISO/IEC 17025',
    validFrom: '2020-01-01',
    validUntil: '2024-12-31',
    scope: [line('L1', '5.2'), line('L2', '5.3')],
  })
}

beforeEach(async () => {
  platform = await startTestPlatform({ projections: [labsProjection], today: TODAY })
})
afterEach(async () => {
  await platform.close()
})

describe('accreditation router', () => {
  it('accredits a lab and shows its scope, status history and status on a past date', async () => {
    const api = callerAs(regulator)
    const accredited = await registerAndAccredit()
    expect(accredited.events).toEqual(['LabAccredited'])
    await api.extendScope({ ...ref, lines: [line('L3', '6.1')], on: '2020-06-01' })
    await api.reduceScope({ ...ref, lineIds: ['L2'], reason: '能力验证不满意', on: '2021-01-01' })
    await api.suspend({ ...ref, reason: '监督评审发现严重不符合', from: '2021-03-01' })
    const restored = await api.restore({ ...ref, on: '2021-06-01', reason: '整改完成' })

    const lab = await api.getLab({
      labId: 'HBQI-01',
      asOf: '2021-04-15',
      minPosition: restored.position ?? undefined,
    })
    expect(lab.accreditation).toMatchObject({
      accreditationNo: 'CNAS L0001',
      accreditingBody: 'CNAS',
      status: 'active',
      schemes: [],
    })
    expect(lab.accreditation?.scope.map((l) => [l.lineId, l.method.clause])).toEqual([
      ['L1', '5.2'],
      ['L3', '6.1'],
    ])
    expect(lab.statusHistory.map((h) => [h.status, h.from, h.to])).toEqual([
      ['active', '2020-01-01', '2021-03-01'],
      ['suspended', '2021-03-01', '2021-06-01'],
      ['active', '2021-06-01', null],
    ])
    expect(lab.statusAsOf).toEqual({ date: '2021-04-15', status: 'suspended' })
    expect((await api.getLab({ labId: 'HBQI-01' })).statusAsOf).toEqual({ date: TODAY, status: 'active' })
    expect((await api.getLab({ labId: 'HBQI-01', asOf: '2019-01-01' })).statusAsOf.status).toBeNull()
    expect((await api.getLab({ labId: 'HBQI-01', asOf: '2025-02-01' })).statusAsOf.status).toBe('expired')

    const list = await api.listLabs({ kind: 'testing_lab', search: '产品质量' })
    expect(list).toEqual({
      total: 1,
      items: [
        {
          labId: 'HBQI-01',
          name: '湖北省产品质量监督检验研究院',
          kind: 'testing_lab',
          region: '武汉',
          centreLevel: 'provincial',
          accreditationNo: 'CNAS L0001',
          validUntil: '2024-12-31',
          status: 'active',
          scopeLines: 2,
        },
      ],
    })
    expect((await api.listLabs({ kind: 'certification_body' })).total).toBe(0)
  })

  it('withdraws and expires, and refuses with codes a client can act on', async () => {
    const api = callerAs(regulator)
    await registerAndAccredit()
    const tooLong = await rejection(
      api.accredit({
        ...ref,
        accreditationNo: 'CNAS L0002',
        baseStandard: 'ISO/IEC 17025',
        validFrom: '2020-01-01',
        validUntil: '2026-01-01',
      }),
    )
    expect(tooLong.code).toBe('PRECONDITION_FAILED')
    expect(tooLong.message).toMatch(/more than 5 years/)
    const unknownLine = await rejection(
      api.reduceScope({ ...ref, lineIds: ['L9'], reason: '能力不足', on: '2021-01-01' }),
    )
    expect(unknownLine.code).toBe('PRECONDITION_FAILED')
    expect(unknownLine.message).toMatch(/scope line L9 is not in accreditation CNAS L0001/)
    const notSuspended = await rejection(api.restore({ ...ref, on: '2021-06-01', reason: '整改完成' }))
    expect(notSuspended.message).toMatch(/only an accreditation that is suspended can be restored/)
    expect(
      (await rejection(api.suspend({ ...ref, labId: 'NOPE', reason: 'x', from: '2021-01-01' }))).code,
    ).toBe('NOT_FOUND')
    expect((await rejection(api.getLab({ labId: 'NOPE' }))).code).toBe('NOT_FOUND')
    expect((await rejection(api.suspend({ ...ref, reason: 'x', from: 'yesterday' }))).code).toBe(
      'BAD_REQUEST',
    )
    expect(
      (
        await rejection(
          callerAs(actorOf('lab', 'HBQI-01')).suspend({ ...ref, reason: 'x', from: '2021-01-01' }),
        )
      ).code,
    ).toBe('FORBIDDEN')

    const withdrawn = await api.withdraw({ ...ref, reason: '主动申请撤销', on: '2022-01-01' })
    const lab = await api.getLab({
      labId: 'HBQI-01',
      asOf: '2022-06-01',
      minPosition: withdrawn.position ?? undefined,
    })
    expect(lab.accreditation?.status).toBe('withdrawn')
    expect(lab.statusAsOf.status).toBe('withdrawn')
    const expired = await rejection(api.expire({ ...ref, on: '2025-01-01' }))
    expect(expired.message).toMatch(/is withdrawn since 2022-01-01/)
  })
})

describe('accreditation numbers across labs', () => {
  it('refuses a second lab an accreditation number another lab holds, even when both are sent at once', async () => {
    const api = callerAs(regulator)
    await registerAndAccredit()
    await api.registerLab({
      labId: 'WHQT-02',
      name: '武汉所',
      kind: 'testing_lab',
      region: '武汉',
      centreLevel: 'municipal',
    })
    const taken = await rejection(
      api.accredit({
        ...ref,
        labId: 'WHQT-02',
        baseStandard: 'ISO/IEC 17025',
        validFrom: '2021-01-01',
        validUntil: '2025-12-31',
      }),
    )
    expect(taken.code).toBe('PRECONDITION_FAILED')
    expect(taken.message).toMatch(/accreditation number CNAS L0001 belongs to lab HBQI-01/)
    expect(taken.cause).toMatchObject({ rule: 'accreditation.number-unique', field: 'accreditationNo' })

    await api.registerLab({
      labId: 'XYQT-03',
      name: '襄阳所',
      kind: 'testing_lab',
      region: '襄阳',
      centreLevel: 'municipal',
    })
    const both = await Promise.allSettled(
      ['WHQT-02', 'XYQT-03'].map((labId) =>
        api.accredit({
          labId,
          accreditationNo: 'CNAS L0777',
          baseStandard: 'ISO/IEC 17025',
          validFrom: '2021-01-01',
          validUntil: '2025-12-31',
        }),
      ),
    )
    expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    // The holder renews under its own number.
    await expect(
      api.accredit({
        ...ref,
        baseStandard: 'ISO/IEC 17025',
        validFrom: '2025-01-01',
        validUntil: '2029-12-31',
      }),
    ).resolves.toMatchObject({ events: ['LabAccredited'] })
  })
})

describe('paged lists for pickers and list pages', () => {
  it('pages and searches a lab scope (width- and case-insensitive), without removed lines', async () => {
    const api = callerAs(regulator)
    await registerAndAccredit()
    await api.extendScope({
      ...ref,
      lines: [
        { ...line('L3', '6.1'), object: '电热水壶', parameter: 'Leakage current' },
        { ...line('L4', '6.2'), object: '电热水壶', parameter: '温升' },
      ],
      on: '2021-01-01',
    })
    const reduced = await api.reduceScope({
      ...ref,
      lineIds: ['L2'],
      reason: '能力不再保持',
      on: '2021-02-01',
    })
    const minPosition = reduced.position ?? undefined
    const first = await api.listScope({ labId: 'HBQI-01', limit: 2, minPosition })
    expect(first.total).toBe(3)
    expect(first.items.map((l) => l.lineId)).toEqual(['L1', 'L3'])
    expect(
      (await api.listScope({ labId: 'HBQI-01', limit: 2, offset: 2 })).items.map((l) => l.lineId),
    ).toEqual(['L4'])
    // Full-width letters, other case, spaces around: the same line.
    const found = await api.listScope({ labId: 'HBQI-01', search: '  ＬＥＡＫＡＧＥ ' })
    expect(found.items.map((l) => [l.lineId, l.method.clause])).toEqual([['L3', '6.1']])
    expect((await api.listScope({ labId: 'HBQI-01', search: 'GB 12021.2-2015' })).total).toBe(3)
    expect((await api.listScope({ labId: 'HBQI-01', search: '  ' })).total).toBe(3)
    expect((await api.listScope({ labId: 'NOBODY' })).total).toBe(0)
  })

  it('sorts labs on the server and folds the search text', async () => {
    const api = callerAs(regulator)
    await registerAndAccredit()
    const registered = await api.registerLab({
      labId: 'AAQI-02',
      name: '鄂州市检验所',
      kind: 'testing_lab',
      region: '鄂州',
      centreLevel: 'municipal',
    })
    const minPosition = registered.position ?? undefined
    expect((await api.listLabs({ minPosition })).items.map((l) => l.labId)).toEqual(['AAQI-02', 'HBQI-01'])
    // Accredited first by validity end, then the lab without an accreditation.
    expect((await api.listLabs({ sort: 'valid_until' })).items.map((l) => l.labId)).toEqual([
      'HBQI-01',
      'AAQI-02',
    ])
    expect((await api.listLabs({ sort: 'scope_desc' })).items.map((l) => l.labId)).toEqual([
      'HBQI-01',
      'AAQI-02',
    ])
    expect((await api.listLabs({ search: ' ｃｎａｓ l0001 ' })).items.map((l) => l.labId)).toEqual([
      'HBQI-01',
    ])
  })
})
