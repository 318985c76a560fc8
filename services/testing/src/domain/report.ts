import { type EventOf, reservations, type testing } from '@qi/contracts'
import {
  ConflictError,
  type Decider,
  ForbiddenError,
  InvalidCommandError,
  NotFoundError,
  type Reservation,
  RuleViolationError,
} from '@qi/decider'
import type { z } from 'zod'
import type { PreviousReportFact, ReportFacts } from './facts'
import { checkReportRules } from './rules'

export type ReportEvent =
  | EventOf<typeof testing.TestReportIssued>
  | EventOf<typeof testing.TestReportAmended>
  | EventOf<typeof testing.TestReportRevoked>
  | EventOf<typeof testing.TestReportFlagged>

/** Who asks; a lab may only act on its own reports (admin and regulator are exempt where allowed). */
export interface Requester {
  role: string
  org: string
}

export type ReportCommand =
  | { type: 'IssueTestReport'; data: z.infer<typeof testing.IssueTestReport>; facts: ReportFacts }
  | {
      type: 'AmendTestReport'
      data: z.infer<typeof testing.AmendTestReport>
      facts: ReportFacts & { previousReport: PreviousReportFact | null }
      requestedBy: Requester
    }
  | { type: 'RevokeTestReport'; data: z.infer<typeof testing.RevokeTestReport>; requestedBy: Requester }
  // Issued by a policy only: the lab's accreditation was suspended or withdrawn when it was issued.
  | { type: 'FlagReport'; data: z.infer<typeof testing.TestReportFlagged.schema> }

/** The state of one report stream (`report-<reportNo>`); the stream starts with Issued or Amended. */
export type ReportState =
  | { status: 'none' }
  | { status: 'valid' | 'revoked'; reportNo: string; labId: string; issuedOn: string; flagged?: boolean }

function withoutCommandId<T extends { commandId?: string }>(command: T): Omit<T, 'commandId'> {
  const { commandId: _ignored, ...rest } = command
  return rest
}

function decide(command: ReportCommand, state: ReportState): ReportEvent[] {
  switch (command.type) {
    case 'IssueTestReport': {
      if (state.status !== 'none')
        throw new ConflictError(`report ${command.data.reportNo} already exists; use a new report number`)
      checkReportRules(command.data, command.facts)
      return [{ type: 'TestReportIssued', data: withoutCommandId(command.data) }]
    }
    case 'AmendTestReport': {
      const { data, facts, requestedBy } = command
      if (state.status !== 'none')
        throw new ConflictError(
          `report ${data.reportNo} already exists; give the amended report a new number`,
        )
      if (data.previousReportNo === data.reportNo) {
        throw new InvalidCommandError(
          'the amended report needs a number different from the report it replaces',
          'reportNo',
        )
      }
      const previous = facts.previousReport
      if (!previous) throw new NotFoundError('test report', data.previousReportNo)
      if (previous.labId !== data.labId && requestedBy.role !== 'admin') {
        throw new ForbiddenError(
          `report ${previous.reportNo} was issued by lab ${previous.labId}; only that lab can amend it`,
        )
      }
      if (previous.status === 'revoked') {
        throw new RuleViolationError(
          'previous-report-amendable',
          `report ${previous.reportNo} was revoked on ${previous.revokedOn}; a revoked report cannot be amended, issue a new report`,
          previous.reportNo,
          'previousReportNo',
        )
      }
      if (previous.status === 'amended') {
        throw new RuleViolationError(
          'previous-report-amendable',
          `report ${previous.reportNo} was already replaced by report ${previous.replacedBy}; amend ${previous.replacedBy} instead`,
          previous.reportNo,
          'previousReportNo',
        )
      }
      checkReportRules(data, facts)
      return [{ type: 'TestReportAmended', data: withoutCommandId(data) }]
    }
    case 'RevokeTestReport': {
      const { data, requestedBy } = command
      if (state.status === 'none') throw new NotFoundError('test report', data.reportNo)
      if (requestedBy.role === 'lab' && requestedBy.org !== state.labId) {
        throw new ForbiddenError(
          `report ${data.reportNo} was issued by lab ${state.labId}; only that lab or a regulator can revoke it`,
        )
      }
      if (state.status === 'revoked') {
        throw new RuleViolationError(
          'report-not-revoked',
          `report ${data.reportNo} is already revoked`,
          data.reportNo,
          'reportNo',
        )
      }
      if (data.revokedOn < state.issuedOn) {
        throw new RuleViolationError(
          'revocation-after-issue',
          `report ${data.reportNo} was issued on ${state.issuedOn}; the revocation date cannot be earlier`,
          data.reportNo,
          'revokedOn',
        )
      }
      return [{ type: 'TestReportRevoked', data: withoutCommandId(data) }]
    }
    case 'FlagReport': {
      if (state.status === 'none') throw new NotFoundError('test report', command.data.reportNo)
      // A revoked report is out of use already; a flag is raised once.
      if (state.status !== 'valid' || state.flagged) return []
      return [{ type: 'TestReportFlagged', data: command.data }]
    }
  }
}

function evolve(state: ReportState, event: ReportEvent): ReportState {
  switch (event.type) {
    case 'TestReportIssued':
    case 'TestReportAmended':
      return {
        status: 'valid',
        reportNo: event.data.reportNo,
        labId: event.data.labId,
        issuedOn: event.data.issuedOn,
      }
    case 'TestReportRevoked':
      return state.status === 'none' ? state : { ...state, status: 'revoked' }
    case 'TestReportFlagged':
      return state.status === 'none' ? state : { ...state, flagged: true }
  }
}

/**
 * One successor per report, across report streams: an amendment claims the previous report's
 * successor key before writing its own stream, so two racing amendments cannot both replace it.
 */
export const oneSuccessor = (data: { reportNo: string; previousReportNo: string }): Reservation => ({
  key: reservations.keyStream('report-successor', data.previousReportNo),
  rule: 'previous-report-amendable',
  holder: data.reportNo,
  field: 'previousReportNo',
  refusal: (existing) =>
    `report ${data.previousReportNo} was already replaced by report ${existing.holder}; amend ${existing.holder} instead`,
})

export const reportDecider: Decider<ReportCommand, ReportEvent, ReportState> = {
  initialState: () => ({ status: 'none' }),
  evolve,
  decide,
}
