import { licensing as contract, type EventOf } from '@qi/contracts'
import { type Decider, InvalidCommandError, NotFoundError, RuleViolationError } from '@qi/decider'
import { addDays } from './dates'

type Declared = EventOf<typeof contract.CMarkDeclared>
type Scheduled = EventOf<typeof contract.CMarkCheckScheduled>
type Passed = EventOf<typeof contract.CMarkCheckPassed>
type Failed = EventOf<typeof contract.CMarkCheckFailed>
type Overdue = EventOf<typeof contract.CMarkCheckOverdue>
export type CMarkEvent = Declared | Scheduled | Passed | Failed | Overdue

export type CMarkCommand =
  | { type: 'DeclareCMark'; data: Omit<Declared['data'], 'declaredOn'>; today: string }
  | { type: 'ScheduleCMarkCheck'; data: { enterpriseId: string; checkId: string }; today: string }
  | {
      type: 'RecordCMarkCheck'
      data: { enterpriseId: string; checkId: string; checkedOn: string; passed: boolean; findings?: string }
      inspector: string
    }
  | { type: 'MarkCheckOverdue'; data: { enterpriseId: string; checkId: string }; today: string }

export interface CMarkState {
  declared: boolean
  withdrawn: boolean
  checks: Record<
    string,
    { sampledOn: string; dueOn: string; status: 'scheduled' | 'passed' | 'failed'; overdue?: boolean }
  >
}

/** An enterprise's C-mark self-declaration (no approval) and the regulator's sampled checks. */
export const cmarkDecider: Decider<CMarkCommand, CMarkEvent, CMarkState> = {
  initialState: () => ({ declared: false, withdrawn: false, checks: {} }),
  evolve(state, event) {
    switch (event.type) {
      case 'CMarkDeclared':
        return { ...state, declared: true }
      case 'CMarkCheckScheduled':
        return {
          ...state,
          checks: {
            ...state.checks,
            [event.data.checkId]: {
              sampledOn: event.data.sampledOn,
              dueOn: event.data.dueOn,
              status: 'scheduled',
            },
          },
        }
      case 'CMarkCheckPassed':
      case 'CMarkCheckFailed': {
        const check = state.checks[event.data.checkId]
        const status = event.type === 'CMarkCheckPassed' ? 'passed' : 'failed'
        return {
          ...state,
          withdrawn: state.withdrawn || status === 'failed',
          checks: check ? { ...state.checks, [event.data.checkId]: { ...check, status } } : state.checks,
        }
      }
      case 'CMarkCheckOverdue': {
        const check = state.checks[event.data.checkId]
        return check
          ? { ...state, checks: { ...state.checks, [event.data.checkId]: { ...check, overdue: true } } }
          : state
      }
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'DeclareCMark': {
        const { data, today } = command
        if (state.withdrawn) {
          throw new RuleViolationError(
            'cmark.right_withdrawn',
            `enterprise ${data.enterpriseId} lost the right to use the C mark after a failed check; it cannot declare again`,
            data.enterpriseId,
          )
        }
        if (state.declared) {
          throw new RuleViolationError(
            'cmark.already_declared',
            `enterprise ${data.enterpriseId} has already declared its C-mark conformity`,
            data.enterpriseId,
          )
        }
        if (data.commitment.signedOn > today) {
          throw new RuleViolationError(
            'cmark.signed_in_future',
            `the commitment cannot be signed on ${data.commitment.signedOn}, after today (${today})`,
            data.enterpriseId,
            'commitment.signedOn',
          )
        }
        return [{ type: 'CMarkDeclared', data: { ...data, declaredOn: today } }]
      }
      case 'ScheduleCMarkCheck': {
        const { data, today } = command
        if (!state.declared) throw new NotFoundError('C-mark declaration', data.enterpriseId)
        if (state.withdrawn) {
          throw new RuleViolationError(
            'cmark.right_withdrawn',
            `enterprise ${data.enterpriseId} no longer has the right to use the C mark; there is nothing to check`,
            data.enterpriseId,
          )
        }
        if (state.checks[data.checkId]) {
          throw new RuleViolationError(
            'cmark.check_exists',
            `check ${data.checkId} was already scheduled`,
            data.checkId,
          )
        }
        const open = Object.entries(state.checks).find(([, check]) => check.status === 'scheduled')
        if (open) {
          throw new RuleViolationError(
            'cmark.check_open',
            `check ${open[0]} of enterprise ${data.enterpriseId} is still open`,
            open[0],
          )
        }
        return [
          {
            type: 'CMarkCheckScheduled',
            data: { ...data, sampledOn: today, dueOn: addDays(today, contract.CMARK_CHECK_DAYS) },
          },
        ]
      }
      case 'RecordCMarkCheck': {
        const { data } = command
        const check = state.checks[data.checkId]
        if (!check) throw new NotFoundError('C-mark check', data.checkId)
        if (check.status !== 'scheduled') {
          throw new RuleViolationError(
            'cmark.check_recorded',
            `check ${data.checkId} was already recorded (${check.status})`,
            data.checkId,
          )
        }
        if (data.checkedOn < check.sampledOn) {
          throw new RuleViolationError(
            'cmark.checked_after_sampling',
            `the check cannot be dated ${data.checkedOn}, before it was sampled on ${check.sampledOn}`,
            data.checkId,
            'checkedOn',
          )
        }
        const base = {
          enterpriseId: data.enterpriseId,
          checkId: data.checkId,
          checkedOn: data.checkedOn,
          inspector: command.inspector,
        }
        if (data.passed) return [{ type: 'CMarkCheckPassed', data: base }]
        if (!data.findings) throw new InvalidCommandError('a failed check needs its findings', 'findings')
        return [{ type: 'CMarkCheckFailed', data: { ...base, findings: data.findings } }]
      }
      case 'MarkCheckOverdue': {
        const { data, today } = command
        const check = state.checks[data.checkId]
        if (!check) throw new NotFoundError('C-mark check', data.checkId)
        if (check.status !== 'scheduled') {
          throw new RuleViolationError(
            'cmark.check_recorded',
            `check ${data.checkId} was already recorded (${check.status})`,
            data.checkId,
          )
        }
        if (check.overdue) {
          throw new RuleViolationError(
            'cmark.already_overdue',
            `check ${data.checkId} is already marked overdue`,
            data.checkId,
          )
        }
        if (check.dueOn >= today) {
          throw new RuleViolationError(
            'cmark.not_overdue',
            `check ${data.checkId} is due on ${check.dueOn}; it is not overdue on ${today}`,
            data.checkId,
          )
        }
        return [{ type: 'CMarkCheckOverdue', data: { ...data, dueOn: check.dueOn } }]
      }
    }
  },
}
