import { SqliteEventStore } from '@qi/eventstore/sqlite'
import { ProjectionRunner } from '@qi/projections'
import { type Actor, createCallerFactory, type ServiceDeps } from '@qi/trpc'
import { TRPCError } from '@trpc/server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  licenceGranted,
  lineRegistered,
  productRecalled,
  productRegistered,
  WUHAN_AUTO,
  XIANGYANG_STEEL,
} from '../domain/fixtures'
import { industrializationService } from '../index'
import { router } from './router'

const TODAY = new Date('2025-06-15T08:00:00Z')

const regulator: Actor = { userId: 'amr-officer', org: 'HB-AMR', orgName: 'Hubei AMR', role: 'regulator' }
const wuhanAuto: Actor = {
  userId: 'wa-clerk',
  org: WUHAN_AUTO,
  orgName: 'Wuhan Auto Parts Co.',
  role: 'enterprise',
}
const xiangyangSteel: Actor = {
  userId: 'xs-clerk',
  org: XIANGYANG_STEEL,
  orgName: 'Xiangyang Steel',
  role: 'enterprise',
}
const lab: Actor = { userId: 'lab-user', org: 'LAB-01', orgName: 'Hubei Auto Test Centre', role: 'lab' }

let store: SqliteEventStore
let runners: Map<string, ProjectionRunner>
let deps: ServiceDeps

beforeEach(async () => {
  store = new SqliteEventStore({ path: ':memory:' })
  runners = new Map(
    industrializationService.projections.map((projection) => [
      projection.name,
      new ProjectionRunner({ store, projection }),
    ]),
  )
  await Promise.all([...runners.values()].map((runner) => runner.start()))
  deps = {
    store,
    runner: (name) => {
      const runner = runners.get(name)
      if (!runner) throw new Error(`no projection named '${name}'`)
      return runner
    },
    runners: () => [...runners.values()],
    now: () => TODAY,
  }
})

afterEach(async () => {
  for (const runner of runners.values()) await runner.close()
  await store.close()
})

const callerFactory = createCallerFactory(router)
const as = (actor: Actor | null) => callerFactory({ actor, invalidApiKey: false, requestId: 'test', deps })

/** The tRPC error a call fails with, so tests can assert its code and message. */
async function failure(call: Promise<unknown>): Promise<TRPCError> {
  try {
    await call
  } catch (error) {
    if (error instanceof TRPCError) return error
    throw error
  }
  throw new Error('expected the call to fail')
}

async function registerWuhanAutoWithProductAndLines() {
  await as(regulator).registerEnterprise({
    enterpriseId: WUHAN_AUTO,
    name: 'Wuhan Auto Parts Co.',
    region: 'Wuhan',
    industry: 'automotive',
  })
  await as(regulator).registerEnterprise({
    enterpriseId: XIANGYANG_STEEL,
    name: 'Xiangyang Steel',
    region: 'Xiangyang',
    industry: 'metallurgy',
  })
  await as(wuhanAuto).registerProduct(productRegistered().data)
  await as(wuhanAuto).registerProductionLine(lineRegistered('L-1').data)
  await as(wuhanAuto).registerProductionLine(lineRegistered('L-2').data)
  return as(xiangyangSteel).registerProductionLine(lineRegistered('XS-L1', XIANGYANG_STEEL).data)
}

const gbt = [{ code: 'GB/T 34422', version: '2017' }]

describe('registration', () => {
  it('records an enterprise and answers it from the registry', async () => {
    const result = await as(regulator).registerEnterprise({
      enterpriseId: WUHAN_AUTO,
      name: 'Wuhan Auto Parts Co.',
      region: 'Wuhan',
      industry: 'automotive',
      commandId: 'register-wuhan-auto',
    })
    expect(result).toMatchObject({
      streamName: `enterprise-${WUHAN_AUTO}`,
      revision: 0n,
      duplicate: false,
      events: ['EnterpriseRegistered'],
    })
    const list = await as(lab).listEnterprises({ industry: 'automotive', minPosition: result.position! })
    expect(list).toEqual({
      total: 1,
      items: [
        { enterpriseId: WUHAN_AUTO, name: 'Wuhan Auto Parts Co.', region: 'Wuhan', industry: 'automotive' },
      ],
    })
  })

  it('treats a retried command as a no-op', async () => {
    const input = {
      enterpriseId: WUHAN_AUTO,
      name: 'Wuhan Auto',
      region: 'Wuhan',
      industry: 'automotive' as const,
    }
    const first = await as(regulator).registerEnterprise({ ...input, commandId: 'register-wuhan-auto' })
    const retry = await as(regulator).registerEnterprise({ ...input, commandId: 'register-wuhan-auto' })
    expect(retry).toEqual({ ...first, duplicate: true })
    const again = await failure(as(regulator).registerEnterprise({ ...input, commandId: 'another-command' }))
    expect(again.code).toBe('PRECONDITION_FAILED')
    expect(again.message).toContain(`enterprise ${WUHAN_AUTO} is already registered`)
  })

  it('searches, filters and pages enterprises', async () => {
    const last = await registerWuhanAutoWithProductAndLines()
    const minPosition = last.position!
    expect(
      (await as(lab).listEnterprises({ search: 'steel', minPosition })).items.map((e) => e.name),
    ).toEqual(['Xiangyang Steel'])
    // Full-width, upper case, spaces around: the same enterprise.
    expect(
      (await as(lab).listEnterprises({ search: ' ＳＴＥＥＬ ', minPosition })).items.map((e) => e.name),
    ).toEqual(['Xiangyang Steel'])
    expect((await as(lab).listEnterprises({ search: WUHAN_AUTO.slice(0, 10), minPosition })).total).toBe(1)
    const firstPage = await as(lab).listEnterprises({ limit: 1, offset: 0, minPosition })
    expect(firstPage.total).toBe(2)
    expect(firstPage.items).toHaveLength(1)
    expect(
      (await as(lab).listProducts({ enterpriseId: WUHAN_AUTO, minPosition })).items.map((p) => p.productId),
    ).toEqual(['P-BRAKE-01'])
    expect((await as(lab).listProducts({ industry: 'food', minPosition })).total).toBe(0)
  })

  it('rejects invalid input, wrong roles and other enterprises', async () => {
    const badCode = await failure(
      as(regulator).registerEnterprise({
        enterpriseId: 'not-a-code',
        name: 'X',
        region: 'Wuhan',
        industry: 'food',
      }),
    )
    expect(badCode.code).toBe('BAD_REQUEST')
    const labRegisters = await failure(
      as(lab).registerEnterprise({ enterpriseId: WUHAN_AUTO, name: 'X', region: 'Wuhan', industry: 'food' }),
    )
    expect(labRegisters.code).toBe('FORBIDDEN')
    const foreignProduct = await failure(as(xiangyangSteel).registerProduct(productRegistered().data))
    expect(foreignProduct.code).toBe('FORBIDDEN')
    expect(foreignProduct.message).toContain(
      `may only register products for itself, not for enterprise ${WUHAN_AUTO}`,
    )
    const anonymous = await failure(as(null).listEnterprises({}))
    expect(anonymous.code).toBe('UNAUTHORIZED')
  })

  it('refuses products and lines of an unregistered enterprise', async () => {
    const product = await failure(as(wuhanAuto).registerProduct(productRegistered().data))
    expect(product.code).toBe('NOT_FOUND')
    expect(product.message).toBe(`enterprise '${WUHAN_AUTO}' was not found`)
    const line = await failure(as(wuhanAuto).registerProductionLine(lineRegistered().data))
    expect(line.code).toBe('NOT_FOUND')
  })
})

describe('market declarations (同线同标同质)', () => {
  it('flags a product made on one line to the same standards for both markets', async () => {
    await registerWuhanAutoWithProductAndLines()
    await as(wuhanAuto).declareProductMarket({
      productId: 'P-BRAKE-01',
      market: 'domestic',
      lineId: 'L-1',
      standards: gbt,
      declaredOn: '2024-05-01',
    })
    const exported = await as(wuhanAuto).declareProductMarket({
      productId: 'P-BRAKE-01',
      market: 'export',
      lineId: 'L-1',
      standards: gbt,
      destination: 'France',
      declaredOn: '2024-05-02',
    })
    const product = await as(lab).getProduct({ productId: 'P-BRAKE-01', minPosition: exported.position! })
    expect(product.sameLineSameStandard).toBe(true)
    expect(product.markets).toEqual([
      { market: 'domestic', lineId: 'L-1', standards: gbt, destination: null, declaredOn: '2024-05-01' },
      { market: 'export', lineId: 'L-1', standards: gbt, destination: 'France', declaredOn: '2024-05-02' },
    ])

    // Export moves to another line: the latest declarations no longer share a line.
    const moved = await as(wuhanAuto).declareProductMarket({
      productId: 'P-BRAKE-01',
      market: 'export',
      lineId: 'L-2',
      standards: gbt,
      declaredOn: '2025-01-10',
    })
    const after = await as(lab).getProduct({ productId: 'P-BRAKE-01', minPosition: moved.position! })
    expect(after.sameLineSameStandard).toBe(false)
  })

  it('is not same-line-same-standard with one market or different standards', async () => {
    await registerWuhanAutoWithProductAndLines()
    const domestic = await as(wuhanAuto).declareProductMarket({
      productId: 'P-BRAKE-01',
      market: 'domestic',
      lineId: 'L-1',
      standards: gbt,
      declaredOn: '2024-05-01',
    })
    expect(
      (await as(lab).getProduct({ productId: 'P-BRAKE-01', minPosition: domestic.position! }))
        .sameLineSameStandard,
    ).toBe(false)
    const exported = await as(wuhanAuto).declareProductMarket({
      productId: 'P-BRAKE-01',
      market: 'export',
      lineId: 'L-1',
      standards: [...gbt, { code: 'ISO 26867', version: '2009' }],
      declaredOn: '2024-05-02',
    })
    expect(
      (await as(lab).getProduct({ productId: 'P-BRAKE-01', minPosition: exported.position! }))
        .sameLineSameStandard,
    ).toBe(false)
  })

  it("refuses another enterprise's line, another enterprise's product and unknown ids", async () => {
    await registerWuhanAutoWithProductAndLines()
    const declaration = {
      productId: 'P-BRAKE-01',
      market: 'domestic' as const,
      standards: gbt,
      declaredOn: '2024-05-01',
    }
    const foreignLine = await failure(as(wuhanAuto).declareProductMarket({ ...declaration, lineId: 'XS-L1' }))
    expect(foreignLine.code).toBe('PRECONDITION_FAILED')
    expect(foreignLine.message).toContain(`line XS-L1 belongs to enterprise ${XIANGYANG_STEEL}`)
    const notTheirs = await failure(
      as(xiangyangSteel).declareProductMarket({ ...declaration, lineId: 'XS-L1' }),
    )
    expect(notTheirs.code).toBe('FORBIDDEN')
    const unknownLine = await failure(as(wuhanAuto).declareProductMarket({ ...declaration, lineId: 'L-404' }))
    expect(unknownLine.code).toBe('NOT_FOUND')
    const unknownProduct = await failure(
      as(wuhanAuto).declareProductMarket({ ...declaration, productId: 'P-404', lineId: 'L-1' }),
    )
    expect(unknownProduct.code).toBe('NOT_FOUND')
    expect((await failure(as(lab).getProduct({ productId: 'P-404' }))).code).toBe('NOT_FOUND')
  })
})

describe('licences (一企一证)', () => {
  it('refuses a second licence in a category until the first is revoked', async () => {
    await registerWuhanAutoWithProductAndLines()
    await as(regulator).grantProductionLicence(licenceGranted().data)
    const second = await failure(
      as(regulator).grantProductionLicence(
        licenceGranted({ licenceNo: 'XK06-001-00002', grantedOn: '2025-02-01', expiresOn: '2030-01-31' })
          .data,
      ),
    )
    expect(second.code).toBe('PRECONDITION_FAILED')
    expect(second.message).toContain(`already holds licence XK06-001-00001 for 'automotive brake parts'`)

    // Another category is a separate licence.
    await as(regulator).grantProductionLicence(
      licenceGranted({
        licenceNo: 'XK06-002-00001',
        productCategory: 'automotive lamps',
        procedure: 'commitment_based',
      }).data,
    )
    await as(regulator).revokeProductionLicence({
      licenceNo: 'XK06-001-00001',
      on: '2025-01-20',
      reason: 'failed inspection',
    })
    const replacement = await as(regulator).grantProductionLicence(
      licenceGranted({ licenceNo: 'XK06-001-00002', grantedOn: '2025-02-01', expiresOn: '2030-01-31' }).data,
    )
    const enterprise = await as(wuhanAuto).getEnterprise({
      enterpriseId: WUHAN_AUTO,
      minPosition: replacement.position!,
    })
    expect(enterprise.licences.map((l) => [l.licenceNo, l.status])).toEqual([
      ['XK06-001-00001', 'revoked'],
      ['XK06-002-00001', 'active'],
      ['XK06-001-00002', 'active'],
    ])
  })

  it('lists licences by text and those in force expiring before a date, soonest first', async () => {
    await registerWuhanAutoWithProductAndLines()
    await as(regulator).grantProductionLicence(licenceGranted({ expiresOn: '2025-08-01' }).data)
    await as(regulator).grantProductionLicence(
      licenceGranted({
        licenceNo: 'XK06-002-00001',
        productCategory: 'automotive lamps',
        expiresOn: '2025-07-01',
      }).data,
    )
    const last = await as(regulator).grantProductionLicence(
      licenceGranted({
        licenceNo: 'XK06-003-00001',
        productCategory: 'automotive seats',
        expiresOn: '2029-01-01',
      }).data,
    )
    const minPosition = last.position!
    const expiring = await as(regulator).listLicences({ expiresBefore: '2025-09-15', minPosition })
    expect(expiring.items.map((l) => l.licenceNo)).toEqual(['XK06-002-00001', 'XK06-001-00001'])
    expect(expiring.total).toBe(2)
    // Full-width and any case: ＬＡＭＰＳ finds "automotive lamps".
    const found = await as(lab).listLicences({ search: ' ＬＡＭＰＳ ', minPosition })
    expect(found.items.map((l) => l.licenceNo)).toEqual(['XK06-002-00001'])
    expect((await as(lab).listLicences({ limit: 1, offset: 2, minPosition })).items).toHaveLength(1)
  })

  it('refuses revoking twice, unknown licences and non-regulators', async () => {
    await registerWuhanAutoWithProductAndLines()
    await as(regulator).grantProductionLicence(licenceGranted().data)
    const revoke = { licenceNo: 'XK06-001-00001', on: '2025-01-20', reason: 'failed inspection' }
    expect((await failure(as(wuhanAuto).revokeProductionLicence(revoke))).code).toBe('FORBIDDEN')
    await as(regulator).revokeProductionLicence(revoke)
    const twice = await failure(as(regulator).revokeProductionLicence(revoke))
    expect(twice.code).toBe('PRECONDITION_FAILED')
    expect(twice.message).toContain('was already revoked on 2025-01-20')
    expect(
      (await failure(as(regulator).revokeProductionLicence({ ...revoke, licenceNo: 'XK-404' }))).code,
    ).toBe('NOT_FOUND')
    const backwards = await failure(
      as(regulator).grantProductionLicence(
        licenceGranted({ grantedOn: '2025-01-01', expiresOn: '2024-01-01' }).data,
      ),
    )
    expect(backwards.code).toBe('BAD_REQUEST')
  })
})

describe('recalls, brand titles and demo zones', () => {
  it('lets regulators order recalls and enterprises announce voluntary ones for their own products', async () => {
    await registerWuhanAutoWithProductAndLines()
    await as(regulator).recallProduct(productRecalled().data)
    const voluntary = await as(wuhanAuto).recallProduct(
      productRecalled({ recallId: 'R-2024-002', ordered: false, announcedOn: '2024-07-01' }).data,
    )
    expect(
      (await failure(as(regulator).recallProduct(productRecalled({ recallId: 'R-3', ordered: false }).data)))
        .code,
    ).toBe('FORBIDDEN')
    expect(
      (await failure(as(wuhanAuto).recallProduct(productRecalled({ recallId: 'R-4', ordered: true }).data)))
        .code,
    ).toBe('FORBIDDEN')
    expect(
      (
        await failure(
          as(xiangyangSteel).recallProduct(productRecalled({ recallId: 'R-5', ordered: false }).data),
        )
      ).code,
    ).toBe('FORBIDDEN')
    const wrongEnterprise = await failure(
      as(regulator).recallProduct(productRecalled({ recallId: 'R-6', enterpriseId: XIANGYANG_STEEL }).data),
    )
    expect(wrongEnterprise.code).toBe('PRECONDITION_FAILED')
    expect(wrongEnterprise.message).toContain(`product P-BRAKE-01 is made by enterprise ${WUHAN_AUTO}`)

    const recalls = await as(lab).listRecalls({ productId: 'P-BRAKE-01', minPosition: voluntary.position! })
    expect(recalls.items.map((r) => [r.recallId, r.ordered])).toEqual([
      ['R-2024-002', false],
      ['R-2024-001', true],
    ])
    const enterprise = await as(lab).getEnterprise({ enterpriseId: WUHAN_AUTO })
    expect(enterprise.recalls).toHaveLength(2)
  })

  it('awards one brand title per product and year', async () => {
    await registerWuhanAutoWithProductAndLines()
    const award = { enterpriseId: WUHAN_AUTO, productId: 'P-BRAKE-01', year: 2024, awardedOn: '2024-12-01' }
    const awarded = await as(regulator).awardBrandTitle(award)
    const twice = await failure(as(regulator).awardBrandTitle({ ...award, awardedOn: '2024-12-15' }))
    expect(twice.code).toBe('PRECONDITION_FAILED')
    expect(twice.message).toContain('product P-BRAKE-01 already holds a brand title for 2024')
    const enterprise = await as(lab).getEnterprise({
      enterpriseId: WUHAN_AUTO,
      minPosition: awarded.position!,
    })
    expect(enterprise.brandTitles).toEqual([award])
    expect(enterprise.products.map((p) => p.productId)).toEqual(['P-BRAKE-01'])
    expect(enterprise.lines.map((l) => l.lineId)).toEqual(['L-1', 'L-2'])
    expect((await failure(as(lab).getEnterprise({ enterpriseId: '91420100MA4KX8N99X' }))).code).toBe(
      'NOT_FOUND',
    )
  })

  it('designates demo zones and lists them by level', async () => {
    await as(regulator).designateDemoZone({
      zoneId: 'DZ-XY',
      name: 'Xiangyang automotive quality zone',
      level: 'provincial',
      designatedOn: '2018-06-01',
    })
    const national = await as(regulator).designateDemoZone({
      zoneId: 'DZ-WH',
      name: 'Wuhan optics valley quality zone',
      level: 'national',
      designatedOn: '2018-03-01',
    })
    const twice = await failure(
      as(regulator).designateDemoZone({
        zoneId: 'DZ-WH',
        name: 'Again',
        level: 'national',
        designatedOn: '2019-01-01',
      }),
    )
    expect(twice.code).toBe('PRECONDITION_FAILED')
    expect((await as(lab).listDemoZones({ minPosition: national.position! })).map((z) => z.zoneId)).toEqual([
      'DZ-WH',
      'DZ-XY',
    ])
    expect((await as(lab).listDemoZones({ level: 'provincial' })).map((z) => z.zoneId)).toEqual(['DZ-XY'])
  })
})

describe('commandId scope', () => {
  it("another organisation resending a commandId is refused and never sees the first organisation's result", async () => {
    const input = {
      enterpriseId: WUHAN_AUTO,
      name: 'Wuhan Auto Parts Co.',
      region: 'Wuhan',
      industry: 'automotive' as const,
      commandId: 'register-wuhan-auto',
    }
    const first = await as(regulator).registerEnterprise(input)
    const otherRegulator: Actor = {
      ...regulator,
      userId: 'xy-officer',
      org: 'XY-AMR',
      orgName: 'Xiangyang AMR',
    }
    const replay = await failure(as(otherRegulator).registerEnterprise(input))
    expect(replay.code).toBe('FORBIDDEN')
    expect(replay.message).toMatch(
      /commandId register-wuhan-auto was already used .* by another organisation/,
    )
    expect(replay.message).not.toMatch(/revision|position/)
    // The first organisation's retry still gets its own result back.
    await expect(as(regulator).registerEnterprise(input)).resolves.toMatchObject({
      duplicate: true,
      position: first.position,
    })
  })
})

describe('input hygiene through the API', () => {
  it('refuses a bidi override in an id and an implausible date at the field, and stores names in NFC', async () => {
    const bidi = await failure(
      as(regulator).registerEnterprise({
        enterpriseId: WUHAN_AUTO,
        name: 'Wuhan Auto Parts Co.',
        region: 'Wuhan',
        industry: 'automotive',
        commandId: 'cmd-\u202e-0001',
      }),
    )
    expect(bidi.code).toBe('BAD_REQUEST')
    expect(bidi.message).toMatch(/invisible bidirectional control/)

    await as(regulator).registerEnterprise({
      enterpriseId: WUHAN_AUTO,
      name: 'Wuhan Cafe\u0301 Parts',
      region: 'Wuhan',
      industry: 'automotive',
    })
    const [registered] = await store.readStream(`enterprise-${WUHAN_AUTO}`)
    expect((registered!.data as { name: string }).name).toBe('Wuhan Caf\u00e9 Parts')

    const date = await failure(
      as(regulator).grantProductionLicence({
        licenceNo: 'XK06-0001',
        enterpriseId: WUHAN_AUTO,
        productCategory: '电线电缆',
        procedure: 'ordinary',
        grantedOn: '0225-01-01',
        expiresOn: '2029-12-31',
      }),
    )
    expect(date.code).toBe('BAD_REQUEST')
    expect(date.message).toMatch(/expected a date between 1900-01-01 and 2100-12-31/)
  })
})
