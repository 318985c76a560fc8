import { licensing as contract } from '@qi/contracts'
import { DomainError, ForbiddenError, NotFoundError } from '@qi/decider'
import {
  type Actor,
  authedProcedure,
  policyActor,
  readModel,
  rolesProcedure,
  runCommand,
  type ServiceDeps,
  router as trpcRouter,
} from '@qi/trpc'
import { z } from 'zod'
import { cmarkDecider } from '../domain/cmark'
import { commitmentDecider } from '../domain/commitment'
import { enterpriseLicenceDecider } from '../domain/enterprise-licence'
import { parallelDecider } from '../domain/parallel'
import { examinationBodyDecider, qualificationDecider } from '../domain/special-equipment'
import { migrateLegacyLicence } from '../policies/deadlines'
import { LICENSING_PROCESSES } from '../projections/processes'
import * as q from '../projections/queries'

const today = (deps: ServiceDeps) => deps.now().toISOString().slice(0, 10)
const minPosition = z.bigint().nonnegative().optional()

/** An enterprise or lab acts only for itself; regulators and admins act for anyone their role allows. */
function assertActsFor(actor: Actor, party: string, action: string) {
  if ((actor.role === 'enterprise' || actor.role === 'lab') && actor.org !== party) {
    throw new ForbiddenError(`${actor.role} ${actor.org} may only ${action} for itself, not for ${party}`)
  }
}

/** Regulators, the metrology institute and admins see every process; applicants see their own. */
const partyOf = (actor: Actor) =>
  actor.role === 'regulator' || actor.role === 'admin' || actor.role === 'metrology_institute'
    ? undefined
    : actor.org

/** A stable pseudo-random order for sampling: the same round picks the same declarations. */
function sampleKey(round: string, enterpriseId: string) {
  let hash = 0x811c9dc5
  for (const char of `${round}:${enterpriseId}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0
  return hash
}

export const router = trpcRouter({
  /** 先证后核: the licence (or its change) is issued on application; the verification is due later. */
  applyForLicence: rolesProcedure('enterprise')
    .input(contract.ApplyForLicence)
    .mutation(({ ctx, input: { commandId, ...data } }) => {
      assertActsFor(ctx.actor, data.enterpriseId, 'apply for a licence')
      return runCommand({
        deps: ctx.deps,
        actor: ctx.actor,
        decider: enterpriseLicenceDecider,
        streamName: contract.enterpriseLicenceStream(data.enterpriseId),
        command: { type: 'ApplyForLicence', data, today: today(ctx.deps) },
        commandId,
        occurredAt: today(ctx.deps),
      })
    }),

  recordOnSiteVerification: rolesProcedure('regulator')
    .input(contract.RecordOnSiteVerification)
    .mutation(({ ctx, input: { commandId, ...data } }) =>
      runCommand({
        deps: ctx.deps,
        actor: ctx.actor,
        decider: enterpriseLicenceDecider,
        streamName: contract.enterpriseLicenceStream(data.enterpriseId),
        command: { type: 'RecordOnSiteVerification', data, inspector: ctx.actor.userId },
        commandId,
        occurredAt: data.verifiedOn,
      }),
    ),

  /** 一企一证: folds the per-category licences of industrialization into each enterprise's one licence. */
  migrateLegacyLicences: rolesProcedure('admin')
    .input(contract.MigrateLegacyLicences)
    .mutation(async ({ ctx, input }) => {
      const head = await ctx.deps.store.headPosition()
      const db = await readModel(ctx.deps, LICENSING_PROCESSES, head ?? undefined)
      let migrated = 0
      let unchanged = 0
      for (const legacy of q.legacyLicences(db, input.enterpriseId)) {
        const result = await migrateLegacyLicence(
          ctx.deps,
          policyActor('licensing.migrate-legacy-licences'),
          { ...legacy, licenceNo: legacy.legacyLicenceNo },
        )
        if (result.duplicate || result.events.length === 0) unchanged += 1
        else migrated += 1
      }
      return { migrated, unchanged }
    }),

  /** 告知承诺制: approved at once on the signed commitment; an enterprise for metrology, a lab for its qualification. */
  approveOnCommitment: rolesProcedure('enterprise', 'lab')
    .input(contract.ApproveOnCommitment)
    .mutation(({ ctx, input: { commandId, ...data } }) => {
      const kind = contract.matterHolderKind(data.matter)
      if (ctx.actor.role !== 'admin' && ctx.actor.role !== kind) {
        throw new ForbiddenError(`${data.matter} is applied for by a ${kind}, not by a ${ctx.actor.role}`)
      }
      assertActsFor(ctx.actor, data.holderId, 'sign a commitment')
      return runCommand({
        deps: ctx.deps,
        actor: ctx.actor,
        decider: commitmentDecider,
        streamName: contract.commitmentStream(data.approvalId),
        command: { type: 'ApproveOnCommitment', data, today: today(ctx.deps) },
        commandId,
        occurredAt: today(ctx.deps),
      })
    }),

  recordCommitmentInspection: rolesProcedure('regulator')
    .input(contract.RecordCommitmentInspection)
    .mutation(({ ctx, input: { commandId, ...data } }) =>
      runCommand({
        deps: ctx.deps,
        actor: ctx.actor,
        decider: commitmentDecider,
        streamName: contract.commitmentStream(data.approvalId),
        command: { type: 'RecordCommitmentInspection', data, inspector: ctx.actor.userId },
        commandId,
        occurredAt: data.inspectedOn,
      }),
    ),

  declareCMark: rolesProcedure('enterprise')
    .input(contract.DeclareCMark)
    .mutation(({ ctx, input: { commandId, ...data } }) => {
      assertActsFor(ctx.actor, data.enterpriseId, 'declare C-mark conformity')
      return runCommand({
        deps: ctx.deps,
        actor: ctx.actor,
        decider: cmarkDecider,
        streamName: contract.cmarkStream(data.enterpriseId),
        command: { type: 'DeclareCMark', data, today: today(ctx.deps) },
        commandId,
        occurredAt: today(ctx.deps),
      })
    }),

  /** Selects `count` open declarations for a check, in an order fixed by the round (repeatable). */
  sampleCMarkDeclarations: rolesProcedure('regulator')
    .input(contract.SampleCMarkDeclarations)
    .mutation(async ({ ctx, input }) => {
      const head = await ctx.deps.store.headPosition()
      const db = await readModel(ctx.deps, LICENSING_PROCESSES, head ?? undefined)
      const picked = q
        .sampleableDeclarations(db, input.round, today(ctx.deps))
        .sort((a, b) => sampleKey(input.round, a) - sampleKey(input.round, b) || a.localeCompare(b))
        .slice(0, input.count)
      const scheduled: string[] = []
      for (const enterpriseId of picked) {
        try {
          const result = await runCommand({
            deps: ctx.deps,
            actor: ctx.actor,
            decider: cmarkDecider,
            streamName: contract.cmarkStream(enterpriseId),
            command: {
              type: 'ScheduleCMarkCheck',
              data: { enterpriseId, checkId: `${input.round}-${enterpriseId}` },
              today: today(ctx.deps),
            },
            commandId: `cmark-sample:${input.round}:${enterpriseId}`,
            occurredAt: today(ctx.deps),
          })
          if (!result.duplicate) scheduled.push(enterpriseId)
        } catch (error) {
          if (!(error instanceof DomainError)) throw error
        }
      }
      return { scheduled }
    }),

  recordCMarkCheck: rolesProcedure('regulator')
    .input(contract.RecordCMarkCheck)
    .mutation(({ ctx, input: { commandId, ...data } }) =>
      runCommand({
        deps: ctx.deps,
        actor: ctx.actor,
        decider: cmarkDecider,
        streamName: contract.cmarkStream(data.enterpriseId),
        command: { type: 'RecordCMarkCheck', data, inspector: ctx.actor.userId },
        commandId,
        occurredAt: data.checkedOn,
      }),
    ),

  fileParallelApplication: rolesProcedure('enterprise')
    .input(contract.FileParallelApplication)
    .mutation(({ ctx, input: { commandId, ...data } }) => {
      assertActsFor(ctx.actor, data.enterpriseId, 'file an application')
      return runCommand({
        deps: ctx.deps,
        actor: ctx.actor,
        decider: parallelDecider,
        streamName: contract.parallelStream(data.applicationId),
        command: { type: 'FileParallelApplication', data, today: today(ctx.deps) },
        commandId,
        occurredAt: today(ctx.deps),
      })
    }),

  /** Each branch is decided by its own reviewer: type approval by the metrology institute, the licence by the regulator. */
  decideParallelBranch: rolesProcedure('regulator', 'metrology_institute')
    .input(contract.DecideParallelBranch)
    .mutation(({ ctx, input: { commandId, ...data } }) => {
      const reviewerRole = contract.PARALLEL_BRANCHES[data.branch].reviewerRole
      if (ctx.actor.role !== 'admin' && ctx.actor.role !== reviewerRole) {
        throw new ForbiddenError(
          `the ${data.branch} branch is decided by the ${reviewerRole}, not by the ${ctx.actor.role}`,
        )
      }
      return runCommand({
        deps: ctx.deps,
        actor: ctx.actor,
        decider: parallelDecider,
        streamName: contract.parallelStream(data.applicationId),
        command: { type: 'DecideParallelBranch', data, reviewerOrg: ctx.actor.org, today: today(ctx.deps) },
        commandId,
        occurredAt: today(ctx.deps),
      })
    }),

  /** Special equipment (item 二十一): the regulator approves a using unit as operator examination body. */
  approveExaminationBody: rolesProcedure('regulator')
    .input(contract.ApproveExaminationBody)
    .mutation(({ ctx, input: { commandId, ...data } }) =>
      runCommand({
        deps: ctx.deps,
        actor: ctx.actor,
        decider: examinationBodyDecider,
        streamName: contract.examinationBodyStream(data.bodyId),
        command: { type: 'ApproveExaminationBody', data, today: today(ctx.deps) },
        commandId,
        occurredAt: today(ctx.deps),
      }),
    ),

  /** The examination body (an enterprise, for itself) records an exam; a pass issues the certificate. */
  recordOperatorExam: rolesProcedure('enterprise')
    .input(contract.RecordOperatorExam)
    .mutation(({ ctx, input: { commandId, ...data } }) => {
      assertActsFor(ctx.actor, data.bodyId, 'record exams')
      return runCommand({
        deps: ctx.deps,
        actor: ctx.actor,
        decider: examinationBodyDecider,
        streamName: contract.examinationBodyStream(data.bodyId),
        command: { type: 'RecordOperatorExam', data, today: today(ctx.deps) },
        commandId,
        occurredAt: data.examinedOn,
      })
    }),

  recordManufacturingQualification: rolesProcedure('regulator')
    .input(contract.RecordManufacturingQualification)
    .mutation(({ ctx, input: { commandId, ...data } }) =>
      runCommand({
        deps: ctx.deps,
        actor: ctx.actor,
        decider: qualificationDecider,
        streamName: contract.seQualificationStream(data.enterpriseId),
        command: { type: 'RecordManufacturingQualification', data },
        commandId,
        occurredAt: data.grantedOn,
      }),
    ),

  /** An enterprise with a manufacturing qualification applies for the matching installation/alteration/repair one. */
  applyForDerivedQualification: rolesProcedure('enterprise')
    .input(contract.ApplyForDerivedQualification)
    .mutation(({ ctx, input: { commandId, ...data } }) => {
      assertActsFor(ctx.actor, data.enterpriseId, 'apply for a qualification')
      return runCommand({
        deps: ctx.deps,
        actor: ctx.actor,
        decider: qualificationDecider,
        streamName: contract.seQualificationStream(data.enterpriseId),
        command: { type: 'ApplyForDerivedQualification', data, today: today(ctx.deps) },
        commandId,
        occurredAt: today(ctx.deps),
      })
    }),

  /** The regulator's queue (every process) or an applicant's own processes, with the open deadlines. */
  processes: authedProcedure.input(z.object({ minPosition })).query(async ({ ctx, input }) => {
    const db = await readModel(ctx.deps, LICENSING_PROCESSES, input.minPosition)
    const day = today(ctx.deps)
    const party = partyOf(ctx.actor)
    return {
      today: day,
      licences: q.licences(db, party),
      applications: q.applications(db, day, party),
      approvals: q.approvals(db, day, party),
      cmark: q.cmark(db, day, party),
      parallel: q.parallelApplications(db, day, party),
      dueWork: q.openDueWork(db, day, party),
      specialEquipment: q.specialEquipment(db, party),
    }
  }),

  approval: authedProcedure
    .input(z.object({ approvalId: z.string().trim().min(1), minPosition }))
    .query(async ({ ctx, input }) => {
      const db = await readModel(ctx.deps, LICENSING_PROCESSES, input.minPosition)
      const approval = q
        .approvals(db, today(ctx.deps), partyOf(ctx.actor))
        .find((a) => a.approvalId === input.approvalId)
      // Another holder's approval is not shown to an applicant: it reads as unknown.
      if (!approval) throw new NotFoundError('approval on commitment', input.approvalId)
      return approval
    }),

  kpis: authedProcedure.input(z.object({ minPosition })).query(async ({ ctx, input }) => {
    const db = await readModel(ctx.deps, LICENSING_PROCESSES, input.minPosition)
    return q.kpis(db)
  }),
})
