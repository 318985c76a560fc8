import { licensing as contract, type EventOf } from '@qi/contracts'
import { type Decider, InvalidCommandError, NotFoundError, RuleViolationError } from '@qi/decider'
import { addDays } from './dates'

type Issued = EventOf<typeof contract.LicenceIssuedBeforeVerification>
type Passed = EventOf<typeof contract.OnSiteVerificationPassed>
type Failed = EventOf<typeof contract.OnSiteVerificationFailed>
type Missed = EventOf<typeof contract.OnSiteVerificationMissed>
type Suspended = EventOf<typeof contract.EnterpriseLicenceSuspended>
type Revoked = EventOf<typeof contract.EnterpriseLicenceRevoked>
type Restored = EventOf<typeof contract.EnterpriseLicenceRestored>
type Expired = EventOf<typeof contract.EnterpriseLicenceExpired>
type Migrated = EventOf<typeof contract.LegacyLicenceMigrated>
type LineWithdrawn = EventOf<typeof contract.LegacyScopeLineWithdrawn>
export type EnterpriseLicenceEvent =
  | Issued
  | Passed
  | Failed
  | Missed
  | Suspended
  | Revoked
  | Restored
  | Expired
  | Migrated
  | LineWithdrawn

export type EnterpriseLicenceCommand =
  | {
      type: 'ApplyForLicence'
      data: Omit<
        Issued['data'],
        'licenceNo' | 'issuedOn' | 'verificationDueOn' | 'expiresOn' | 'products'
      > & {
        licenceNo?: string
        expiresOn?: string
        products?: string[]
      }
      /** The business date the licence is issued on (the day the application is received). */
      today: string
    }
  | {
      type: 'RecordOnSiteVerification'
      data: {
        enterpriseId: string
        applicationId: string
        verifiedOn: string
        passed: boolean
        findings?: string
        consequence?: 'suspended' | 'revoked'
      }
      inspector: string
    }
  | { type: 'MissVerification'; data: { enterpriseId: string; applicationId: string }; today: string }
  | {
      /** The regulator lifts a suspension (e.g. after a passed re-verification). */
      type: 'RestoreLicence'
      data: { enterpriseId: string; on: string; reason: string; applicationId?: string }
      today: string
    }
  | { type: 'ExpireLicence'; data: { enterpriseId: string }; today: string }
  | { type: 'MigrateLegacyLicence'; data: Omit<Migrated['data'], 'licenceNo'> }
  | {
      type: 'WithdrawLegacyScopeLine'
      data: { enterpriseId: string; legacyLicenceNo: string; on: string; reason: string }
    }

type ApplicationStatus = 'pending' | 'passed' | 'failed' | 'missed'

export interface EnterpriseLicenceState {
  licenceNo: string | null
  status: 'none' | 'valid' | 'suspended' | 'revoked' | 'expired'
  /** The business date the current suspension began (null when not suspended). */
  suspendedFrom: string | null
  expiresOn: string | null
  categories: string[]
  applications: Record<string, { issuedOn: string; dueOn: string; status: ApplicationStatus }>
  legacy: string[]
  /** Legacy licence → its product category, for the lines still in the licence. */
  legacyLines: Record<string, string>
}

/**
 * The one production licence of an enterprise (一企一证): the stream is keyed by the enterprise, so a
 * second licence is refused by the write itself, not by a read model that can lag. Applications are
 * granted on receipt and verified on site later (先证后核).
 */
export const enterpriseLicenceDecider: Decider<
  EnterpriseLicenceCommand,
  EnterpriseLicenceEvent,
  EnterpriseLicenceState
> = {
  initialState: () => ({
    licenceNo: null,
    status: 'none',
    suspendedFrom: null,
    expiresOn: null,
    categories: [],
    applications: {},
    legacy: [],
    legacyLines: {},
  }),
  evolve(state, event) {
    switch (event.type) {
      case 'LicenceIssuedBeforeVerification': {
        const { data } = event
        const fresh = data.kind === 'new'
        return {
          ...state,
          licenceNo: data.licenceNo,
          status: fresh ? 'valid' : state.status,
          suspendedFrom: fresh ? null : state.suspendedFrom,
          expiresOn: data.expiresOn,
          categories: [...new Set([...(fresh ? [] : state.categories), ...data.productCategories])],
          applications: {
            ...state.applications,
            [data.applicationId]: {
              issuedOn: data.issuedOn,
              dueOn: data.verificationDueOn,
              status: 'pending',
            },
          },
        }
      }
      case 'OnSiteVerificationPassed':
      case 'OnSiteVerificationFailed':
      case 'OnSiteVerificationMissed': {
        const application = state.applications[event.data.applicationId]
        if (!application) return state
        const status: ApplicationStatus =
          event.type === 'OnSiteVerificationPassed'
            ? 'passed'
            : event.type === 'OnSiteVerificationFailed'
              ? 'failed'
              : 'missed'
        return {
          ...state,
          applications: { ...state.applications, [event.data.applicationId]: { ...application, status } },
        }
      }
      case 'EnterpriseLicenceSuspended':
        return { ...state, status: 'suspended', suspendedFrom: event.data.from }
      case 'EnterpriseLicenceRevoked':
        return { ...state, status: 'revoked', suspendedFrom: null }
      case 'EnterpriseLicenceRestored':
        return { ...state, status: 'valid', suspendedFrom: null }
      case 'EnterpriseLicenceExpired':
        return { ...state, status: 'expired', suspendedFrom: null }
      case 'LegacyLicenceMigrated':
        return {
          ...state,
          licenceNo: event.data.licenceNo,
          status: state.status === 'none' ? 'valid' : state.status,
          expiresOn:
            state.expiresOn === null || event.data.expiresOn > state.expiresOn
              ? event.data.expiresOn
              : state.expiresOn,
          categories: [...new Set([...state.categories, event.data.productCategory])],
          legacy: [...state.legacy, event.data.legacyLicenceNo],
          legacyLines: { ...state.legacyLines, [event.data.legacyLicenceNo]: event.data.productCategory },
        }
      case 'LegacyScopeLineWithdrawn': {
        const { [event.data.legacyLicenceNo]: _withdrawn, ...legacyLines } = state.legacyLines
        return {
          ...state,
          categories: state.categories.filter((category) => category !== event.data.productCategory),
          legacyLines,
        }
      }
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'ApplyForLicence':
        return apply(command, state)
      case 'RecordOnSiteVerification': {
        const { data } = command
        const application = pendingApplication(state, data.applicationId)
        if (data.verifiedOn < application.issuedOn) {
          throw new RuleViolationError(
            'licence.verified_after_issue',
            `the verification of application ${data.applicationId} cannot be dated ${data.verifiedOn}, before the licence was issued on ${application.issuedOn}`,
            data.applicationId,
            'verifiedOn',
          )
        }
        const base = {
          enterpriseId: data.enterpriseId,
          applicationId: data.applicationId,
          verifiedOn: data.verifiedOn,
          inspector: command.inspector,
        }
        if (data.passed) return [{ type: 'OnSiteVerificationPassed', data: base }]
        if (!data.findings) {
          throw new InvalidCommandError('a failed verification needs its findings', 'findings')
        }
        const consequence = data.consequence ?? 'suspended'
        const cause = { kind: 'verification_failed' as const, applicationId: data.applicationId }
        return [
          { type: 'OnSiteVerificationFailed', data: { ...base, findings: data.findings, consequence } },
          ...consequenceEvents(state, data.enterpriseId, consequence, data.verifiedOn, cause),
        ]
      }
      case 'MissVerification': {
        const { data } = command
        const application = pendingApplication(state, data.applicationId)
        if (application.dueOn >= command.today) {
          throw new RuleViolationError(
            'licence.verification_not_overdue',
            `the verification of application ${data.applicationId} is due on ${application.dueOn}; it is not missed on ${command.today}`,
            data.applicationId,
          )
        }
        const cause = { kind: 'verification_missed' as const, applicationId: data.applicationId }
        return [
          { type: 'OnSiteVerificationMissed', data: { ...data, dueOn: application.dueOn } },
          ...consequenceEvents(state, data.enterpriseId, 'suspended', addDays(application.dueOn, 1), cause),
        ]
      }
      case 'RestoreLicence':
        return restore(command, state)
      case 'ExpireLicence': {
        const { data, today } = command
        if (state.licenceNo === null || state.expiresOn === null) {
          throw new NotFoundError('enterprise licence', data.enterpriseId)
        }
        if (state.status === 'revoked' || state.status === 'expired') {
          throw new RuleViolationError(
            'licence.not_in_force',
            `licence ${state.licenceNo} is ${state.status}; it cannot expire again`,
            state.licenceNo,
          )
        }
        if (state.expiresOn >= today) {
          throw new RuleViolationError(
            'licence.not_expired',
            `licence ${state.licenceNo} is valid until ${state.expiresOn}; it has not expired on ${today}`,
            state.licenceNo,
          )
        }
        return [
          {
            type: 'EnterpriseLicenceExpired',
            data: {
              enterpriseId: data.enterpriseId,
              licenceNo: state.licenceNo,
              expiresOn: state.expiresOn,
              on: addDays(state.expiresOn, 1),
            },
          },
        ]
      }
      case 'MigrateLegacyLicence': {
        // Replaying the migration finds the line already there: nothing to do.
        if (state.legacy.includes(command.data.legacyLicenceNo)) return []
        return [
          {
            type: 'LegacyLicenceMigrated',
            data: { ...command.data, licenceNo: state.licenceNo ?? command.data.legacyLicenceNo },
          },
        ]
      }
      case 'WithdrawLegacyScopeLine': {
        const { data } = command
        const productCategory = state.legacyLines[data.legacyLicenceNo]
        // Not migrated (or already withdrawn): the enterprise licence has no such line.
        if (productCategory === undefined || state.licenceNo === null) return []
        return [
          {
            type: 'LegacyScopeLineWithdrawn',
            data: { ...data, licenceNo: state.licenceNo, productCategory },
          },
        ]
      }
    }
  },
}

function apply(
  command: Extract<EnterpriseLicenceCommand, { type: 'ApplyForLicence' }>,
  state: EnterpriseLicenceState,
): EnterpriseLicenceEvent[] {
  const { data, today } = command
  if (state.applications[data.applicationId]) {
    throw new RuleViolationError(
      'licence.application_exists',
      `application ${data.applicationId} was already received; use a new application id`,
      data.applicationId,
      'applicationId',
    )
  }
  if (data.appliedOn > today) {
    throw new RuleViolationError(
      'licence.applied_in_future',
      `an application cannot be dated ${data.appliedOn}, after today (${today})`,
      data.applicationId,
      'appliedOn',
    )
  }
  let licenceNo: string
  let expiresOn: string
  if (data.kind === 'new') {
    // A revoked or expired licence may be replaced by a new one (the enterprise's licence slot is
    // free again); any other licence is the enterprise's one.
    if (state.licenceNo !== null && state.status !== 'revoked' && state.status !== 'expired') {
      throw new RuleViolationError(
        'licence.one_per_enterprise',
        `enterprise ${data.enterpriseId} already holds licence ${state.licenceNo} (一企一证); apply for a scope extension instead`,
        state.licenceNo,
        'kind',
      )
    }
    if (!data.licenceNo) throw new InvalidCommandError('a new licence needs its licence number', 'licenceNo')
    if (!data.expiresOn) throw new InvalidCommandError('a new licence needs its expiry date', 'expiresOn')
    licenceNo = data.licenceNo
    expiresOn = data.expiresOn
  } else {
    if (state.licenceNo === null || state.expiresOn === null) {
      throw new NotFoundError('enterprise licence', data.enterpriseId)
    }
    if (state.status !== 'valid') {
      throw new RuleViolationError(
        `licence.${state.status}`,
        `licence ${state.licenceNo} is ${state.status}; a ${data.kind.replace('_', ' ')} cannot be granted on it`,
        state.licenceNo,
        'kind',
      )
    }
    licenceNo = state.licenceNo
    expiresOn = state.expiresOn
    if (data.kind === 'scope_extension') {
      const covered = data.productCategories.filter((category) => state.categories.includes(category))
      if (covered.length > 0) {
        throw new RuleViolationError(
          'licence.category_in_scope',
          `licence ${licenceNo} already covers ${covered.join(', ')}; extend it with other categories`,
          covered[0],
          'productCategories',
        )
      }
    }
    if (data.kind === 'renewal') {
      if (!data.expiresOn || data.expiresOn <= state.expiresOn) {
        throw new RuleViolationError(
          'licence.renewal_extends',
          `a renewal must expire after the current expiry (${state.expiresOn})`,
          licenceNo,
          'expiresOn',
        )
      }
      expiresOn = data.expiresOn
    }
  }
  if (expiresOn <= today) {
    throw new RuleViolationError(
      'licence.expires_after_issue',
      `the licence must expire after it is issued (${today}); ${expiresOn} is too early`,
      licenceNo,
      'expiresOn',
    )
  }
  return [
    {
      type: 'LicenceIssuedBeforeVerification',
      data: {
        enterpriseId: data.enterpriseId,
        licenceNo,
        applicationId: data.applicationId,
        kind: data.kind,
        productCategories: data.productCategories,
        site: data.site,
        appliedOn: data.appliedOn,
        issuedOn: today,
        expiresOn,
        verificationDueOn: addDays(today, contract.VERIFICATION_DEADLINE_DAYS[data.kind]),
        products: data.products ?? [],
      },
    },
  ]
}

function restore(
  command: Extract<EnterpriseLicenceCommand, { type: 'RestoreLicence' }>,
  state: EnterpriseLicenceState,
): EnterpriseLicenceEvent[] {
  const { data, today } = command
  if (state.licenceNo === null) throw new NotFoundError('enterprise licence', data.enterpriseId)
  if (state.status !== 'suspended' || state.suspendedFrom === null) {
    throw new RuleViolationError(
      'licence.not_suspended',
      `licence ${state.licenceNo} is ${state.status}; only a suspended licence can be restored`,
      state.licenceNo,
    )
  }
  if (data.on > today) {
    throw new RuleViolationError(
      'licence.restored_in_future',
      `a restoration cannot be dated ${data.on}, after today (${today})`,
      state.licenceNo,
      'on',
    )
  }
  if (data.on < state.suspendedFrom) {
    throw new RuleViolationError(
      'licence.restored_before_suspension',
      `licence ${state.licenceNo} was suspended from ${state.suspendedFrom}; it cannot be restored on ${data.on}`,
      state.licenceNo,
      'on',
    )
  }
  if (data.applicationId !== undefined) {
    const application = state.applications[data.applicationId]
    if (!application) throw new NotFoundError('licence application', data.applicationId)
    if (application.status !== 'passed') {
      throw new RuleViolationError(
        'licence.reverification_not_passed',
        `the verification of application ${data.applicationId} is ${application.status}; a restoration rests on a passed one`,
        data.applicationId,
        'applicationId',
      )
    }
  }
  return [
    {
      type: 'EnterpriseLicenceRestored',
      data: {
        enterpriseId: data.enterpriseId,
        licenceNo: state.licenceNo,
        on: data.on,
        reason: data.reason,
        ...(data.applicationId === undefined ? {} : { applicationId: data.applicationId }),
      },
    },
  ]
}

function pendingApplication(state: EnterpriseLicenceState, applicationId: string) {
  const application = state.applications[applicationId]
  if (!application) throw new NotFoundError('licence application', applicationId)
  // A re-verification: an application whose failed or missed verification suspended the licence
  // may be verified again while the licence stays suspended (a pass lets the regulator restore it).
  const reverifiable =
    state.status === 'suspended' && (application.status === 'failed' || application.status === 'missed')
  if (application.status !== 'pending' && !reverifiable) {
    throw new RuleViolationError(
      'licence.verification_recorded',
      `the verification of application ${applicationId} was already recorded (${application.status})`,
      applicationId,
    )
  }
  return application
}

function consequenceEvents(
  state: EnterpriseLicenceState,
  enterpriseId: string,
  consequence: 'suspended' | 'revoked',
  on: string,
  cause: { kind: 'verification_failed' | 'verification_missed'; applicationId: string },
): EnterpriseLicenceEvent[] {
  const licenceNo = state.licenceNo ?? ''
  if (state.status === 'revoked') return []
  if (consequence === 'revoked')
    return [{ type: 'EnterpriseLicenceRevoked', data: { enterpriseId, licenceNo, on, cause } }]
  if (state.status === 'suspended') return []
  return [{ type: 'EnterpriseLicenceSuspended', data: { enterpriseId, licenceNo, from: on, cause } }]
}
