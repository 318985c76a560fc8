import { industrialization as contract, Industry, IsoDate } from '@qi/contracts'
import { ForbiddenError, NotFoundError } from '@qi/decider'
import {
  type Actor,
  authedProcedure,
  readModel,
  rolesProcedure,
  runCommand,
  type ServiceDeps,
  router as trpcRouter,
} from '@qi/trpc'
import { z } from 'zod'
import { demoZoneDecider } from '../domain/demo-zone'
import { enterpriseDecider } from '../domain/enterprise'
import { licenceDecider } from '../domain/licence'
import { lineDecider } from '../domain/line'
import { productDecider } from '../domain/product'
import { recallDecider } from '../domain/recall'
import { REGISTRY_PROJECTION } from '../projections/registry'
import * as registry from '../projections/registry-queries'

const readModels = [REGISTRY_PROJECTION]

/** The registry as of the position runCommand caught it up to (call inside `enrich`). */
const registryDb = (deps: ServiceDeps) => deps.runner(REGISTRY_PROJECTION).db

/** An enterprise acts only for itself; regulators' and admins' commands are checked by role. */
function assertActsForEnterprise(actor: Actor, enterpriseId: string, action: string) {
  if (actor.role === 'enterprise' && actor.org !== enterpriseId) {
    throw new ForbiddenError(
      `enterprise ${actor.org} may only ${action} for itself, not for enterprise ${enterpriseId}`,
    )
  }
}

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
  registerEnterprise: rolesProcedure('regulator')
    .input(contract.RegisterEnterprise)
    .mutation(({ ctx, input: { commandId, ...data } }) =>
      runCommand({
        deps: ctx.deps,
        actor: ctx.actor,
        decider: enterpriseDecider,
        streamName: contract.enterpriseStream(data.enterpriseId),
        command: { type: 'RegisterEnterprise', data },
        commandId,
        occurredAt: ctx.deps.now().toISOString(),
      }),
    ),

  registerProduct: rolesProcedure('enterprise')
    .input(contract.RegisterProduct)
    .mutation(({ ctx, input: { commandId, ...data } }) => {
      assertActsForEnterprise(ctx.actor, data.enterpriseId, 'register products')
      return runCommand({
        deps: ctx.deps,
        actor: ctx.actor,
        decider: productDecider,
        streamName: contract.productStream(data.productId),
        command: { type: 'RegisterProduct', data, facts: { enterpriseRegistered: false } },
        commandId,
        occurredAt: ctx.deps.now().toISOString(),
        readModels,
        enrich: () => ({
          type: 'RegisterProduct' as const,
          data,
          facts: {
            enterpriseRegistered: registry.findEnterprise(registryDb(ctx.deps), data.enterpriseId) !== null,
          },
        }),
      })
    }),

  registerProductionLine: rolesProcedure('enterprise')
    .input(contract.RegisterProductionLine)
    .mutation(({ ctx, input: { commandId, ...data } }) => {
      assertActsForEnterprise(ctx.actor, data.enterpriseId, 'register production lines')
      return runCommand({
        deps: ctx.deps,
        actor: ctx.actor,
        decider: lineDecider,
        streamName: contract.lineStream(data.lineId),
        command: { type: 'RegisterProductionLine', data, facts: { enterpriseRegistered: false } },
        commandId,
        occurredAt: ctx.deps.now().toISOString(),
        readModels,
        enrich: () => ({
          type: 'RegisterProductionLine' as const,
          data,
          facts: {
            enterpriseRegistered: registry.findEnterprise(registryDb(ctx.deps), data.enterpriseId) !== null,
          },
        }),
      })
    }),

  declareProductMarket: rolesProcedure('enterprise')
    .input(contract.DeclareProductMarket)
    .mutation(({ ctx, input: { commandId, ...data } }) =>
      runCommand({
        deps: ctx.deps,
        actor: ctx.actor,
        decider: productDecider,
        streamName: contract.productStream(data.productId),
        command: { type: 'DeclareProductMarket', data, facts: { line: null } },
        commandId,
        occurredAt: data.declaredOn,
        readModels,
        enrich: () => {
          const db = registryDb(ctx.deps)
          // An unknown product is refused by the decider (NotFound); a known one must be the actor's.
          const product = registry.findProduct(db, data.productId)
          if (product)
            assertActsForEnterprise(ctx.actor, product.enterpriseId, 'declare markets of its products')
          const line = registry.findLine(db, data.lineId)
          return {
            type: 'DeclareProductMarket' as const,
            data,
            facts: { line: line && { lineId: line.lineId, enterpriseId: line.enterpriseId } },
          }
        },
      }),
    ),

  grantProductionLicence: rolesProcedure('regulator')
    .input(contract.GrantProductionLicence)
    .mutation(({ ctx, input: { commandId, ...data } }) =>
      runCommand({
        deps: ctx.deps,
        actor: ctx.actor,
        decider: licenceDecider,
        streamName: contract.licenceStream(data.licenceNo),
        command: {
          type: 'GrantProductionLicence',
          data,
          facts: { enterpriseRegistered: false, unrevokedLicencesInCategory: [] },
        },
        commandId,
        occurredAt: data.grantedOn,
        readModels,
        enrich: () => {
          const db = registryDb(ctx.deps)
          return {
            type: 'GrantProductionLicence' as const,
            data,
            facts: {
              enterpriseRegistered: registry.findEnterprise(db, data.enterpriseId) !== null,
              unrevokedLicencesInCategory: registry.unrevokedLicencesInCategory(
                db,
                data.enterpriseId,
                data.productCategory,
              ),
            },
          }
        },
      }),
    ),

  revokeProductionLicence: rolesProcedure('regulator')
    .input(contract.RevokeProductionLicence)
    .mutation(({ ctx, input: { commandId, ...data } }) =>
      runCommand({
        deps: ctx.deps,
        actor: ctx.actor,
        decider: licenceDecider,
        streamName: contract.licenceStream(data.licenceNo),
        command: { type: 'RevokeProductionLicence', data },
        commandId,
        occurredAt: data.on,
      }),
    ),

  recallProduct: rolesProcedure('regulator', 'enterprise')
    .input(contract.RecallProduct)
    .mutation(({ ctx, input: { commandId, ...data } }) => {
      // Regulators order recalls; an enterprise announces voluntary recalls of its own products.
      if (ctx.actor.role === 'regulator' && !data.ordered) {
        throw new ForbiddenError(
          'a regulator orders recalls (ordered: true); voluntary recalls are announced by the enterprise',
        )
      }
      if (ctx.actor.role === 'enterprise') {
        if (data.ordered) {
          throw new ForbiddenError(
            'an enterprise announces voluntary recalls (ordered: false); ordered recalls come from a regulator',
          )
        }
        assertActsForEnterprise(ctx.actor, data.enterpriseId, 'recall products')
      }
      return runCommand({
        deps: ctx.deps,
        actor: ctx.actor,
        decider: recallDecider,
        streamName: contract.recallStream(data.recallId),
        command: { type: 'RecallProduct', data, facts: { product: null } },
        commandId,
        occurredAt: data.announcedOn,
        readModels,
        enrich: () => {
          const product = registry.findProduct(registryDb(ctx.deps), data.productId)
          return {
            type: 'RecallProduct' as const,
            data,
            facts: {
              product: product && { productId: product.productId, enterpriseId: product.enterpriseId },
            },
          }
        },
      })
    }),

  awardBrandTitle: rolesProcedure('regulator')
    .input(contract.AwardBrandTitle)
    .mutation(({ ctx, input: { commandId, ...data } }) =>
      runCommand({
        deps: ctx.deps,
        actor: ctx.actor,
        decider: enterpriseDecider,
        streamName: contract.enterpriseStream(data.enterpriseId),
        command: { type: 'AwardBrandTitle', data, facts: { product: null } },
        commandId,
        occurredAt: data.awardedOn,
        readModels,
        enrich: () => {
          const product =
            data.productId === undefined ? null : registry.findProduct(registryDb(ctx.deps), data.productId)
          return {
            type: 'AwardBrandTitle' as const,
            data,
            facts: {
              product: product && { productId: product.productId, enterpriseId: product.enterpriseId },
            },
          }
        },
      }),
    ),

  designateDemoZone: rolesProcedure('regulator')
    .input(contract.DesignateDemoZone)
    .mutation(({ ctx, input: { commandId, ...data } }) =>
      runCommand({
        deps: ctx.deps,
        actor: ctx.actor,
        decider: demoZoneDecider,
        streamName: contract.demoZoneStream(data.zoneId),
        command: { type: 'DesignateDemoZone', data },
        commandId,
        occurredAt: data.designatedOn,
      }),
    ),

  listEnterprises: authedProcedure
    .input(
      z.object({
        industry: Industry.optional(),
        search: z.string().trim().min(1).max(100).optional(),
        ...page,
        minPosition,
      }),
    )
    .query(async ({ ctx, input }) => {
      const db = await readModel(ctx.deps, REGISTRY_PROJECTION, input.minPosition)
      return registry.listEnterprises(db, input)
    }),

  getEnterprise: authedProcedure
    .input(z.object({ enterpriseId: z.string().trim().min(1), minPosition }))
    .query(async ({ ctx, input }) => {
      const db = await readModel(ctx.deps, REGISTRY_PROJECTION, input.minPosition)
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
        search: z
          .string()
          .max(100)
          .transform((text) => text.normalize('NFKC').trim())
          .optional(),
        ...page,
        minPosition,
      }),
    )
    .query(async ({ ctx, input }) => {
      const db = await readModel(ctx.deps, REGISTRY_PROJECTION, input.minPosition)
      return registry.listProducts(db, input)
    }),

  getProduct: authedProcedure
    .input(z.object({ productId: z.string().trim().min(1), minPosition }))
    .query(async ({ ctx, input }) => {
      const db = await readModel(ctx.deps, REGISTRY_PROJECTION, input.minPosition)
      const product = registry.getProduct(db, input.productId)
      if (!product) throw new NotFoundError('product', input.productId)
      return product
    }),

  /** Licences, paged; `expiresBefore` gives those in force that expire before that date. */
  listLicences: authedProcedure
    .input(
      z.object({
        enterpriseId: z.string().trim().min(1).optional(),
        search: z
          .string()
          .max(100)
          .transform((text) => text.normalize('NFKC').trim())
          .optional(),
        expiresBefore: IsoDate.optional(),
        ...page,
        minPosition,
      }),
    )
    .query(async ({ ctx, input }) => {
      const db = await readModel(ctx.deps, REGISTRY_PROJECTION, input.minPosition)
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
      const db = await readModel(ctx.deps, REGISTRY_PROJECTION, input.minPosition)
      return registry.listRecalls(db, input)
    }),

  listDemoZones: authedProcedure
    .input(z.object({ level: contract.DemoZoneLevel.optional(), minPosition }))
    .query(async ({ ctx, input }) => {
      const db = await readModel(ctx.deps, REGISTRY_PROJECTION, input.minPosition)
      return registry.listDemoZones(db, input)
    }),
})
