import { licensing as contract, domainCatalogue } from '@qi/contracts'
import type { Projection } from '@qi/projections'
import type Database from 'better-sqlite3'

export const LICENSING_PROCESSES = 'licensing.processes'

const OWN_EVENT_TYPES = new Set<string>(contract.licensingEvents.map((definition) => definition.type))
const LEGACY_EVENT_TYPES = new Set(['ProductionLicenceGranted', 'ProductionLicenceRevoked'])

/**
 * The licensing processes as the regulator's queue and the applicants' view reads them, and the
 * due-work table the deadline timer reads: one row per deadline (verification, inspection, branch
 * decision, C-mark check), opened by the event that set it and closed by the event that met it.
 * Business dates (due_on, done_on) come from the events' data; the store position records when.
 * It also keeps a copy of industrialization's per-category licences for their migration (一企一证).
 */
export const processesProjection: Projection = {
  name: LICENSING_PROCESSES,
  version: 2,
  setup(db) {
    db.exec(`
      CREATE TABLE licences (
        enterprise_id TEXT PRIMARY KEY, licence_no TEXT NOT NULL, status TEXT NOT NULL, expires_on TEXT NOT NULL,
        site TEXT, categories TEXT NOT NULL, legacy TEXT NOT NULL, status_cause TEXT,
        -- Licences the enterprise held before (revoked or expired, then replaced by a new one).
        previous TEXT NOT NULL DEFAULT '[]'
      );
      CREATE TABLE applications (
        application_id TEXT PRIMARY KEY, enterprise_id TEXT NOT NULL, kind TEXT NOT NULL,
        categories TEXT NOT NULL, applied_on TEXT NOT NULL, issued_on TEXT NOT NULL, due_on TEXT NOT NULL,
        status TEXT NOT NULL, verified_on TEXT, findings TEXT, position INTEGER NOT NULL
      );
      CREATE TABLE approvals (
        approval_id TEXT PRIMARY KEY, holder_id TEXT NOT NULL, matter TEXT NOT NULL, scope TEXT NOT NULL,
        commitment TEXT NOT NULL, approved_on TEXT NOT NULL, due_on TEXT NOT NULL, status TEXT NOT NULL,
        overdue INTEGER NOT NULL DEFAULT 0, inspected_on TEXT, findings TEXT, done_under TEXT
      );
      CREATE TABLE cmark (
        enterprise_id TEXT PRIMARY KEY, products TEXT NOT NULL, commitment TEXT NOT NULL,
        declared_on TEXT NOT NULL, status TEXT NOT NULL
      );
      CREATE TABLE cmark_checks (
        check_id TEXT PRIMARY KEY, enterprise_id TEXT NOT NULL, sampled_on TEXT NOT NULL, due_on TEXT NOT NULL,
        status TEXT NOT NULL, checked_on TEXT, findings TEXT
      );
      CREATE TABLE parallel (
        application_id TEXT PRIMARY KEY, enterprise_id TEXT NOT NULL, instrument TEXT NOT NULL,
        filed_on TEXT NOT NULL, status TEXT NOT NULL, completed_on TEXT
      );
      CREATE TABLE parallel_branches (
        application_id TEXT NOT NULL, branch TEXT NOT NULL, department TEXT NOT NULL, due_on TEXT NOT NULL,
        status TEXT NOT NULL, overdue INTEGER NOT NULL DEFAULT 0, decided_on TEXT, reviewer_org TEXT, reason TEXT,
        PRIMARY KEY (application_id, branch)
      );
      CREATE TABLE due_work (
        work_id TEXT PRIMARY KEY, kind TEXT NOT NULL, ref TEXT NOT NULL, branch TEXT, party TEXT NOT NULL,
        due_on TEXT NOT NULL, overdue INTEGER NOT NULL DEFAULT 0, done_on TEXT
      );
      CREATE INDEX due_work_open ON due_work (done_on, due_on);
      CREATE TABLE se_bodies (
        body_id TEXT PRIMARY KEY, name TEXT NOT NULL, categories TEXT NOT NULL, approved_on TEXT NOT NULL
      );
      CREATE TABLE se_exams (
        exam_id TEXT PRIMARY KEY, body_id TEXT NOT NULL, candidate TEXT NOT NULL, category TEXT NOT NULL,
        examined_on TEXT NOT NULL, passed INTEGER NOT NULL, certificate_no TEXT, certificate_expires_on TEXT
      );
      CREATE TABLE se_qualifications (
        qualification_no TEXT PRIMARY KEY, enterprise_id TEXT NOT NULL, kind TEXT NOT NULL,
        equipment_category TEXT NOT NULL, activities TEXT NOT NULL, derived_from TEXT,
        granted_on TEXT NOT NULL, expires_on TEXT NOT NULL
      );
      CREATE TABLE legacy_licences (
        licence_no TEXT PRIMARY KEY, enterprise_id TEXT NOT NULL, product_category TEXT NOT NULL,
        granted_on TEXT NOT NULL, expires_on TEXT NOT NULL, revoked_on TEXT
      );
    `)
  },
  handles: new Set([...OWN_EVENT_TYPES, ...LEGACY_EVENT_TYPES]),
  apply(recorded, db) {
    if (LEGACY_EVENT_TYPES.has(recorded.type)) return applyLegacy(recorded, db)
    if (!OWN_EVENT_TYPES.has(recorded.type)) return
    const event = domainCatalogue.decode(recorded)
    const run = (sql: string, ...params: unknown[]) => db.prepare(sql).run(...params)
    // Due work: one row per deadline, its id `<kind>:<ref>[:<branch>]` (the timer's commandIds use it).
    const workId = (kind: string, ref: string, branch?: string) =>
      branch ? `${kind}:${ref}:${branch}` : `${kind}:${ref}`
    const openWork = (work: { kind: string; ref: string; branch?: string; party: string; dueOn: string }) =>
      run(
        'INSERT INTO due_work (work_id, kind, ref, branch, party, due_on) VALUES (?, ?, ?, ?, ?, ?)',
        workId(work.kind, work.ref, work.branch),
        work.kind,
        work.ref,
        work.branch ?? null,
        work.party,
        work.dueOn,
      )
    /** The licence's validity end: one row per licence, moved by a renewal, reopened by a new licence. */
    const expiryWork = (licenceNo: string, enterpriseId: string, expiresOn: string) =>
      run(
        `INSERT INTO due_work (work_id, kind, ref, party, due_on) VALUES (?, 'expiry', ?, ?, ?)
         ON CONFLICT (work_id) DO UPDATE SET due_on = excluded.due_on, overdue = 0, done_on = NULL`,
        workId('expiry', licenceNo),
        licenceNo,
        enterpriseId,
        expiresOn,
      )
    const markOverdue = (id: string) => run('UPDATE due_work SET overdue = 1 WHERE work_id = ?', id)
    const closeWork = (id: string, doneOn: string) =>
      run('UPDATE due_work SET done_on = ? WHERE work_id = ? AND done_on IS NULL', doneOn, id)
    switch (event.type) {
      case 'LicenceIssuedBeforeVerification': {
        const d = contract.LicenceIssuedBeforeVerification.schema.parse(event.data)
        const existing = db
          .prepare(
            'SELECT licence_no, status, status_cause, categories, previous FROM licences WHERE enterprise_id = ?',
          )
          .get(d.enterpriseId) as
          | {
              licence_no: string
              status: string
              status_cause: string | null
              categories: string
              previous: string
            }
          | undefined
        const categories = [
          ...new Set([
            ...(existing ? (JSON.parse(existing.categories) as string[]) : []),
            ...d.productCategories,
          ]),
        ]
        if (existing && d.kind === 'new') {
          // A new licence in place of a revoked one starts afresh.
          const previous = [
            ...(JSON.parse(existing.previous) as unknown[]),
            {
              licenceNo: existing.licence_no,
              status: existing.status,
              cause: existing.status_cause === null ? null : JSON.parse(existing.status_cause),
            },
          ]
          run(
            `UPDATE licences SET licence_no = ?, status = 'valid', expires_on = ?, site = ?, categories = ?, legacy = '[]',
             status_cause = NULL, previous = ? WHERE enterprise_id = ?`,
            d.licenceNo,
            d.expiresOn,
            d.site,
            JSON.stringify(d.productCategories),
            JSON.stringify(previous),
            d.enterpriseId,
          )
        } else if (existing) {
          run(
            'UPDATE licences SET expires_on = ?, site = ?, categories = ? WHERE enterprise_id = ?',
            d.expiresOn,
            d.site,
            JSON.stringify(categories),
            d.enterpriseId,
          )
        } else {
          run(
            `INSERT INTO licences (enterprise_id, licence_no, status, expires_on, site, categories, legacy)
             VALUES (?, ?, 'valid', ?, ?, ?, '[]')`,
            d.enterpriseId,
            d.licenceNo,
            d.expiresOn,
            d.site,
            JSON.stringify(categories),
          )
        }
        run(
          `INSERT INTO applications (application_id, enterprise_id, kind, categories, applied_on, issued_on, due_on, status, position)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'awaiting_verification', ?)`,
          d.applicationId,
          d.enterpriseId,
          d.kind,
          JSON.stringify(d.productCategories),
          d.appliedOn,
          d.issuedOn,
          d.verificationDueOn,
          recorded.position,
        )
        openWork({
          kind: 'verification',
          ref: d.applicationId,
          party: d.enterpriseId,
          dueOn: d.verificationDueOn,
        })
        expiryWork(d.licenceNo, d.enterpriseId, d.expiresOn)
        return
      }
      case 'OnSiteVerificationPassed':
      case 'OnSiteVerificationFailed': {
        const d = event.data as { applicationId: string; verifiedOn: string; findings?: string }
        run(
          'UPDATE applications SET status = ?, verified_on = ?, findings = ? WHERE application_id = ?',
          event.type === 'OnSiteVerificationPassed' ? 'verified' : 'verification_failed',
          d.verifiedOn,
          d.findings ?? null,
          d.applicationId,
        )
        closeWork(workId('verification', d.applicationId), d.verifiedOn)
        return
      }
      case 'OnSiteVerificationMissed': {
        const d = contract.OnSiteVerificationMissed.schema.parse(event.data)
        run(
          "UPDATE applications SET status = 'verification_missed' WHERE application_id = ?",
          d.applicationId,
        )
        markOverdue(workId('verification', d.applicationId))
        closeWork(workId('verification', d.applicationId), d.dueOn)
        return
      }
      case 'EnterpriseLicenceSuspended':
      case 'EnterpriseLicenceRevoked': {
        const d = event.data as { enterpriseId: string; licenceNo: string; cause: unknown; on?: string }
        run(
          'UPDATE licences SET status = ?, status_cause = ? WHERE enterprise_id = ?',
          event.type === 'EnterpriseLicenceSuspended' ? 'suspended' : 'revoked',
          JSON.stringify(d.cause),
          d.enterpriseId,
        )
        // A revoked licence does not expire any more.
        if (d.on) closeWork(workId('expiry', d.licenceNo), d.on)
        return
      }
      case 'EnterpriseLicenceRestored': {
        const d = contract.EnterpriseLicenceRestored.schema.parse(event.data)
        run(
          "UPDATE licences SET status = 'valid', status_cause = ? WHERE enterprise_id = ?",
          JSON.stringify({
            kind: 'restored',
            on: d.on,
            reason: d.reason,
            ...(d.applicationId ? { applicationId: d.applicationId } : {}),
          }),
          d.enterpriseId,
        )
        return
      }
      case 'EnterpriseLicenceExpired': {
        const d = contract.EnterpriseLicenceExpired.schema.parse(event.data)
        run(
          "UPDATE licences SET status = 'expired', status_cause = ? WHERE enterprise_id = ?",
          JSON.stringify({ kind: 'expired', on: d.on }),
          d.enterpriseId,
        )
        markOverdue(workId('expiry', d.licenceNo))
        closeWork(workId('expiry', d.licenceNo), d.on)
        return
      }
      case 'LegacyLicenceMigrated': {
        const d = contract.LegacyLicenceMigrated.schema.parse(event.data)
        const existing = db
          .prepare('SELECT categories, legacy, expires_on FROM licences WHERE enterprise_id = ?')
          .get(d.enterpriseId) as { categories: string; legacy: string; expires_on: string } | undefined
        const line = {
          legacyLicenceNo: d.legacyLicenceNo,
          productCategory: d.productCategory,
          expiresOn: d.expiresOn,
        }
        if (existing) {
          run(
            'UPDATE licences SET categories = ?, legacy = ?, expires_on = ? WHERE enterprise_id = ?',
            JSON.stringify([
              ...new Set([...(JSON.parse(existing.categories) as string[]), d.productCategory]),
            ]),
            JSON.stringify([...(JSON.parse(existing.legacy) as unknown[]), line]),
            [d.expiresOn, existing.expires_on].sort().at(-1),
            d.enterpriseId,
          )
          expiryWork(
            d.licenceNo,
            d.enterpriseId,
            [d.expiresOn, existing.expires_on].sort().at(-1) ?? d.expiresOn,
          )
        } else {
          run(
            `INSERT INTO licences (enterprise_id, licence_no, status, expires_on, site, categories, legacy)
             VALUES (?, ?, 'valid', ?, NULL, ?, ?)`,
            d.enterpriseId,
            d.licenceNo,
            d.expiresOn,
            JSON.stringify([d.productCategory]),
            JSON.stringify([line]),
          )
          expiryWork(d.licenceNo, d.enterpriseId, d.expiresOn)
        }
        return
      }
      case 'LegacyScopeLineWithdrawn': {
        const d = contract.LegacyScopeLineWithdrawn.schema.parse(event.data)
        const existing = db
          .prepare('SELECT categories, legacy FROM licences WHERE enterprise_id = ?')
          .get(d.enterpriseId) as { categories: string; legacy: string } | undefined
        if (!existing) return
        const legacy = (
          JSON.parse(existing.legacy) as Array<{ legacyLicenceNo: string; withdrawnOn?: string }>
        ).map((line) => (line.legacyLicenceNo === d.legacyLicenceNo ? { ...line, withdrawnOn: d.on } : line))
        run(
          'UPDATE licences SET categories = ?, legacy = ? WHERE enterprise_id = ?',
          JSON.stringify(
            (JSON.parse(existing.categories) as string[]).filter((c) => c !== d.productCategory),
          ),
          JSON.stringify(legacy),
          d.enterpriseId,
        )
        return
      }
      case 'ApprovedOnCommitment': {
        const d = contract.ApprovedOnCommitment.schema.parse(event.data)
        run(
          `INSERT INTO approvals (approval_id, holder_id, matter, scope, commitment, approved_on, due_on, status)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'approved')`,
          d.approvalId,
          d.holderId,
          d.matter,
          JSON.stringify(d.scope),
          JSON.stringify(d.commitment),
          d.approvedOn,
          d.inspectionDueOn,
        )
        openWork({ kind: 'inspection', ref: d.approvalId, party: d.holderId, dueOn: d.inspectionDueOn })
        return
      }
      case 'CommitmentVerified': {
        const d = contract.CommitmentVerified.schema.parse(event.data)
        run(
          "UPDATE approvals SET status = 'verified', inspected_on = ? WHERE approval_id = ?",
          d.inspectedOn,
          d.approvalId,
        )
        closeWork(workId('inspection', d.approvalId), d.inspectedOn)
        return
      }
      case 'ApprovalRevokedForFalseCommitment': {
        const d = contract.ApprovalRevokedForFalseCommitment.schema.parse(event.data)
        run(
          "UPDATE approvals SET status = 'revoked', inspected_on = ?, findings = ?, done_under = ? WHERE approval_id = ?",
          d.inspectedOn,
          d.findings,
          JSON.stringify(d.doneUnder),
          d.approvalId,
        )
        closeWork(workId('inspection', d.approvalId), d.inspectedOn)
        return
      }
      case 'CommitmentInspectionOverdue': {
        const d = contract.CommitmentInspectionOverdue.schema.parse(event.data)
        run('UPDATE approvals SET overdue = 1 WHERE approval_id = ?', d.approvalId)
        markOverdue(workId('inspection', d.approvalId))
        return
      }
      case 'CMarkDeclared': {
        const d = contract.CMarkDeclared.schema.parse(event.data)
        run(
          `INSERT INTO cmark (enterprise_id, products, commitment, declared_on, status) VALUES (?, ?, ?, ?, 'declared')`,
          d.enterpriseId,
          JSON.stringify(d.products),
          JSON.stringify(d.commitment),
          d.declaredOn,
        )
        return
      }
      case 'CMarkCheckScheduled': {
        const d = contract.CMarkCheckScheduled.schema.parse(event.data)
        run(
          `INSERT INTO cmark_checks (check_id, enterprise_id, sampled_on, due_on, status) VALUES (?, ?, ?, ?, 'scheduled')`,
          d.checkId,
          d.enterpriseId,
          d.sampledOn,
          d.dueOn,
        )
        openWork({ kind: 'cmark_check', ref: d.checkId, party: d.enterpriseId, dueOn: d.dueOn })
        return
      }
      case 'CMarkCheckPassed':
      case 'CMarkCheckFailed': {
        const d = event.data as {
          enterpriseId: string
          checkId: string
          checkedOn: string
          findings?: string
        }
        const failed = event.type === 'CMarkCheckFailed'
        run(
          'UPDATE cmark_checks SET status = ?, checked_on = ?, findings = ? WHERE check_id = ?',
          failed ? 'failed' : 'passed',
          d.checkedOn,
          d.findings ?? null,
          d.checkId,
        )
        if (failed) run("UPDATE cmark SET status = 'withdrawn' WHERE enterprise_id = ?", d.enterpriseId)
        closeWork(workId('cmark_check', d.checkId), d.checkedOn)
        return
      }
      case 'CMarkCheckOverdue': {
        const d = contract.CMarkCheckOverdue.schema.parse(event.data)
        markOverdue(workId('cmark_check', d.checkId))
        return
      }
      case 'ParallelApplicationFiled': {
        const d = contract.ParallelApplicationFiled.schema.parse(event.data)
        run(
          `INSERT INTO parallel (application_id, enterprise_id, instrument, filed_on, status) VALUES (?, ?, ?, ?, 'open')`,
          d.applicationId,
          d.enterpriseId,
          d.instrument,
          d.filedOn,
        )
        for (const b of d.branches) {
          run(
            `INSERT INTO parallel_branches (application_id, branch, department, due_on, status) VALUES (?, ?, ?, ?, 'pending')`,
            d.applicationId,
            b.branch,
            b.department,
            b.dueOn,
          )
          openWork({
            kind: 'branch',
            ref: d.applicationId,
            branch: b.branch,
            party: d.enterpriseId,
            dueOn: b.dueOn,
          })
        }
        return
      }
      case 'ParallelBranchAssigned': {
        const d = contract.ParallelBranchAssigned.schema.parse(event.data)
        run(
          'UPDATE parallel_branches SET reviewer_org = ? WHERE application_id = ? AND branch = ?',
          d.reviewerOrg,
          d.applicationId,
          d.branch,
        )
        return
      }
      case 'ParallelBranchDecided': {
        const d = contract.ParallelBranchDecided.schema.parse(event.data)
        run(
          'UPDATE parallel_branches SET status = ?, decided_on = ?, reviewer_org = ?, reason = ? WHERE application_id = ? AND branch = ?',
          d.approved ? 'approved' : 'refused',
          d.decidedOn,
          d.reviewerOrg,
          d.reason ?? null,
          d.applicationId,
          d.branch,
        )
        closeWork(workId('branch', d.applicationId, d.branch), d.decidedOn)
        return
      }
      case 'ParallelBranchOverdue': {
        const d = contract.ParallelBranchOverdue.schema.parse(event.data)
        run(
          'UPDATE parallel_branches SET overdue = 1 WHERE application_id = ? AND branch = ?',
          d.applicationId,
          d.branch,
        )
        markOverdue(workId('branch', d.applicationId, d.branch))
        return
      }
      case 'ParallelApplicationCompleted': {
        const d = contract.ParallelApplicationCompleted.schema.parse(event.data)
        run(
          'UPDATE parallel SET status = ?, completed_on = ? WHERE application_id = ?',
          d.outcome,
          d.completedOn,
          d.applicationId,
        )
        for (const branch of d.stoppedBranches) {
          run(
            "UPDATE parallel_branches SET status = 'stopped', decided_on = ? WHERE application_id = ? AND branch = ?",
            d.completedOn,
            d.applicationId,
            branch,
          )
          closeWork(workId('branch', d.applicationId, branch), d.completedOn)
        }
        return
      }
      case 'ExaminationBodyApproved': {
        const d = contract.ExaminationBodyApproved.schema.parse(event.data)
        run(
          'INSERT INTO se_bodies (body_id, name, categories, approved_on) VALUES (?, ?, ?, ?)',
          d.bodyId,
          d.name,
          JSON.stringify(d.categories),
          d.approvedOn,
        )
        return
      }
      case 'OperatorExamRecorded': {
        const d = contract.OperatorExamRecorded.schema.parse(event.data)
        run(
          `INSERT INTO se_exams (exam_id, body_id, candidate, category, examined_on, passed) VALUES (?, ?, ?, ?, ?, ?)`,
          d.examId,
          d.bodyId,
          d.candidate,
          d.category,
          d.examinedOn,
          d.passed ? 1 : 0,
        )
        return
      }
      case 'OperatorCertificateIssued': {
        const d = contract.OperatorCertificateIssued.schema.parse(event.data)
        run(
          'UPDATE se_exams SET certificate_no = ?, certificate_expires_on = ? WHERE exam_id = ?',
          d.certificateNo,
          d.expiresOn,
          d.examId,
        )
        return
      }
      case 'ManufacturingQualificationRecorded': {
        const d = contract.ManufacturingQualificationRecorded.schema.parse(event.data)
        run(
          `INSERT INTO se_qualifications (qualification_no, enterprise_id, kind, equipment_category, activities, granted_on, expires_on)
           VALUES (?, ?, 'manufacturing', ?, '["manufacture"]', ?, ?)`,
          d.qualificationNo,
          d.enterpriseId,
          d.equipmentCategory,
          d.grantedOn,
          d.expiresOn,
        )
        return
      }
      case 'DerivedQualificationGranted': {
        const d = contract.DerivedQualificationGranted.schema.parse(event.data)
        run(
          `INSERT INTO se_qualifications (qualification_no, enterprise_id, kind, equipment_category, activities, derived_from, granted_on, expires_on)
           VALUES (?, ?, 'derived', ?, ?, ?, ?, ?)`,
          `${d.derivedFrom}/${d.activities.join('+')}`,
          d.enterpriseId,
          d.equipmentCategory,
          JSON.stringify(d.activities),
          d.derivedFrom,
          d.grantedOn,
          d.expiresOn,
        )
        return
      }
    }
  },
}

function applyLegacy(recorded: Parameters<Projection['apply']>[0], db: Database.Database) {
  const event = domainCatalogue.decode(recorded)
  if (event.type === 'ProductionLicenceGranted') {
    const d = event.data as {
      licenceNo: string
      enterpriseId: string
      productCategory: string
      grantedOn: string
      expiresOn: string
    }
    db.prepare(
      `INSERT OR IGNORE INTO legacy_licences (licence_no, enterprise_id, product_category, granted_on, expires_on)
       VALUES (?, ?, ?, ?, ?)`,
    ).run(d.licenceNo, d.enterpriseId, d.productCategory, d.grantedOn, d.expiresOn)
  } else {
    const d = event.data as { licenceNo: string; on: string }
    db.prepare('UPDATE legacy_licences SET revoked_on = ? WHERE licence_no = ?').run(d.on, d.licenceNo)
  }
}
