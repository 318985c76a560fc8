import { NotFoundError, RuleViolationError } from '@qi/decider'
import { spec } from '@qi/decider/testing'
import { describe, expect, it } from 'vitest'
import { addYears, type LabEvent, labDecider } from './lab'

const ref = { labId: 'HBQI-01', accreditationNo: 'CNAS L0001' }
const registered: LabEvent = {
  type: 'LabRegistered',
  data: {
    labId: 'HBQI-01',
    name: '湖北省产品质量监督检验研究院',
    kind: 'testing_lab',
    region: '武汉',
    centreLevel: 'provincial',
  },
}
const line = (lineId: string) => ({
  lineId,
  object: '家用电冰箱',
  parameter: '耗电量',
  method: { standardCode: 'GB 12021.2', standardVersion: '2015', clause: '5.2' },
})
const accreditInput = {
  ...ref,
  accreditingBody: 'CNAS',
  baseStandard: 'ISO/IEC 17025' as const,
  validFrom: '2020-01-01',
  validUntil: '2025-01-01',
  scope: [line('L1'), line('L2')],
  schemes: [],
}
const accredited: LabEvent = { type: 'LabAccredited', data: accreditInput }
const suspended: LabEvent = {
  type: 'AccreditationSuspended',
  data: { ...ref, reason: '监督评审不符合', from: '2021-03-01' },
}
const withdrawn: LabEvent = {
  type: 'AccreditationWithdrawn',
  data: { ...ref, reason: '主动申请撤销', on: '2022-01-01' },
}
const given = spec(labDecider).given

describe('addYears', () => {
  it('keeps the calendar day and moves 29 February to 28 February', () => {
    expect(addYears('2020-01-01', 5)).toBe('2025-01-01')
    expect(addYears('2020-02-29', 5)).toBe('2025-02-28')
  })
})

describe('RegisterLab', () => {
  it('registers a lab once', () => {
    given([]).when({ type: 'RegisterLab', input: registered.data }).then([registered])
    given([registered])
      .when({ type: 'RegisterLab', input: registered.data })
      .thenThrows(RuleViolationError, /lab HBQI-01 is already registered/)
  })
})

describe('AccreditLab', () => {
  it('grants an accreditation of at most five years', () => {
    given([registered]).when({ type: 'AccreditLab', input: accreditInput }).then([accredited])
  })
  it('refuses an unregistered lab', () => {
    given([])
      .when({ type: 'AccreditLab', input: accreditInput })
      .thenThrows(NotFoundError, /lab 'HBQI-01'/)
  })
  it('refuses validity beyond five years', () => {
    given([registered])
      .when({ type: 'AccreditLab', input: { ...accreditInput, validUntil: '2025-01-02' } })
      .thenThrows(
        RuleViolationError,
        /CNAS L0001 runs until 2025-01-02, more than 5 years after 2020-01-01; end it by 2025-01-01/,
      )
  })
  it('refuses a base standard that does not fit the kind of organisation', () => {
    given([registered])
      .when({ type: 'AccreditLab', input: { ...accreditInput, baseStandard: 'ISO/IEC 17065' } })
      .thenThrows(
        RuleViolationError,
        /HBQI-01 is a testing_lab; accredit it against ISO\/IEC 17025, not ISO\/IEC 17065/,
      )
    const body: LabEvent = { type: 'LabRegistered', data: { ...registered.data, kind: 'certification_body' } }
    given([body])
      .when({ type: 'AccreditLab', input: { ...accreditInput, baseStandard: 'ISO/IEC 17021-1', scope: [] } })
      .thenMatches([{ type: 'LabAccredited' }])
    const inspection: LabEvent = {
      type: 'LabRegistered',
      data: { ...registered.data, kind: 'inspection_body' },
    }
    given([inspection])
      .when({ type: 'AccreditLab', input: accreditInput })
      .thenThrows(RuleViolationError, /ISO\/IEC 17020, not ISO\/IEC 17025/)
  })
  it('refuses duplicate scope line ids', () => {
    given([registered])
      .when({ type: 'AccreditLab', input: { ...accreditInput, scope: [line('L1'), line('L1')] } })
      .thenThrows(RuleViolationError, /scope line L1 appears twice/)
  })
  it('refuses a new grant while the current one is suspended', () => {
    given([registered, accredited, suspended])
      .when({ type: 'AccreditLab', input: { ...accreditInput, accreditationNo: 'CNAS L0002' } })
      .thenThrows(RuleViolationError, /CNAS L0001 of lab HBQI-01 is suspended; restore or withdraw it/)
  })
})

describe('ExtendScope', () => {
  const input = { ...ref, lines: [line('L3')], schemes: [], on: '2021-01-01' }
  it('adds new lines', () => {
    given([registered, accredited])
      .when({ type: 'ExtendScope', input })
      .then([{ type: 'AccreditationScopeExtended', data: input }])
  })
  it('refuses a line id already in scope', () => {
    given([registered, accredited])
      .when({ type: 'ExtendScope', input: { ...input, lines: [line('L2')] } })
      .thenThrows(RuleViolationError, /scope line L2 appears twice in accreditation CNAS L0001/)
  })
  it('refuses an empty extension', () => {
    given([registered, accredited])
      .when({ type: 'ExtendScope', input: { ...input, lines: [] } })
      .thenThrows(RuleViolationError, /adds no scope line and no scheme/)
  })
  it('refuses extending a suspended accreditation or an unknown number', () => {
    given([registered, accredited, suspended])
      .when({ type: 'ExtendScope', input })
      .thenThrows(
        RuleViolationError,
        /CNAS L0001 is suspended since 2021-03-01; only an accreditation that is active can be extended/,
      )
    given([registered, accredited])
      .when({ type: 'ExtendScope', input: { ...input, accreditationNo: 'CNAS L9999' } })
      .thenThrows(NotFoundError, /HBQI-01 CNAS L9999/)
  })
})

describe('ReduceScope', () => {
  const input = { ...ref, lineIds: ['L2'], reason: '能力不足', on: '2021-01-01' }
  it('removes known lines', () => {
    given([registered, accredited])
      .when({ type: 'ReduceScope', input })
      .then([{ type: 'AccreditationScopeReduced', data: input }])
  })
  it('refuses unknown line ids, naming them', () => {
    given([registered, accredited])
      .when({ type: 'ReduceScope', input: { ...input, lineIds: ['L9'] } })
      .thenThrows(
        RuleViolationError,
        /scope line L9 is not in accreditation CNAS L0001; its lines are L1, L2/,
      )
  })
  it('refuses a line already removed', () => {
    given([registered, accredited, { type: 'AccreditationScopeReduced', data: input }])
      .when({ type: 'ReduceScope', input })
      .thenThrows(RuleViolationError, /scope line L2 is not in accreditation/)
  })
  it('refuses reducing a withdrawn accreditation', () => {
    given([registered, accredited, withdrawn])
      .when({ type: 'ReduceScope', input })
      .thenThrows(RuleViolationError, /is withdrawn/)
  })
})

describe('SuspendAccreditation', () => {
  it('suspends an active accreditation', () => {
    given([registered, accredited])
      .when({ type: 'SuspendAccreditation', input: suspended.data })
      .then([suspended])
  })
  it('refuses suspending twice', () => {
    given([registered, accredited, suspended])
      .when({ type: 'SuspendAccreditation', input: suspended.data })
      .thenThrows(
        RuleViolationError,
        /is suspended since 2021-03-01; only an accreditation that is active can be suspended/,
      )
  })
  it('refuses a suspension dated before the accreditation or after its end', () => {
    given([registered, accredited])
      .when({ type: 'SuspendAccreditation', input: { ...suspended.data, from: '2019-12-31' } })
      .thenThrows(
        RuleViolationError,
        /suspension on 2019-12-31 is before accreditation CNAS L0001 became active on 2020-01-01/,
      )
    given([registered, accredited])
      .when({ type: 'SuspendAccreditation', input: { ...suspended.data, from: '2025-02-01' } })
      .thenThrows(RuleViolationError, /after accreditation CNAS L0001 ends on 2025-01-01/)
  })
  it('refuses an unknown lab', () => {
    given([])
      .when({ type: 'SuspendAccreditation', input: suspended.data })
      .thenThrows(NotFoundError, /lab 'HBQI-01'/)
  })
})

describe('RestoreAccreditation', () => {
  const input = { ...ref, on: '2021-06-01', reason: '整改完成' }
  it('restores only a suspended accreditation', () => {
    given([registered, accredited, suspended])
      .when({ type: 'RestoreAccreditation', input })
      .then([{ type: 'AccreditationRestored', data: input }])
    given([registered, accredited])
      .when({ type: 'RestoreAccreditation', input })
      .thenThrows(
        RuleViolationError,
        /CNAS L0001 is active since 2020-01-01; only an accreditation that is suspended can be restored/,
      )
  })
  it('refuses a restoration dated before the suspension', () => {
    given([registered, accredited, suspended])
      .when({ type: 'RestoreAccreditation', input: { ...input, on: '2021-02-01' } })
      .thenThrows(
        RuleViolationError,
        /restoration on 2021-02-01 is before accreditation CNAS L0001 became suspended on 2021-03-01/,
      )
  })
})

describe('WithdrawAccreditation', () => {
  it('withdraws an active or suspended accreditation', () => {
    given([registered, accredited])
      .when({ type: 'WithdrawAccreditation', input: withdrawn.data })
      .then([withdrawn])
    given([registered, accredited, suspended])
      .when({ type: 'WithdrawAccreditation', input: withdrawn.data })
      .then([withdrawn])
  })
  it('refuses withdrawing twice', () => {
    given([registered, accredited, withdrawn])
      .when({ type: 'WithdrawAccreditation', input: withdrawn.data })
      .thenThrows(RuleViolationError, /is withdrawn since 2022-01-01/)
  })
})

describe('ExpireAccreditation', () => {
  const input = { ...ref, on: '2025-01-01' }
  it('expires at the end of validity', () => {
    given([registered, accredited])
      .when({ type: 'ExpireAccreditation', input })
      .then([{ type: 'AccreditationExpired', data: input }])
  })
  it('refuses expiry before the end of validity', () => {
    given([registered, accredited])
      .when({ type: 'ExpireAccreditation', input: { ...input, on: '2024-06-01' } })
      .thenThrows(RuleViolationError, /valid until 2025-01-01; it cannot expire on 2024-06-01/)
  })
  it('refuses expiring a withdrawn accreditation', () => {
    given([registered, accredited, withdrawn])
      .when({ type: 'ExpireAccreditation', input })
      .thenThrows(RuleViolationError, /is withdrawn/)
  })
})
