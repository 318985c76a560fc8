import { type Actor, createCallerFactory } from '@qi/trpc'
import { startTestPlatform, type TestPlatform } from '@qi/trpc/testing'
import { TRPCError } from '@trpc/server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { commitment, HUBEI_VALVES, WUHAN_SCALES } from '../domain/fixtures'
import { actOnDeadlines, licensingService } from '../index'
import { legacyLicenceRevokedPolicy } from '../policies/legacy-licence-revoked'
import { router } from './router'

const START = '2025-06-15'

const regulator: Actor = { userId: 'inspector-li', org: 'HBAMR', orgName: 'Hubei AMR', role: 'regulator' }
const institute: Actor = {
  userId: 'mi-reviewer',
  org: 'HBMI',
  orgName: 'Hubei metrology institute',
  role: 'metrology_institute',
}
const admin: Actor = { userId: 'admin', org: 'qi-ledger', orgName: 'QI Ledger', role: 'admin' }
const valves: Actor = { userId: 'hv-clerk', org: HUBEI_VALVES, orgName: 'Hubei Valves', role: 'enterprise' }
const scales: Actor = { userId: 'ws-clerk', org: WUHAN_SCALES, orgName: 'Wuhan Scales', role: 'enterprise' }
const lab: Actor = {
  userId: 'lab-user',
  org: 'HBQI',
  orgName: 'Hubei product quality institute',
  role: 'lab',
}

let platform: TestPlatform
/** The injected clock: tests move it to drive the deadline timer, nothing sleeps. */
let clock: string

beforeEach(async () => {
  platform = await startTestPlatform({ projections: licensingService.projections, today: START })
  clock = START
  platform.deps.now = () => new Date(`${clock}T09:00:00.000Z`)
})
afterEach(() => platform.close())

const callers = createCallerFactory(router)
const as = (actor: Actor) => callers(platform.context(actor))

async function failure(call: Promise<unknown>): Promise<TRPCError> {
  try {
    await call
  } catch (error) {
    if (error instanceof TRPCError) return error
    throw error
  }
  throw new Error('expected the call to fail')
}

const newLicence = {
  enterpriseId: HUBEI_VALVES,
  applicationId: 'APP-1',
  kind: 'new' as const,
  licenceNo: 'XK42-001-0001',
  productCategories: ['pressure valves'],
  site: 'Wuhan East Lake',
  appliedOn: START,
  expiresOn: '2030-06-14',
}

describe('先证后核 on one licence per enterprise', () => {
  it('issues the licence on application and confirms it on a verification in time', async () => {
    const applied = await as(valves).applyForLicence(newLicence)
    let view = await as(valves).processes({ minPosition: applied.position! })
    expect(view.licences).toMatchObject([
      { licenceNo: 'XK42-001-0001', status: 'valid', categories: ['pressure valves'] },
    ])
    expect(view.dueWork).toEqual([
      expect.objectContaining({ kind: 'verification', ref: 'APP-1', dueOn: '2025-07-15', overdue: false }),
      // The validity end is a deadline too: the timer expires the licence after it.
      expect.objectContaining({ kind: 'expiry', ref: 'XK42-001-0001', dueOn: '2030-06-14', overdue: false }),
    ])
    const verified = await as(regulator).recordOnSiteVerification({
      enterpriseId: HUBEI_VALVES,
      applicationId: 'APP-1',
      verifiedOn: '2025-07-01',
      passed: true,
    })
    view = await as(regulator).processes({ minPosition: verified.position! })
    expect(view.applications).toMatchObject([
      { applicationId: 'APP-1', status: 'verified', verifiedOn: '2025-07-01' },
    ])
    expect(view.dueWork.map((w) => w.kind)).toEqual(['expiry'])
    const kpis = await as(regulator).kpis({ minPosition: verified.position! })
    expect(kpis.verifications).toEqual({ due: 1, inTime: 1, missed: 0, shareInTime: 1 })
    expect(kpis.medianDaysToLicence).toBe(0)
  })

  it('refuses a second licence of the same enterprise and lets it extend the scope instead (一企一证)', async () => {
    await as(valves).applyForLicence(newLicence)
    const second = await failure(
      as(valves).applyForLicence({ ...newLicence, applicationId: 'APP-2', licenceNo: 'XK42-001-0002' }),
    )
    expect(second.code).toBe('PRECONDITION_FAILED')
    expect(second.message).toContain('already holds licence XK42-001-0001 (一企一证)')
    const extended = await as(valves).applyForLicence({
      ...newLicence,
      applicationId: 'APP-2',
      kind: 'scope_extension',
      licenceNo: undefined,
      productCategories: ['safety valves'],
    })
    const view = await as(valves).processes({ minPosition: extended.position! })
    expect(view.licences[0]?.categories).toEqual(['pressure valves', 'safety valves'])
    expect(view.dueWork.map((w) => w.ref)).toEqual(['APP-1', 'APP-2', 'XK42-001-0001'])
  })

  it('lets an enterprise apply only for itself, and only the regulator verify', async () => {
    const forOther = await failure(as(scales).applyForLicence(newLicence))
    expect(forOther.code).toBe('FORBIDDEN')
    await as(valves).applyForLicence(newLicence)
    const selfVerified = await failure(
      as(valves).recordOnSiteVerification({
        enterpriseId: HUBEI_VALVES,
        applicationId: 'APP-1',
        verifiedOn: '2025-07-01',
        passed: true,
      }),
    )
    expect(selfVerified.code).toBe('FORBIDDEN')
  })

  it('revokes the licence with its cause when the verification fails', async () => {
    await as(valves).applyForLicence(newLicence)
    const failed = await as(regulator).recordOnSiteVerification({
      enterpriseId: HUBEI_VALVES,
      applicationId: 'APP-1',
      verifiedOn: '2025-07-01',
      passed: false,
      findings: 'no pressure test bench on site',
      consequence: 'revoked',
    })
    expect(failed.events).toEqual(['OnSiteVerificationFailed', 'EnterpriseLicenceRevoked'])
    const view = await as(valves).processes({ minPosition: failed.position! })
    expect(view.licences[0]).toMatchObject({
      status: 'revoked',
      cause: { kind: 'verification_failed', applicationId: 'APP-1' },
    })
    expect(view.applications[0]).toMatchObject({
      status: 'verification_failed',
      findings: 'no pressure test bench on site',
    })
    // A revoked licence can be replaced by a new one, verified again.
    const replaced = await as(valves).applyForLicence({
      ...newLicence,
      applicationId: 'APP-2',
      licenceNo: 'XK42-001-0009',
    })
    const after = await as(valves).processes({ minPosition: replaced.position! })
    expect(after.licences).toMatchObject([{ licenceNo: 'XK42-001-0009', status: 'valid', cause: null }])
    // The revoked licence's validity end closed with it; the new licence has its own.
    expect(after.dueWork.map((w) => w.ref)).toEqual(['APP-2', 'XK42-001-0009'])
  })

  it('suspends the licence once the verification deadline has passed, exactly once, whatever the timer runs', async () => {
    await as(valves).applyForLicence(newLicence)
    clock = '2025-07-15' // the due date itself: not missed yet
    expect(await actOnDeadlines(platform.deps)).toBe(0)
    clock = '2025-07-16'
    expect(await actOnDeadlines(platform.deps)).toBe(1)
    expect(await actOnDeadlines(platform.deps)).toBe(0)
    const view = await as(regulator).processes({ minPosition: (await platform.store.headPosition())! })
    expect(view.licences[0]).toMatchObject({
      status: 'suspended',
      cause: { kind: 'verification_missed', applicationId: 'APP-1' },
    })
    expect(view.applications[0]).toMatchObject({ status: 'verification_missed' })
    const events = await platform.store.readStream(`one-licence-${HUBEI_VALVES}`)
    expect(events.map((e) => e.type)).toEqual([
      'LicenceIssuedBeforeVerification',
      'OnSiteVerificationMissed',
      'EnterpriseLicenceSuspended',
    ])
    // Business date of the suspension is the day after the deadline, not the day the timer ran.
    expect(events[2]?.data).toMatchObject({ from: '2025-07-16' })
    const kpis = await as(regulator).kpis({})
    expect(kpis.verifications).toMatchObject({ missed: 1, shareInTime: 0 })
  })

  it('restores a suspended licence after a passed re-verification, by the regulator only', async () => {
    await as(valves).applyForLicence(newLicence)
    clock = '2025-07-16'
    expect(await actOnDeadlines(platform.deps)).toBe(1)
    clock = '2025-07-25'
    const early = await failure(
      as(regulator).restoreLicence({
        enterpriseId: HUBEI_VALVES,
        on: '2025-07-25',
        reason: 'verified late',
        applicationId: 'APP-1',
      }),
    )
    expect(early.message).toContain('a restoration rests on a passed one')
    // The late verification is a re-verification: the licence stays suspended until restored.
    const reverified = await as(regulator).recordOnSiteVerification({
      enterpriseId: HUBEI_VALVES,
      applicationId: 'APP-1',
      verifiedOn: '2025-07-20',
      passed: true,
    })
    let view = await as(regulator).processes({ minPosition: reverified.position! })
    expect(view.licences[0]).toMatchObject({ status: 'suspended' })
    const forbidden = await failure(
      as(valves).restoreLicence({ enterpriseId: HUBEI_VALVES, on: '2025-07-25', reason: 'self-restored' }),
    )
    expect(forbidden.code).toBe('FORBIDDEN')
    const restored = await as(regulator).restoreLicence({
      enterpriseId: HUBEI_VALVES,
      on: '2025-07-21',
      reason: 'rectified; re-verified on site',
      applicationId: 'APP-1',
    })
    expect(restored.events).toEqual(['EnterpriseLicenceRestored'])
    view = await as(valves).processes({ minPosition: restored.position! })
    expect(view.licences[0]).toMatchObject({
      status: 'valid',
      cause: { kind: 'restored', on: '2025-07-21', applicationId: 'APP-1' },
    })
    const again = await failure(
      as(regulator).restoreLicence({ enterpriseId: HUBEI_VALVES, on: '2025-07-25', reason: 'again' }),
    )
    expect(again.message).toContain('only a suspended licence can be restored')
  })

  it('expires the licence after its validity end, exactly once; a renewal before it moves the deadline', async () => {
    await as(valves).applyForLicence({ ...newLicence, expiresOn: '2025-09-30' })
    await as(regulator).recordOnSiteVerification({
      enterpriseId: HUBEI_VALVES,
      applicationId: 'APP-1',
      verifiedOn: '2025-07-01',
      passed: true,
    })
    clock = '2025-09-01'
    const renewed = await as(valves).applyForLicence({
      ...newLicence,
      applicationId: 'APP-2',
      kind: 'renewal',
      licenceNo: undefined,
      appliedOn: '2025-09-01',
      expiresOn: '2025-12-31',
    })
    let view = await as(valves).processes({ minPosition: renewed.position! })
    expect(view.dueWork).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'expiry', ref: 'XK42-001-0001', dueOn: '2025-12-31' }),
      ]),
    )
    await as(regulator).recordOnSiteVerification({
      enterpriseId: HUBEI_VALVES,
      applicationId: 'APP-2',
      verifiedOn: '2025-09-10',
      passed: true,
    })
    clock = '2025-10-01' // the first validity end has passed, but the renewal extended it
    expect(await actOnDeadlines(platform.deps)).toBe(0)
    clock = '2025-12-31'
    expect(await actOnDeadlines(platform.deps)).toBe(0)
    clock = '2026-01-05'
    expect(await actOnDeadlines(platform.deps)).toBe(1)
    expect(await actOnDeadlines(platform.deps)).toBe(0)
    const events = await platform.store.readStream(`one-licence-${HUBEI_VALVES}`)
    expect(events.at(-1)).toMatchObject({
      type: 'EnterpriseLicenceExpired',
      data: { expiresOn: '2025-12-31', on: '2026-01-01' },
    })
    view = await as(valves).processes({ minPosition: (await platform.store.headPosition())! })
    expect(view.licences[0]).toMatchObject({ status: 'expired' })
    expect(view.dueWork).toEqual([])
    // The enterprise's licence slot is free again: a new licence, not a renewal.
    const renewal = await failure(
      as(valves).applyForLicence({
        ...newLicence,
        applicationId: 'APP-3',
        kind: 'renewal',
        licenceNo: undefined,
        appliedOn: '2026-01-05',
        expiresOn: '2030-12-31',
      }),
    )
    expect(renewal.message).toContain('is expired')
    const fresh = await as(valves).applyForLicence({
      ...newLicence,
      applicationId: 'APP-3',
      licenceNo: 'XK42-001-0002',
      appliedOn: '2026-01-05',
      expiresOn: '2030-12-31',
    })
    expect(fresh.events).toEqual(['LicenceIssuedBeforeVerification'])
    view = await as(valves).processes({ minPosition: fresh.position! })
    expect(view.licences[0]).toMatchObject({
      licenceNo: 'XK42-001-0002',
      status: 'valid',
      previous: [
        { licenceNo: 'XK42-001-0001', status: 'expired', cause: { kind: 'expired', on: '2026-01-01' } },
      ],
    })
  })

  it('migrates legacy per-category licences into the one licence, idempotently', async () => {
    const legacy = (licenceNo: string, productCategory: string, grantedOn: string) =>
      platform.seedEvent(
        'ProductionLicenceGranted',
        `licence-${licenceNo}`,
        {
          licenceNo,
          enterpriseId: HUBEI_VALVES,
          productCategory,
          procedure: 'ordinary',
          grantedOn,
          expiresOn: '2027-01-09',
        },
        grantedOn,
        'industrialization',
      )
    await legacy('XK06-001-00001', 'pressure valves', '2022-01-10')
    await legacy('XK06-002-00007', 'steel pipes', '2023-03-01')
    const forbidden = await failure(as(regulator).migrateLegacyLicences({}))
    expect(forbidden.code).toBe('FORBIDDEN')
    expect(await as(admin).migrateLegacyLicences({})).toEqual({ migrated: 2, unchanged: 0 })
    expect(await as(admin).migrateLegacyLicences({})).toEqual({ migrated: 0, unchanged: 2 })
    const view = await as(valves).processes({ minPosition: (await platform.store.headPosition())! })
    expect(view.licences).toMatchObject([
      {
        licenceNo: 'XK06-001-00001',
        categories: ['pressure valves', 'steel pipes'],
        legacy: [{ legacyLicenceNo: 'XK06-001-00001' }, { legacyLicenceNo: 'XK06-002-00007' }],
      },
    ])
    const again = await failure(as(valves).applyForLicence(newLicence))
    expect(again.message).toContain('already holds licence XK06-001-00001')
  })

  it('withdraws a migrated scope line when its legacy licence is revoked (policy)', async () => {
    const grant = (licenceNo: string, productCategory: string) =>
      platform.seedEvent(
        'ProductionLicenceGranted',
        `licence-${licenceNo}`,
        {
          licenceNo,
          enterpriseId: HUBEI_VALVES,
          productCategory,
          procedure: 'ordinary',
          grantedOn: '2022-01-10',
          expiresOn: '2027-01-09',
        },
        '2022-01-10',
        'industrialization',
      )
    await grant('XK06-001-00001', 'pressure valves')
    await grant('XK06-002-00007', 'steel pipes')
    await as(admin).migrateLegacyLicences({})
    await platform.seedEvent(
      'ProductionLicenceRevoked',
      'licence-XK06-002-00007',
      { licenceNo: 'XK06-002-00007', on: '2025-06-01', reason: 'failed follow-up inspection' },
      '2025-06-01',
      'industrialization',
    )
    const [revoked] = (await platform.store.readStream('licence-XK06-002-00007')).slice(-1)
    const policy = legacyLicenceRevokedPolicy(platform.deps)
    await policy.react(revoked!)
    await policy.react(revoked!) // handled twice (after a crash): one effect
    const view = await as(valves).processes({ minPosition: (await platform.store.headPosition())! })
    expect(view.licences[0]?.categories).toEqual(['pressure valves'])
    expect(view.licences[0]?.legacy).toMatchObject([
      { legacyLicenceNo: 'XK06-001-00001' },
      { legacyLicenceNo: 'XK06-002-00007', withdrawnOn: '2025-06-01' },
    ])
    const events = await platform.store.readStream(`one-licence-${HUBEI_VALVES}`)
    expect(events.filter((e) => e.type === 'LegacyScopeLineWithdrawn')).toHaveLength(1)
  })
})

const labApproval = {
  approvalId: 'QA-2025-001',
  holderId: 'HBQI',
  matter: 'lab_qualification_first' as const,
  scope: ['GB 4706.1-2005 household appliances safety'],
  commitment: commitment(),
}

describe('告知承诺制', () => {
  it('approves a lab qualification at once and verifies the commitment later', async () => {
    const approved = await as(lab).approveOnCommitment(labApproval)
    expect(approved.events).toEqual(['ApprovedOnCommitment'])
    let view = await as(lab).processes({ minPosition: approved.position! })
    expect(view.approvals).toMatchObject([
      { approvalId: 'QA-2025-001', status: 'approved', dueOn: '2025-09-13' },
    ])
    expect(view.approvals[0]?.commitment).toMatchObject({ signer: '张三（法定代表人）' })
    const verified = await as(regulator).recordCommitmentInspection({
      approvalId: 'QA-2025-001',
      inspectedOn: '2025-08-01',
      truthful: true,
    })
    view = await as(lab).processes({ minPosition: verified.position! })
    expect(view.approvals[0]).toMatchObject({ status: 'verified', inspectedOn: '2025-08-01' })
  })

  it('revokes the approval for a false commitment and records the period done under it', async () => {
    await as(lab).approveOnCommitment(labApproval)
    const revoked = await as(regulator).recordCommitmentInspection({
      approvalId: 'QA-2025-001',
      inspectedOn: '2025-08-01',
      truthful: false,
      findings: 'the technical manager named in the commitment never worked there',
    })
    expect(revoked.events).toEqual(['ApprovalRevokedForFalseCommitment'])
    const approval = await as(regulator).approval({
      approvalId: 'QA-2025-001',
      minPosition: revoked.position!,
    })
    expect(approval).toMatchObject({ status: 'revoked', doneUnder: { from: START, to: '2025-08-01' } })
    const [event] = (await platform.store.readStream('commitment-QA-2025-001')).slice(-1)
    expect(event?.data).toMatchObject({ holderId: 'HBQI', doneUnder: { from: START, to: '2025-08-01' } })
    expect((await as(regulator).kpis({})).commitments).toEqual({ inspected: 1, foundFalse: 1 })
  })

  it('lets a lab apply only for its own qualification, and an enterprise only for metrology matters', async () => {
    const forOther = await failure(as(lab).approveOnCommitment({ ...labApproval, holderId: 'WHQT' }))
    expect(forOther.code).toBe('FORBIDDEN')
    const wrongMatter = await failure(
      as(scales).approveOnCommitment({ ...labApproval, holderId: WUHAN_SCALES }),
    )
    expect(wrongMatter.message).toContain('is applied for by a lab')
    const metrology = await as(scales).approveOnCommitment({
      ...labApproval,
      approvalId: 'MM-2025-001',
      holderId: WUHAN_SCALES,
      matter: 'metrology_manufacture',
      scope: ['electronic scales, class III'],
    })
    expect(metrology.events).toEqual(['ApprovedOnCommitment'])
  })

  it('marks an inspection overdue after its deadline', async () => {
    await as(lab).approveOnCommitment(labApproval)
    clock = '2025-09-14'
    expect(await actOnDeadlines(platform.deps)).toBe(1)
    expect(await actOnDeadlines(platform.deps)).toBe(0)
    const view = await as(regulator).processes({ minPosition: (await platform.store.headPosition())! })
    expect(view.approvals[0]).toMatchObject({ status: 'approved', overdue: true })
    expect(view.dueWork).toEqual([
      expect.objectContaining({ kind: 'inspection', ref: 'QA-2025-001', overdue: true }),
    ])
  })
})

describe('C-mark self-declaration', () => {
  it('files a declaration without approval; a sampled check that fails withdraws the mark', async () => {
    await as(scales).declareCMark({
      enterpriseId: WUHAN_SCALES,
      products: ['500 g packaged rice'],
      commitment: commitment(),
    })
    await as(valves).declareCMark({
      enterpriseId: HUBEI_VALVES,
      products: ['valve grease 1 kg'],
      commitment: commitment(),
    })
    const sampled = await as(regulator).sampleCMarkDeclarations({ round: '2025Q3', count: 1 })
    expect(sampled.scheduled).toHaveLength(1)
    // The same round picks the same declaration and schedules nothing twice.
    expect(await as(regulator).sampleCMarkDeclarations({ round: '2025Q3', count: 1 })).toEqual({
      scheduled: [],
    })
    const enterpriseId = sampled.scheduled[0]!
    const checkId = `2025Q3-${enterpriseId}`
    let view = await as(regulator).processes({ minPosition: (await platform.store.headPosition())! })
    expect(view.cmark.checks).toMatchObject([{ checkId, status: 'scheduled', dueOn: '2025-07-15' }])
    const failed = await as(regulator).recordCMarkCheck({
      enterpriseId,
      checkId,
      checkedOn: '2025-07-01',
      passed: false,
      findings: 'net content 3 % short in 4 of 10 packages',
    })
    view = await as(regulator).processes({ minPosition: failed.position! })
    expect(view.cmark.declarations.find((d) => d.enterpriseId === enterpriseId)?.status).toBe('withdrawn')
    const owner = enterpriseId === WUHAN_SCALES ? scales : valves
    const redeclare = await failure(
      as(owner).declareCMark({ enterpriseId, products: ['500 g packaged rice'], commitment: commitment() }),
    )
    expect(redeclare.message).toContain('lost the right to use the C mark')
    expect((await as(regulator).kpis({})).cmarkChecks).toEqual({ done: 1, failed: 1 })
  })

  it('confirms a declaration when the check passes', async () => {
    await as(scales).declareCMark({
      enterpriseId: WUHAN_SCALES,
      products: ['500 g packaged rice'],
      commitment: commitment(),
    })
    await as(regulator).sampleCMarkDeclarations({ round: 'R1', count: 5 })
    const passed = await as(regulator).recordCMarkCheck({
      enterpriseId: WUHAN_SCALES,
      checkId: `R1-${WUHAN_SCALES}`,
      checkedOn: '2025-07-01',
      passed: true,
    })
    const view = await as(scales).processes({ minPosition: passed.position! })
    expect(view.cmark).toMatchObject({
      declarations: [{ status: 'declared' }],
      checks: [{ status: 'passed' }],
    })
  })
})

describe('C-mark check deadline', () => {
  it('marks a sampled check overdue after its due date; a late check still closes it', async () => {
    await as(scales).declareCMark({
      enterpriseId: WUHAN_SCALES,
      products: ['500 g packaged rice'],
      commitment: commitment(),
    })
    await as(regulator).sampleCMarkDeclarations({ round: 'R1', count: 1 })
    clock = '2025-07-16'
    expect(await actOnDeadlines(platform.deps)).toBe(1)
    expect(await actOnDeadlines(platform.deps)).toBe(0)
    let view = await as(regulator).processes({ minPosition: (await platform.store.headPosition())! })
    expect(view.dueWork).toEqual([
      expect.objectContaining({ kind: 'cmark_check', overdue: true, dueOn: '2025-07-15' }),
    ])
    const late = await as(regulator).recordCMarkCheck({
      enterpriseId: WUHAN_SCALES,
      checkId: `R1-${WUHAN_SCALES}`,
      checkedOn: '2025-07-16',
      passed: true,
    })
    view = await as(regulator).processes({ minPosition: late.position! })
    expect(view.dueWork).toEqual([])
  })
})

describe('并联审批', () => {
  /** Filed by the enterprise; the approvals office assigns each branch to its reviewing department. */
  const file = async () => {
    const filed = await as(scales).fileParallelApplication({
      applicationId: 'PA-1',
      enterpriseId: WUHAN_SCALES,
      instrument: 'electronic price-computing scale',
    })
    await as(regulator).assignParallelBranch({
      applicationId: 'PA-1',
      branch: 'type_approval',
      reviewerOrg: institute.org,
    })
    await as(regulator).assignParallelBranch({
      applicationId: 'PA-1',
      branch: 'manufacturing_licence',
      reviewerOrg: regulator.org,
    })
    return filed
  }

  it('completes when both branches approved, showing where it waits meanwhile', async () => {
    await file()
    const first = await as(institute).decideParallelBranch({
      applicationId: 'PA-1',
      branch: 'type_approval',
      approved: true,
    })
    let view = await as(scales).processes({ minPosition: first.position! })
    expect(view.parallel[0]).toMatchObject({ status: 'open', waitingOn: ['manufacturing_licence'] })
    expect((await as(regulator).kpis({})).parallelWaiting).toEqual({ manufacturing_licence: 1 })
    clock = '2025-06-25'
    const last = await as(regulator).decideParallelBranch({
      applicationId: 'PA-1',
      branch: 'manufacturing_licence',
      approved: true,
    })
    expect(last.events).toEqual(['ParallelBranchDecided', 'ParallelApplicationCompleted'])
    view = await as(scales).processes({ minPosition: last.position! })
    expect(view.parallel[0]).toMatchObject({ status: 'approved', completedOn: '2025-06-25', waitingOn: [] })
    expect((await as(regulator).kpis({})).medianDaysParallel).toBe(10)
  })

  it('stops the other branch when one refuses', async () => {
    await file()
    const refused = await as(regulator).decideParallelBranch({
      applicationId: 'PA-1',
      branch: 'manufacturing_licence',
      approved: false,
      reason: 'no calibrated reference weights on site',
    })
    const view = await as(scales).processes({ minPosition: refused.position! })
    expect(view.parallel[0]).toMatchObject({ status: 'refused' })
    expect(view.parallel[0]?.branches).toMatchObject([
      { branch: 'type_approval', status: 'stopped' },
      {
        branch: 'manufacturing_licence',
        status: 'refused',
        reason: 'no calibrated reference weights on site',
      },
    ])
    const late = await failure(
      as(institute).decideParallelBranch({ applicationId: 'PA-1', branch: 'type_approval', approved: true }),
    )
    expect(late.message).toContain('its open branches were stopped')
  })

  it('refuses a decision in a branch not assigned yet', async () => {
    await as(scales).fileParallelApplication({
      applicationId: 'PA-1',
      enterpriseId: WUHAN_SCALES,
      instrument: 'electronic price-computing scale',
    })
    const unassigned = await failure(
      as(institute).decideParallelBranch({ applicationId: 'PA-1', branch: 'type_approval', approved: true }),
    )
    expect(unassigned.code).toBe('PRECONDITION_FAILED')
    expect(unassigned.message).toContain('has no reviewing department yet')
  })

  it('lets each branch be decided only by its own reviewer', async () => {
    await file()
    const wrong = await failure(
      as(regulator).decideParallelBranch({ applicationId: 'PA-1', branch: 'type_approval', approved: true }),
    )
    expect(wrong.code).toBe('FORBIDDEN')
    expect(wrong.message).toContain('decided by the metrology_institute')
  })

  it('lets a branch be decided only by the organisation it was assigned to, not any org of the reviewer role', async () => {
    await file()
    const otherInstitute: Actor = { ...institute, userId: 'whmi-reviewer', org: 'WHMI', orgName: 'Wuhan MI' }
    const wrong = await failure(
      as(otherInstitute).decideParallelBranch({
        applicationId: 'PA-1',
        branch: 'type_approval',
        approved: true,
      }),
    )
    expect(wrong.code).toBe('FORBIDDEN')
    expect(wrong.message).toContain('is reviewed by HBMI, not by WHMI')
    const decided = await as(institute).decideParallelBranch({
      applicationId: 'PA-1',
      branch: 'type_approval',
      approved: true,
    })
    const view = await as(regulator).processes({ minPosition: decided.position! })
    expect(view.parallel[0]?.branches).toMatchObject([
      { branch: 'type_approval', status: 'approved', reviewerOrg: 'HBMI' },
      { branch: 'manufacturing_licence', status: 'pending', reviewerOrg: 'HBAMR' },
    ])
    // Only the regulator assigns branches.
    const assign = await failure(
      as(institute).assignParallelBranch({
        applicationId: 'PA-1',
        branch: 'type_approval',
        reviewerOrg: 'HBMI',
      }),
    )
    expect(assign.code).toBe('FORBIDDEN')
  })

  it('marks a branch overdue after its own deadline', async () => {
    await file()
    clock = '2025-07-01' // licence branch due 2025-06-30, type approval 2025-07-05
    expect(await actOnDeadlines(platform.deps)).toBe(1)
    const view = await as(regulator).processes({ minPosition: (await platform.store.headPosition())! })
    expect(view.parallel[0]?.branches).toMatchObject([
      { branch: 'type_approval', overdue: false },
      { branch: 'manufacturing_licence', overdue: true },
    ])
  })
})

describe('special equipment (item 二十一)', () => {
  it('an approved examination body examines operators and a pass gets the certificate on the spot', async () => {
    const forbidden = await failure(
      as(valves).approveExaminationBody({
        bodyId: HUBEI_VALVES,
        name: 'Hubei Valves training centre',
        categories: ['G1'],
      }),
    )
    expect(forbidden.code).toBe('FORBIDDEN')
    await as(regulator).approveExaminationBody({
      bodyId: HUBEI_VALVES,
      name: 'Hubei Valves training centre',
      categories: ['G1 boiler operation'],
    })
    const exam = {
      bodyId: HUBEI_VALVES,
      candidate: '刘洋',
      category: 'G1 boiler operation',
      examinedOn: START,
    }
    const passed = await as(valves).recordOperatorExam({ ...exam, examId: 'EX-1', passed: true })
    expect(passed.events).toEqual(['OperatorExamRecorded', 'OperatorCertificateIssued'])
    const failedExam = await as(valves).recordOperatorExam({ ...exam, examId: 'EX-2', passed: false })
    expect(failedExam.events).toEqual(['OperatorExamRecorded'])
    const otherCategory = await failure(
      as(valves).recordOperatorExam({ ...exam, examId: 'EX-3', category: 'N1 forklift', passed: true }),
    )
    expect(otherCategory.code).toBe('PRECONDITION_FAILED')
    const forOther = await failure(as(scales).recordOperatorExam({ ...exam, examId: 'EX-4', passed: true }))
    expect(forOther.code).toBe('FORBIDDEN')
    const view = await as(valves).processes({ minPosition: failedExam.position! })
    expect(view.specialEquipment.exams).toMatchObject([
      { examId: 'EX-1', passed: true, certificateNo: 'TZ-EX-1', certificateExpiresOn: '2029-06-15' },
      { examId: 'EX-2', passed: false, certificateNo: null },
    ])
  })

  it('derives an installation/repair qualification from a manufacturing one, and refuses without it', async () => {
    const without = await failure(
      as(valves).applyForDerivedQualification({
        enterpriseId: HUBEI_VALVES,
        qualificationNo: 'TS-1',
        activities: ['installation'],
      }),
    )
    expect(without.message).toContain('holds no manufacturing qualification TS-1')
    await as(regulator).recordManufacturingQualification({
      enterpriseId: HUBEI_VALVES,
      qualificationNo: 'TS-1',
      equipmentCategory: 'pressure vessels A2',
      grantedOn: '2024-01-01',
      expiresOn: '2028-01-01',
    })
    const derived = await as(valves).applyForDerivedQualification({
      enterpriseId: HUBEI_VALVES,
      qualificationNo: 'TS-1',
      activities: ['installation', 'repair'],
    })
    const view = await as(valves).processes({ minPosition: derived.position! })
    expect(view.specialEquipment.qualifications).toMatchObject([
      { qualificationNo: 'TS-1', kind: 'manufacturing' },
      {
        kind: 'derived',
        derivedFrom: 'TS-1',
        activities: ['installation', 'repair'],
        expiresOn: '2028-01-01',
      },
    ])
    clock = '2028-01-02'
    const expired = await failure(
      as(valves).applyForDerivedQualification({
        enterpriseId: HUBEI_VALVES,
        qualificationNo: 'TS-1',
        activities: ['alteration'],
      }),
    )
    expect(expired.message).toContain('expired on 2028-01-01')
  })
})
