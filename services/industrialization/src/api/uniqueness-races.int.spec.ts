import { SqliteEventStore } from '@qi/eventstore/sqlite'
import { ProjectionRunner } from '@qi/projections'
import { type Actor, createCallerFactory, type ServiceDeps, router as trpcRouter } from '@qi/trpc'
import { batchedMutation } from '@qi/trpc/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WUHAN_AUTO } from '../domain/fixtures'
import { industrializationService } from '../index'
import { router } from './router'

/*
 * 一企一证 under races: two grants for the same enterprise and product category with different
 * licence numbers, sent in one batched request or as two concurrent requests, end with exactly one
 * licence — the slot key stream decides, not the (lagging) registry read model.
 */
const TRIALS = 100
const regulator: Actor = { userId: 'amr-officer', org: 'HB-AMR', orgName: 'Hubei AMR', role: 'regulator' }

let store: SqliteEventStore
let runners: Map<string, ProjectionRunner>
let deps: ServiceDeps

beforeAll(async () => {
  store = new SqliteEventStore({ path: ':memory:' })
  runners = new Map(
    industrializationService.projections.map((p) => [p.name, new ProjectionRunner({ store, projection: p })]),
  )
  await Promise.all([...runners.values()].map((r) => r.start()))
  deps = {
    store,
    runner: (name) => runners.get(name)!,
    runners: () => [...runners.values()],
    now: () => new Date('2025-06-15T08:00:00Z'),
  }
  await as(regulator).registerEnterprise({
    enterpriseId: WUHAN_AUTO,
    name: 'Wuhan Auto Parts Co.',
    region: 'Wuhan',
    industry: 'automotive',
  })
})

afterAll(async () => {
  for (const runner of runners.values()) await runner.close()
  await store.close()
})

const context = (actor: Actor) => ({ actor, invalidApiKey: false, requestId: 'race', deps })
const as = (actor: Actor) => createCallerFactory(router)(context(actor))
const api = trpcRouter({ industrialization: router })

const grant = (trial: string, licenceNo: string) => ({
  licenceNo,
  enterpriseId: WUHAN_AUTO,
  productCategory: `电线电缆 ${trial}`,
  procedure: 'ordinary' as const,
  grantedOn: '2025-01-01',
  expiresOn: '2029-12-31',
  commandId: `grant-${licenceNo}`,
})

async function licencesInCategory(category: string) {
  await deps.runner('industrialization.registry').waitFor(await store.headPosition())
  const enterprise = await as(regulator)
    .listEnterprises({})
    .then(() => deps.runner('industrialization.registry').db)
  return (
    enterprise
      .prepare('SELECT licence_no FROM licences WHERE enterprise_id = ? AND product_category = ?')
      .all(WUHAN_AUTO, category) as unknown[]
  ).length
}

describe('one licence per enterprise and category, under races', () => {
  it(`a batched request of two grants ends with exactly one licence (${TRIALS} of ${TRIALS} trials)`, async () => {
    let exactlyOne = 0
    for (let trial = 0; trial < TRIALS; trial++) {
      const outcomes = await batchedMutation(
        api,
        context(regulator),
        'industrialization.grantProductionLicence',
        [grant(`b${trial}`, `B${trial}-1`), grant(`b${trial}`, `B${trial}-2`)],
      )
      const successes = outcomes.filter((o) => o.ok).length
      const refusals = outcomes.filter((o) => !o.ok)
      if (successes === 1 && (await licencesInCategory(`电线电缆 b${trial}`)) === 1) exactlyOne++
      for (const refusal of refusals) expect(['PRECONDITION_FAILED', 'CONFLICT']).toContain(refusal.code)
    }
    expect(exactlyOne).toBe(TRIALS)
  })

  it(`two concurrent grants end with exactly one licence (${TRIALS} of ${TRIALS} trials)`, async () => {
    let exactlyOne = 0
    for (let trial = 0; trial < TRIALS; trial++) {
      const outcomes = await Promise.allSettled([
        as(regulator).grantProductionLicence(grant(`c${trial}`, `C${trial}-1`)),
        as(regulator).grantProductionLicence(grant(`c${trial}`, `C${trial}-2`)),
      ])
      const successes = outcomes.filter((o) => o.status === 'fulfilled').length
      if (successes === 1 && (await licencesInCategory(`电线电缆 c${trial}`)) === 1) exactlyOne++
    }
    expect(exactlyOne).toBe(TRIALS)
  })

  it('the loser is told which licence holds the slot; a retry of the winner is a no-op', async () => {
    const first = await as(regulator).grantProductionLicence(grant('r', 'R-1'))
    const [retry, loser] = await Promise.allSettled([
      as(regulator).grantProductionLicence(grant('r', 'R-1')),
      as(regulator).grantProductionLicence(grant('r', 'R-2')),
    ])
    expect(retry).toMatchObject({ status: 'fulfilled', value: { duplicate: true, position: first.position } })
    expect(loser).toMatchObject({
      status: 'rejected',
      reason: { code: 'PRECONDITION_FAILED', message: expect.stringMatching(/already holds licence R-1/) },
    })
  })

  it('a revoked licence gives the slot back, so a new licence can be granted', async () => {
    await as(regulator).grantProductionLicence(grant('v', 'V-1'))
    await as(regulator).revokeProductionLicence({ licenceNo: 'V-1', on: '2025-03-01', reason: 'fraud' })
    const next = await as(regulator).grantProductionLicence({ ...grant('v', 'V-2'), grantedOn: '2025-04-01' })
    expect(next.events).toEqual(['ProductionLicenceGranted'])
  })
})

const wuhanAuto: Actor = { userId: 'wa', org: WUHAN_AUTO, orgName: 'Wuhan Auto', role: 'enterprise' }
const product = (productId: string, gs1: string) => ({
  productId,
  enterpriseId: WUHAN_AUTO,
  name: '汽车线束',
  model: productId,
  industry: 'automotive' as const,
  gs1,
  commandId: `register-${productId}`,
})
const gtin = (trial: number, batch: 'b' | 'c') =>
  `69${batch === 'b' ? 1 : 2}${String(trial).padStart(10, '0')}`

async function productsWithGtin(gs1: string) {
  await deps.runner('industrialization.registry').waitFor(await store.headPosition())
  const db = deps.runner('industrialization.registry').db
  return (db.prepare('SELECT product_id FROM products WHERE gs1 = ?').all(gs1) as unknown[]).length
}

describe('one product per GS1 id (GTIN), under races', () => {
  it(`a batched request of two registrations ends with exactly one product (${TRIALS} of ${TRIALS} trials)`, async () => {
    let exactlyOne = 0
    for (let trial = 0; trial < TRIALS; trial++) {
      const gs1 = gtin(trial, 'b')
      const outcomes = await batchedMutation(api, context(wuhanAuto), 'industrialization.registerProduct', [
        product(`PB${trial}-1`, gs1),
        product(`PB${trial}-2`, gs1),
      ])
      for (const o of outcomes) if (!o.ok) expect(['PRECONDITION_FAILED', 'CONFLICT']).toContain(o.code)
      if (outcomes.filter((o) => o.ok).length === 1 && (await productsWithGtin(gs1)) === 1) exactlyOne++
    }
    expect(exactlyOne).toBe(TRIALS)
  })

  it(`two concurrent registrations end with exactly one product (${TRIALS} of ${TRIALS} trials)`, async () => {
    let exactlyOne = 0
    for (let trial = 0; trial < TRIALS; trial++) {
      const gs1 = gtin(trial, 'c')
      const outcomes = await Promise.allSettled([
        as(wuhanAuto).registerProduct(product(`PC${trial}-1`, gs1)),
        as(wuhanAuto).registerProduct(product(`PC${trial}-2`, gs1)),
      ])
      if (
        outcomes.filter((o) => o.status === 'fulfilled').length === 1 &&
        (await productsWithGtin(gs1)) === 1
      )
        exactlyOne++
    }
    expect(exactlyOne).toBe(TRIALS)
  })

  it('names the product holding the GTIN', async () => {
    await as(wuhanAuto).registerProduct(product('PG-1', '6901234567892'))
    await expect(as(wuhanAuto).registerProduct(product('PG-2', '6901234567892'))).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
      message: expect.stringMatching(/GS1 id 6901234567892 is already registered for product PG-1/),
      cause: { rule: 'product.gtin-unique', field: 'gs1' },
    })
  })
})

describe('ids that are stream names (inherent uniqueness), under races', () => {
  it(`two registrations of one credit code, batched or concurrent, record it once (${TRIALS} + ${TRIALS} trials)`, async () => {
    let exactlyOne = 0
    const enterprise = (trial: number, variant: string, name: string) => ({
      enterpriseId: `91420100MA4K${variant}${String(trial).padStart(5, '0')}`,
      name,
      region: 'Wuhan',
      industry: 'automotive' as const,
      commandId: `register-${variant}-${trial}-${name}`,
    })
    for (let trial = 0; trial < TRIALS; trial++) {
      const batched = await batchedMutation(api, context(regulator), 'industrialization.registerEnterprise', [
        enterprise(trial, 'B', 'first'),
        enterprise(trial, 'B', 'second'),
      ])
      const concurrent = await Promise.allSettled([
        as(regulator).registerEnterprise(enterprise(trial, 'C', 'first')),
        as(regulator).registerEnterprise(enterprise(trial, 'C', 'second')),
      ])
      if (
        batched.filter((o) => o.ok).length === 1 &&
        concurrent.filter((o) => o.status === 'fulfilled').length === 1
      )
        exactlyOne++
    }
    expect(exactlyOne).toBe(TRIALS)
  })
})
