import type { certification, EventOf } from '@qi/contracts'
import {
  ConflictError,
  type Decider,
  ForbiddenError,
  InvalidCommandError,
  NotFoundError,
  RuleViolationError,
} from '@qi/decider'
import type { z } from 'zod'
import type { CertificateFacts } from './facts'
import { checkBasisReports, checkBodyAccredited, checkStandardsEffective } from './rules'

export type CertificateEvent =
  | EventOf<typeof certification.CertificateIssued>
  | EventOf<typeof certification.CertificateSuspended>
  | EventOf<typeof certification.CertificateRestored>
  | EventOf<typeof certification.CertificateWithdrawn>
  | EventOf<typeof certification.CertificateExpired>
  | EventOf<typeof certification.CertificateScopeChanged>
  | EventOf<typeof certification.CertificateReviewOpened>
  | EventOf<typeof certification.CertificateTransitionDeadlineSet>
  | EventOf<typeof certification.CertificateTransitionDeadlineLifted>

/** Who asks: a certification body may only act on its own certificates (admin, regulator exempt). */
export interface Requester {
  role: string
  org: string
}

export type CertificateCommand =
  | {
      type: 'IssueCertificate'
      data: z.infer<typeof certification.IssueCertificate>
      facts: CertificateFacts
    }
  | {
      type: 'SuspendCertificate'
      data: z.infer<typeof certification.SuspendCertificate>
      requestedBy: Requester
      /** Set when a policy suspends (e.g. its basis report was revoked); manual otherwise. */
      cause?: StatusCause
    }
  | {
      type: 'RestoreCertificate'
      data: z.infer<typeof certification.RestoreCertificate>
      requestedBy: Requester
    }
  | {
      type: 'WithdrawCertificate'
      data: z.infer<typeof certification.WithdrawCertificate>
      requestedBy: Requester
    }
  | {
      type: 'ExpireCertificate'
      data: z.infer<typeof certification.ExpireCertificate>
      requestedBy: Requester
    }
  | {
      type: 'ChangeCertificateScope'
      data: z.infer<typeof certification.ChangeCertificateScope>
      facts: Pick<CertificateFacts, 'reports' | 'standards'>
      requestedBy: Requester
    }
  // Issued by policies only (process managers), never through the API:
  | { type: 'OpenReview'; data: z.infer<typeof certification.CertificateReviewOpened.schema> }
  | {
      type: 'SetTransitionDeadline'
      data: z.infer<typeof certification.CertificateTransitionDeadlineSet.schema>
    }
  | {
      type: 'LiftTransitionDeadline'
      data: z.infer<typeof certification.CertificateTransitionDeadlineLifted.schema>
    }
  | {
      type: 'ExpireAtTransitionDeadline'
      data: { certificateNo: string; standard: { code: string; version: string }; on: string }
    }

type StatusCause = z.infer<typeof certification.StatusCause>

export type CertificateStatus = 'valid' | 'under_review' | 'suspended' | 'withdrawn' | 'expired'

const LIVE: readonly CertificateStatus[] = ['valid', 'under_review', 'suspended']
const standardKeyOf = (ref: { code: string; version: string }) => `${ref.code}-${ref.version}`

export type CertificateState =
  | { status: 'none' }
  | {
      status: CertificateStatus
      certificateNo: string
      bodyId: string
      issuedOn: string
      expiresOn: string
      /** The business date of the last status or scope change: later changes may not predate it. */
      lastChangeOn: string
      /** Standard versions the certificate is on (code-version keys). */
      standards: string[]
      /** Transition deadlines by superseded standard key. */
      deadlines: Record<string, string>
    }

type Existing = Exclude<CertificateState, { status: 'none' }>

const label = (status: CertificateStatus) => (status === 'under_review' ? 'under-review' : status)

function withoutCommandId<T extends { commandId?: string }>(command: T): Omit<T, 'commandId'> {
  const { commandId: _ignored, ...rest } = command
  return rest
}

/** Loads the certificate for a follow-up command and checks who asks, the status and the date. */
function existing(
  state: CertificateState,
  certificateNo: string,
  requestedBy: Requester,
  on: string,
  allowed: readonly CertificateStatus[],
  action: { verb: string; done: string },
): Existing {
  if (state.status === 'none') throw new NotFoundError('certificate', certificateNo)
  if (requestedBy.role === 'certification_body' && requestedBy.org !== state.bodyId) {
    throw new ForbiddenError(
      `certificate ${certificateNo} was issued by ${state.bodyId}; only that body can ${action.verb} it`,
    )
  }
  if (!allowed.includes(state.status)) {
    throw new RuleViolationError(
      'certificate-status',
      `certificate ${certificateNo} is ${label(state.status)}; only a ${allowed.map(label).join(' or ')} certificate can be ${action.done}`,
      certificateNo,
      'certificateNo',
    )
  }
  if (on < state.lastChangeOn) {
    throw new RuleViolationError(
      'status-date-order',
      `certificate ${certificateNo} last changed on ${state.lastChangeOn}; a later change cannot be dated ${on}`,
      certificateNo,
      'on',
    )
  }
  return state
}

function decide(command: CertificateCommand, state: CertificateState): CertificateEvent[] {
  switch (command.type) {
    case 'IssueCertificate': {
      const { data, facts } = command
      if (state.status !== 'none')
        throw new ConflictError(`certificate ${data.certificateNo} already exists; use a new number`)
      checkBodyAccredited(data, facts.accreditation)
      checkBasisReports(data.basisReports, data.issuedOn, facts.reports)
      checkStandardsEffective(data.standards, data.issuedOn, facts.standards)
      return [{ type: 'CertificateIssued', data: withoutCommandId(data) }]
    }
    case 'SuspendCertificate': {
      const { data } = command
      existing(state, data.certificateNo, command.requestedBy, data.from, ['valid', 'under_review'], {
        verb: 'suspend',
        done: 'suspended',
      })
      return [
        {
          type: 'CertificateSuspended',
          data: { ...withoutCommandId(data), cause: command.cause ?? { kind: 'manual' } },
        },
      ]
    }
    case 'RestoreCertificate': {
      const { data } = command
      const current = existing(
        state,
        data.certificateNo,
        command.requestedBy,
        data.on,
        ['suspended', 'under_review'],
        { verb: 'restore', done: 'restored' },
      )
      if (data.on > current.expiresOn) {
        throw new RuleViolationError(
          'certificate-status',
          `certificate ${data.certificateNo} expired on ${current.expiresOn}; it cannot be restored after that`,
          data.certificateNo,
          'on',
        )
      }
      return [{ type: 'CertificateRestored', data: withoutCommandId(data) }]
    }
    case 'WithdrawCertificate': {
      const { data } = command
      existing(state, data.certificateNo, command.requestedBy, data.on, LIVE, {
        verb: 'withdraw',
        done: 'withdrawn',
      })
      return [
        { type: 'CertificateWithdrawn', data: { ...withoutCommandId(data), cause: { kind: 'manual' } } },
      ]
    }
    case 'ExpireCertificate': {
      const { data } = command
      const current = existing(state, data.certificateNo, command.requestedBy, data.on, LIVE, {
        verb: 'expire',
        done: 'expired',
      })
      if (data.on < current.expiresOn) {
        throw new RuleViolationError(
          'certificate-expiry',
          `certificate ${data.certificateNo} runs until ${current.expiresOn}; withdraw it to end it earlier`,
          data.certificateNo,
          'on',
        )
      }
      return [{ type: 'CertificateExpired', data: withoutCommandId(data) }]
    }
    case 'ChangeCertificateScope': {
      const { data, facts } = command
      existing(state, data.certificateNo, command.requestedBy, data.on, LIVE, {
        verb: 'change the scope of',
        done: 'changed',
      })
      if (!data.models && !data.standards && !data.basisReports) {
        throw new InvalidCommandError('name the models, standards or basis reports that change', 'models')
      }
      if (data.basisReports) checkBasisReports(data.basisReports, data.on, facts.reports)
      if (data.standards) checkStandardsEffective(data.standards, data.on, facts.standards)
      return [{ type: 'CertificateScopeChanged', data: withoutCommandId(data) }]
    }
    case 'OpenReview': {
      const { data } = command
      if (state.status === 'none') throw new NotFoundError('certificate', data.certificateNo)
      // Only a certificate in force needs a review; a suspended or ended one already is out of use.
      if (state.status !== 'valid') return []
      return [{ type: 'CertificateReviewOpened', data: { ...data, on: later(data.on, state.lastChangeOn) } }]
    }
    case 'SetTransitionDeadline': {
      const { data } = command
      if (state.status === 'none') throw new NotFoundError('certificate', data.certificateNo)
      const key = standardKeyOf(data.standard)
      if (!LIVE.includes(state.status) || !state.standards.includes(key) || state.deadlines[key]) return []
      return [{ type: 'CertificateTransitionDeadlineSet', data }]
    }
    case 'LiftTransitionDeadline': {
      const { data } = command
      if (state.status === 'none') throw new NotFoundError('certificate', data.certificateNo)
      // Nothing to lift: no deadline on that standard (never set, or already lifted).
      if (!state.deadlines[standardKeyOf(data.standard)]) return []
      return [{ type: 'CertificateTransitionDeadlineLifted', data }]
    }
    case 'ExpireAtTransitionDeadline': {
      const { data } = command
      if (state.status === 'none') throw new NotFoundError('certificate', data.certificateNo)
      const key = standardKeyOf(data.standard)
      const deadline = state.deadlines[key]
      // Re-certified to the new version (the old one left the scope), already ended, or not yet due.
      if (!LIVE.includes(state.status) || !deadline || !state.standards.includes(key) || data.on < deadline)
        return []
      return [
        {
          type: 'CertificateExpired',
          data: {
            certificateNo: data.certificateNo,
            on: later(deadline, state.lastChangeOn),
            reason: `not re-certified to the version replacing ${key} by the transition deadline ${deadline}`,
            cause: { kind: 'standard_superseded', ref: key },
          },
        },
      ]
    }
  }
}

const later = (a: string, b: string) => (a > b ? a : b)

function evolve(state: CertificateState, event: CertificateEvent): CertificateState {
  if (event.type === 'CertificateIssued') {
    const { data } = event
    return {
      status: 'valid',
      certificateNo: data.certificateNo,
      bodyId: data.bodyId,
      issuedOn: data.issuedOn,
      expiresOn: data.expiresOn,
      lastChangeOn: data.issuedOn,
      standards: data.standards.map(standardKeyOf),
      deadlines: {},
    }
  }
  if (state.status === 'none') return state
  switch (event.type) {
    case 'CertificateSuspended':
      return { ...state, status: 'suspended', lastChangeOn: event.data.from }
    case 'CertificateRestored':
      return { ...state, status: 'valid', lastChangeOn: event.data.on }
    case 'CertificateWithdrawn':
      return { ...state, status: 'withdrawn', lastChangeOn: event.data.on }
    case 'CertificateExpired':
      return { ...state, status: 'expired', lastChangeOn: event.data.on }
    case 'CertificateScopeChanged':
      return {
        ...state,
        lastChangeOn: event.data.on,
        standards: event.data.standards ? event.data.standards.map(standardKeyOf) : state.standards,
      }
    case 'CertificateReviewOpened':
      return { ...state, status: 'under_review', lastChangeOn: event.data.on }
    case 'CertificateTransitionDeadlineSet':
      return {
        ...state,
        deadlines: { ...state.deadlines, [standardKeyOf(event.data.standard)]: event.data.deadline },
      }
    case 'CertificateTransitionDeadlineLifted': {
      const { [standardKeyOf(event.data.standard)]: _lifted, ...deadlines } = state.deadlines
      return { ...state, deadlines }
    }
  }
}

export const certificateDecider: Decider<CertificateCommand, CertificateEvent, CertificateState> = {
  initialState: () => ({ status: 'none' }),
  evolve,
  decide,
}
