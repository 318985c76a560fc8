import { InvalidCommandError, NotFoundError, RuleViolationError } from '@qi/decider'
import { spec } from '@qi/decider/testing'
import { describe, it } from 'vitest'
import { type CMarkCommand, type CMarkEvent, cmarkDecider } from './cmark'
import { commitment, TODAY, WUHAN_SCALES } from './fixtures'

const declareData = {
  enterpriseId: WUHAN_SCALES,
  products: ['500 g packaged rice'],
  commitment: commitment(),
}
const declare = (overrides: Partial<typeof declareData> = {}): CMarkCommand => ({
  type: 'DeclareCMark',
  data: { ...declareData, ...overrides },
  today: TODAY,
})
const declared: CMarkEvent = { type: 'CMarkDeclared', data: { ...declareData, declaredOn: TODAY } }
const schedule = (checkId = 'CK-1', today = '2025-07-01'): CMarkCommand => ({
  type: 'ScheduleCMarkCheck',
  data: { enterpriseId: WUHAN_SCALES, checkId },
  today,
})
const scheduled: CMarkEvent = {
  type: 'CMarkCheckScheduled',
  data: { enterpriseId: WUHAN_SCALES, checkId: 'CK-1', sampledOn: '2025-07-01', dueOn: '2025-07-31' },
}
const check = (
  data: Partial<Extract<CMarkCommand, { type: 'RecordCMarkCheck' }>['data']> = {},
): CMarkCommand => ({
  type: 'RecordCMarkCheck',
  data: { enterpriseId: WUHAN_SCALES, checkId: 'CK-1', checkedOn: '2025-07-10', passed: true, ...data },
  inspector: 'inspector-zhao',
})
const failed: CMarkEvent = {
  type: 'CMarkCheckFailed',
  data: {
    enterpriseId: WUHAN_SCALES,
    checkId: 'CK-1',
    checkedOn: '2025-07-10',
    inspector: 'inspector-zhao',
    findings: 'net content 3 % short',
  },
}

describe('DeclareCMark (self-declaration, no approval)', () => {
  it('files the declaration and commitment', () => {
    spec(cmarkDecider).given([]).when(declare()).then([declared])
  })

  it('refuses a second declaration', () => {
    spec(cmarkDecider)
      .given([declared])
      .when(declare())
      .thenThrows(RuleViolationError, 'has already declared')
  })

  it('refuses a declaration after the right was withdrawn', () => {
    spec(cmarkDecider)
      .given([declared, scheduled, failed])
      .when(declare())
      .thenThrows(RuleViolationError, 'lost the right to use the C mark')
  })

  it('refuses a commitment signed after today', () => {
    spec(cmarkDecider)
      .given([])
      .when(declare({ commitment: commitment('2025-06-20') }))
      .thenThrows(RuleViolationError, 'after today')
  })
})

describe('ScheduleCMarkCheck (sampling)', () => {
  it('schedules a check due in 30 days', () => {
    spec(cmarkDecider).given([declared]).when(schedule()).then([scheduled])
  })

  it('refuses an enterprise that has not declared', () => {
    spec(cmarkDecider).given([]).when(schedule()).thenThrows(NotFoundError, 'C-mark declaration')
  })

  it('refuses while a check is open, or a reused check id', () => {
    spec(cmarkDecider)
      .given([declared, scheduled])
      .when(schedule('CK-2'))
      .thenThrows(RuleViolationError, 'check CK-1 of enterprise')
    spec(cmarkDecider)
      .given([
        declared,
        scheduled,
        {
          type: 'CMarkCheckPassed',
          data: { enterpriseId: WUHAN_SCALES, checkId: 'CK-1', checkedOn: '2025-07-10', inspector: 'x' },
        },
      ])
      .when(schedule('CK-1'))
      .thenThrows(RuleViolationError, 'check CK-1 was already scheduled')
  })

  it('refuses once the right was withdrawn', () => {
    spec(cmarkDecider)
      .given([declared, scheduled, failed])
      .when(schedule('CK-2'))
      .thenThrows(RuleViolationError, 'no longer has the right')
  })
})

describe('RecordCMarkCheck', () => {
  it('confirms the declaration', () => {
    spec(cmarkDecider)
      .given([declared, scheduled])
      .when(check())
      .then([
        {
          type: 'CMarkCheckPassed',
          data: {
            enterpriseId: WUHAN_SCALES,
            checkId: 'CK-1',
            checkedOn: '2025-07-10',
            inspector: 'inspector-zhao',
          },
        },
      ])
  })

  it('withdraws the right to use the mark on a failed check', () => {
    spec(cmarkDecider)
      .given([declared, scheduled])
      .when(check({ passed: false, findings: 'net content 3 % short' }))
      .then([failed])
  })

  it('refuses a failed check without findings', () => {
    spec(cmarkDecider)
      .given([declared, scheduled])
      .when(check({ passed: false }))
      .thenThrows(InvalidCommandError, 'needs its findings')
  })

  it('refuses a check dated before the sampling', () => {
    spec(cmarkDecider)
      .given([declared, scheduled])
      .when(check({ checkedOn: '2025-06-30' }))
      .thenThrows(RuleViolationError, 'before it was sampled')
  })

  it('refuses an unknown or already recorded check', () => {
    spec(cmarkDecider)
      .given([declared])
      .when(check())
      .thenThrows(NotFoundError, "C-mark check 'CK-1' was not found")
    spec(cmarkDecider)
      .given([declared, scheduled, failed])
      .when(check())
      .thenThrows(RuleViolationError, 'was already recorded (failed)')
  })
})

describe('MarkCheckOverdue (deadline timer)', () => {
  const overdue = (today: string): CMarkCommand => ({
    type: 'MarkCheckOverdue',
    data: { enterpriseId: WUHAN_SCALES, checkId: 'CK-1' },
    today,
  })
  const marked: CMarkEvent = {
    type: 'CMarkCheckOverdue',
    data: { enterpriseId: WUHAN_SCALES, checkId: 'CK-1', dueOn: '2025-07-31' },
  }

  it('marks a check not recorded by its due date', () => {
    spec(cmarkDecider).given([declared, scheduled]).when(overdue('2025-08-01')).then([marked])
  })

  it('refuses before the due date has passed, twice, once recorded, or for an unknown check', () => {
    spec(cmarkDecider)
      .given([declared, scheduled])
      .when(overdue('2025-07-31'))
      .thenThrows(RuleViolationError, 'not overdue on 2025-07-31')
    spec(cmarkDecider)
      .given([declared, scheduled, marked])
      .when(overdue('2025-08-02'))
      .thenThrows(RuleViolationError, 'already marked overdue')
    spec(cmarkDecider)
      .given([declared, scheduled, failed])
      .when(overdue('2025-08-02'))
      .thenThrows(RuleViolationError, 'already recorded (failed)')
    spec(cmarkDecider).given([declared]).when(overdue('2025-08-02')).thenThrows(NotFoundError, 'C-mark check')
  })
})
