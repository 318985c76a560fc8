import { licensing as contract, type EventOf } from '@qi/contracts'
import { type Decider, NotFoundError, RuleViolationError } from '@qi/decider'

type BodyApproved = EventOf<typeof contract.ExaminationBodyApproved>
type ExamRecorded = EventOf<typeof contract.OperatorExamRecorded>
type CertificateIssued = EventOf<typeof contract.OperatorCertificateIssued>
export type ExaminationBodyEvent = BodyApproved | ExamRecorded | CertificateIssued

export type ExaminationBodyCommand =
  | { type: 'ApproveExaminationBody'; data: Omit<BodyApproved['data'], 'approvedOn'>; today: string }
  | { type: 'RecordOperatorExam'; data: ExamRecorded['data']; today: string }

export interface ExaminationBodyState {
  approved: { categories: string[]; approvedOn: string } | null
  exams: string[]
}

const plusYears = (date: string, years: number) => `${Number(date.slice(0, 4)) + years}${date.slice(4)}`

/**
 * An operator examination body set up by a using unit in the zone (item 二十一): it examines
 * operators in its approved categories, and a passed exam gets the certificate on the spot.
 */
export const examinationBodyDecider: Decider<
  ExaminationBodyCommand,
  ExaminationBodyEvent,
  ExaminationBodyState
> = {
  initialState: () => ({ approved: null, exams: [] }),
  evolve(state, event) {
    switch (event.type) {
      case 'ExaminationBodyApproved':
        return {
          ...state,
          approved: { categories: event.data.categories, approvedOn: event.data.approvedOn },
        }
      case 'OperatorExamRecorded':
        return { ...state, exams: [...state.exams, event.data.examId] }
      case 'OperatorCertificateIssued':
        return state
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'ApproveExaminationBody': {
        if (state.approved) {
          throw new RuleViolationError(
            'special_equipment.body_approved',
            `examination body ${command.data.bodyId} is already approved`,
            command.data.bodyId,
          )
        }
        return [{ type: 'ExaminationBodyApproved', data: { ...command.data, approvedOn: command.today } }]
      }
      case 'RecordOperatorExam': {
        const { data, today } = command
        if (!state.approved) throw new NotFoundError('examination body', data.bodyId)
        if (!state.approved.categories.includes(data.category)) {
          throw new RuleViolationError(
            'special_equipment.category_not_approved',
            `examination body ${data.bodyId} is not approved to examine '${data.category}' (approved: ${state.approved.categories.join(', ')})`,
            data.category,
            'category',
          )
        }
        if (state.exams.includes(data.examId)) {
          throw new RuleViolationError(
            'special_equipment.exam_recorded',
            `exam ${data.examId} was already recorded`,
            data.examId,
            'examId',
          )
        }
        if (data.examinedOn < state.approved.approvedOn || data.examinedOn > today) {
          throw new RuleViolationError(
            'special_equipment.exam_date',
            `the exam date must lie between the body's approval (${state.approved.approvedOn}) and today (${today})`,
            data.examId,
            'examinedOn',
          )
        }
        const recorded: ExaminationBodyEvent = { type: 'OperatorExamRecorded', data }
        if (!data.passed) return [recorded]
        return [
          recorded,
          {
            type: 'OperatorCertificateIssued',
            data: {
              certificateNo: `TZ-${data.examId}`,
              bodyId: data.bodyId,
              examId: data.examId,
              candidate: data.candidate,
              category: data.category,
              issuedOn: today,
              expiresOn: plusYears(today, contract.OPERATOR_CERTIFICATE_YEARS),
            },
          },
        ]
      }
    }
  },
}

type Manufacturing = EventOf<typeof contract.ManufacturingQualificationRecorded>
type Derived = EventOf<typeof contract.DerivedQualificationGranted>
export type QualificationEvent = Manufacturing | Derived

export type QualificationCommand =
  | { type: 'RecordManufacturingQualification'; data: Manufacturing['data'] }
  | {
      type: 'ApplyForDerivedQualification'
      data: {
        enterpriseId: string
        qualificationNo: string
        activities: Array<'installation' | 'alteration' | 'repair'>
      }
      today: string
    }

export interface QualificationState {
  manufacturing: Record<string, { equipmentCategory: string; expiresOn: string }>
  derived: Record<string, string[]>
}

/**
 * An enterprise's special-equipment qualifications: holding a manufacturing qualification, it is
 * granted the matching installation/alteration/repair qualification on request (item 二十一),
 * derived from it and valid as long as it.
 */
export const qualificationDecider: Decider<QualificationCommand, QualificationEvent, QualificationState> = {
  initialState: () => ({ manufacturing: {}, derived: {} }),
  evolve(state, event) {
    switch (event.type) {
      case 'ManufacturingQualificationRecorded':
        return {
          ...state,
          manufacturing: {
            ...state.manufacturing,
            [event.data.qualificationNo]: {
              equipmentCategory: event.data.equipmentCategory,
              expiresOn: event.data.expiresOn,
            },
          },
        }
      case 'DerivedQualificationGranted':
        return {
          ...state,
          derived: {
            ...state.derived,
            [event.data.derivedFrom]: [
              ...(state.derived[event.data.derivedFrom] ?? []),
              ...event.data.activities,
            ],
          },
        }
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'RecordManufacturingQualification': {
        const { data } = command
        if (state.manufacturing[data.qualificationNo]) {
          throw new RuleViolationError(
            'special_equipment.qualification_exists',
            `qualification ${data.qualificationNo} was already recorded`,
            data.qualificationNo,
            'qualificationNo',
          )
        }
        if (data.expiresOn <= data.grantedOn) {
          throw new RuleViolationError(
            'special_equipment.expires_after_grant',
            'the qualification must expire after it is granted',
            data.qualificationNo,
            'expiresOn',
          )
        }
        return [{ type: 'ManufacturingQualificationRecorded', data }]
      }
      case 'ApplyForDerivedQualification': {
        const { data, today } = command
        const manufacturing = state.manufacturing[data.qualificationNo]
        if (!manufacturing) {
          throw new RuleViolationError(
            'special_equipment.needs_manufacturing',
            `enterprise ${data.enterpriseId} holds no manufacturing qualification ${data.qualificationNo}; a derived qualification rests on one`,
            data.qualificationNo,
            'qualificationNo',
          )
        }
        if (manufacturing.expiresOn < today) {
          throw new RuleViolationError(
            'special_equipment.manufacturing_expired',
            `manufacturing qualification ${data.qualificationNo} expired on ${manufacturing.expiresOn}`,
            data.qualificationNo,
            'qualificationNo',
          )
        }
        const held = state.derived[data.qualificationNo] ?? []
        const already = data.activities.filter((activity) => held.includes(activity))
        if (already.length > 0) {
          throw new RuleViolationError(
            'special_equipment.derived_held',
            `the ${already.join(', ')} qualification derived from ${data.qualificationNo} is already held`,
            already[0],
            'activities',
          )
        }
        return [
          {
            type: 'DerivedQualificationGranted',
            data: {
              enterpriseId: data.enterpriseId,
              derivedFrom: data.qualificationNo,
              equipmentCategory: manufacturing.equipmentCategory,
              activities: data.activities,
              grantedOn: today,
              expiresOn: manufacturing.expiresOn,
            },
          },
        ]
      }
    }
  },
}
