import { industrialization as contract, Industry, IsoDate, SearchText } from '@qi/contracts'
import { ForbiddenError, NotFoundError } from '@qi/decider'
import {
  type Actor,
  authedProcedure,
  type CommandCall,
  commandData,
  commandProcedure,
  type OwnerRule,
  readModel,
  type ServiceDeps,
  router as trpcRouter,
} from '@qi/trpc'
import { z } from 'zod'
import { demoZoneDecider } from '../domain/demo-zone'
import { enterpriseDecider } from '../domain/enterprise'
import {
  licenceDecider,
  oneLicencePerCategory,
  releaseLicenceSlot,
  type UnrevokedLicenceFact,
} from '../domain/licence'
import { lineDecider } from '../domain/line'
import { gtinUnique, productDecider } from '../domain/product'
import { recallDecider } from '../domain/recall'
import { REGISTRY_PROJECTION } from '../projections/registry'
import * as registry from '../projections/registry-queries'

const readModels = [REGISTRY_PROJECTION]

/** The registry as of the position runCommand caught it up to (call inside `enrich`). */
const registryDb = (deps: ServiceDeps) => deps.runner(REGISTRY_PROJECTION).db

/** An enterprise acts only for itself; regulators' and admins' commands are checked by role. */
const actsForEnterprise = (action: string): OwnerRule<{ enterpriseId: string }> => ({
  roles: ['enterprise'],
  org: (input) => input.enterpriseId,
  refusal: (actor, input) =>
    `enterprise ${actor.org} may only ${action} for itself, not for enterprise ${input.enterpriseId}`,
})

function assertActsForEnterprise(actor: Actor, enterpriseId: string, action: string) {
  if (actor.role === 'enterprise' && actor.org !== enterpriseId) {
    throw new ForbiddenError(
      `enterprise ${actor.org} may only ${action} for itself, not for enterprise ${enterpriseId}`,
    )
  }
}

/** A registration's one fact: whether its enterprise is in the registry (read after it caught up). */
const withEnterpriseRegistered = <C extends { facts: { enterpriseRegistered: boolean } }>(
  command: C,
  input: { enterpriseId: string },
  { deps }: CommandCall,
) => ({
  ...command,
  facts: { enterpriseRegistered: registry.findEnterprise(registryDb(deps), input.enterpriseId) !== null },
})

const today = (deps: ServiceDeps) => deps.now().toISOString().slice(0, 10)
const page = {
  limit: z.number().int().min(1).max(200).default(50),
  offset: z.number().int().min(0).default(0),
}
const minPosition = z.bigint().nonnegative().optional()

/*
 * Commands whose rules need registry facts start with empty facts; `enrich` replaces them with the
 * facts read after the registry caught up with the store, so the decider sees the current registry.
 */
export const router = trpcRouter({
  registerEnterprise: commandProcedure({
    roles: ['regulator'],
    input: contract.RegisterEnterprise,
    decider: enterpriseDecider,
    stream: (input) => contract.enterpriseStream(input.enterpriseId),
    command: (input) => ({ type: 'RegisterEnterprise', data: commandData(input) }),
    occurredAt: (_, { deps }) => deps.now().toISOString(),
  }),

  registerProduct: commandProcedure({
    roles: ['enterprise'],
    input: contract.RegisterProduct,
    decider: productDecider,
    stream: (input) => contract.productStream(input.productId),
    owner: actsForEnterprise('register products'),
    readModels,
    command: (input) => ({
      type: 'RegisterProduct',
      data: commandData(input),
      facts: { enterpriseRegistered: false },
    }),
    enrich: withEnterpriseRegistered,
    occurredAt: (_, { deps }) => deps.now().toISOString(),
    reservations: (input) => gtinUnique(commandData(input)),
  }),

  registerProductionLine: commandProcedure({
    roles: ['enterprise'],
    input: contract.RegisterProductionLine,
    decider: lineDecider,
    stream: (input) => contract.lineStream(input.lineId),
    owner: actsForEnterprise('register production lines'),
    readModels,
    command: (input) => ({
      type: 'RegisterProductionLine',
      data: commandData(input),
      facts: { enterpriseRegistered: false },
    }),
    enrich: withEnterpriseRegistered,
    occurredAt: (_, { deps }) => deps.now().toISOString(),
  }),

  declareProductMarket: commandProcedure({
    roles: ['enterprise'],
    input: contract.DeclareProductMarket,
    decider: productDecider,
    stream: (input) => contract.productStream(input.productId),
    readModels,
    command: (input) => ({ type: 'DeclareProductMarket', data: commandData(input), facts: { line: null } }),
    enrich: (command, input, { deps, actor }) => {
      const db = registryDb(deps)
      // An unknown product is refused by the decider (NotFound); a known one must be the actor's.
      const product = registry.findProduct(db, input.productId)
      if (product) assertActsForEnterprise(actor, product.enterpriseId, 'declare markets of its products')
      const line = registry.findLine(db, input.lineId)
      return { ...command, facts: { line: line && { lineId: line.lineId, enterpriseId: line.enterpriseId } } }
    },
    occurredAt: (input) => input.declaredOn,
  }),

  grantProductionLicence: commandProcedure({
    roles: ['regulator'],
    input: contract.GrantProductionLicence,
    decider: licenceDecider,
    stream: (input) => contract.licenceStream(input.licenceNo),
    readModels,
    command: (input) => ({
      type: 'GrantProductionLicence',
      data: commandData(input),
      facts: { enterpriseRegistered: false, unrevokedLicencesInCategory: [] as UnrevokedLicenceFact[] },
    }),
    enrich: (command, input, { deps }) => {
      const db = registryDb(deps)
      return {
        ...command,
        facts: {
          enterpriseRegistered: registry.findEnterprise(db, input.enterpriseId) !== null,
          unrevokedLicencesInCategory: registry.unrevokedLicencesInCategory(
            db,
            input.enterpriseId,
            input.productCategory,
          ),
        },
      }
    },
    occurredAt: (input) => input.grantedOn,
    // The registry check in enrich gives the early answer; the slot key decides a race.
    reservations: (input) => [oneLicencePerCategory(commandData(input))],
  }),

  revokeProductionLicence: commandProcedure({
    roles: ['regulator'],
    input: contract.RevokeProductionLicence,
    decider: licenceDecider,
    stream: (input) => contract.licenceStream(input.licenceNo),
    command: (input) => ({ type: 'RevokeProductionLicence', data: commandData(input) }),
    occurredAt: (input) => input.on,
    releases: releaseLicenceSlot,
  }),

  recallProduct: commandProcedure({
    roles: ['regulator', 'enterprise'],
    input: contract.RecallProduct,
    decider: recallDecider,
    stream: (input) => contract.recallStream(input.recallId),
    // Regulators order recalls; an enterprise announces voluntary recalls of its own products.
    authorize: (input, { actor }) => {
      if (actor.role === 'regulator' && !input.ordered) {
        throw new ForbiddenError(
          'a regulator orders recalls (ordered: true); voluntary recalls are announced by the enterprise',
        )
      }
      if (actor.role === 'enterprise' && input.ordered) {
        throw new ForbiddenError(
          'an enterprise announces voluntary recalls (ordered: false); ordered recalls come from a regulator',
        )
      }
    },
    owner: actsForEnterprise('recall products'),
    readModels,
    command: (input) => ({ type: 'RecallProduct', data: commandData(input), facts: { product: null } }),
    enrich: (command, input, { deps }) => {
      const product = registry.findProduct(registryDb(deps), input.productId)
      return {
        ...command,
        facts: { product: product && { productId: product.productId, enterpriseId: product.enterpriseId } },
      }
    },
    occurredAt: (input) => input.announcedOn,
  }),

  awardBrandTitle: commandProcedure({
    roles: ['regulator'],
    input: contract.AwardBrandTitle,
    decider: enterpriseDecider,
    stream: (input) => contract.enterpriseStream(input.enterpriseId),
    readModels,
    command: (input) => ({ type: 'AwardBrandTitle', data: commandData(input), facts: { product: null } }),
    enrich: (command, input, { deps }) => {
      const product =
        input.productId === undefined ? null : registry.findProduct(registryDb(deps), input.productId)
      return {
        ...command,
        facts: { product: product && { productId: product.productId, enterpriseId: product.enterpriseId } },
      }
    },
    occurredAt: (input) => input.awardedOn,
  }),

  designateDemoZone: commandProcedure({
    roles: ['regulator'],
    input: contract.DesignateDemoZone,
    decider: demoZoneDecider,
    stream: (input) => contract.demoZoneStream(input.zoneId),
    command: (input) => ({ type: 'DesignateDemoZone', data: commandData(input) }),
    occurredAt: (input) => input.designatedOn,
  }),

  listEnterprises: authedProcedure
    .input(
      z.object({
        industry: Industry.optional(),
        /** Name or credit code; trimmed and NFKC-folded, case-insensitive. */
        search: SearchText.optional(),
        ...page,
        minPosition,
      }),
    )
    .query(async ({ ctx, input }) => {
      const db = await readModel(ctx, REGISTRY_PROJECTION, input.minPosition)
      return registry.listEnterprises(db, input)
    }),

  getEnterprise: authedProcedure
    .input(z.object({ enterpriseId: z.string().trim().min(1), minPosition }))
    .query(async ({ ctx, input }) => {
      const db = await readModel(ctx, REGISTRY_PROJECTION, input.minPosition)
      const enterprise = registry.getEnterprise(db, input.enterpriseId, today(ctx.deps))
      if (!enterprise) throw new NotFoundError('enterprise', input.enterpriseId)
      return enterprise
    }),

  listProducts: authedProcedure
    .input(
      z.object({
        enterpriseId: z.string().trim().min(1).optional(),
        industry: Industry.optional(),
        /** Id, name or model; trimmed and NFKC-folded, case-insensitive. */
        search: SearchText.optional(),
        ...page,
        minPosition,
      }),
    )
    .query(async ({ ctx, input }) => {
      const db = await readModel(ctx, REGISTRY_PROJECTION, input.minPosition)
      return registry.listProducts(db, input)
    }),

  getProduct: authedProcedure
    .input(z.object({ productId: z.string().trim().min(1), minPosition }))
    .query(async ({ ctx, input }) => {
      const db = await readModel(ctx, REGISTRY_PROJECTION, input.minPosition)
      const product = registry.getProduct(db, input.productId)
      if (!product) throw new NotFoundError('product', input.productId)
      return product
    }),

  /** Licences, paged; `expiresBefore` gives those in force that expire before that date. */
  listLicences: authedProcedure
    .input(
      z.object({
        enterpriseId: z.string().trim().min(1).optional(),
        search: SearchText.optional(),
        expiresBefore: IsoDate.optional(),
        ...page,
        minPosition,
      }),
    )
    .query(async ({ ctx, input }) => {
      const db = await readModel(ctx, REGISTRY_PROJECTION, input.minPosition)
      return registry.listLicences(db, { ...input, today: ctx.deps.now().toISOString().slice(0, 10) })
    }),

  listRecalls: authedProcedure
    .input(
      z.object({
        enterpriseId: z.string().trim().min(1).optional(),
        productId: z.string().trim().min(1).optional(),
        ...page,
        minPosition,
      }),
    )
    .query(async ({ ctx, input }) => {
      const db = await readModel(ctx, REGISTRY_PROJECTION, input.minPosition)
      return registry.listRecalls(db, input)
    }),

  listDemoZones: authedProcedure
    .input(z.object({ level: contract.DemoZoneLevel.optional(), minPosition }))
    .query(async ({ ctx, input }) => {
      const db = await readModel(ctx, REGISTRY_PROJECTION, input.minPosition)
      return registry.listDemoZones(db, input)
    }),
})
