import { licensing as contract, type EventOf } from '@qi/contracts'
import { type Decider, ForbiddenError, NotFoundError, RuleViolationError } from '@qi/decider'
import { addDays } from './dates'

type Filed = EventOf<typeof contract.ParallelApplicationFiled>
type Assigned = EventOf<typeof contract.ParallelBranchAssigned>
type Decided = EventOf<typeof contract.ParallelBranchDecided>
type Overdue = EventOf<typeof contract.ParallelBranchOverdue>
type Completed = EventOf<typeof contract.ParallelApplicationCompleted>
export type ParallelEvent = Filed | Assigned | Decided | Overdue | Completed
type Branch = contract.ParallelBranch

export type ParallelCommand =
  | { type: 'FileParallelApplication'; data: Omit<Filed['data'], 'filedOn' | 'branches'>; today: string }
  | {
      /** The approvals office assigns a branch to the department (organisation) that reviews it. */
      type: 'AssignParallelBranch'
      data: { applicationId: string; branch: Branch; reviewerOrg: string }
      today: string
    }
  | {
      type: 'DecideParallelBranch'
      data: { applicationId: string; branch: Branch; approved: boolean; reason?: string }
      reviewerOrg: string
      today: string
    }
  | { type: 'MarkBranchOverdue'; data: { applicationId: string; branch: Branch }; today: string }

export interface ParallelState {
  enterpriseId: string | null
  branches: Partial<
    Record<
      Branch,
      { dueOn: string; decided: boolean; approved: boolean; overdue: boolean; reviewerOrg: string | null }
    >
  >
  completed: 'approved' | 'refused' | null
}

/**
 * 并联审批: type approval and manufacturing licence examined at the same time by different
 * departments. The application completes when every branch approved; a refusal in one branch
 * completes it as refused and stops the branches still open.
 */
export const parallelDecider: Decider<ParallelCommand, ParallelEvent, ParallelState> = {
  initialState: () => ({ enterpriseId: null, branches: {}, completed: null }),
  evolve(state, event) {
    switch (event.type) {
      case 'ParallelApplicationFiled':
        return {
          enterpriseId: event.data.enterpriseId,
          branches: Object.fromEntries(
            event.data.branches.map((b) => [
              b.branch,
              { dueOn: b.dueOn, decided: false, approved: false, overdue: false, reviewerOrg: null },
            ]),
          ),
          completed: null,
        }
      case 'ParallelBranchAssigned': {
        const branch = state.branches[event.data.branch]
        if (!branch) return state
        return {
          ...state,
          branches: {
            ...state.branches,
            [event.data.branch]: { ...branch, reviewerOrg: event.data.reviewerOrg },
          },
        }
      }
      case 'ParallelBranchDecided': {
        const branch = state.branches[event.data.branch]
        if (!branch) return state
        return {
          ...state,
          branches: {
            ...state.branches,
            [event.data.branch]: { ...branch, decided: true, approved: event.data.approved },
          },
        }
      }
      case 'ParallelBranchOverdue': {
        const branch = state.branches[event.data.branch]
        if (!branch) return state
        return {
          ...state,
          branches: { ...state.branches, [event.data.branch]: { ...branch, overdue: true } },
        }
      }
      case 'ParallelApplicationCompleted':
        return { ...state, completed: event.data.outcome }
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'FileParallelApplication': {
        const { data, today } = command
        if (state.enterpriseId !== null) {
          throw new RuleViolationError(
            'parallel.application_exists',
            `application ${data.applicationId} was already filed; use a new application id`,
            data.applicationId,
            'applicationId',
          )
        }
        const branches = contract.ParallelBranch.options.map((branch) => ({
          branch,
          department: contract.PARALLEL_BRANCHES[branch].department,
          dueOn: addDays(today, contract.PARALLEL_BRANCHES[branch].days),
        }))
        return [{ type: 'ParallelApplicationFiled', data: { ...data, filedOn: today, branches } }]
      }
      case 'AssignParallelBranch': {
        const { data, today } = command
        const branch = openBranch(state, data.applicationId, data.branch)
        // Assigning the same department again changes nothing (a retried assignment).
        if (branch.reviewerOrg === data.reviewerOrg) return []
        return [{ type: 'ParallelBranchAssigned', data: { ...data, assignedOn: today } }]
      }
      case 'DecideParallelBranch': {
        const { data, today } = command
        const branch = openBranch(state, data.applicationId, data.branch)
        if (branch.reviewerOrg === null) {
          throw new RuleViolationError(
            'parallel.branch_unassigned',
            `branch ${data.branch} of application ${data.applicationId} has no reviewing department yet; assign it first`,
            data.applicationId,
            'branch',
          )
        }
        // Another organisation's branch: an ownership refusal (403), like any other org's entity.
        if (branch.reviewerOrg !== command.reviewerOrg) {
          throw new ForbiddenError(
            `branch ${data.branch} of application ${data.applicationId} is reviewed by ${branch.reviewerOrg}, not by ${command.reviewerOrg}`,
          )
        }
        if (!data.approved && !data.reason) {
          throw new RuleViolationError(
            'parallel.refusal_reason',
            'a refusal needs its reason',
            data.applicationId,
            'reason',
          )
        }
        const decided: Decided = {
          type: 'ParallelBranchDecided',
          data: { ...data, reviewerOrg: command.reviewerOrg, decidedOn: today },
        }
        const others = Object.entries(state.branches).filter(([name]) => name !== data.branch) as Array<
          [Branch, NonNullable<ParallelState['branches'][Branch]>]
        >
        const enterpriseId = state.enterpriseId ?? ''
        if (!data.approved) {
          return [
            decided,
            {
              type: 'ParallelApplicationCompleted',
              data: {
                applicationId: data.applicationId,
                enterpriseId,
                outcome: 'refused',
                completedOn: today,
                stoppedBranches: others.filter(([, b]) => !b.decided).map(([name]) => name),
              },
            },
          ]
        }
        if (others.every(([, b]) => b.decided && b.approved)) {
          return [
            decided,
            {
              type: 'ParallelApplicationCompleted',
              data: {
                applicationId: data.applicationId,
                enterpriseId,
                outcome: 'approved',
                completedOn: today,
                stoppedBranches: [],
              },
            },
          ]
        }
        return [decided]
      }
      case 'MarkBranchOverdue': {
        const { data, today } = command
        const branch = openBranch(state, data.applicationId, data.branch)
        if (branch.overdue) {
          throw new RuleViolationError(
            'parallel.already_overdue',
            `branch ${data.branch} of application ${data.applicationId} is already marked overdue`,
            data.applicationId,
          )
        }
        if (branch.dueOn >= today) {
          throw new RuleViolationError(
            'parallel.not_overdue',
            `branch ${data.branch} of application ${data.applicationId} is due on ${branch.dueOn}; it is not overdue on ${today}`,
            data.applicationId,
          )
        }
        return [{ type: 'ParallelBranchOverdue', data: { ...data, dueOn: branch.dueOn } }]
      }
    }
  },
}

function openBranch(state: ParallelState, applicationId: string, name: Branch) {
  if (state.enterpriseId === null) throw new NotFoundError('parallel application', applicationId)
  if (state.completed !== null) {
    throw new RuleViolationError(
      'parallel.completed',
      `application ${applicationId} was already completed (${state.completed}); its open branches were stopped`,
      applicationId,
    )
  }
  const branch = state.branches[name]
  if (!branch) throw new NotFoundError('branch', `${applicationId}/${name}`)
  if (branch.decided) {
    throw new RuleViolationError(
      'parallel.branch_decided',
      `branch ${name} of application ${applicationId} was already decided`,
      applicationId,
      'branch',
    )
  }
  return branch
}
