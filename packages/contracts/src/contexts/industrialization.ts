import { z } from 'zod'
import { CommandId, CreditCode, Id, Industry, StandardRef, Text } from '../common'
import { defineEvent, IsoDate } from '../envelope'

const context = 'industrialization'

export const Market = z.enum(['domestic', 'export'])
/** 先证后核, 告知承诺制 and the ordinary procedure (seed items 十八–二十一). */
export const LicenceProcedure = z.enum(['ordinary', 'licence_first_verify_later', 'commitment_based'])
export const DemoZoneLevel = z.enum(['national', 'provincial'])

export const EnterpriseRegistered = defineEvent({
  type: 'EnterpriseRegistered',
  context,
  description: 'An enterprise was registered with its unified social credit code.',
  schema: z.object({ enterpriseId: CreditCode, name: Text, region: Text, industry: Industry }),
})

export const ProductRegistered = defineEvent({
  type: 'ProductRegistered',
  context,
  description: 'An enterprise registered a product (model, optional GS1 id) and the standards it declares.',
  schema: z.object({
    productId: Id,
    enterpriseId: CreditCode,
    name: Text,
    model: Text,
    industry: Industry,
    gs1: z
      .string()
      .regex(/^\d{8,14}$/, 'a GTIN of 8 to 14 digits')
      .optional(),
    standards: z.array(StandardRef).default([]),
  }),
})

export const ProductionLineRegistered = defineEvent({
  type: 'ProductionLineRegistered',
  context,
  description: 'A production line (factory line) of an enterprise was registered.',
  schema: z.object({ lineId: Id, enterpriseId: CreditCode, name: Text, location: Text }),
})

export const ProductMarketDeclared = defineEvent({
  type: 'ProductMarketDeclared',
  context,
  description:
    'A product is made on a line to standards for a market (domestic / export): basis of 同线同标同质.',
  schema: z.object({
    productId: Id,
    market: Market,
    lineId: Id,
    standards: z.array(StandardRef).min(1),
    destination: Text.optional(),
    declaredOn: IsoDate,
  }),
})

export const ProductionLicenceGranted = defineEvent({
  type: 'ProductionLicenceGranted',
  context,
  description: 'A production licence was granted (ordinary, licence-first-verify-later or commitment-based).',
  schema: z.object({
    licenceNo: Id,
    enterpriseId: CreditCode,
    productCategory: Text,
    procedure: LicenceProcedure,
    grantedOn: IsoDate,
    expiresOn: IsoDate,
  }),
})

export const ProductionLicenceRevoked = defineEvent({
  type: 'ProductionLicenceRevoked',
  context,
  description: 'A production licence was revoked.',
  schema: z.object({ licenceNo: Id, on: IsoDate, reason: Text }),
})

export const ProductRecalled = defineEvent({
  type: 'ProductRecalled',
  context,
  description: 'A defective-product recall was announced for a product.',
  schema: z.object({
    recallId: Id,
    productId: Id,
    enterpriseId: CreditCode,
    batches: z.array(Text).default([]),
    reason: Text,
    announcedOn: IsoDate,
    ordered: z.boolean(),
  }),
})

export const BrandTitleAwarded = defineEvent({
  type: 'BrandTitleAwarded',
  context,
  description: 'A Hubei famous-brand (湖北名牌) title was awarded to an enterprise product.',
  schema: z.object({
    enterpriseId: CreditCode,
    productId: Id.optional(),
    year: z.number().int().min(2000).max(2100),
    awardedOn: IsoDate,
  }),
})

export const DemoZoneDesignated = defineEvent({
  type: 'DemoZoneDesignated',
  context,
  description: 'A quality-improvement demonstration zone was designated (national or provincial).',
  schema: z.object({ zoneId: Id, name: Text, level: DemoZoneLevel, designatedOn: IsoDate }),
})

export const industrializationEvents = [
  EnterpriseRegistered,
  ProductRegistered,
  ProductionLineRegistered,
  ProductMarketDeclared,
  ProductionLicenceGranted,
  ProductionLicenceRevoked,
  ProductRecalled,
  BrandTitleAwarded,
  DemoZoneDesignated,
] as const

const base = { commandId: CommandId.optional() }
export const RegisterEnterprise = EnterpriseRegistered.schema.extend(base)
export const RegisterProduct = ProductRegistered.schema.extend(base)
export const RegisterProductionLine = ProductionLineRegistered.schema.extend(base)
export const DeclareProductMarket = ProductMarketDeclared.schema.extend(base)
export const GrantProductionLicence = ProductionLicenceGranted.schema
  .extend(base)
  .refine((c) => c.grantedOn < c.expiresOn, {
    message: 'the licence must expire after it is granted',
    path: ['expiresOn'],
  })
export const RevokeProductionLicence = ProductionLicenceRevoked.schema.extend(base)
export const RecallProduct = ProductRecalled.schema.extend(base)
export const AwardBrandTitle = BrandTitleAwarded.schema.extend(base)
export const DesignateDemoZone = DemoZoneDesignated.schema.extend(base)

export const enterpriseStream = (enterpriseId: string) => `enterprise-${enterpriseId}`
export const productStream = (productId: string) => `product-${productId}`
export const lineStream = (lineId: string) => `line-${lineId}`
export const licenceStream = (licenceNo: string) => `licence-${licenceNo}`
export const recallStream = (recallId: string) => `recall-${recallId}`
export const demoZoneStream = (zoneId: string) => `demozone-${zoneId}`
