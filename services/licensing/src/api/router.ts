import { licensing as contract } from '@qi/contracts'
import { DomainError, ForbiddenError, NotFoundError } from '@qi/decider'
import {
  type Actor,
  authedProcedure,
  commandData,
  commandProcedure,
  type OwnerRule,
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
const actsFor = <K extends string>(party: K, action: string): OwnerRule<Record<K, string>> => ({
  roles: ['enterprise', 'lab'],
  org: (input) => input[party],
  refusal: (actor, input) =>
    `${actor.role} ${actor.org} may only ${action} for itself, not for ${input[party]}`,
})

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
  applyForLicence: commandProcedure({
    roles: ['enterprise'],
    input: contract.ApplyForLicence,
    decider: enterpriseLicenceDecider,
    stream: (input) => contract.enterpriseLicenceStream(input.enterpriseId),
    owner: actsFor('enterpriseId', 'apply for a licence'),
    command: (input, { deps }) => ({ type: 'ApplyForLicence', data: commandData(input), today: today(deps) }),
    occurredAt: (_, { deps }) => today(deps),
  }),

  recordOnSiteVerification: commandProcedure({
    roles: ['regulator'],
    input: contract.RecordOnSiteVerification,
    decider: enterpriseLicenceDecider,
    stream: (input) => contract.enterpriseLicenceStream(input.enterpriseId),
    command: (input, { actor }) => ({
      type: 'RecordOnSiteVerification',
      data: commandData(input),
      inspector: actor.userId,
    }),
    occurredAt: (input) => input.verifiedOn,
  }),

  /** Lifts a suspension (e.g. after a passed re-verification): the licence holds again from `on`. */
  restoreLicence: commandProcedure({
    roles: ['regulator'],
    input: contract.RestoreLicence,
    decider: enterpriseLicenceDecider,
    stream: (input) => contract.enterpriseLicenceStream(input.enterpriseId),
    command: (input, { deps }) => ({ type: 'RestoreLicence', data: commandData(input), today: today(deps) }),
    occurredAt: (input) => input.on,
  }),

  /** 一企一证: folds the per-category licences of industrialization into each enterprise's one licence. */
  migrateLegacyLicences: rolesProcedure('admin')
    .input(contract.MigrateLegacyLicences)
    .mutation(async ({ ctx, input }) => {
      const head = await ctx.deps.store.headPosition()
      const db = await readModel(ctx, LICENSING_PROCESSES, head ?? undefined)
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
  approveOnCommitment: commandProcedure({
    roles: ['enterprise', 'lab'],
    input: contract.ApproveOnCommitment,
    decider: commitmentDecider,
    stream: (input) => contract.commitmentStream(input.approvalId),
    authorize: (input, { actor }) => {
      const kind = contract.matterHolderKind(input.matter)
      if (actor.role !== 'admin' && actor.role !== kind) {
        throw new ForbiddenError(`${input.matter} is applied for by a ${kind}, not by a ${actor.role}`)
      }
    },
    owner: actsFor('holderId', 'sign a commitment'),
    command: (input, { deps }) => ({
      type: 'ApproveOnCommitment',
      data: commandData(input),
      today: today(deps),
    }),
    occurredAt: (_, { deps }) => today(deps),
  }),

  recordCommitmentInspection: commandProcedure({
    roles: ['regulator'],
    input: contract.RecordCommitmentInspection,
    decider: commitmentDecider,
    stream: (input) => contract.commitmentStream(input.approvalId),
    command: (input, { actor }) => ({
      type: 'RecordCommitmentInspection',
      data: commandData(input),
      inspector: actor.userId,
    }),
    occurredAt: (input) => input.inspectedOn,
  }),

  declareCMark: commandProcedure({
    roles: ['enterprise'],
    input: contract.DeclareCMark,
    decider: cmarkDecider,
    stream: (input) => contract.cmarkStream(input.enterpriseId),
    owner: actsFor('enterpriseId', 'declare C-mark conformity'),
    command: (input, { deps }) => ({ type: 'DeclareCMark', data: commandData(input), today: today(deps) }),
    occurredAt: (_, { deps }) => today(deps),
  }),

  /** Selects `count` open declarations for a check, in an order fixed by the round (repeatable). */
  sampleCMarkDeclarations: rolesProcedure('regulator')
    .input(contract.SampleCMarkDeclarations)
    .mutation(async ({ ctx, input }) => {
      const head = await ctx.deps.store.headPosition()
      const db = await readModel(ctx, LICENSING_PROCESSES, head ?? undefined)
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

  recordCMarkCheck: commandProcedure({
    roles: ['regulator'],
    input: contract.RecordCMarkCheck,
    decider: cmarkDecider,
    stream: (input) => contract.cmarkStream(input.enterpriseId),
    command: (input, { actor }) => ({
      type: 'RecordCMarkCheck',
      data: commandData(input),
      inspector: actor.userId,
    }),
    occurredAt: (input) => input.checkedOn,
  }),

  fileParallelApplication: commandProcedure({
    roles: ['enterprise'],
    input: contract.FileParallelApplication,
    decider: parallelDecider,
    stream: (input) => contract.parallelStream(input.applicationId),
    owner: actsFor('enterpriseId', 'file an application'),
    command: (input, { deps }) => ({
      type: 'FileParallelApplication',
      data: commandData(input),
      today: today(deps),
    }),
    occurredAt: (_, { deps }) => today(deps),
  }),

  /** The approvals office binds a branch to the reviewing department (organisation) that alone may decide it. */
  assignParallelBranch: commandProcedure({
    roles: ['regulator'],
    input: contract.AssignParallelBranch,
    decider: parallelDecider,
    stream: (input) => contract.parallelStream(input.applicationId),
    command: (input, { deps }) => ({
      type: 'AssignParallelBranch',
      data: commandData(input),
      today: today(deps),
    }),
    occurredAt: (_, { deps }) => today(deps),
  }),

  /**
   * Each branch is decided only by the organisation it was assigned to (parallel.not_the_reviewer), which
   * must hold the branch's reviewer role: type approval a metrology institute, the licence a regulator.
   */
  decideParallelBranch: commandProcedure({
    roles: ['regulator', 'metrology_institute'],
    input: contract.DecideParallelBranch,
    decider: parallelDecider,
    stream: (input) => contract.parallelStream(input.applicationId),
    authorize: (input, { actor }) => {
      const reviewerRole = contract.PARALLEL_BRANCHES[input.branch].reviewerRole
      if (actor.role !== 'admin' && actor.role !== reviewerRole) {
        throw new ForbiddenError(
          `the ${input.branch} branch is decided by the ${reviewerRole}, not by the ${actor.role}`,
        )
      }
    },
    command: (input, { actor, deps }) => ({
      type: 'DecideParallelBranch',
      data: commandData(input),
      reviewerOrg: actor.org,
      today: today(deps),
    }),
    occurredAt: (_, { deps }) => today(deps),
  }),

  /** Special equipment (item 二十一): the regulator approves a using unit as operator examination body. */
  approveExaminationBody: commandProcedure({
    roles: ['regulator'],
    input: contract.ApproveExaminationBody,
    decider: examinationBodyDecider,
    stream: (input) => contract.examinationBodyStream(input.bodyId),
    command: (input, { deps }) => ({
      type: 'ApproveExaminationBody',
      data: commandData(input),
      today: today(deps),
    }),
    occurredAt: (_, { deps }) => today(deps),
  }),

  /** The examination body (an enterprise, for itself) records an exam; a pass issues the certificate. */
  recordOperatorExam: commandProcedure({
    roles: ['enterprise'],
    input: contract.RecordOperatorExam,
    decider: examinationBodyDecider,
    stream: (input) => contract.examinationBodyStream(input.bodyId),
    owner: actsFor('bodyId', 'record exams'),
    command: (input, { deps }) => ({
      type: 'RecordOperatorExam',
      data: commandData(input),
      today: today(deps),
    }),
    occurredAt: (input) => input.examinedOn,
  }),

  recordManufacturingQualification: commandProcedure({
    roles: ['regulator'],
    input: contract.RecordManufacturingQualification,
    decider: qualificationDecider,
    stream: (input) => contract.seQualificationStream(input.enterpriseId),
    command: (input) => ({ type: 'RecordManufacturingQualification', data: commandData(input) }),
    occurredAt: (input) => input.grantedOn,
  }),

  /** An enterprise with a manufacturing qualification applies for the matching installation/alteration/repair one. */
  applyForDerivedQualification: commandProcedure({
    roles: ['enterprise'],
    input: contract.ApplyForDerivedQualification,
    decider: qualificationDecider,
    stream: (input) => contract.seQualificationStream(input.enterpriseId),
    owner: actsFor('enterpriseId', 'apply for a qualification'),
    command: (input, { deps }) => ({
      type: 'ApplyForDerivedQualification',
      data: commandData(input),
      today: today(deps),
    }),
    occurredAt: (_, { deps }) => today(deps),
  }),

  /** The regulator's queue (every process) or an applicant's own processes, with the open deadlines. */
  processes: authedProcedure.input(z.object({ minPosition })).query(async ({ ctx, input }) => {
    const db = await readModel(ctx, LICENSING_PROCESSES, input.minPosition)
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
      const db = await readModel(ctx, LICENSING_PROCESSES, input.minPosition)
      const approval = q
        .approvals(db, today(ctx.deps), partyOf(ctx.actor))
        .find((a) => a.approvalId === input.approvalId)
      // Another holder's approval is not shown to an applicant: it reads as unknown.
      if (!approval) throw new NotFoundError('approval on commitment', input.approvalId)
      return approval
    }),

  kpis: authedProcedure.input(z.object({ minPosition })).query(async ({ ctx, input }) => {
    const db = await readModel(ctx, LICENSING_PROCESSES, input.minPosition)
    return q.kpis(db)
  }),
})
