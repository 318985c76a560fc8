import { NotFoundError, RuleViolationError } from '@qi/decider'
import { spec } from '@qi/decider/testing'
import { describe, it } from 'vitest'
import { type StandardEvent, standardDecider } from './standard'
import { technicalCommitteeDecider } from './technical-committee'

const key = { code: 'GB/T 19001', version: '2016' }
const drafted: StandardEvent = {
  type: 'StandardDrafted',
  data: {
    ...key,
    kind: 'national_recommended',
    mandatory: false,
    titleZh: '质量管理体系 要求',
    ics: ['03.120.10'],
    ledByProvince: false,
  },
}
const published: StandardEvent = {
  type: 'StandardPublished',
  data: { ...key, publishedOn: '2016-12-30', effectiveFrom: '2017-07-01' },
}
const superseded: StandardEvent = {
  type: 'StandardSuperseded',
  data: {
    ...key,
    replacedBy: { code: 'GB/T 19001', version: '2025' },
    supersededOn: '2025-01-01',
    transitionEndsOn: '2026-01-01',
  },
}
const withdrawn: StandardEvent = {
  type: 'StandardWithdrawn',
  data: { ...key, withdrawnOn: '2024-01-01', reason: '技术落后' },
}
const draftInput = { ...key, titleZh: '质量管理体系 要求', ics: ['03.120.10'], ledByProvince: false }
const given = spec(standardDecider).given

describe('DraftStandard', () => {
  it('derives kind and mandatory from the code prefix', () => {
    given([]).when({ type: 'DraftStandard', input: draftInput }).then([drafted])
    given([])
      .when({ type: 'DraftStandard', input: { ...draftInput, code: 'DB42 1234', version: '2020' } })
      .thenMatches([
        {
          type: 'StandardDrafted',
          data: { ...draftInput, code: 'DB42 1234', version: '2020', kind: 'local', mandatory: true },
        },
      ])
  })
  it('drops the commandId from the event', () => {
    given([])
      .when({ type: 'DraftStandard', input: { ...draftInput, commandId: 'cmd-00000001' } })
      .then([drafted])
  })
  it('refuses an unknown prefix, naming the code', () => {
    given([])
      .when({ type: 'DraftStandard', input: { ...draftInput, code: 'XYZ 1' } })
      .thenThrows(RuleViolationError, /XYZ 1 has an unknown prefix/)
  })
  it('refuses a standard replacing itself', () => {
    given([])
      .when({ type: 'DraftStandard', input: { ...draftInput, replaces: key } })
      .thenThrows(RuleViolationError, /GB\/T 19001-2016 cannot replace itself/)
  })
  it('refuses a version already in the catalogue', () => {
    given([drafted])
      .when({ type: 'DraftStandard', input: draftInput })
      .thenThrows(RuleViolationError, /already in the catalogue/)
  })
})

describe('PublishStandard', () => {
  const input = { ...key, publishedOn: '2016-12-30', effectiveFrom: '2017-07-01' }
  it('publishes a draft', () => {
    given([drafted]).when({ type: 'PublishStandard', input }).then([published])
  })
  it('refuses an unknown standard', () => {
    given([])
      .when({ type: 'PublishStandard', input })
      .thenThrows(NotFoundError, /GB\/T 19001-2016/)
  })
  it('refuses publishing twice', () => {
    given([drafted, published])
      .when({ type: 'PublishStandard', input })
      .thenThrows(RuleViolationError, /GB\/T 19001-2016 is published; only a draft standard can be published/)
  })
})

describe('AmendStandard', () => {
  const input = { ...key, summary: '第1号修改单', effectiveFrom: '2018-01-01' }
  it('numbers amendments in order', () => {
    given([drafted, published])
      .when({ type: 'AmendStandard', input })
      .then([{ type: 'StandardAmended', data: { ...input, amendmentNo: 1 } }])
    given([drafted, published, { type: 'StandardAmended', data: { ...input, amendmentNo: 1 } }])
      .when({ type: 'AmendStandard', input: { ...input, summary: '第2号修改单' } })
      .then([{ type: 'StandardAmended', data: { ...input, summary: '第2号修改单', amendmentNo: 2 } }])
  })
  it('refuses amending a draft', () => {
    given([drafted])
      .when({ type: 'AmendStandard', input })
      .thenThrows(RuleViolationError, /is draft; only a published/)
  })
  it('refuses an amendment effective before publication', () => {
    given([drafted, published])
      .when({ type: 'AmendStandard', input: { ...input, effectiveFrom: '2016-01-01' } })
      .thenThrows(RuleViolationError, /takes effect 2016-01-01, before the standard was published 2016-12-30/)
  })
})

describe('SupersedeStandard', () => {
  const input = superseded.data
  const replacement = { code: 'GB/T 19001', version: '2025', lifecycle: 'published' as const }
  it('supersedes a published standard by an existing one', () => {
    given([drafted, published])
      .when({ type: 'SupersedeStandard', input, facts: { replacement } })
      .then([superseded])
  })
  it('refuses a replacement not in the catalogue', () => {
    given([drafted, published])
      .when({ type: 'SupersedeStandard', input, facts: { replacement: null } })
      .thenThrows(RuleViolationError, /replacing standard GB\/T 19001-2025 is not in the catalogue/)
  })
  it('refuses a replacement that is itself withdrawn', () => {
    given([drafted, published])
      .when({
        type: 'SupersedeStandard',
        input,
        facts: { replacement: { ...replacement, lifecycle: 'withdrawn' } },
      })
      .thenThrows(RuleViolationError, /GB\/T 19001-2025 is itself withdrawn/)
  })
  it('refuses supersession by itself', () => {
    given([drafted, published])
      .when({
        type: 'SupersedeStandard',
        input: { ...input, replacedBy: key },
        facts: { replacement: { ...key, lifecycle: 'published' } },
      })
      .thenThrows(RuleViolationError, /cannot be superseded by itself/)
  })
  it('refuses a transition ending before the supersession', () => {
    given([drafted, published])
      .when({
        type: 'SupersedeStandard',
        input: { ...input, transitionEndsOn: '2024-12-31' },
        facts: { replacement },
      })
      .thenThrows(
        RuleViolationError,
        /transition for GB\/T 19001-2016 ends 2024-12-31, before it is superseded on 2025-01-01/,
      )
  })
  it('refuses superseding a draft or an already superseded standard', () => {
    given([drafted])
      .when({ type: 'SupersedeStandard', input, facts: { replacement } })
      .thenThrows(RuleViolationError, /is draft/)
    given([drafted, published, superseded])
      .when({ type: 'SupersedeStandard', input, facts: { replacement } })
      .thenThrows(RuleViolationError, /is superseded/)
  })
})

describe('WithdrawStandard', () => {
  it('withdraws a published standard', () => {
    given([drafted, published]).when({ type: 'WithdrawStandard', input: withdrawn.data }).then([withdrawn])
  })
  it('refuses withdrawing twice or withdrawing a superseded standard', () => {
    given([drafted, published, withdrawn])
      .when({ type: 'WithdrawStandard', input: withdrawn.data })
      .thenThrows(RuleViolationError, /is withdrawn; only a published standard can be withdrawn/)
    given([drafted, published, superseded])
      .when({ type: 'WithdrawStandard', input: withdrawn.data })
      .thenThrows(RuleViolationError, /is superseded/)
  })
})

describe('AdoptInternationalStandard', () => {
  const input = { ...key, international: { code: 'ISO 9001', version: '2015' }, degree: 'IDT' as const }
  it('links a domestic standard to the international one it adopts', () => {
    given([drafted])
      .when({ type: 'AdoptInternationalStandard', input })
      .then([{ type: 'InternationalStandardAdopted', data: input }])
  })
  it('refuses a non-international source', () => {
    given([drafted])
      .when({
        type: 'AdoptInternationalStandard',
        input: { ...input, international: { code: 'GB/T 1', version: '2020' } },
      })
      .thenThrows(RuleViolationError, /GB\/T 1 is not an international standard code/)
  })
  it('refuses adoption by an international standard', () => {
    const iso = { code: 'ISO 14001', version: '2015' }
    given([{ type: 'StandardDrafted', data: { ...drafted.data, ...iso, kind: 'international' } }])
      .when({ type: 'AdoptInternationalStandard', input: { ...input, ...iso } })
      .thenThrows(RuleViolationError, /ISO 14001-2015 is itself international/)
  })
  it('refuses adoption on a withdrawn standard', () => {
    given([drafted, published, withdrawn])
      .when({ type: 'AdoptInternationalStandard', input })
      .thenThrows(RuleViolationError, /is withdrawn/)
  })
})

describe('EstablishTechnicalCommittee', () => {
  const input = {
    tcId: 'HB/TC 01',
    name: '湖北省质量管理标准化技术委员会',
    level: 'provincial' as const,
    establishedOn: '2017-05-01',
  }
  const established = { type: 'TechnicalCommitteeEstablished' as const, data: input }
  it('establishes a committee', () => {
    spec(technicalCommitteeDecider)
      .given([])
      .when({ type: 'EstablishTechnicalCommittee', input })
      .then([established])
  })
  it('refuses a second committee with the same id', () => {
    spec(technicalCommitteeDecider)
      .given([established])
      .when({ type: 'EstablishTechnicalCommittee', input })
      .thenThrows(RuleViolationError, /HB\/TC 01 was already established on 2017-05-01/)
  })
})
