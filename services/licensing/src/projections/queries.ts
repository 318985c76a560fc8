import type Database from 'better-sqlite3'

const json = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T))

/** Rows of one party (enterprise or lab), or every party's for the regulator (party undefined). */
const forParty = (column: string, party: string | undefined) =>
  party === undefined
    ? { where: '', params: [] as string[] }
    : { where: `WHERE ${column} = ?`, params: [party] }

export function licences(db: Database.Database, party?: string) {
  const { where, params } = forParty('enterprise_id', party)
  const rows = db.prepare(`SELECT * FROM licences ${where} ORDER BY enterprise_id`).all(...params) as Array<{
    enterprise_id: string
    licence_no: string
    status: string
    expires_on: string
    site: string | null
    categories: string
    legacy: string
    status_cause: string | null
    previous: string
  }>
  return rows.map((r) => ({
    enterpriseId: r.enterprise_id,
    licenceNo: r.licence_no,
    status: r.status,
    expiresOn: r.expires_on,
    site: r.site,
    categories: json<string[]>(r.categories) ?? [],
    legacy:
      json<Array<{ legacyLicenceNo: string; productCategory: string; expiresOn: string }>>(r.legacy) ?? [],
    cause: json<{ kind: string; applicationId?: string; on?: string; reason?: string }>(r.status_cause),
    /** Licences held before this one (revoked or expired), oldest first. */
    previous:
      json<Array<{ licenceNo: string; status: string; cause: { kind: string; on?: string } | null }>>(
        r.previous,
      ) ?? [],
  }))
}

export function applications(db: Database.Database, today: string, party?: string) {
  const { where, params } = forParty('enterprise_id', party)
  const rows = db.prepare(`SELECT * FROM applications ${where} ORDER BY position`).all(...params) as Array<{
    application_id: string
    enterprise_id: string
    kind: string
    categories: string
    applied_on: string
    issued_on: string
    due_on: string
    status: string
    verified_on: string | null
    findings: string | null
  }>
  return rows.map((r) => ({
    applicationId: r.application_id,
    enterpriseId: r.enterprise_id,
    kind: r.kind,
    categories: json<string[]>(r.categories) ?? [],
    appliedOn: r.applied_on,
    issuedOn: r.issued_on,
    dueOn: r.due_on,
    status: r.status,
    verifiedOn: r.verified_on,
    findings: r.findings,
    overdue: r.status === 'awaiting_verification' && r.due_on < today,
  }))
}

export function approvals(db: Database.Database, today: string, party?: string) {
  const { where, params } = forParty('holder_id', party)
  const rows = db
    .prepare(`SELECT * FROM approvals ${where} ORDER BY approved_on, approval_id`)
    .all(...params) as Array<{
    approval_id: string
    holder_id: string
    matter: string
    scope: string
    commitment: string
    approved_on: string
    due_on: string
    status: string
    overdue: number
    inspected_on: string | null
    findings: string | null
    done_under: string | null
  }>
  return rows.map((r) => ({
    approvalId: r.approval_id,
    holderId: r.holder_id,
    matter: r.matter,
    scope: json<string[]>(r.scope) ?? [],
    commitment: json<{ text: string; signer: string; signedOn: string }>(r.commitment),
    approvedOn: r.approved_on,
    dueOn: r.due_on,
    status: r.status,
    overdue: r.status === 'approved' && (r.overdue === 1 || r.due_on < today),
    inspectedOn: r.inspected_on,
    findings: r.findings,
    doneUnder: json<{ from: string; to: string }>(r.done_under),
  }))
}

export function cmark(db: Database.Database, today: string, party?: string) {
  const { where, params } = forParty('enterprise_id', party)
  const declarations = (
    db.prepare(`SELECT * FROM cmark ${where} ORDER BY declared_on, enterprise_id`).all(...params) as Array<{
      enterprise_id: string
      products: string
      declared_on: string
      status: string
    }>
  ).map((r) => ({
    enterpriseId: r.enterprise_id,
    products: json<string[]>(r.products) ?? [],
    declaredOn: r.declared_on,
    status: r.status,
  }))
  const checks = (
    db.prepare(`SELECT * FROM cmark_checks ${where} ORDER BY sampled_on, check_id`).all(...params) as Array<{
      check_id: string
      enterprise_id: string
      sampled_on: string
      due_on: string
      status: string
      checked_on: string | null
      findings: string | null
    }>
  ).map((r) => ({
    checkId: r.check_id,
    enterpriseId: r.enterprise_id,
    sampledOn: r.sampled_on,
    dueOn: r.due_on,
    status: r.status,
    checkedOn: r.checked_on,
    findings: r.findings,
    overdue: r.status === 'scheduled' && r.due_on < today,
  }))
  return { declarations, checks }
}

export function parallelApplications(db: Database.Database, today: string, party?: string) {
  const { where, params } = forParty('enterprise_id', party)
  const rows = db
    .prepare(`SELECT * FROM parallel ${where} ORDER BY filed_on, application_id`)
    .all(...params) as Array<{
    application_id: string
    enterprise_id: string
    instrument: string
    filed_on: string
    status: string
    completed_on: string | null
  }>
  const branchesOf = db.prepare(
    'SELECT * FROM parallel_branches WHERE application_id = ? ORDER BY branch DESC',
  )
  return rows.map((r) => {
    const branches = (
      branchesOf.all(r.application_id) as Array<{
        branch: string
        department: string
        due_on: string
        status: string
        overdue: number
        decided_on: string | null
        reviewer_org: string | null
        reason: string | null
      }>
    ).map((b) => ({
      branch: b.branch,
      department: b.department,
      dueOn: b.due_on,
      status: b.status,
      overdue: b.status === 'pending' && (b.overdue === 1 || b.due_on < today),
      decidedOn: b.decided_on,
      reviewerOrg: b.reviewer_org,
      reason: b.reason,
    }))
    return {
      applicationId: r.application_id,
      enterpriseId: r.enterprise_id,
      instrument: r.instrument,
      filedOn: r.filed_on,
      status: r.status,
      completedOn: r.completed_on,
      branches,
      /** Where the application waits: the branches that have not decided yet. */
      waitingOn:
        r.status === 'open' ? branches.filter((b) => b.status === 'pending').map((b) => b.branch) : [],
    }
  })
}

export interface DueWork {
  workId: string
  kind: 'verification' | 'inspection' | 'branch' | 'cmark_check' | 'expiry'
  ref: string
  branch: string | null
  party: string
  dueOn: string
  overdue: boolean
}

/** Open deadlines, soonest first; `overdue` when the business date has passed (or the timer marked it). */
export function openDueWork(db: Database.Database, today: string, party?: string): DueWork[] {
  const filter = party === undefined ? '' : 'AND party = ?'
  const rows = db
    .prepare(`SELECT * FROM due_work WHERE done_on IS NULL ${filter} ORDER BY due_on, work_id`)
    .all(...(party === undefined ? [] : [party])) as Array<{
    work_id: string
    kind: DueWork['kind']
    ref: string
    branch: string | null
    party: string
    due_on: string
    overdue: number
  }>
  return rows.map((r) => ({
    workId: r.work_id,
    kind: r.kind,
    ref: r.ref,
    branch: r.branch,
    party: r.party,
    dueOn: r.due_on,
    overdue: r.overdue === 1 || r.due_on < today,
  }))
}

/** Deadlines passed and not yet acted on by the timer. */
export function deadlinesToAct(db: Database.Database, today: string) {
  return db
    .prepare(
      `SELECT work_id, kind, ref, branch, party, due_on FROM due_work
       WHERE done_on IS NULL AND overdue = 0 AND due_on < ?
       ORDER BY due_on, work_id`,
    )
    .all(today) as Array<{
    work_id: string
    kind: string
    ref: string
    branch: string | null
    party: string
    due_on: string
  }>
}

export function findApproval(db: Database.Database, approvalId: string) {
  return (
    (db.prepare('SELECT holder_id FROM approvals WHERE approval_id = ?').get(approvalId) as
      | { holder_id: string }
      | undefined) ?? null
  )
}

export function findParallel(db: Database.Database, applicationId: string) {
  return (
    (db.prepare('SELECT enterprise_id FROM parallel WHERE application_id = ?').get(applicationId) as
      | { enterprise_id: string }
      | undefined) ?? null
  )
}

export function findLegacyLicence(db: Database.Database, licenceNo: string) {
  return (
    (db.prepare('SELECT enterprise_id FROM legacy_licences WHERE licence_no = ?').get(licenceNo) as
      | { enterprise_id: string }
      | undefined) ?? null
  )
}

/** Per-category licences of industrialization not revoked, oldest first (the migration's input). */
export function legacyLicences(db: Database.Database, enterpriseId?: string) {
  const filter = enterpriseId === undefined ? '' : 'AND enterprise_id = ?'
  return db
    .prepare(
      `SELECT licence_no AS legacyLicenceNo, enterprise_id AS enterpriseId, product_category AS productCategory,
              granted_on AS grantedOn, expires_on AS expiresOn
       FROM legacy_licences WHERE revoked_on IS NULL ${filter} ORDER BY granted_on, licence_no`,
    )
    .all(...(enterpriseId === undefined ? [] : [enterpriseId])) as Array<{
    legacyLicenceNo: string
    enterpriseId: string
    productCategory: string
    grantedOn: string
    expiresOn: string
  }>
}

/**
 * C-mark declarations a sampling round may pick: filed by the sampling date, and either already
 * picked by this round or still holding the right with no check of another round open. So a round
 * repeated later sees the same candidates and picks the same declarations.
 */
export function sampleableDeclarations(db: Database.Database, round: string, today: string): string[] {
  return (
    db
      .prepare(
        `SELECT enterprise_id FROM cmark c WHERE declared_on <= ? AND (
           EXISTS (SELECT 1 FROM cmark_checks k WHERE k.check_id = ? || '-' || c.enterprise_id)
           OR (status = 'declared' AND NOT EXISTS (
             SELECT 1 FROM cmark_checks k WHERE k.enterprise_id = c.enterprise_id AND k.status = 'scheduled')))
         ORDER BY enterprise_id`,
      )
      .all(today, round) as Array<{ enterprise_id: string }>
  ).map((r) => r.enterprise_id)
}

const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000)

function median(values: number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[mid] ?? null) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

/** The reforms' KPIs (seed items 十九–二十一). */
export function kpis(db: Database.Database) {
  const apps = db
    .prepare('SELECT applied_on, issued_on, due_on, status, verified_on FROM applications')
    .all() as Array<{
    applied_on: string
    issued_on: string
    due_on: string
    status: string
    verified_on: string | null
  }>
  const parallelDone = db
    .prepare("SELECT filed_on, completed_on FROM parallel WHERE status = 'approved'")
    .all() as Array<{ filed_on: string; completed_on: string }>
  const verificationsDone = apps.filter((a) => a.verified_on !== null)
  const missed = apps.filter((a) => a.status === 'verification_missed').length
  const inTime = verificationsDone.filter((a) => (a.verified_on ?? '') <= a.due_on).length
  const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n
  const waiting = db
    .prepare(
      `SELECT b.branch AS branch, COUNT(*) AS n FROM parallel_branches b JOIN parallel p USING (application_id)
       WHERE p.status = 'open' AND b.status = 'pending' GROUP BY b.branch ORDER BY b.branch`,
    )
    .all() as Array<{ branch: string; n: number }>
  const decidedVerifications = verificationsDone.length + missed
  return {
    medianDaysToLicence: median(apps.map((a) => daysBetween(a.applied_on, a.issued_on))),
    medianDaysParallel: median(parallelDone.map((p) => daysBetween(p.filed_on, p.completed_on))),
    verifications: {
      due: decidedVerifications,
      inTime,
      missed,
      shareInTime: decidedVerifications === 0 ? null : inTime / decidedVerifications,
    },
    commitments: {
      inspected: count("SELECT COUNT(*) AS n FROM approvals WHERE status IN ('verified', 'revoked')"),
      foundFalse: count("SELECT COUNT(*) AS n FROM approvals WHERE status = 'revoked'"),
    },
    cmarkChecks: {
      done: count("SELECT COUNT(*) AS n FROM cmark_checks WHERE status IN ('passed', 'failed')"),
      failed: count("SELECT COUNT(*) AS n FROM cmark_checks WHERE status = 'failed'"),
    },
    parallelWaiting: Object.fromEntries(waiting.map((w) => [w.branch, w.n])) as Record<string, number>,
  }
}

/** Special equipment: examination bodies with their exams, and enterprises' qualifications. */
export function specialEquipment(db: Database.Database, party?: string) {
  const bodyFilter = forParty('body_id', party)
  const bodies = (
    db
      .prepare(`SELECT * FROM se_bodies ${bodyFilter.where} ORDER BY body_id`)
      .all(...bodyFilter.params) as Array<{
      body_id: string
      name: string
      categories: string
      approved_on: string
    }>
  ).map((r) => ({
    bodyId: r.body_id,
    name: r.name,
    categories: json<string[]>(r.categories) ?? [],
    approvedOn: r.approved_on,
  }))
  const exams = (
    db
      .prepare(`SELECT * FROM se_exams ${bodyFilter.where} ORDER BY examined_on, exam_id`)
      .all(...bodyFilter.params) as Array<{
      exam_id: string
      body_id: string
      candidate: string
      category: string
      examined_on: string
      passed: number
      certificate_no: string | null
      certificate_expires_on: string | null
    }>
  ).map((r) => ({
    examId: r.exam_id,
    bodyId: r.body_id,
    candidate: r.candidate,
    category: r.category,
    examinedOn: r.examined_on,
    passed: r.passed === 1,
    certificateNo: r.certificate_no,
    certificateExpiresOn: r.certificate_expires_on,
  }))
  const qFilter = forParty('enterprise_id', party)
  const qualifications = (
    db
      .prepare(
        `SELECT * FROM se_qualifications ${qFilter.where} ORDER BY enterprise_id, granted_on, qualification_no`,
      )
      .all(...qFilter.params) as Array<{
      qualification_no: string
      enterprise_id: string
      kind: string
      equipment_category: string
      activities: string
      derived_from: string | null
      granted_on: string
      expires_on: string
    }>
  ).map((r) => ({
    qualificationNo: r.qualification_no,
    enterpriseId: r.enterprise_id,
    kind: r.kind,
    equipmentCategory: r.equipment_category,
    activities: json<string[]>(r.activities) ?? [],
    derivedFrom: r.derived_from,
    grantedOn: r.granted_on,
    expiresOn: r.expires_on,
  }))
  return { bodies, exams, qualifications }
}
