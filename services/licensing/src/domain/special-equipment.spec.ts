import { NotFoundError, RuleViolationError } from '@qi/decider'
import { spec } from '@qi/decider/testing'
import { describe, it } from 'vitest'
import { HUBEI_VALVES, TODAY } from './fixtures'
import {
  type ExaminationBodyEvent,
  examinationBodyDecider,
  type QualificationEvent,
  qualificationDecider,
} from './special-equipment'

const approved: ExaminationBodyEvent = {
  type: 'ExaminationBodyApproved',
  data: {
    bodyId: HUBEI_VALVES,
    name: 'Hubei Valves training centre',
    categories: ['G1 boiler operation'],
    approvedOn: '2025-01-10',
  },
}
const exam = (
  overrides: Partial<Extract<ExaminationBodyEvent, { type: 'OperatorExamRecorded' }>['data']> = {},
) => ({
  type: 'RecordOperatorExam' as const,
  data: {
    bodyId: HUBEI_VALVES,
    examId: 'EX-001',
    candidate: '刘洋 420106199001011234',
    category: 'G1 boiler operation',
    examinedOn: '2025-06-10',
    passed: true,
    ...overrides,
  },
  today: TODAY,
})

describe('ApproveExaminationBody', () => {
  it('approves a using unit as examination body for its categories', () => {
    spec(examinationBodyDecider)
      .given([])
      .when({
        type: 'ApproveExaminationBody',
        data: {
          bodyId: HUBEI_VALVES,
          name: 'Hubei Valves training centre',
          categories: ['G1 boiler operation'],
        },
        today: '2025-01-10',
      })
      .then([approved])
  })

  it('refuses to approve it twice', () => {
    spec(examinationBodyDecider)
      .given([approved])
      .when({
        type: 'ApproveExaminationBody',
        data: { bodyId: HUBEI_VALVES, name: 'x', categories: ['y'] },
        today: TODAY,
      })
      .thenThrows(RuleViolationError, 'is already approved')
  })
})

describe('RecordOperatorExam', () => {
  it('issues the certificate on the spot for a passed exam', () => {
    spec(examinationBodyDecider)
      .given([approved])
      .when(exam())
      .then([
        { type: 'OperatorExamRecorded', data: exam().data },
        {
          type: 'OperatorCertificateIssued',
          data: {
            certificateNo: 'TZ-EX-001',
            bodyId: HUBEI_VALVES,
            examId: 'EX-001',
            candidate: '刘洋 420106199001011234',
            category: 'G1 boiler operation',
            issuedOn: TODAY,
            expiresOn: '2029-06-15',
          },
        },
      ])
  })

  it('records a failed exam without a certificate', () => {
    spec(examinationBodyDecider)
      .given([approved])
      .when(exam({ passed: false }))
      .then([{ type: 'OperatorExamRecorded', data: exam({ passed: false }).data }])
  })

  it('refuses a category the body is not approved for', () => {
    spec(examinationBodyDecider)
      .given([approved])
      .when(exam({ category: 'N1 forklift' }))
      .thenThrows(RuleViolationError, "not approved to examine 'N1 forklift'")
  })

  it('refuses a reused exam id, an exam before the approval or after today, and an unapproved body', () => {
    spec(examinationBodyDecider)
      .given([approved, { type: 'OperatorExamRecorded', data: exam().data }])
      .when(exam())
      .thenThrows(RuleViolationError, 'exam EX-001 was already recorded')
    spec(examinationBodyDecider)
      .given([approved])
      .when(exam({ examinedOn: '2024-12-31' }))
      .thenThrows(RuleViolationError, 'the exam date must lie between')
    spec(examinationBodyDecider)
      .given([approved])
      .when(exam({ examinedOn: '2025-06-16' }))
      .thenThrows(RuleViolationError, 'the exam date must lie between')
    spec(examinationBodyDecider).given([]).when(exam()).thenThrows(NotFoundError, 'examination body')
  })
})

const manufacturing: QualificationEvent = {
  type: 'ManufacturingQualificationRecorded',
  data: {
    enterpriseId: HUBEI_VALVES,
    qualificationNo: 'TS2242001-2027',
    equipmentCategory: 'pressure vessels A2',
    grantedOn: '2023-01-01',
    expiresOn: '2027-01-01',
  },
}
const derive = (
  activities: Array<'installation' | 'alteration' | 'repair'>,
  qualificationNo = 'TS2242001-2027',
  today = TODAY,
) => ({
  type: 'ApplyForDerivedQualification' as const,
  data: { enterpriseId: HUBEI_VALVES, qualificationNo, activities },
  today,
})

describe('RecordManufacturingQualification', () => {
  it('records the qualification', () => {
    spec(qualificationDecider)
      .given([])
      .when({ type: 'RecordManufacturingQualification', data: manufacturing.data })
      .then([manufacturing])
  })

  it('refuses a recorded number or an expiry before the grant', () => {
    spec(qualificationDecider)
      .given([manufacturing])
      .when({ type: 'RecordManufacturingQualification', data: manufacturing.data })
      .thenThrows(RuleViolationError, 'was already recorded')
    spec(qualificationDecider)
      .given([])
      .when({
        type: 'RecordManufacturingQualification',
        data: { ...manufacturing.data, expiresOn: '2022-01-01' },
      })
      .thenThrows(RuleViolationError, 'must expire after it is granted')
  })
})

describe('ApplyForDerivedQualification', () => {
  it('grants installation and repair from the manufacturing qualification, valid as long as it', () => {
    spec(qualificationDecider)
      .given([manufacturing])
      .when(derive(['installation', 'repair']))
      .then([
        {
          type: 'DerivedQualificationGranted',
          data: {
            enterpriseId: HUBEI_VALVES,
            derivedFrom: 'TS2242001-2027',
            equipmentCategory: 'pressure vessels A2',
            activities: ['installation', 'repair'],
            grantedOn: TODAY,
            expiresOn: '2027-01-01',
          },
        },
      ])
  })

  it('refuses without a manufacturing qualification, after it expired, or for activities already held', () => {
    spec(qualificationDecider)
      .given([])
      .when(derive(['installation']))
      .thenThrows(RuleViolationError, 'holds no manufacturing qualification')
    spec(qualificationDecider)
      .given([manufacturing])
      .when(derive(['installation'], undefined, '2027-01-02'))
      .thenThrows(RuleViolationError, 'expired on 2027-01-01')
    spec(qualificationDecider)
      .given([
        manufacturing,
        {
          type: 'DerivedQualificationGranted',
          data: {
            enterpriseId: HUBEI_VALVES,
            derivedFrom: 'TS2242001-2027',
            equipmentCategory: 'pressure vessels A2',
            activities: ['installation'],
            grantedOn: TODAY,
            expiresOn: '2027-01-01',
          },
        },
      ])
      .when(derive(['installation', 'alteration']))
      .thenThrows(
        RuleViolationError,
        'the installation qualification derived from TS2242001-2027 is already held',
      )
  })
})
