import { InvalidCommandError, NotFoundError, RuleViolationError } from '@qi/decider'
import { spec } from '@qi/decider/testing'
import { describe, it } from 'vitest'
import { type CommitmentCommand, type CommitmentEvent, commitmentDecider } from './commitment'
import { commitment, TODAY } from './fixtures'

const approveData = {
  approvalId: 'CMA-2025-001',
  holderId: 'HBQI',
  matter: 'lab_qualification_first' as const,
  scope: ['GB 4706.1-2005 household appliances safety'],
  commitment: commitment(),
}
const approve = (overrides: Partial<typeof approveData> = {}): CommitmentCommand => ({
  type: 'ApproveOnCommitment',
  data: { ...approveData, ...overrides },
  today: TODAY,
})
const approved: CommitmentEvent = {
  type: 'ApprovedOnCommitment',
  data: { ...approveData, approvedOn: TODAY, inspectionDueOn: '2025-09-13' },
}
const inspect = (
  data: Partial<Extract<CommitmentCommand, { type: 'RecordCommitmentInspection' }>['data']> = {},
): CommitmentCommand => ({
  type: 'RecordCommitmentInspection',
  data: { approvalId: 'CMA-2025-001', inspectedOn: '2025-08-01', truthful: true, ...data },
  inspector: 'inspector-wang',
})
const overdue = (today: string): CommitmentCommand => ({
  type: 'MarkInspectionOverdue',
  data: { approvalId: 'CMA-2025-001' },
  today,
})

describe('ApproveOnCommitment (告知承诺制)', () => {
  it('approves at once on the signed commitment, the inspection due in 90 days', () => {
    spec(commitmentDecider).given([]).when(approve()).then([approved])
  })

  it('refuses a reused approval id', () => {
    spec(commitmentDecider)
      .given([approved])
      .when(approve())
      .thenThrows(RuleViolationError, 'approval CMA-2025-001 already exists')
  })

  it('refuses a commitment signed after today', () => {
    spec(commitmentDecider)
      .given([])
      .when(approve({ commitment: commitment('2025-06-16') }))
      .thenThrows(RuleViolationError, 'cannot be signed on 2025-06-16, after today')
  })
})

describe('RecordCommitmentInspection', () => {
  it('verifies a true commitment', () => {
    spec(commitmentDecider)
      .given([approved])
      .when(inspect())
      .then([
        {
          type: 'CommitmentVerified',
          data: { approvalId: 'CMA-2025-001', inspectedOn: '2025-08-01', inspector: 'inspector-wang' },
        },
      ])
  })

  it('revokes the approval for a false commitment, with the period done under it', () => {
    spec(commitmentDecider)
      .given([approved])
      .when(
        inspect({ truthful: false, findings: 'the signatory named in the commitment never worked there' }),
      )
      .then([
        {
          type: 'ApprovalRevokedForFalseCommitment',
          data: {
            approvalId: 'CMA-2025-001',
            holderId: 'HBQI',
            matter: 'lab_qualification_first',
            inspectedOn: '2025-08-01',
            inspector: 'inspector-wang',
            findings: 'the signatory named in the commitment never worked there',
            doneUnder: { from: TODAY, to: '2025-08-01' },
          },
        },
      ])
  })

  it('refuses a false commitment without findings', () => {
    spec(commitmentDecider)
      .given([approved])
      .when(inspect({ truthful: false }))
      .thenThrows(InvalidCommandError, 'needs the findings')
  })

  it('refuses an inspection dated before the approval', () => {
    spec(commitmentDecider)
      .given([approved])
      .when(inspect({ inspectedOn: '2025-06-01' }))
      .thenThrows(RuleViolationError, 'before the approval on 2025-06-15')
  })

  it('refuses a second inspection', () => {
    spec(commitmentDecider)
      .given([
        approved,
        {
          type: 'CommitmentVerified',
          data: { approvalId: 'CMA-2025-001', inspectedOn: '2025-08-01', inspector: 'x' },
        },
      ])
      .when(inspect())
      .thenThrows(RuleViolationError, 'was already inspected (verified)')
  })

  it('refuses an unknown approval', () => {
    spec(commitmentDecider)
      .given([])
      .when(inspect())
      .thenThrows(NotFoundError, "approval on commitment 'CMA-2025-001' was not found")
  })
})

describe('MarkInspectionOverdue (deadline timer)', () => {
  it('marks the inspection overdue after its due date', () => {
    spec(commitmentDecider)
      .given([approved])
      .when(overdue('2025-09-14'))
      .then([
        { type: 'CommitmentInspectionOverdue', data: { approvalId: 'CMA-2025-001', dueOn: '2025-09-13' } },
      ])
  })

  it('refuses before the due date has passed', () => {
    spec(commitmentDecider)
      .given([approved])
      .when(overdue('2025-09-13'))
      .thenThrows(RuleViolationError, 'it is not overdue on 2025-09-13')
  })

  it('refuses to mark it twice', () => {
    spec(commitmentDecider)
      .given([
        approved,
        { type: 'CommitmentInspectionOverdue', data: { approvalId: 'CMA-2025-001', dueOn: '2025-09-13' } },
      ])
      .when(overdue('2025-09-20'))
      .thenThrows(RuleViolationError, 'already marked overdue')
  })

  it('refuses once the inspection is recorded', () => {
    spec(commitmentDecider)
      .given([
        approved,
        {
          type: 'CommitmentVerified',
          data: { approvalId: 'CMA-2025-001', inspectedOn: '2025-08-01', inspector: 'x' },
        },
      ])
      .when(overdue('2025-09-20'))
      .thenThrows(RuleViolationError, 'already inspected')
  })
})
