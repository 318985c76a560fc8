import { industrialization as contract, domainCatalogue } from '@qi/contracts'
import type { Projection } from '@qi/projections'

export const REGISTRY_PROJECTION = 'industrialization.registry'

const OWN_EVENT_TYPES = new Set<string>(contract.industrializationEvents.map((definition) => definition.type))

/**
 * The industrialization registry: enterprises, products with their market declarations, lines,
 * licences, recalls, brand titles and demo zones. It also serves the routers' cross-aggregate
 * checks (does the enterprise exist, whose line is it, which licences are unrevoked).
 */
export const registryProjection: Projection = {
  name: REGISTRY_PROJECTION,
  version: 1,
  setup(db) {
    db.exec(`
      CREATE TABLE enterprises (
        enterprise_id TEXT PRIMARY KEY, name TEXT NOT NULL, region TEXT NOT NULL, industry TEXT NOT NULL
      );
      CREATE TABLE products (
        product_id TEXT PRIMARY KEY, enterprise_id TEXT NOT NULL, name TEXT NOT NULL, model TEXT NOT NULL,
        industry TEXT NOT NULL, gs1 TEXT, standards TEXT NOT NULL
      );
      CREATE INDEX products_by_enterprise ON products (enterprise_id);
      CREATE TABLE product_markets (
        position INTEGER PRIMARY KEY, product_id TEXT NOT NULL, market TEXT NOT NULL, line_id TEXT NOT NULL,
        standards TEXT NOT NULL, destination TEXT, declared_on TEXT NOT NULL
      );
      CREATE INDEX product_markets_by_product ON product_markets (product_id, market, declared_on);
      CREATE TABLE lines (
        line_id TEXT PRIMARY KEY, enterprise_id TEXT NOT NULL, name TEXT NOT NULL, location TEXT NOT NULL
      );
      CREATE INDEX lines_by_enterprise ON lines (enterprise_id);
      CREATE TABLE licences (
        licence_no TEXT PRIMARY KEY, enterprise_id TEXT NOT NULL, product_category TEXT NOT NULL,
        procedure TEXT NOT NULL, granted_on TEXT NOT NULL, expires_on TEXT NOT NULL,
        revoked_on TEXT, revoke_reason TEXT
      );
      CREATE INDEX licences_by_enterprise ON licences (enterprise_id, product_category);
      CREATE TABLE recalls (
        recall_id TEXT PRIMARY KEY, product_id TEXT NOT NULL, enterprise_id TEXT NOT NULL, batches TEXT NOT NULL,
        reason TEXT NOT NULL, announced_on TEXT NOT NULL, ordered INTEGER NOT NULL
      );
      CREATE TABLE brand_titles (
        enterprise_id TEXT NOT NULL, product_id TEXT, year INTEGER NOT NULL, awarded_on TEXT NOT NULL
      );
      CREATE INDEX brand_titles_by_enterprise ON brand_titles (enterprise_id, year);
      CREATE TABLE demo_zones (
        zone_id TEXT PRIMARY KEY, name TEXT NOT NULL, level TEXT NOT NULL, designated_on TEXT NOT NULL
      );
    `)
  },
  handles: OWN_EVENT_TYPES,
  apply(recorded, db) {
    if (!OWN_EVENT_TYPES.has(recorded.type)) return
    const event = domainCatalogue.decode(recorded)
    switch (event.type) {
      case 'EnterpriseRegistered': {
        const data = contract.EnterpriseRegistered.schema.parse(event.data)
        db.prepare('INSERT INTO enterprises (enterprise_id, name, region, industry) VALUES (?, ?, ?, ?)').run(
          data.enterpriseId,
          data.name,
          data.region,
          data.industry,
        )
        return
      }
      case 'ProductRegistered': {
        const data = contract.ProductRegistered.schema.parse(event.data)
        db.prepare(
          `INSERT INTO products (product_id, enterprise_id, name, model, industry, gs1, standards)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          data.productId,
          data.enterpriseId,
          data.name,
          data.model,
          data.industry,
          data.gs1 ?? null,
          JSON.stringify(data.standards),
        )
        return
      }
      case 'ProductMarketDeclared': {
        const data = contract.ProductMarketDeclared.schema.parse(event.data)
        db.prepare(
          `INSERT INTO product_markets (position, product_id, market, line_id, standards, destination, declared_on)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          event.position,
          data.productId,
          data.market,
          data.lineId,
          JSON.stringify(data.standards),
          data.destination ?? null,
          data.declaredOn,
        )
        return
      }
      case 'ProductionLineRegistered': {
        const data = contract.ProductionLineRegistered.schema.parse(event.data)
        db.prepare('INSERT INTO lines (line_id, enterprise_id, name, location) VALUES (?, ?, ?, ?)').run(
          data.lineId,
          data.enterpriseId,
          data.name,
          data.location,
        )
        return
      }
      case 'ProductionLicenceGranted': {
        const data = contract.ProductionLicenceGranted.schema.parse(event.data)
        db.prepare(
          `INSERT INTO licences (licence_no, enterprise_id, product_category, procedure, granted_on, expires_on)
           VALUES (?, ?, ?, ?, ?, ?)`,
        ).run(
          data.licenceNo,
          data.enterpriseId,
          data.productCategory,
          data.procedure,
          data.grantedOn,
          data.expiresOn,
        )
        return
      }
      case 'ProductionLicenceRevoked': {
        const data = contract.ProductionLicenceRevoked.schema.parse(event.data)
        db.prepare('UPDATE licences SET revoked_on = ?, revoke_reason = ? WHERE licence_no = ?').run(
          data.on,
          data.reason,
          data.licenceNo,
        )
        return
      }
      case 'ProductRecalled': {
        const data = contract.ProductRecalled.schema.parse(event.data)
        db.prepare(
          `INSERT INTO recalls (recall_id, product_id, enterprise_id, batches, reason, announced_on, ordered)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          data.recallId,
          data.productId,
          data.enterpriseId,
          JSON.stringify(data.batches),
          data.reason,
          data.announcedOn,
          data.ordered ? 1 : 0,
        )
        return
      }
      case 'BrandTitleAwarded': {
        const data = contract.BrandTitleAwarded.schema.parse(event.data)
        db.prepare(
          'INSERT INTO brand_titles (enterprise_id, product_id, year, awarded_on) VALUES (?, ?, ?, ?)',
        ).run(data.enterpriseId, data.productId ?? null, data.year, data.awardedOn)
        return
      }
      case 'DemoZoneDesignated': {
        const data = contract.DemoZoneDesignated.schema.parse(event.data)
        db.prepare('INSERT INTO demo_zones (zone_id, name, level, designated_on) VALUES (?, ?, ?, ?)').run(
          data.zoneId,
          data.name,
          data.level,
          data.designatedOn,
        )
        return
      }
    }
  },
}
