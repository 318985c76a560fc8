import {
  type accreditation,
  type certification,
  domainCatalogue,
  type EventOf,
  HUBEI_REGION_CODE,
  type industrialization,
  standardKey,
  type standards,
  type testing,
} from '@qi/contracts'
import type { Projection } from '@qi/projections'
import type Database from 'better-sqlite3'
import { type StageOf, stageOf } from './stages'
import {
  foldStandardStages,
  NO_STAGES,
  STANDARD_STAGE_EVENTS,
  type StandardStages,
  stageRows,
} from './standard-stages'

type Data<D> = EventOf<D> extends { data: infer T } ? T : never

export const LINEAGE_KPI = 'lineage.kpi'

/**
 * Facts behind the seed plan's 2020 targets. Counts that depend on "today" (standards in force) are
 * computed at query time from dated rows, so the dashboard is right on any date: a standard's
 * status on a date is its last change by business date, then lifecycle stage (./stages), then store
 * position — the same rule as the lineage graph.
 */
export const kpiProjection: Projection = {
  name: LINEAGE_KPI,
  version: 4,
  setup(db) {
    db.exec(`
      CREATE TABLE kpi_standards (
        key TEXT PRIMARY KEY, kind TEXT NOT NULL, led_by_province INTEGER NOT NULL, region TEXT
      );
      CREATE TABLE kpi_standard_statuses (
        key TEXT NOT NULL, status TEXT NOT NULL, valid_from TEXT NOT NULL, stage INTEGER NOT NULL,
        position INTEGER NOT NULL
      );
      CREATE INDEX kpi_standard_statuses_by_key ON kpi_standard_statuses (key, valid_from);
      -- Each standard's stage dates as folded so far (./standard-stages).
      CREATE TABLE kpi_standard_stages (key TEXT PRIMARY KEY, state TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE kpi_adoptions (key TEXT PRIMARY KEY, degree TEXT NOT NULL, adopted_on TEXT NOT NULL);
      CREATE TABLE kpi_products (
        product_id TEXT PRIMARY KEY, industry TEXT NOT NULL,
        domestic_line TEXT, domestic_standards TEXT, export_line TEXT, export_standards TEXT
      );
      CREATE TABLE kpi_labs (lab_id TEXT PRIMARY KEY, kind TEXT NOT NULL, centre_level TEXT NOT NULL, registered_on TEXT NOT NULL);
      CREATE TABLE kpi_tcs (tc_id TEXT PRIMARY KEY, level TEXT NOT NULL, established_on TEXT NOT NULL);
      CREATE TABLE kpi_brands (enterprise_id TEXT NOT NULL, product_id TEXT NOT NULL, year INTEGER NOT NULL, awarded_on TEXT NOT NULL,
        PRIMARY KEY (enterprise_id, product_id, year));
      CREATE TABLE kpi_zones (zone_id TEXT PRIMARY KEY, level TEXT NOT NULL, designated_on TEXT NOT NULL);
      CREATE TABLE kpi_recalls (recall_id TEXT PRIMARY KEY, announced_on TEXT NOT NULL, ordered INTEGER NOT NULL);
      -- Test reports and certificates issued per business day (the dashboard's "over time" chart).
      CREATE TABLE kpi_issued (kind TEXT NOT NULL, day TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (kind, day)) WITHOUT ROWID;
    `)
  },
  // What `apply` dispatches on (a getter: the handlers are declared below); the runner skips the rest.
  get handles() {
    kpiTypes ??= new Set([...Object.keys(handlers), ...STANDARD_STAGE_EVENTS])
    return kpiTypes
  },
  apply(event, db) {
    const data = domainCatalogue.readData(event)
    if (data === null) return
    const on = (
      (event.metadata as { occurredAt?: string }).occurredAt ?? event.recordedAt.toISOString()
    ).slice(0, 10)
    const handler = handlers[event.type]
    if (handler) handler(db, data as never, on)
    // A standard's dated stages, folded as the lineage graph folds them. The KPI reads the head only,
    // so the stages of the standard are simply rewritten (a handful of rows).
    if (STANDARD_STAGE_EVENTS.has(event.type)) {
      const key = standardKey(data as { code: string; version: string })
      const row = db.prepare('SELECT state FROM kpi_standard_stages WHERE key = ?').get(key) as
        | { state: string }
        | undefined
      const before: StandardStages = row ? JSON.parse(row.state) : NO_STAGES
      const after = foldStandardStages(before, event.type, data, on)
      if (after === before) return
      db.prepare('DELETE FROM kpi_standard_statuses WHERE key = ?').run(key)
      const insert = db.prepare(
        'INSERT INTO kpi_standard_statuses (key, status, valid_from, stage, position) VALUES (?, ?, ?, ?, ?)',
      )
      for (const [stage, { date, dated }] of Object.entries(stageRows(after))) {
        // A draft without a date only shows while no dated stage has begun: never in force.
        if (!dated) continue
        const { status, rank } = stageOf('standard', stage as StageOf<'standard'>)
        insert.run(key, status, date, stage === 'drafted' ? 1 : rank, Number(event.position))
      }
      db.prepare(
        'INSERT INTO kpi_standard_stages (key, state) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET state = excluded.state',
      ).run(key, JSON.stringify(after))
    }
  },
}

let kpiTypes: ReadonlySet<string> | undefined

type Handler = (db: Database.Database, data: never, on: string) => void

const sortedKeys = (refs: Array<{ code: string; version: string }>) =>
  JSON.stringify(refs.map(standardKey).sort())

const countIssued = (db: Database.Database, kind: 'report' | 'certificate', day: string) =>
  db
    .prepare(
      'INSERT INTO kpi_issued (kind, day, n) VALUES (?, ?, 1) ON CONFLICT (kind, day) DO UPDATE SET n = n + 1',
    )
    .run(kind, day)

const handlers: Record<string, Handler> = {
  TestReportIssued: (db, d: Data<typeof testing.TestReportIssued>) => countIssued(db, 'report', d.issuedOn),
  CertificateIssued: (db, d: Data<typeof certification.CertificateIssued>) =>
    countIssued(db, 'certificate', d.issuedOn),
  StandardDrafted: (db, d: Data<typeof standards.StandardDrafted>) => {
    const region = /^DB(\d{2})/.exec(d.code)?.[1] ?? null
    db.prepare(
      'INSERT OR REPLACE INTO kpi_standards (key, kind, led_by_province, region) VALUES (?, ?, ?, ?)',
    ).run(standardKey(d), d.kind, d.ledByProvince || region === HUBEI_REGION_CODE ? 1 : 0, region)
  },
  InternationalStandardAdopted: (db, d: Data<typeof standards.InternationalStandardAdopted>, on) => {
    db.prepare('INSERT OR REPLACE INTO kpi_adoptions (key, degree, adopted_on) VALUES (?, ?, ?)').run(
      standardKey(d),
      d.degree,
      on,
    )
  },
  TechnicalCommitteeEstablished: (db, d: Data<typeof standards.TechnicalCommitteeEstablished>) => {
    db.prepare('INSERT OR REPLACE INTO kpi_tcs (tc_id, level, established_on) VALUES (?, ?, ?)').run(
      d.tcId,
      d.level,
      d.establishedOn,
    )
  },
  LabRegistered: (db, d: Data<typeof accreditation.LabRegistered>, on) => {
    db.prepare(
      'INSERT OR REPLACE INTO kpi_labs (lab_id, kind, centre_level, registered_on) VALUES (?, ?, ?, ?)',
    ).run(d.labId, d.kind, d.centreLevel, on)
  },
  ProductRegistered: (db, d: Data<typeof industrialization.ProductRegistered>) => {
    db.prepare('INSERT OR IGNORE INTO kpi_products (product_id, industry) VALUES (?, ?)').run(
      d.productId,
      d.industry,
    )
  },
  ProductMarketDeclared: (db, d: Data<typeof industrialization.ProductMarketDeclared>) => {
    const column = d.market === 'domestic' ? 'domestic' : 'export'
    db.prepare(
      `UPDATE kpi_products SET ${column}_line = ?, ${column}_standards = ? WHERE product_id = ?`,
    ).run(d.lineId, sortedKeys(d.standards), d.productId)
  },
  BrandTitleAwarded: (db, d: Data<typeof industrialization.BrandTitleAwarded>) => {
    db.prepare(
      'INSERT OR IGNORE INTO kpi_brands (enterprise_id, product_id, year, awarded_on) VALUES (?, ?, ?, ?)',
    ).run(d.enterpriseId, d.productId ?? '', d.year, d.awardedOn)
  },
  DemoZoneDesignated: (db, d: Data<typeof industrialization.DemoZoneDesignated>) => {
    db.prepare('INSERT OR REPLACE INTO kpi_zones (zone_id, level, designated_on) VALUES (?, ?, ?)').run(
      d.zoneId,
      d.level,
      d.designatedOn,
    )
  },
  ProductRecalled: (db, d: Data<typeof industrialization.ProductRecalled>) => {
    db.prepare('INSERT OR REPLACE INTO kpi_recalls (recall_id, announced_on, ordered) VALUES (?, ?, ?)').run(
      d.recallId,
      d.announcedOn,
      d.ordered ? 1 : 0,
    )
  },
}
