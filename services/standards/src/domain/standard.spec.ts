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

describe('PublishStandard with partial dates', () => {
  it('stores a year or month as its first day with its precision; no implementation date: the publication', () => {
    given([drafted])
      .when({ type: 'PublishStandard', input: { ...key, publishedOn: '2016' } })
      .then([
        {
          type: 'StandardPublished',
          data: {
            ...key,
            publishedOn: '2016-01-01',
            effectiveFrom: '2016-01-01',
            precision: { publishedOn: 'year', effectiveFrom: 'year' },
          },
        },
      ])
  })
})

describe('WithdrawStandard without a date', () => {
  it('counts from the day recorded, marked unknown, naming the editions that took over', () => {
    given([drafted, published])
      .when({
        type: 'WithdrawStandard',
        input: { ...key, reason: '整合', replacedBy: [{ code: 'GB/T 19000', version: '2024' }] },
        recordedOn: '2025-06-01',
      })
      .then([
        {
          type: 'StandardWithdrawn',
          data: {
            ...key,
            withdrawnOn: '2025-06-01',
            reason: '整合',
            replacedBy: [{ code: 'GB/T 19000', version: '2024' }],
            precision: { withdrawnOn: 'unknown' },
          },
        },
      ])
  })
})

describe('PublishSupplement', () => {
  const input = { ...key, kind: 'amendment' as const, number: 1, publishedOn: '2024-02' }
  const amd1: StandardEvent = {
    type: 'StandardSupplementPublished',
    data: {
      ...key,
      kind: 'amendment',
      number: 1,
      identifier: 'GB/T 19001-2016/Amd 1:2024',
      publishedOn: '2024-02-01',
      precision: { publishedOn: 'month' },
    },
  }
  it('identifies the supplement by its own number, not by arrival', () => {
    given([drafted, published]).when({ type: 'PublishSupplement', input }).then([amd1])
  })
  it('accepts a supplement back-filled before a later one', () => {
    const amd2: StandardEvent = {
      ...amd1,
      data: { ...amd1.data, number: 2, identifier: 'x', publishedOn: '2025-01-01' },
    }
    given([drafted, published, amd2]).when({ type: 'PublishSupplement', input }).then([amd1])
  })
  it('refuses the same supplement twice', () => {
    given([drafted, published, amd1])
      .when({ type: 'PublishSupplement', input })
      .thenThrows(RuleViolationError, /already has amendment 1/)
  })
  it('refuses a supplement published before its edition', () => {
    given([drafted, published])
      .when({ type: 'PublishSupplement', input: { ...input, publishedOn: '2015' } })
      .thenThrows(RuleViolationError, /published 2015-01-01, before the edition itself/)
  })
  it('refuses a supplement to an unknown edition', () => {
    given([])
      .when({ type: 'PublishSupplement', input })
      .thenThrows(NotFoundError, /GB\/T 19001-2016/)
  })
})

describe('RetractReplacement', () => {
  const to = { code: 'GB/T 19001', version: '2025' }
  it('retracts a replacement link recorded in error; the edition is then no longer superseded', () => {
    const retracted: StandardEvent = {
      type: 'StandardReplacementRetracted',
      data: { ...key, replacedBy: to, reason: '录入错误' },
    }
    given([drafted, published, superseded])
      .when({ type: 'RetractReplacement', input: { ...key, replacedBy: to, reason: '录入错误' } })
      .then([retracted])
    // Afterwards it can be withdrawn like any published standard.
    given([drafted, published, superseded, retracted])
      .when({ type: 'WithdrawStandard', input: withdrawn.data, recordedOn: '2025-06-01' })
      .then([withdrawn])
  })
  it('refuses a link never recorded', () => {
    given([drafted, published])
      .when({ type: 'RetractReplacement', input: { ...key, replacedBy: to, reason: '录入错误' } })
      .thenThrows(RuleViolationError, /not recorded as replaced by GB\/T 19001-2025; nothing to retract/)
  })
  it('refuses an unknown standard', () => {
    given([])
      .when({ type: 'RetractReplacement', input: { ...key, replacedBy: to, reason: '录入错误' } })
      .thenThrows(NotFoundError, /GB\/T 19001-2016/)
  })
})

describe('RecordStandardStage', () => {
  it('records a confirmation stage with its date', () => {
    given([drafted, published])
      .when({ type: 'RecordStandardStage', input: { ...key, stageCode: '90.93', on: '2021-06' } })
      .then([
        {
          type: 'StandardStageReached',
          data: { ...key, stageCode: '90.93', on: '2021-06-01', precision: { on: 'month' } },
        },
      ])
  })
  it('refuses an unknown edition', () => {
    given([])
      .when({ type: 'RecordStandardStage', input: { ...key, stageCode: '90.93', on: '2021' } })
      .thenThrows(NotFoundError, /GB\/T 19001-2016/)
  })
})

describe('PublishStandard with a drafting date', () => {
  it('refuses publication before the draft date', () => {
    given([{ type: 'StandardDrafted', data: { ...drafted.data, draftedOn: '2017-01-01' } }])
      .when({
        type: 'PublishStandard',
        input: { ...key, publishedOn: '2016-12-30', effectiveFrom: '2017-07-01' },
      })
      .thenThrows(RuleViolationError, /published on 2016-12-30, before it was drafted on 2017-01-01/)
  })
})

describe('CorrectStandardDate', () => {
  const noFacts = { replaced: [], replacement: null }
  const correct = (
    stage: 'published' | 'effective' | 'superseded' | 'withdrawn' | 'draft',
    date: string,
  ) => ({
    type: 'CorrectStandardDate' as const,
    input: { ...key, stage, date, reason: '录入错误' },
    facts: noFacts,
  })
  it('records the corrected date with the date it replaces', () => {
    given([drafted, published])
      .when(correct('effective', '2017-06-01'))
      .then([
        {
          type: 'StandardDateCorrected',
          data: {
            ...key,
            stage: 'effective',
            date: '2017-06-01',
            previousDate: '2017-07-01',
            reason: '录入错误',
          },
        },
      ])
  })
  it('applies earlier corrections when checking a later one', () => {
    const first: StandardEvent = {
      type: 'StandardDateCorrected',
      data: {
        ...key,
        stage: 'published',
        date: '2016-10-01',
        previousDate: '2016-12-30',
        reason: '录入错误',
      },
    }
    given([drafted, published, first])
      .when(correct('published', '2016-12-30'))
      .then([
        {
          type: 'StandardDateCorrected',
          data: {
            ...key,
            stage: 'published',
            date: '2016-12-30',
            previousDate: '2016-10-01',
            reason: '录入错误',
          },
        },
      ])
  })
  it('refuses an unknown standard', () => {
    given([])
      .when(correct('published', '2016-01-01'))
      .thenThrows(NotFoundError, /GB\/T 19001-2016/)
  })
  it('refuses correcting a stage never recorded', () => {
    given([drafted, published])
      .when(correct('withdrawn', '2020-01-01'))
      .thenThrows(RuleViolationError, /has no recorded withdrawn date to correct/)
  })
  it('refuses a correction that changes nothing', () => {
    given([drafted, published])
      .when(correct('published', '2016-12-30'))
      .thenThrows(RuleViolationError, /already recorded as published on 2016-12-30; nothing to correct/)
  })
  it('refuses a corrected date out of order with the standard’s other dates', () => {
    given([drafted, published])
      .when(correct('published', '2017-08-01'))
      .thenThrows(RuleViolationError, /effective on 2017-07-01, before it was published on 2017-08-01/)
  })
  it('refuses moving a supersession before the replacement’s publication (read model fact)', () => {
    given([drafted, published, superseded])
      .when({
        ...correct('superseded', '2024-06-01'),
        facts: {
          replaced: [],
          replacement: {
            code: 'GB/T 19001',
            version: '2025',
            lifecycle: 'published',
            publishedOn: '2024-12-01',
            supersededOn: null,
            withdrawnOn: null,
          },
        },
      })
      .thenThrows(
        RuleViolationError,
        /superseded on 2024-06-01, before its replacement GB\/T 19001-2025 was published/,
      )
  })
  it('refuses moving a publication after the supersession of an edition it replaced (read model fact)', () => {
    given([drafted, published])
      .when({
        ...correct('published', '2017-01-15'),
        facts: {
          replaced: [{ code: 'GB/T 19001', version: '2008', supersededOn: '2017-01-01' }],
          replacement: null,
        },
      })
      .thenThrows(
        RuleViolationError,
        /GB\/T 19001-2008 is recorded as superseded by GB\/T 19001-2016 on 2017-01-01/,
      )
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
  const replacement = {
    code: 'GB/T 19001',
    version: '2025',
    lifecycle: 'published' as const,
    publishedOn: '2024-12-01',
    supersededOn: null,
    withdrawnOn: null,
  }
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
        facts: { replacement: { ...replacement, lifecycle: 'withdrawn', withdrawnOn: '2024-12-31' } },
      })
      .thenThrows(RuleViolationError, /GB\/T 19001-2025 is itself withdrawn on 2024-12-31/)
  })
  it('accepts a replacement superseded only later (history entered in any order)', () => {
    given([drafted, published])
      .when({
        type: 'SupersedeStandard',
        input,
        facts: { replacement: { ...replacement, lifecycle: 'superseded', supersededOn: '2030-01-01' } },
      })
      .then([superseded])
  })
  it('refuses a replacement that is not published', () => {
    given([drafted, published])
      .when({
        type: 'SupersedeStandard',
        input,
        facts: { replacement: { ...replacement, lifecycle: 'draft', publishedOn: null } },
      })
      .thenThrows(RuleViolationError, /GB\/T 19001-2025 is not published; publish it before superseding/)
  })
  it('refuses a supersession before the replacement was published', () => {
    given([drafted, published])
      .when({
        type: 'SupersedeStandard',
        input,
        facts: { replacement: { ...replacement, publishedOn: '2025-03-01' } },
      })
      .thenThrows(
        RuleViolationError,
        /superseded on 2025-01-01, before its replacement GB\/T 19001-2025 was published on 2025-03-01/,
      )
  })
  it('refuses a supersession before its own publication', () => {
    given([drafted, published])
      .when({
        type: 'SupersedeStandard',
        input: { ...input, supersededOn: '2016-01-01', transitionEndsOn: '2017-01-01' },
        facts: { replacement: { ...replacement, publishedOn: '2015-01-01' } },
      })
      .thenThrows(RuleViolationError, /superseded on 2016-01-01, before it was published on 2016-12-30/)
  })
  it('refuses supersession by itself', () => {
    given([drafted, published])
      .when({
        type: 'SupersedeStandard',
        input: { ...input, replacedBy: key },
        facts: { replacement: { ...replacement, ...key } },
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
  it('refuses superseding a draft, or twice by the same replacement', () => {
    given([drafted])
      .when({ type: 'SupersedeStandard', input, facts: { replacement } })
      .thenThrows(RuleViolationError, /is draft/)
    given([drafted, published, superseded])
      .when({ type: 'SupersedeStandard', input, facts: { replacement } })
      .thenThrows(RuleViolationError, /already recorded as replaced by GB\/T 19001-2025/)
  })
  it('records a split: a second replacement of an already superseded edition', () => {
    const part2 = { ...replacement, code: 'GB/T 19002', version: '2025' }
    given([drafted, published, superseded])
      .when({
        type: 'SupersedeStandard',
        input: { ...input, replacedBy: { code: 'GB/T 19002', version: '2025' } },
        facts: { replacement: part2 },
      })
      .then([
        {
          type: 'StandardSuperseded',
          data: { ...input, replacedBy: { code: 'GB/T 19002', version: '2025' } },
        },
      ])
  })
  it('records a partial replacement and month-precision dates', () => {
    given([drafted, published])
      .when({
        type: 'SupersedeStandard',
        input: {
          ...key,
          replacedBy: { code: 'GB/T 19001', version: '2025' },
          supersededOn: '2025-01',
          partial: true,
        },
        facts: { replacement },
      })
      .then([
        {
          type: 'StandardSuperseded',
          data: {
            ...key,
            replacedBy: { code: 'GB/T 19001', version: '2025' },
            supersededOn: '2025-01-01',
            transitionEndsOn: '2025-01-01',
            partial: true,
            precision: { supersededOn: 'month', transitionEndsOn: 'month' },
          },
        },
      ])
  })
})

describe('WithdrawStandard', () => {
  it('withdraws a published standard', () => {
    given([drafted, published])
      .when({ type: 'WithdrawStandard', input: withdrawn.data, recordedOn: '2025-06-01' })
      .then([withdrawn])
  })
  it('refuses a withdrawal before publication', () => {
    given([drafted, published])
      .when({
        type: 'WithdrawStandard',
        input: { ...withdrawn.data, withdrawnOn: '2016-12-29' },
        recordedOn: '2025-06-01',
      })
      .thenThrows(RuleViolationError, /withdrawn on 2016-12-29, before it was published on 2016-12-30/)
  })
  it('refuses withdrawing twice or withdrawing a superseded standard', () => {
    given([drafted, published, withdrawn])
      .when({ type: 'WithdrawStandard', input: withdrawn.data, recordedOn: '2025-06-01' })
      .thenThrows(RuleViolationError, /is withdrawn; only a published standard can be withdrawn/)
    given([drafted, published, superseded])
      .when({ type: 'WithdrawStandard', input: withdrawn.data, recordedOn: '2025-06-01' })
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
