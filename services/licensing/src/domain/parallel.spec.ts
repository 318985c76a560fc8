import { ForbiddenError, NotFoundError, RuleViolationError } from '@qi/decider'
import { spec } from '@qi/decider/testing'
import { describe, it } from 'vitest'
import { TODAY, WUHAN_SCALES } from './fixtures'
import { type ParallelCommand, type ParallelEvent, parallelDecider } from './parallel'

const filed: ParallelEvent = {
  type: 'ParallelApplicationFiled',
  data: {
    applicationId: 'PA-1',
    enterpriseId: WUHAN_SCALES,
    instrument: 'electronic price-computing scale',
    filedOn: TODAY,
    branches: [
      { branch: 'type_approval', department: 'metrology institute (型式批准)', dueOn: '2025-07-05' },
      { branch: 'manufacturing_licence', department: 'approvals office (制造许可)', dueOn: '2025-06-30' },
    ],
  },
}
const decide = (
  branch: 'type_approval' | 'manufacturing_licence',
  approved: boolean,
  reason?: string,
): ParallelCommand => ({
  type: 'DecideParallelBranch',
  data: { applicationId: 'PA-1', branch, approved, ...(reason ? { reason } : {}) },
  reviewerOrg: branch === 'type_approval' ? 'HBMI' : 'HBAMR',
  today: '2025-06-25',
})
const decided = (
  branch: 'type_approval' | 'manufacturing_licence',
  approved: boolean,
  reason?: string,
): ParallelEvent => ({
  type: 'ParallelBranchDecided',
  data: {
    applicationId: 'PA-1',
    branch,
    approved,
    ...(reason ? { reason } : {}),
    reviewerOrg: branch === 'type_approval' ? 'HBMI' : 'HBAMR',
    decidedOn: '2025-06-25',
  },
})

const assigned = (
  branch: 'type_approval' | 'manufacturing_licence',
  reviewerOrg?: string,
): ParallelEvent => ({
  type: 'ParallelBranchAssigned',
  data: {
    applicationId: 'PA-1',
    branch,
    reviewerOrg: reviewerOrg ?? (branch === 'type_approval' ? 'HBMI' : 'HBAMR'),
    assignedOn: TODAY,
  },
})
/** Filed, each branch assigned to its reviewing department (HBMI: type approval, HBAMR: the licence). */
const assignedBoth = [filed, assigned('type_approval'), assigned('manufacturing_licence')]

describe('FileParallelApplication (并联审批)', () => {
  it('opens both branches at once, each with its department and deadline', () => {
    spec(parallelDecider)
      .given([])
      .when({
        type: 'FileParallelApplication',
        data: {
          applicationId: 'PA-1',
          enterpriseId: WUHAN_SCALES,
          instrument: 'electronic price-computing scale',
        },
        today: TODAY,
      })
      .then([filed])
  })

  it('refuses a reused application id', () => {
    spec(parallelDecider)
      .given([filed])
      .when({
        type: 'FileParallelApplication',
        data: { applicationId: 'PA-1', enterpriseId: WUHAN_SCALES, instrument: 'x' },
        today: TODAY,
      })
      .thenThrows(RuleViolationError, 'application PA-1 was already filed')
  })
})

describe('DecideParallelBranch', () => {
  it('waits for the other branch after one approval', () => {
    spec(parallelDecider)
      .given([...assignedBoth])
      .when(decide('type_approval', true))
      .then([decided('type_approval', true)])
  })

  it('completes as approved when the last branch approves', () => {
    spec(parallelDecider)
      .given([...assignedBoth, decided('type_approval', true)])
      .when(decide('manufacturing_licence', true))
      .then([
        decided('manufacturing_licence', true),
        {
          type: 'ParallelApplicationCompleted',
          data: {
            applicationId: 'PA-1',
            enterpriseId: WUHAN_SCALES,
            outcome: 'approved',
            completedOn: '2025-06-25',
            stoppedBranches: [],
          },
        },
      ])
  })

  it('completes as refused on a refusal and stops the branches still open', () => {
    spec(parallelDecider)
      .given([...assignedBoth])
      .when(decide('type_approval', false, 'accuracy class not met'))
      .then([
        decided('type_approval', false, 'accuracy class not met'),
        {
          type: 'ParallelApplicationCompleted',
          data: {
            applicationId: 'PA-1',
            enterpriseId: WUHAN_SCALES,
            outcome: 'refused',
            completedOn: '2025-06-25',
            stoppedBranches: ['manufacturing_licence'],
          },
        },
      ])
  })

  it('refuses a decision in a stopped branch', () => {
    spec(parallelDecider)
      .given([
        filed,
        decided('type_approval', false, 'x'),
        {
          type: 'ParallelApplicationCompleted',
          data: {
            applicationId: 'PA-1',
            enterpriseId: WUHAN_SCALES,
            outcome: 'refused',
            completedOn: '2025-06-25',
            stoppedBranches: ['manufacturing_licence'],
          },
        },
      ])
      .when(decide('manufacturing_licence', true))
      .thenThrows(RuleViolationError, 'was already completed (refused); its open branches were stopped')
  })

  it('refuses a second decision in one branch', () => {
    spec(parallelDecider)
      .given([...assignedBoth, decided('type_approval', true)])
      .when(decide('type_approval', true))
      .thenThrows(RuleViolationError, 'was already decided')
  })

  it('refuses a refusal without its reason', () => {
    spec(parallelDecider)
      .given([...assignedBoth])
      .when(decide('type_approval', false))
      .thenThrows(RuleViolationError, 'a refusal needs its reason')
  })

  it('refuses an unknown application', () => {
    spec(parallelDecider)
      .given([])
      .when(decide('type_approval', true))
      .thenThrows(NotFoundError, "parallel application 'PA-1' was not found")
  })
  it('refuses a decision by an organisation other than the branch’s reviewing department', () => {
    spec(parallelDecider)
      .given(assignedBoth)
      .when({ ...decide('type_approval', true), reviewerOrg: 'WHMI' } as ParallelCommand)
      .thenThrows(ForbiddenError, 'is reviewed by HBMI, not by WHMI')
  })

  it('refuses a decision in a branch not assigned to a department yet', () => {
    spec(parallelDecider)
      .given([filed])
      .when(decide('type_approval', true))
      .thenThrows(RuleViolationError, 'has no reviewing department yet')
  })
})

describe('AssignParallelBranch', () => {
  const assign = (reviewerOrg: string): ParallelCommand => ({
    type: 'AssignParallelBranch',
    data: { applicationId: 'PA-1', branch: 'type_approval', reviewerOrg },
    today: TODAY,
  })

  it('binds the branch to its reviewing department', () => {
    spec(parallelDecider)
      .given([filed])
      .when(assign('HBMI'))
      .then([assigned('type_approval')])
  })

  it('re-assigns an undecided branch to another department, and a repeated assignment changes nothing', () => {
    spec(parallelDecider)
      .given(assignedBoth)
      .when(assign('WHMI'))
      .then([assigned('type_approval', 'WHMI')])
    spec(parallelDecider).given(assignedBoth).when(assign('HBMI')).then([])
  })

  it('refuses to assign a decided branch, a completed application or an unknown one', () => {
    spec(parallelDecider)
      .given([...assignedBoth, decided('type_approval', true)])
      .when(assign('WHMI'))
      .thenThrows(RuleViolationError, 'was already decided')
    spec(parallelDecider)
      .given([
        ...assignedBoth,
        decided('manufacturing_licence', false, 'x'),
        {
          type: 'ParallelApplicationCompleted',
          data: {
            applicationId: 'PA-1',
            enterpriseId: WUHAN_SCALES,
            outcome: 'refused',
            completedOn: '2025-06-25',
            stoppedBranches: ['type_approval'],
          },
        },
      ])
      .when(assign('WHMI'))
      .thenThrows(RuleViolationError, 'was already completed')
    spec(parallelDecider).given([]).when(assign('HBMI')).thenThrows(NotFoundError)
  })
})

describe('MarkBranchOverdue (deadline timer)', () => {
  const overdue = (today: string): ParallelCommand => ({
    type: 'MarkBranchOverdue',
    data: { applicationId: 'PA-1', branch: 'manufacturing_licence' },
    today,
  })
  const marked: ParallelEvent = {
    type: 'ParallelBranchOverdue',
    data: { applicationId: 'PA-1', branch: 'manufacturing_licence', dueOn: '2025-06-30' },
  }

  it('marks the branch where the application waits past its deadline', () => {
    spec(parallelDecider).given([filed]).when(overdue('2025-07-01')).then([marked])
  })

  it('refuses before the deadline has passed, or twice', () => {
    spec(parallelDecider)
      .given([filed])
      .when(overdue('2025-06-30'))
      .thenThrows(RuleViolationError, 'not overdue on 2025-06-30')
    spec(parallelDecider)
      .given([filed, marked])
      .when(overdue('2025-07-02'))
      .thenThrows(RuleViolationError, 'already marked overdue')
  })

  it('refuses for a branch already decided', () => {
    spec(parallelDecider)
      .given([filed, decided('manufacturing_licence', true)])
      .when(overdue('2025-07-01'))
      .thenThrows(RuleViolationError, 'was already decided')
  })
})
