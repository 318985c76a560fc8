import { InvalidCommandError, NotFoundError, RuleViolationError } from '@qi/decider'
import { spec } from '@qi/decider/testing'
import { describe, expect, it } from 'vitest'
import {
  type EnterpriseLicenceCommand,
  type EnterpriseLicenceEvent,
  enterpriseLicenceDecider,
} from './enterprise-licence'
import { HUBEI_VALVES, TODAY } from './fixtures'

const issued = (
  overrides: Partial<
    Extract<EnterpriseLicenceEvent, { type: 'LicenceIssuedBeforeVerification' }>['data']
  > = {},
): EnterpriseLicenceEvent => ({
  type: 'LicenceIssuedBeforeVerification',
  data: {
    enterpriseId: HUBEI_VALVES,
    licenceNo: 'XK42-001-0001',
    applicationId: 'APP-1',
    kind: 'new',
    productCategories: ['pressure valves'],
    site: 'Wuhan East Lake',
    appliedOn: '2025-06-14',
    issuedOn: TODAY,
    expiresOn: '2030-06-14',
    verificationDueOn: '2025-07-15',
    products: [],
    ...overrides,
  },
})

const apply = (
  data: Partial<Extract<EnterpriseLicenceCommand, { type: 'ApplyForLicence' }>['data']> = {},
  today = TODAY,
): EnterpriseLicenceCommand => ({
  type: 'ApplyForLicence',
  data: {
    enterpriseId: HUBEI_VALVES,
    licenceNo: 'XK42-001-0001',
    applicationId: 'APP-1',
    kind: 'new',
    productCategories: ['pressure valves'],
    site: 'Wuhan East Lake',
    appliedOn: '2025-06-14',
    expiresOn: '2030-06-14',
    ...data,
  },
  today,
})

const verify = (
  data: Partial<Extract<EnterpriseLicenceCommand, { type: 'RecordOnSiteVerification' }>['data']> = {},
): EnterpriseLicenceCommand => ({
  type: 'RecordOnSiteVerification',
  data: {
    enterpriseId: HUBEI_VALVES,
    applicationId: 'APP-1',
    verifiedOn: '2025-07-01',
    passed: true,
    ...data,
  },
  inspector: 'inspector-li',
})

const suspended = (
  kind: 'verification_failed' | 'verification_missed',
  from: string,
): EnterpriseLicenceEvent => ({
  type: 'EnterpriseLicenceSuspended',
  data: {
    enterpriseId: HUBEI_VALVES,
    licenceNo: 'XK42-001-0001',
    from,
    cause: { kind, applicationId: 'APP-1' },
  },
})

describe('ApplyForLicence (先证后核, 一企一证)', () => {
  it('issues a new licence on application, with the verification due 30 days later', () => {
    spec(enterpriseLicenceDecider).given([]).when(apply()).then([issued()])
  })

  it('extends the scope of the one licence, due for its own verification', () => {
    spec(enterpriseLicenceDecider)
      .given([issued()])
      .when(
        apply({
          applicationId: 'APP-2',
          kind: 'scope_extension',
          licenceNo: undefined,
          productCategories: ['safety valves'],
          expiresOn: undefined,
        }),
      )
      .then([
        issued({ applicationId: 'APP-2', kind: 'scope_extension', productCategories: ['safety valves'] }),
      ])
  })

  it('renews with a later expiry, the verification due 60 days later', () => {
    spec(enterpriseLicenceDecider)
      .given([issued()])
      .when(apply({ applicationId: 'APP-3', kind: 'renewal', licenceNo: undefined, expiresOn: '2035-06-14' }))
      .then([
        issued({
          applicationId: 'APP-3',
          kind: 'renewal',
          expiresOn: '2035-06-14',
          verificationDueOn: '2025-08-14',
        }),
      ])
  })

  it('changes the site of the licence on a relocation', () => {
    spec(enterpriseLicenceDecider)
      .given([issued()])
      .when(
        apply({
          applicationId: 'APP-4',
          kind: 'relocation',
          licenceNo: undefined,
          site: 'Xiaogan',
          expiresOn: undefined,
        }),
      )
      .then([issued({ applicationId: 'APP-4', kind: 'relocation', site: 'Xiaogan' })])
  })

  it('refuses a second licence for the same enterprise (一企一证)', () => {
    const error = spec(enterpriseLicenceDecider)
      .given([issued()])
      .when(apply({ applicationId: 'APP-2', licenceNo: 'XK42-001-0002' }))
      .thenThrows(
        RuleViolationError,
        'already holds licence XK42-001-0001 (一企一证); apply for a scope extension',
      )
    expect(error).toMatchObject({ rule: 'licence.one_per_enterprise', field: 'kind' })
  })

  it('issues a new licence in place of a revoked one', () => {
    spec(enterpriseLicenceDecider)
      .given([
        issued(),
        {
          type: 'EnterpriseLicenceRevoked',
          data: {
            enterpriseId: HUBEI_VALVES,
            licenceNo: 'XK42-001-0001',
            on: '2025-07-01',
            cause: { kind: 'verification_failed', applicationId: 'APP-1' },
          },
        },
      ])
      .when(apply({ applicationId: 'APP-2', licenceNo: 'XK42-001-0002' }))
      .then([issued({ applicationId: 'APP-2', licenceNo: 'XK42-001-0002' })])
  })

  it('refuses a reused application id', () => {
    spec(enterpriseLicenceDecider)
      .given([issued()])
      .when(apply({ kind: 'scope_extension', productCategories: ['safety valves'] }))
      .thenThrows(RuleViolationError, 'application APP-1 was already received')
  })

  it('refuses an application dated after today', () => {
    spec(enterpriseLicenceDecider)
      .given([])
      .when(apply({ appliedOn: '2025-06-16' }))
      .thenThrows(RuleViolationError, 'cannot be dated 2025-06-16, after today (2025-06-15)')
  })

  it('refuses a new licence without its number or expiry', () => {
    spec(enterpriseLicenceDecider)
      .given([])
      .when(apply({ licenceNo: undefined }))
      .thenThrows(InvalidCommandError, 'licence number')
    spec(enterpriseLicenceDecider)
      .given([])
      .when(apply({ expiresOn: undefined }))
      .thenThrows(InvalidCommandError, 'expiry date')
  })

  it('refuses a licence that would expire before it is issued', () => {
    spec(enterpriseLicenceDecider)
      .given([])
      .when(apply({ expiresOn: '2025-06-01' }))
      .thenThrows(RuleViolationError, 'the licence must expire after it is issued')
  })

  it('refuses a change to a licence the enterprise does not hold', () => {
    spec(enterpriseLicenceDecider)
      .given([])
      .when(apply({ kind: 'scope_extension' }))
      .thenThrows(NotFoundError, `enterprise licence '${HUBEI_VALVES}' was not found`)
  })

  it('refuses a change to a suspended licence', () => {
    spec(enterpriseLicenceDecider)
      .given([issued(), suspended('verification_missed', '2025-07-16')])
      .when(apply({ applicationId: 'APP-2', kind: 'scope_extension', productCategories: ['safety valves'] }))
      .thenThrows(
        RuleViolationError,
        'licence XK42-001-0001 is suspended; a scope extension cannot be granted',
      )
  })

  it('refuses to extend the scope with a category already covered', () => {
    spec(enterpriseLicenceDecider)
      .given([issued()])
      .when(apply({ applicationId: 'APP-2', kind: 'scope_extension' }))
      .thenThrows(RuleViolationError, 'already covers pressure valves')
  })

  it('refuses a renewal that does not extend the expiry', () => {
    spec(enterpriseLicenceDecider)
      .given([issued()])
      .when(apply({ applicationId: 'APP-2', kind: 'renewal', expiresOn: '2030-06-14' }))
      .thenThrows(RuleViolationError, 'a renewal must expire after the current expiry (2030-06-14)')
  })
})

describe('RecordOnSiteVerification', () => {
  it('confirms the licence when the verification passes', () => {
    spec(enterpriseLicenceDecider)
      .given([issued()])
      .when(verify())
      .then([
        {
          type: 'OnSiteVerificationPassed',
          data: {
            enterpriseId: HUBEI_VALVES,
            applicationId: 'APP-1',
            verifiedOn: '2025-07-01',
            inspector: 'inspector-li',
          },
        },
      ])
  })

  it('suspends the licence with its cause when the verification fails', () => {
    spec(enterpriseLicenceDecider)
      .given([issued()])
      .when(verify({ passed: false, findings: 'no pressure test bench on site' }))
      .then([
        {
          type: 'OnSiteVerificationFailed',
          data: {
            enterpriseId: HUBEI_VALVES,
            applicationId: 'APP-1',
            verifiedOn: '2025-07-01',
            inspector: 'inspector-li',
            findings: 'no pressure test bench on site',
            consequence: 'suspended',
          },
        },
        suspended('verification_failed', '2025-07-01'),
      ])
  })

  it('revokes the licence when the inspector decides so', () => {
    spec(enterpriseLicenceDecider)
      .given([issued()])
      .when(verify({ passed: false, findings: 'falsified records', consequence: 'revoked' }))
      .thenMatches([
        { type: 'OnSiteVerificationFailed' },
        {
          type: 'EnterpriseLicenceRevoked',
          data: {
            enterpriseId: HUBEI_VALVES,
            licenceNo: 'XK42-001-0001',
            on: '2025-07-01',
            cause: { kind: 'verification_failed', applicationId: 'APP-1' },
          },
        },
      ])
  })

  it('does not suspend a licence twice', () => {
    spec(enterpriseLicenceDecider)
      .given([
        issued(),
        issued({ applicationId: 'APP-2', kind: 'scope_extension', productCategories: ['safety valves'] }),
        suspended('verification_failed', '2025-06-20'),
      ])
      .when(verify({ applicationId: 'APP-2', passed: false, findings: 'no bench' }))
      .thenMatches([{ type: 'OnSiteVerificationFailed' }])
  })

  it('refuses a failed verification without findings', () => {
    spec(enterpriseLicenceDecider)
      .given([issued()])
      .when(verify({ passed: false }))
      .thenThrows(InvalidCommandError, 'needs its findings')
  })

  it('refuses a verification dated before the licence was issued', () => {
    spec(enterpriseLicenceDecider)
      .given([issued()])
      .when(verify({ verifiedOn: '2025-06-01' }))
      .thenThrows(RuleViolationError, 'before the licence was issued on 2025-06-15')
  })

  it('refuses a second verification of the same application', () => {
    spec(enterpriseLicenceDecider)
      .given([
        issued(),
        {
          type: 'OnSiteVerificationPassed',
          data: {
            enterpriseId: HUBEI_VALVES,
            applicationId: 'APP-1',
            verifiedOn: '2025-07-01',
            inspector: 'x',
          },
        },
      ])
      .when(verify())
      .thenThrows(RuleViolationError, 'was already recorded (passed)')
  })

  it('refuses an unknown application', () => {
    spec(enterpriseLicenceDecider)
      .given([])
      .when(verify())
      .thenThrows(NotFoundError, "licence application 'APP-1' was not found")
  })
})

describe('MissVerification (deadline timer)', () => {
  const miss = (today: string): EnterpriseLicenceCommand => ({
    type: 'MissVerification',
    data: { enterpriseId: HUBEI_VALVES, applicationId: 'APP-1' },
    today,
  })

  it('suspends the licence from the day after the missed due date', () => {
    spec(enterpriseLicenceDecider)
      .given([issued()])
      .when(miss('2025-07-20'))
      .then([
        {
          type: 'OnSiteVerificationMissed',
          data: { enterpriseId: HUBEI_VALVES, applicationId: 'APP-1', dueOn: '2025-07-15' },
        },
        suspended('verification_missed', '2025-07-16'),
      ])
  })

  it('refuses while the verification is not yet due', () => {
    spec(enterpriseLicenceDecider)
      .given([issued()])
      .when(miss('2025-07-15'))
      .thenThrows(RuleViolationError, 'is due on 2025-07-15; it is not missed on 2025-07-15')
  })

  it('refuses when the verification was recorded in time', () => {
    spec(enterpriseLicenceDecider)
      .given([
        issued(),
        {
          type: 'OnSiteVerificationPassed',
          data: {
            enterpriseId: HUBEI_VALVES,
            applicationId: 'APP-1',
            verifiedOn: '2025-07-01',
            inspector: 'x',
          },
        },
      ])
      .when(miss('2025-07-20'))
      .thenThrows(RuleViolationError, 'already recorded')
  })

  it('does not suspend a revoked licence again', () => {
    spec(enterpriseLicenceDecider)
      .given([
        issued(),
        issued({ applicationId: 'APP-2', kind: 'scope_extension', productCategories: ['b'] }),
        {
          type: 'EnterpriseLicenceRevoked',
          data: {
            enterpriseId: HUBEI_VALVES,
            licenceNo: 'XK42-001-0001',
            on: '2025-07-01',
            cause: { kind: 'verification_failed', applicationId: 'APP-2' },
          },
        },
      ])
      .when(miss('2025-07-20'))
      .thenMatches([{ type: 'OnSiteVerificationMissed' }])
  })
})

describe('MigrateLegacyLicence', () => {
  const legacy = (legacyLicenceNo: string, productCategory: string): EnterpriseLicenceCommand => ({
    type: 'MigrateLegacyLicence',
    data: {
      enterpriseId: HUBEI_VALVES,
      legacyLicenceNo,
      productCategory,
      grantedOn: '2022-01-10',
      expiresOn: '2027-01-09',
    },
  })
  const migrated = (
    legacyLicenceNo: string,
    productCategory: string,
    licenceNo = 'XK-OLD-1',
  ): EnterpriseLicenceEvent => ({
    type: 'LegacyLicenceMigrated',
    data: {
      enterpriseId: HUBEI_VALVES,
      licenceNo,
      legacyLicenceNo,
      productCategory,
      grantedOn: '2022-01-10',
      expiresOn: '2027-01-09',
    },
  })

  it('makes the first legacy licence the enterprise licence', () => {
    spec(enterpriseLicenceDecider)
      .given([])
      .when(legacy('XK-OLD-1', 'valves'))
      .then([migrated('XK-OLD-1', 'valves')])
  })

  it('adds further legacy licences as scope lines of the one licence', () => {
    spec(enterpriseLicenceDecider)
      .given([migrated('XK-OLD-1', 'valves')])
      .when(legacy('XK-OLD-2', 'pipes'))
      .then([migrated('XK-OLD-2', 'pipes', 'XK-OLD-1')])
  })

  it('is idempotent: a migrated legacy licence is not migrated again', () => {
    spec(enterpriseLicenceDecider)
      .given([migrated('XK-OLD-1', 'valves')])
      .when(legacy('XK-OLD-1', 'valves'))
      .thenNothing()
  })

  it('refuses a new licence once legacy licences were migrated (一企一证)', () => {
    spec(enterpriseLicenceDecider)
      .given([migrated('XK-OLD-1', 'valves')])
      .when(apply())
      .thenThrows(RuleViolationError, 'already holds licence XK-OLD-1')
  })
})

describe('WithdrawLegacyScopeLine (policy on a revoked legacy licence)', () => {
  const migrated: EnterpriseLicenceEvent = {
    type: 'LegacyLicenceMigrated',
    data: {
      enterpriseId: HUBEI_VALVES,
      licenceNo: 'XK-OLD-1',
      legacyLicenceNo: 'XK-OLD-1',
      productCategory: 'valves',
      grantedOn: '2022-01-10',
      expiresOn: '2027-01-09',
    },
  }
  const withdraw: EnterpriseLicenceCommand = {
    type: 'WithdrawLegacyScopeLine',
    data: {
      enterpriseId: HUBEI_VALVES,
      legacyLicenceNo: 'XK-OLD-1',
      on: '2025-03-01',
      reason: 'failed follow-up inspection',
    },
  }
  const withdrawn: EnterpriseLicenceEvent = {
    type: 'LegacyScopeLineWithdrawn',
    data: { ...withdraw.data, licenceNo: 'XK-OLD-1', productCategory: 'valves' } as Extract<
      EnterpriseLicenceEvent,
      { type: 'LegacyScopeLineWithdrawn' }
    >['data'],
  }

  it('withdraws the migrated line of the revoked legacy licence', () => {
    spec(enterpriseLicenceDecider).given([migrated]).when(withdraw).then([withdrawn])
  })

  it('does nothing for a legacy licence never migrated, or a line already withdrawn', () => {
    spec(enterpriseLicenceDecider).given([]).when(withdraw).thenNothing()
    spec(enterpriseLicenceDecider).given([migrated, withdrawn]).when(withdraw).thenNothing()
  })
})

describe('RestoreLicence (the regulator lifts a suspension)', () => {
  const restore = (
    data: Partial<Extract<EnterpriseLicenceCommand, { type: 'RestoreLicence' }>['data']> = {},
    today = '2025-08-20',
  ): EnterpriseLicenceCommand => ({
    type: 'RestoreLicence',
    data: { enterpriseId: HUBEI_VALVES, on: '2025-08-20', reason: 'rectified, re-verified on site', ...data },
    today,
  })
  const failed: EnterpriseLicenceEvent = {
    type: 'OnSiteVerificationFailed',
    data: {
      enterpriseId: HUBEI_VALVES,
      applicationId: 'APP-1',
      verifiedOn: '2025-07-01',
      inspector: 'inspector-li',
      findings: 'no pressure test bench',
      consequence: 'suspended',
    },
  }
  const reverified: EnterpriseLicenceEvent = {
    type: 'OnSiteVerificationPassed',
    data: {
      enterpriseId: HUBEI_VALVES,
      applicationId: 'APP-1',
      verifiedOn: '2025-08-18',
      inspector: 'inspector-li',
    },
  }
  const restored = (extra: Record<string, string> = {}): EnterpriseLicenceEvent => ({
    type: 'EnterpriseLicenceRestored',
    data: {
      enterpriseId: HUBEI_VALVES,
      licenceNo: 'XK42-001-0001',
      on: '2025-08-20',
      reason: 'rectified, re-verified on site',
      ...extra,
    },
  })

  it('re-verifies the application whose failure suspended the licence', () => {
    spec(enterpriseLicenceDecider)
      .given([issued(), failed, suspended('verification_failed', '2025-07-01')])
      .when(verify({ verifiedOn: '2025-08-18' }))
      .then([reverified])
  })
  it('restores a suspended licence on a passed re-verification', () => {
    spec(enterpriseLicenceDecider)
      .given([issued(), failed, suspended('verification_failed', '2025-07-01'), reverified])
      .when(restore({ applicationId: 'APP-1' }))
      .then([restored({ applicationId: 'APP-1' })])
  })
  it('restores a suspended licence on the regulator’s decision alone', () => {
    spec(enterpriseLicenceDecider)
      .given([issued(), suspended('verification_missed', '2025-07-16')])
      .when(restore())
      .then([restored()])
  })
  it('lets changes be granted on the licence again once restored', () => {
    spec(enterpriseLicenceDecider)
      .given([issued(), suspended('verification_missed', '2025-07-16'), restored()])
      .when(apply({ kind: 'relocation', applicationId: 'APP-2', licenceNo: undefined }, '2025-08-21'))
      .then([
        issued({
          applicationId: 'APP-2',
          kind: 'relocation',
          appliedOn: '2025-06-14',
          issuedOn: '2025-08-21',
          verificationDueOn: '2025-09-20',
        }),
      ])
  })
  it('refuses to restore a licence that is not suspended', () => {
    spec(enterpriseLicenceDecider)
      .given([issued()])
      .when(restore())
      .thenThrows(RuleViolationError, /only a suspended licence/)
    spec(enterpriseLicenceDecider)
      .given([issued(), suspended('verification_missed', '2025-07-16'), restored()])
      .when(restore())
      .thenThrows(RuleViolationError, /is valid/)
  })
  it('refuses to restore a revoked or expired licence', () => {
    const revoked: EnterpriseLicenceEvent = {
      type: 'EnterpriseLicenceRevoked',
      data: {
        enterpriseId: HUBEI_VALVES,
        licenceNo: 'XK42-001-0001',
        on: '2025-07-01',
        cause: { kind: 'verification_failed', applicationId: 'APP-1' },
      },
    }
    spec(enterpriseLicenceDecider)
      .given([issued(), revoked])
      .when(restore())
      .thenThrows(RuleViolationError, /is revoked/)
  })
  it('refuses a licence the enterprise does not hold', () => {
    spec(enterpriseLicenceDecider).given([]).when(restore()).thenThrows(NotFoundError)
  })
  it('refuses a restoration dated after today', () => {
    spec(enterpriseLicenceDecider)
      .given([issued(), suspended('verification_missed', '2025-07-16')])
      .when(restore({ on: '2025-08-21' }))
      .thenThrows(RuleViolationError, /after today/)
  })
  it('refuses a restoration dated before the suspension', () => {
    spec(enterpriseLicenceDecider)
      .given([issued(), suspended('verification_missed', '2025-07-16')])
      .when(restore({ on: '2025-07-15' }))
      .thenThrows(RuleViolationError, /suspended from 2025-07-16/)
  })
  it('refuses a restoration resting on a verification that did not pass', () => {
    spec(enterpriseLicenceDecider)
      .given([issued(), failed, suspended('verification_failed', '2025-07-01')])
      .when(restore({ applicationId: 'APP-1' }))
      .thenThrows(RuleViolationError, /is failed/)
    spec(enterpriseLicenceDecider)
      .given([issued(), suspended('verification_missed', '2025-07-16')])
      .when(restore({ applicationId: 'APP-9' }))
      .thenThrows(NotFoundError)
  })
})

describe('ExpireLicence (deadline timer on the validity end)', () => {
  const expire = (today: string): EnterpriseLicenceCommand => ({
    type: 'ExpireLicence',
    data: { enterpriseId: HUBEI_VALVES },
    today,
  })
  const expired: EnterpriseLicenceEvent = {
    type: 'EnterpriseLicenceExpired',
    data: {
      enterpriseId: HUBEI_VALVES,
      licenceNo: 'XK42-001-0001',
      expiresOn: '2030-06-14',
      on: '2030-06-15',
    },
  }

  it('expires the licence the day after its last valid day', () => {
    spec(enterpriseLicenceDecider).given([issued()]).when(expire('2030-06-15')).then([expired])
  })
  it('expires a suspended licence too', () => {
    spec(enterpriseLicenceDecider)
      .given([issued(), suspended('verification_missed', '2025-07-16')])
      .when(expire('2030-07-01'))
      .then([expired])
  })
  it('refuses while the licence is still valid, and after a renewal extended it', () => {
    spec(enterpriseLicenceDecider)
      .given([issued()])
      .when(expire('2030-06-14'))
      .thenThrows(RuleViolationError, /has not expired/)
    spec(enterpriseLicenceDecider)
      .given([issued(), issued({ applicationId: 'APP-2', kind: 'renewal', expiresOn: '2035-06-14' })])
      .when(expire('2030-06-15'))
      .thenThrows(RuleViolationError, /valid until 2035-06-14/)
  })
  it('is idempotent: an expired licence does not expire again', () => {
    spec(enterpriseLicenceDecider)
      .given([issued(), expired])
      .when(expire('2030-07-01'))
      .thenThrows(RuleViolationError, /cannot expire again/)
  })
  it('refuses a licence the enterprise does not hold', () => {
    spec(enterpriseLicenceDecider).given([]).when(expire('2030-07-01')).thenThrows(NotFoundError)
  })
  it('frees the enterprise’s licence slot: a new licence may be issued, a renewal may not', () => {
    spec(enterpriseLicenceDecider)
      .given([issued(), expired])
      .when(
        apply(
          {
            applicationId: 'APP-3',
            licenceNo: 'XK42-001-0002',
            appliedOn: '2030-06-20',
            expiresOn: '2035-06-20',
          },
          '2030-06-20',
        ),
      )
      .then([
        issued({
          applicationId: 'APP-3',
          licenceNo: 'XK42-001-0002',
          appliedOn: '2030-06-20',
          issuedOn: '2030-06-20',
          expiresOn: '2035-06-20',
          verificationDueOn: '2030-07-20',
        }),
      ])
    spec(enterpriseLicenceDecider)
      .given([issued(), expired])
      .when(apply({ applicationId: 'APP-3', kind: 'renewal', expiresOn: '2035-06-20' }, '2030-06-20'))
      .thenThrows(RuleViolationError, /is expired/)
  })
})
