import { licensing as contract, type EventOf } from '@qi/contracts'
import { type Decider, InvalidCommandError, NotFoundError, RuleViolationError } from '@qi/decider'
import { addDays } from './dates'

type Approved = EventOf<typeof contract.ApprovedOnCommitment>
type Verified = EventOf<typeof contract.CommitmentVerified>
type Revoked = EventOf<typeof contract.ApprovalRevokedForFalseCommitment>
type Overdue = EventOf<typeof contract.CommitmentInspectionOverdue>
export type CommitmentEvent = Approved | Verified | Revoked | Overdue

export type CommitmentCommand =
  | {
      type: 'ApproveOnCommitment'
      data: Omit<Approved['data'], 'approvedOn' | 'inspectionDueOn'>
      today: string
    }
  | {
      type: 'RecordCommitmentInspection'
      data: { approvalId: string; inspectedOn: string; truthful: boolean; findings?: string }
      inspector: string
    }
  | { type: 'MarkInspectionOverdue'; data: { approvalId: string }; today: string }

export interface CommitmentState {
  approval: { holderId: string; matter: contract.CommitmentMatter; approvedOn: string; dueOn: string } | null
  status: 'none' | 'approved' | 'verified' | 'revoked'
  overdue: boolean
}

/** An approval on a signed commitment (告知承诺制): granted at once, inspected later. */
export const commitmentDecider: Decider<CommitmentCommand, CommitmentEvent, CommitmentState> = {
  initialState: () => ({ approval: null, status: 'none', overdue: false }),
  evolve(state, event) {
    switch (event.type) {
      case 'ApprovedOnCommitment':
        return {
          approval: {
            holderId: event.data.holderId,
            matter: event.data.matter,
            approvedOn: event.data.approvedOn,
            dueOn: event.data.inspectionDueOn,
          },
          status: 'approved',
          overdue: false,
        }
      case 'CommitmentVerified':
        return { ...state, status: 'verified' }
      case 'ApprovalRevokedForFalseCommitment':
        return { ...state, status: 'revoked' }
      case 'CommitmentInspectionOverdue':
        return { ...state, overdue: true }
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'ApproveOnCommitment': {
        const { data, today } = command
        if (state.approval) {
          throw new RuleViolationError(
            'commitment.approval_exists',
            `approval ${data.approvalId} already exists; use a new approval id`,
            data.approvalId,
            'approvalId',
          )
        }
        if (data.commitment.signedOn > today) {
          throw new RuleViolationError(
            'commitment.signed_in_future',
            `the commitment cannot be signed on ${data.commitment.signedOn}, after today (${today})`,
            data.approvalId,
            'commitment.signedOn',
          )
        }
        return [
          {
            type: 'ApprovedOnCommitment',
            data: {
              ...data,
              approvedOn: today,
              inspectionDueOn: addDays(today, contract.COMMITMENT_INSPECTION_DAYS),
            },
          },
        ]
      }
      case 'RecordCommitmentInspection': {
        const { data } = command
        const approval = openApproval(state, data.approvalId)
        if (data.inspectedOn < approval.approvedOn) {
          throw new RuleViolationError(
            'commitment.inspected_after_approval',
            `the inspection cannot be dated ${data.inspectedOn}, before the approval on ${approval.approvedOn}`,
            data.approvalId,
            'inspectedOn',
          )
        }
        if (data.truthful) {
          return [
            {
              type: 'CommitmentVerified',
              data: {
                approvalId: data.approvalId,
                inspectedOn: data.inspectedOn,
                inspector: command.inspector,
              },
            },
          ]
        }
        if (!data.findings) throw new InvalidCommandError('a false commitment needs the findings', 'findings')
        return [
          {
            type: 'ApprovalRevokedForFalseCommitment',
            data: {
              approvalId: data.approvalId,
              holderId: approval.holderId,
              matter: approval.matter,
              inspectedOn: data.inspectedOn,
              inspector: command.inspector,
              findings: data.findings,
              doneUnder: { from: approval.approvedOn, to: data.inspectedOn },
            },
          },
        ]
      }
      case 'MarkInspectionOverdue': {
        const approval = openApproval(state, command.data.approvalId)
        if (state.overdue) {
          throw new RuleViolationError(
            'commitment.already_overdue',
            `the inspection of approval ${command.data.approvalId} is already marked overdue`,
            command.data.approvalId,
          )
        }
        if (approval.dueOn >= command.today) {
          throw new RuleViolationError(
            'commitment.not_overdue',
            `the inspection of approval ${command.data.approvalId} is due on ${approval.dueOn}; it is not overdue on ${command.today}`,
            command.data.approvalId,
          )
        }
        return [
          {
            type: 'CommitmentInspectionOverdue',
            data: { approvalId: command.data.approvalId, dueOn: approval.dueOn },
          },
        ]
      }
    }
  },
}

function openApproval(state: CommitmentState, approvalId: string) {
  if (!state.approval) throw new NotFoundError('approval on commitment', approvalId)
  if (state.status !== 'approved') {
    throw new RuleViolationError(
      'commitment.inspected',
      `the commitment of approval ${approvalId} was already inspected (${state.status})`,
      approvalId,
    )
  }
  return state.approval
}
