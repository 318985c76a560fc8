import type { RecordedEvent } from '@qi/eventstore'
import { mayCall, type Role } from '@qi/trpc'
import superjson from 'superjson'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoOrganisations } from './demo/organisations'
import { listProcedures } from './http-api'
import { startTestServer, type TestServer } from './testing'

/**
 * The authorization matrix, generated from the router itself: every procedure declares its access
 * (`publicProcedure`, `authedProcedure`, `rolesProcedure(...)`, kept in its tRPC meta), and every
 * procedure is tried over HTTP as every role, as the public and with a key that is not valid.
 */
const procedures = listProcedures().map(({ path, kind, access }) => ({ path, type: kind, access }))
const mutations = procedures.filter((p) => p.type === 'mutation').map((p) => p.path)

/** One demo organisation per role (admin: the bootstrap admin). */
const ACTING_AS: Record<Exclude<Role, 'admin'>, string> = {
  lab: demoOrganisations.provincialLab.orgId,
  certification_body: demoOrganisations.cb.orgId,
  standards_institute: demoOrganisations.institute.orgId,
  metrology_institute: demoOrganisations.metrology.orgId,
  regulator: demoOrganisations.regulator.orgId,
  enterprise: demoOrganisations.dongfeng.orgId,
}
type Column = Role | 'anonymous' | 'invalid key'
const COLUMNS: Column[] = [...(Object.keys(ACTING_AS) as Role[]), 'admin', 'anonymous', 'invalid key']

/** Bodies never carry a stack trace or a file path of the server. */
const LEAK = /"stack"|\/(work|home|usr|tmp|root)\/|node_modules|\.ts:\d+/

type Events = (type: string, match?: (event: RecordedEvent) => boolean) => RecordedEvent
type Sample = { as: string; input: (event: Events) => Record<string, unknown> }

const HBQI = demoOrganisations.provincialLab.orgId
const WHQT = demoOrganisations.cityLab.orgId
const CQC = demoOrganisations.cb.orgId
const HBCC = demoOrganisations.cb2.orgId
const STEEL = demoOrganisations.steel.orgId
const data = (event: RecordedEvent) => event.data as Record<string, unknown>
const hbqiInstrument: Parameters<Events>[1] = (e) => data(e).ownerLabId === HBQI

/**
 * Ownership: for every mutation, either a valid input that reaches for another organisation's
 * entity in the demo dataset (sent by an organisation of an allowed role that does not own it), or
 * why the mutation has no ownership rule. A new mutation must be added here.
 */
const OWNERSHIP: Record<string, Sample | { none: string }> = {
  'licensing.recordOnSiteVerification': { none: 'the regulator verifies for the region' },
  'licensing.restoreLicence': { none: 'the regulator restores licences for the region' },
  'licensing.assignParallelBranch': { none: 'the regulator (approvals office) assigns for the region' },
  'licensing.migrateLegacyLicences': { none: 'admin only' },
  'licensing.recordCommitmentInspection': { none: 'the regulator inspects for the region' },
  'licensing.sampleCMarkDeclarations': { none: 'the regulator samples for the region' },
  'licensing.recordCMarkCheck': { none: 'the regulator checks for the region' },
  'licensing.approveExaminationBody': { none: 'the regulator approves for the region' },
  'licensing.recordManufacturingQualification': { none: 'the regulator records for the region' },
  'licensing.applyForLicence': {
    as: STEEL,
    input: () => ({
      enterpriseId: ACTING_AS.enterprise,
      applicationId: 'AUTHZ-LA-1',
      kind: 'new',
      licenceNo: 'AUTHZ-LIC-1',
      productCategories: ['steel wire'],
      site: 'not ours',
      appliedOn: '2025-01-02',
      expiresOn: '2030-01-01',
    }),
  },
  'licensing.approveOnCommitment': {
    as: STEEL,
    input: () => ({
      approvalId: 'AUTHZ-CA-1',
      holderId: ACTING_AS.enterprise,
      matter: 'metrology_manufacture',
      scope: ['balances'],
      commitment: { text: 'we commit', signer: 'not ours', signedOn: '2025-01-02' },
    }),
  },
  'licensing.declareCMark': {
    as: STEEL,
    input: () => ({
      enterpriseId: ACTING_AS.enterprise,
      products: ['rice 5 kg'],
      commitment: { text: 'we commit', signer: 'not ours', signedOn: '2025-01-02' },
    }),
  },
  'licensing.fileParallelApplication': {
    as: STEEL,
    input: () => ({
      applicationId: 'AUTHZ-PA-1',
      enterpriseId: ACTING_AS.enterprise,
      instrument: 'taximeter',
    }),
  },
  'licensing.decideParallelBranch': {
    // each branch is decided by the organisation it was assigned to: the demo's fuel dispenser type
    // approval went to WHMI, so HBMI (a metrology institute too) may not decide it
    as: demoOrganisations.metrology.orgId,
    input: (e) => ({
      applicationId: data(
        e(
          'ParallelBranchAssigned',
          (x) =>
            data(x).reviewerOrg !== demoOrganisations.metrology.orgId && data(x).branch === 'type_approval',
        ),
      ).applicationId,
      branch: 'type_approval',
      approved: true,
    }),
  },
  'licensing.recordOperatorExam': {
    as: STEEL,
    input: () => ({
      bodyId: ACTING_AS.enterprise,
      examId: 'AUTHZ-EX-1',
      candidate: 'not ours',
      category: 'boilers',
      examinedOn: '2025-01-02',
      passed: true,
    }),
  },
  'licensing.applyForDerivedQualification': {
    as: STEEL,
    input: () => ({
      enterpriseId: ACTING_AS.enterprise,
      qualificationNo: 'AUTHZ-Q-1',
      activities: ['repair'],
    }),
  },
  'system.projections.rebuild': { none: 'admin only' },
  'operations.deadLetters.retry': { none: 'admin only' },
  'operations.deadLetters.skip': { none: 'admin only' },
  'industrialization.registerEnterprise': { none: 'the regulator registers enterprises for the region' },
  'industrialization.grantProductionLicence': { none: 'the regulator licenses for the region' },
  'industrialization.revokeProductionLicence': { none: 'the regulator licenses for the region' },
  'industrialization.awardBrandTitle': { none: 'the regulator awards for the region' },
  'industrialization.designateDemoZone': { none: 'the regulator designates for the region' },
  'standards.draft': { none: 'the one standards institute' },
  'standards.publish': { none: 'the one standards institute' },
  'standards.amend': { none: 'the one standards institute' },
  'standards.supersede': { none: 'the one standards institute' },
  'standards.withdraw': { none: 'the one standards institute' },
  'standards.adoptInternational': { none: 'the one standards institute' },
  'standards.establishTc': { none: 'the one standards institute' },
  'standards.correctDate': { none: 'the one standards institute' },
  'standards.retractReplacement': { none: 'the one standards institute' },
  'standards.publishSupplement': { none: 'the one standards institute' },
  'standards.recordStage': { none: 'the one standards institute' },
  'standards.importBatch': { none: 'the one standards institute imports the catalogue' },
  'accreditation.registerLab': { none: 'the regulator (accreditation body) for every lab' },
  'accreditation.accredit': { none: 'the regulator (accreditation body) for every lab' },
  'accreditation.extendScope': { none: 'the regulator (accreditation body) for every lab' },
  'accreditation.reduceScope': { none: 'the regulator (accreditation body) for every lab' },
  'accreditation.suspend': { none: 'the regulator (accreditation body) for every lab' },
  'accreditation.restore': { none: 'the regulator (accreditation body) for every lab' },
  'accreditation.withdraw': { none: 'the regulator (accreditation body) for every lab' },
  'accreditation.expire': { none: 'the regulator (accreditation body) for every lab' },

  'testing.issueReport': {
    as: WHQT,
    input: (e) => ({ ...data(e('TestReportIssued', (x) => data(x).labId === HBQI)), reportNo: 'AUTHZ-1' }),
  },
  'testing.amendReport': {
    as: WHQT,
    input: (e) => data(e('TestReportAmended', (x) => data(x).labId === HBQI)),
  },
  'testing.revokeReport': {
    as: WHQT,
    input: (e) => ({
      reportNo: data(e('TestReportIssued', (x) => data(x).labId === HBQI)).reportNo,
      revokedOn: '2025-01-02',
      reason: 'not ours to revoke',
    }),
  },
  'certification.issueCertificate': {
    as: HBCC,
    input: (e) => ({
      ...data(e('CertificateIssued', (x) => data(x).bodyId === CQC)),
      certificateNo: 'AUTHZ-C-1',
    }),
  },
  'certification.suspendCertificate': {
    as: HBCC,
    input: (e) => ({ certificateNo: cqcCertificate(e), from: '2025-01-02', reason: 'not ours' }),
  },
  'certification.restoreCertificate': {
    as: CQC,
    input: (e) => ({
      certificateNo: data(e('CertificateSuspended', (x) => x.metadata.org === HBCC)).certificateNo,
      on: '2025-07-01',
      reason: 'not ours',
    }),
  },
  'certification.withdrawCertificate': {
    as: HBCC,
    input: (e) => ({ certificateNo: cqcCertificate(e), on: '2025-01-02', reason: 'not ours' }),
  },
  'certification.expireCertificate': {
    as: HBCC,
    input: (e) => ({ certificateNo: cqcCertificate(e), on: '2025-01-02' }),
  },
  'certification.changeScope': {
    as: HBCC,
    input: (e) => ({
      certificateNo: cqcCertificate(e),
      on: '2025-01-02',
      reason: 'not ours',
      models: ['X-1'],
    }),
  },
  'industrialization.registerProduct': {
    as: STEEL,
    input: (e) => ({ ...data(e('ProductRegistered', ownedByDongfeng)), productId: 'AUTHZ-P-1' }),
  },
  'industrialization.registerProductionLine': {
    as: STEEL,
    input: (e) => ({ ...data(e('ProductionLineRegistered', ownedByDongfeng)), lineId: 'AUTHZ-L-1' }),
  },
  'industrialization.declareProductMarket': {
    as: STEEL,
    input: (e) => ({ ...data(e('ProductMarketDeclared', (x) => x.metadata.org === ACTING_AS.enterprise)) }),
  },
  'industrialization.recallProduct': {
    as: STEEL,
    input: (e) => ({ ...data(e('ProductRecalled')), recallId: 'AUTHZ-R-1' }),
  },
  'metrology.registerInstrument': {
    as: WHQT,
    input: (e) => ({ ...data(e('InstrumentRegistered', hbqiInstrument)), instrumentId: 'AUTHZ-I-1' }),
  },
  'metrology.calibrate': {
    as: WHQT,
    input: (e) => ({
      instrumentId: data(e('InstrumentRegistered', hbqiInstrument)).instrumentId,
      certificateNo: 'AUTHZ-CAL-1',
      calibratingLabId: HBQI,
      calibratedOn: '2025-01-02',
      dueOn: '2026-01-02',
      uncertainty: 'U=0.1%, k=2',
    }),
  },
  'metrology.expireCalibration': {
    as: WHQT,
    input: (e) => ({
      instrumentId: data(e('InstrumentRegistered', hbqiInstrument)).instrumentId,
      on: '2025-01-02',
    }),
  },
  'metrology.retire': {
    as: WHQT,
    input: (e) => ({
      instrumentId: data(e('InstrumentRegistered', hbqiInstrument)).instrumentId,
      on: '2025-01-02',
      reason: 'not ours',
    }),
  },
}
const ownedByDongfeng = (event: RecordedEvent) => data(event).enterpriseId === ACTING_AS.enterprise
const cqcCertificate = (e: Events) =>
  data(e('CertificateIssued', (x) => data(x).bodyId === CQC && data(x).certificateNo === 'CCC-2023-0107001'))
    .certificateNo

describe('authorization matrix: every procedure as every role', () => {
  let server: TestServer
  let events: RecordedEvent[]
  const keyOf = (column: Column) =>
    column === 'anonymous'
      ? null
      : column === 'invalid key'
        ? 'qi_admin_not-a-key-0000000000000000000000000000000000000'
        : column === 'admin'
          ? server.adminKey
          : server.keyFor(ACTING_AS[column])
  const call = async (path: string, type: string, key: string | null, input?: unknown) => {
    const headers: Record<string, string> = key ? { 'x-api-key': key } : {}
    const encoded = input === undefined ? undefined : JSON.stringify(superjson.serialize(input))
    const response =
      type === 'mutation'
        ? await fetch(`${server.url}/trpc/${path}`, {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/json' },
            body: encoded ?? '{}',
          })
        : await fetch(`${server.url}/trpc/${path}${encoded ? `?input=${encodeURIComponent(encoded)}` : ''}`, {
            headers,
          })
    const text = await response.text()
    return { status: response.status, text, code: (JSON.parse(text) as ErrorBody).error?.json?.data?.code }
  }
  const findEvent: Events = (type, match = () => true) => {
    const found = events.find((event) => event.type === type && match(event))
    if (!found) throw new Error(`the demo has no ${type} that matches`)
    return found
  }

  beforeAll(async () => {
    server = await startTestServer()
    events = await server.platform.store.readAll({ maxCount: 1_000_000 })
  }, 300_000)
  afterAll(async () => {
    await server?.close()
  })

  it('reads an access declaration from every procedure', () => {
    const undeclared = procedures.filter((p) => p.access === undefined).map((p) => p.path)
    expect(undeclared).toEqual([])
    expect(procedures.length).toBeGreaterThanOrEqual(70)
  })

  it('refuses every denied cell (401/403, store head unchanged) and lets every allowed cell past the gate', async () => {
    const counts = { tried: 0, denied: 0, allowed: 0 }
    const wrong: string[] = []
    for (const { path, type, access } of procedures) {
      for (const column of COLUMNS) {
        counts.tried += 1
        const role = column === 'anonymous' || column === 'invalid key' ? null : column
        const allowed = column !== 'invalid key' && mayCall(access!, role)
        const head = await server.platform.store.headPosition()
        // No input: the role gate runs before input validation, so an allowed cell answers
        // BAD_REQUEST (or data) and nothing can be written.
        const { status, text, code } = await call(path, type, keyOf(column))
        if (LEAK.test(text)) wrong.push(`${path} as ${column}: body leaks ${text.slice(0, 200)}`)
        if (status >= 500) wrong.push(`${path} as ${column}: ${status} ${text.slice(0, 200)}`)
        if (allowed) {
          counts.allowed += 1
          if (code === 'FORBIDDEN' || code === 'UNAUTHORIZED')
            wrong.push(`${path} as ${column}: refused (${code})`)
        } else {
          counts.denied += 1
          const expected = role === null ? 'UNAUTHORIZED' : 'FORBIDDEN'
          if (code !== expected) wrong.push(`${path} as ${column}: ${status} ${code}, expected ${expected}`)
          if ((await server.platform.store.headPosition()) !== head) wrong.push(`${path} as ${column}: wrote`)
        }
      }
    }
    console.log(
      `authorization matrix: ${procedures.length} procedures × ${COLUMNS.length} callers = ${counts.tried} cells, ${counts.denied} denied, ${counts.allowed} allowed`,
    )
    expect(wrong).toEqual([])
    expect(counts.tried).toBe(procedures.length * COLUMNS.length)
  }, 300_000)

  it('names the ownership rule, or why there is none, for every mutation', () => {
    expect(Object.keys(OWNERSHIP).sort()).toEqual([...mutations].sort())
  })

  const owned = Object.entries(OWNERSHIP).flatMap(([path, rule]) => ('as' in rule ? [{ path, ...rule }] : []))
  it.each(owned)('$path refuses an organisation acting for another one', async ({ path, as, input }) => {
    const head = await server.platform.store.headPosition()
    const { status, text, code } = await call(path, 'mutation', server.keyFor(as), input(findEvent))
    expect(code, text.slice(0, 300)).toBe('FORBIDDEN')
    expect(status).toBe(403)
    expect(text).not.toMatch(LEAK)
    expect(await server.platform.store.headPosition()).toBe(head)
  })
})

interface ErrorBody {
  error?: { json?: { data?: { code?: string } } }
}
