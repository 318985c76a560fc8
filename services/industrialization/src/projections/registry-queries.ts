import { type StandardRef, standardKey } from '@qi/contracts'
import type Database from 'better-sqlite3'

/** Reads of the `industrialization.registry` read model, shared by the router's queries and checks. */

interface EnterpriseRow {
  enterprise_id: string
  name: string
  region: string
  industry: string
}
interface ProductRow {
  product_id: string
  enterprise_id: string
  name: string
  model: string
  industry: string
  gs1: string | null
  standards: string
}
interface MarketRow {
  position: number
  product_id: string
  market: 'domestic' | 'export'
  line_id: string
  standards: string
  destination: string | null
  declared_on: string
}
interface LineRow {
  line_id: string
  enterprise_id: string
  name: string
  location: string
}
interface LicenceRow {
  licence_no: string
  enterprise_id: string
  product_category: string
  procedure: string
  granted_on: string
  expires_on: string
  revoked_on: string | null
  revoke_reason: string | null
}
interface RecallRow {
  recall_id: string
  product_id: string
  enterprise_id: string
  batches: string
  reason: string
  announced_on: string
  ordered: number
}
interface BrandTitleRow {
  enterprise_id: string
  product_id: string | null
  year: number
  awarded_on: string
}
interface DemoZoneRow {
  zone_id: string
  name: string
  level: string
  designated_on: string
}

export interface Page {
  limit: number
  offset: number
}

const toEnterprise = (row: EnterpriseRow) => ({
  enterpriseId: row.enterprise_id,
  name: row.name,
  region: row.region,
  industry: row.industry,
})

const toProduct = (row: ProductRow) => ({
  productId: row.product_id,
  enterpriseId: row.enterprise_id,
  name: row.name,
  model: row.model,
  industry: row.industry,
  gs1: row.gs1,
  standards: JSON.parse(row.standards) as StandardRef[],
})

const toMarket = (row: MarketRow) => ({
  market: row.market,
  lineId: row.line_id,
  standards: JSON.parse(row.standards) as StandardRef[],
  destination: row.destination,
  declaredOn: row.declared_on,
})

const toLine = (row: LineRow) => ({
  lineId: row.line_id,
  enterpriseId: row.enterprise_id,
  name: row.name,
  location: row.location,
})

export type LicenceStatus = 'active' | 'revoked' | 'expired' | 'not_yet_valid'

/** A licence's status on `today` (YYYY-MM-DD): revocation wins, then the validity window. */
export function licenceStatus(
  row: Pick<LicenceRow, 'granted_on' | 'expires_on' | 'revoked_on'>,
  today: string,
) {
  if (row.revoked_on !== null && row.revoked_on <= today) return 'revoked' satisfies LicenceStatus
  if (today < row.granted_on) return 'not_yet_valid' satisfies LicenceStatus
  if (today >= row.expires_on) return 'expired' satisfies LicenceStatus
  return 'active' satisfies LicenceStatus
}

const toLicence = (row: LicenceRow, today: string) => ({
  licenceNo: row.licence_no,
  enterpriseId: row.enterprise_id,
  productCategory: row.product_category,
  procedure: row.procedure,
  grantedOn: row.granted_on,
  expiresOn: row.expires_on,
  revokedOn: row.revoked_on,
  revokeReason: row.revoke_reason,
  status: licenceStatus(row, today) as LicenceStatus,
})

const toRecall = (row: RecallRow) => ({
  recallId: row.recall_id,
  productId: row.product_id,
  enterpriseId: row.enterprise_id,
  batches: JSON.parse(row.batches) as string[],
  reason: row.reason,
  announcedOn: row.announced_on,
  ordered: row.ordered === 1,
})

const toBrandTitle = (row: BrandTitleRow) => ({
  enterpriseId: row.enterprise_id,
  productId: row.product_id,
  year: row.year,
  awardedOn: row.awarded_on,
})

const toDemoZone = (row: DemoZoneRow) => ({
  zoneId: row.zone_id,
  name: row.name,
  level: row.level,
  designatedOn: row.designated_on,
})

type Condition = { sql: string; params: unknown[] } | null

/** `column = value`, or no condition when the filter was not given. Columns are constants. */
const equals = (column: string, value: unknown): Condition =>
  value === undefined ? null : { sql: `${column} = ?`, params: [value] }

/** Builds `WHERE a AND b` from the conditions that are present. */
function where(conditions: Condition[]) {
  const present = conditions.filter((condition): condition is NonNullable<Condition> => condition !== null)
  return {
    sql: present.length === 0 ? '' : `WHERE ${present.map((condition) => condition.sql).join(' AND ')}`,
    params: present.flatMap((condition) => condition.params),
  }
}

export function findEnterprise(db: Database.Database, enterpriseId: string) {
  const row = db.prepare('SELECT * FROM enterprises WHERE enterprise_id = ?').get(enterpriseId) as
    | EnterpriseRow
    | undefined
  return row ? toEnterprise(row) : null
}

export function findProduct(db: Database.Database, productId: string) {
  const row = db.prepare('SELECT * FROM products WHERE product_id = ?').get(productId) as
    | ProductRow
    | undefined
  return row ? toProduct(row) : null
}

export function findLine(db: Database.Database, lineId: string) {
  const row = db.prepare('SELECT * FROM lines WHERE line_id = ?').get(lineId) as LineRow | undefined
  return row ? toLine(row) : null
}

/** Licences of an enterprise in a product category that were never revoked (一企一证 check). */
export function unrevokedLicencesInCategory(
  db: Database.Database,
  enterpriseId: string,
  productCategory: string,
) {
  const rows = db
    .prepare(
      `SELECT licence_no, granted_on, expires_on FROM licences
       WHERE enterprise_id = ? AND product_category = ? AND revoked_on IS NULL ORDER BY granted_on`,
    )
    .all(enterpriseId, productCategory) as Array<Pick<LicenceRow, 'licence_no' | 'granted_on' | 'expires_on'>>
  return rows.map((row) => ({
    licenceNo: row.licence_no,
    grantedOn: row.granted_on,
    expiresOn: row.expires_on,
  }))
}

export function listEnterprises(
  db: Database.Database,
  filter: { industry?: string; search?: string } & Page,
) {
  const pattern = filter.search === undefined ? undefined : likePattern(filter.search)
  const { sql, params } = where([
    equals('industry', filter.industry),
    pattern === undefined
      ? null
      : { sql: "(name LIKE ? ESCAPE '\\' OR enterprise_id LIKE ? ESCAPE '\\')", params: [pattern, pattern] },
  ])
  const total = (db.prepare(`SELECT count(*) AS n FROM enterprises ${sql}`).get(...params) as { n: number }).n
  const rows = db
    .prepare(`SELECT * FROM enterprises ${sql} ORDER BY name, enterprise_id LIMIT ? OFFSET ?`)
    .all(...params, filter.limit, filter.offset) as EnterpriseRow[]
  return { total, items: rows.map(toEnterprise) }
}

function likePattern(search: string) {
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

export function getEnterprise(db: Database.Database, enterpriseId: string, today: string) {
  const enterprise = findEnterprise(db, enterpriseId)
  if (!enterprise) return null
  const products = db
    .prepare('SELECT * FROM products WHERE enterprise_id = ? ORDER BY product_id')
    .all(enterpriseId) as ProductRow[]
  const lines = db
    .prepare('SELECT * FROM lines WHERE enterprise_id = ? ORDER BY line_id')
    .all(enterpriseId) as LineRow[]
  const licences = db
    .prepare('SELECT * FROM licences WHERE enterprise_id = ? ORDER BY granted_on, licence_no')
    .all(enterpriseId) as LicenceRow[]
  const recalls = db
    .prepare('SELECT * FROM recalls WHERE enterprise_id = ? ORDER BY announced_on DESC, recall_id')
    .all(enterpriseId) as RecallRow[]
  const titles = db
    .prepare('SELECT * FROM brand_titles WHERE enterprise_id = ? ORDER BY year DESC, product_id')
    .all(enterpriseId) as BrandTitleRow[]
  return {
    ...enterprise,
    products: products.map(toProduct),
    lines: lines.map(toLine),
    licences: licences.map((row) => toLicence(row, today)),
    recalls: recalls.map(toRecall),
    brandTitles: titles.map(toBrandTitle),
  }
}

export function listProducts(
  db: Database.Database,
  filter: { enterpriseId?: string; industry?: string; search?: string } & Page,
) {
  const pattern = filter.search === undefined || filter.search === '' ? undefined : likePattern(filter.search)
  const { sql, params } = where([
    equals('enterprise_id', filter.enterpriseId),
    equals('industry', filter.industry),
    pattern === undefined
      ? null
      : {
          sql: "(product_id LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\' OR model LIKE ? ESCAPE '\\')",
          params: [pattern, pattern, pattern],
        },
  ])
  const total = (db.prepare(`SELECT count(*) AS n FROM products ${sql}`).get(...params) as { n: number }).n
  const rows = db
    .prepare(`SELECT * FROM products ${sql} ORDER BY product_id LIMIT ? OFFSET ?`)
    .all(...params, filter.limit, filter.offset) as ProductRow[]
  return { total, items: rows.map(toProduct) }
}

/** The standards of two declarations are "the same" when their code+version sets are equal. */
function sameStandardSet(a: readonly StandardRef[], b: readonly StandardRef[]) {
  const keys = (refs: readonly StandardRef[]) => [...new Set(refs.map(standardKey))].sort().join('\n')
  return keys(a) === keys(b)
}

export function getProduct(db: Database.Database, productId: string) {
  const product = findProduct(db, productId)
  if (!product) return null
  const markets = (
    db
      .prepare('SELECT * FROM product_markets WHERE product_id = ? ORDER BY declared_on, position')
      .all(productId) as MarketRow[]
  ).map(toMarket)
  // The latest declaration per market is the one in force (declared_on, then store order).
  const latestDomestic = markets.filter((m) => m.market === 'domestic').at(-1)
  const latestExport = markets.filter((m) => m.market === 'export').at(-1)
  const sameLineSameStandard =
    latestDomestic !== undefined &&
    latestExport !== undefined &&
    latestDomestic.lineId === latestExport.lineId &&
    sameStandardSet(latestDomestic.standards, latestExport.standards)
  return { ...product, markets, sameLineSameStandard }
}

/**
 * Licences, paged: by enterprise, by text (number, category, enterprise), and those still in force
 * that expire before a date (the regulator's renewals queue), soonest first.
 */
export function listLicences(
  db: Database.Database,
  filter: { enterpriseId?: string; search?: string; expiresBefore?: string; today: string } & Page,
) {
  const pattern = filter.search === undefined || filter.search === '' ? undefined : likePattern(filter.search)
  const { sql, params } = where([
    equals('l.enterprise_id', filter.enterpriseId),
    pattern === undefined
      ? null
      : {
          sql: "(l.licence_no LIKE ? ESCAPE '\\' OR l.product_category LIKE ? ESCAPE '\\' OR e.name LIKE ? ESCAPE '\\')",
          params: [pattern, pattern, pattern],
        },
    filter.expiresBefore === undefined
      ? null
      : {
          sql: 'l.revoked_on IS NULL AND l.expires_on >= ? AND l.expires_on < ?',
          params: [filter.today, filter.expiresBefore],
        },
  ])
  const from = 'FROM licences l LEFT JOIN enterprises e ON e.enterprise_id = l.enterprise_id'
  const total = (db.prepare(`SELECT count(*) AS n ${from} ${sql}`).get(...params) as { n: number }).n
  const rows = db
    .prepare(
      `SELECT l.*, e.name AS enterprise_name ${from} ${sql} ORDER BY l.expires_on, l.licence_no LIMIT ? OFFSET ?`,
    )
    .all(...params, filter.limit, filter.offset) as Array<LicenceRow & { enterprise_name: string | null }>
  return {
    total,
    items: rows.map((row) => ({ ...toLicence(row, filter.today), enterpriseName: row.enterprise_name })),
  }
}

export function listRecalls(
  db: Database.Database,
  filter: { enterpriseId?: string; productId?: string } & Page,
) {
  const { sql, params } = where([
    equals('enterprise_id', filter.enterpriseId),
    equals('product_id', filter.productId),
  ])
  const total = (db.prepare(`SELECT count(*) AS n FROM recalls ${sql}`).get(...params) as { n: number }).n
  const rows = db
    .prepare(`SELECT * FROM recalls ${sql} ORDER BY announced_on DESC, recall_id LIMIT ? OFFSET ?`)
    .all(...params, filter.limit, filter.offset) as RecallRow[]
  return { total, items: rows.map(toRecall) }
}

export function listDemoZones(db: Database.Database, filter: { level?: string }) {
  const { sql, params } = where([equals('level', filter.level)])
  const rows = db
    .prepare(`SELECT * FROM demo_zones ${sql} ORDER BY designated_on, zone_id`)
    .all(...params) as DemoZoneRow[]
  return rows.map(toDemoZone)
}
