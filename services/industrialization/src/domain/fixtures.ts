import type { BrandTitleAwarded, EnterpriseRegistered } from './enterprise'
import type { ProductionLicenceGranted } from './licence'
import type { ProductionLineRegistered } from './line'
import type { ProductMarketDeclared, ProductRegistered } from './product'
import type { ProductRecalled } from './recall'

/** Valid unified social credit codes of two enterprises used across specs. */
export const WUHAN_AUTO = '91420100MA4KX8N21B'
export const XIANGYANG_STEEL = '91420600MA49C2P7XK'

export const enterpriseRegistered = (
  enterpriseId = WUHAN_AUTO,
  name = 'Wuhan Auto Parts Co.',
): EnterpriseRegistered => ({
  type: 'EnterpriseRegistered',
  data: { enterpriseId, name, region: 'Wuhan', industry: 'automotive' },
})

export const productRegistered = (
  productId = 'P-BRAKE-01',
  enterpriseId = WUHAN_AUTO,
): ProductRegistered => ({
  type: 'ProductRegistered',
  data: {
    productId,
    enterpriseId,
    name: 'Brake disc',
    model: 'BD-320',
    industry: 'automotive',
    standards: [{ code: 'GB/T 34422', version: '2017' }],
  },
})

export const lineRegistered = (lineId = 'L-1', enterpriseId = WUHAN_AUTO): ProductionLineRegistered => ({
  type: 'ProductionLineRegistered',
  data: { lineId, enterpriseId, name: 'Casting line 1', location: 'Wuhan Economic Zone' },
})

export const marketDeclared = (
  market: 'domestic' | 'export',
  overrides: Partial<ProductMarketDeclared['data']> = {},
): ProductMarketDeclared => ({
  type: 'ProductMarketDeclared',
  data: {
    productId: 'P-BRAKE-01',
    market,
    lineId: 'L-1',
    standards: [{ code: 'GB/T 34422', version: '2017' }],
    declaredOn: '2024-05-01',
    ...overrides,
  },
})

export const licenceGranted = (
  overrides: Partial<ProductionLicenceGranted['data']> = {},
): ProductionLicenceGranted => ({
  type: 'ProductionLicenceGranted',
  data: {
    licenceNo: 'XK06-001-00001',
    enterpriseId: WUHAN_AUTO,
    productCategory: 'automotive brake parts',
    procedure: 'ordinary',
    grantedOn: '2024-01-10',
    expiresOn: '2029-01-09',
    ...overrides,
  },
})

export const productRecalled = (overrides: Partial<ProductRecalled['data']> = {}): ProductRecalled => ({
  type: 'ProductRecalled',
  data: {
    recallId: 'R-2024-001',
    productId: 'P-BRAKE-01',
    enterpriseId: WUHAN_AUTO,
    batches: ['B2405'],
    reason: 'cracks in the friction surface',
    announcedOn: '2024-06-01',
    ordered: true,
    ...overrides,
  },
})

export const brandTitleAwarded = (overrides: Partial<BrandTitleAwarded['data']> = {}): BrandTitleAwarded => ({
  type: 'BrandTitleAwarded',
  data: {
    enterpriseId: WUHAN_AUTO,
    productId: 'P-BRAKE-01',
    year: 2024,
    awardedOn: '2024-12-01',
    ...overrides,
  },
})
