import { PillarIndustry } from '@qi/contracts'
import type Database from 'better-sqlite3'

export interface Kpi {
  id: string
  /** The seed item it measures (一 … 二十四). */
  seedItem: string
  label: string
  value: number
  /** The 2020 target; a range when the plan gives one (e.g. 5–6 national demo zones). */
  target: { min: number; max?: number } | null
  unit: 'count' | 'percent'
  met: boolean | null
}

const count = (db: Database.Database, sql: string, ...params: unknown[]) =>
  (db.prepare(sql).get(...params) as { n: number }).n

function kpi(
  id: string,
  seedItem: string,
  label: string,
  value: number,
  target: Kpi['target'],
  unit: Kpi['unit'] = 'count',
): Kpi {
  return { id, seedItem, label, value, target, unit, met: target ? value >= target.min : null }
}

/** Years the progress chart shows, ending with the year of the date asked for. */
const PROGRESS_YEARS = 8

/**
 * The seed's 2020 targets measured on `asOf` (a business date), with each target's progress at the
 * end of the years before it (on `asOf` in its own year), and test reports and certificates issued
 * per year.
 */
export function kpiSummary(db: Database.Database, asOf: string) {
  const lastYear = Number(asOf.slice(0, 4))
  const years = Array.from({ length: PROGRESS_YEARS }, (_, i) => lastYear - PROGRESS_YEARS + 1 + i)
  const progressByYear = years.map((year) => ({
    year: String(year),
    values: Object.fromEntries(
      measures(db, year === lastYear ? asOf : `${year}-12-31`)
        .kpis.filter((k) => k.target)
        .map((k) => [k.id, k.value]),
    ) as Record<string, number>,
  }))
  const issuedByYear = (
    db
      .prepare(
        `SELECT substr(day, 1, 4) AS year, sum(CASE WHEN kind = 'report' THEN n ELSE 0 END) AS reports,
                sum(CASE WHEN kind = 'certificate' THEN n ELSE 0 END) AS certificates
         FROM kpi_issued WHERE day <= ? GROUP BY year ORDER BY year`,
      )
      .all(asOf) as Array<{ year: string; reports: number; certificates: number }>
  ).slice(-PROGRESS_YEARS)
  return { ...measures(db, asOf), ...industryMeasures(db, asOf), progressByYear, issuedByYear }
}

/** The targets' measures (and the adoption counts one of them sums) on `asOf`. */
function measures(db: Database.Database, asOf: string) {
  // In force on the date: its last change by then (business date, then stage, then position) made
  // it effective, or superseded it with the transition period still running.
  const effective = `key IN (SELECT key FROM (
      SELECT key, status, row_number() OVER (PARTITION BY key ORDER BY valid_from DESC, stage DESC, position DESC) AS rank
      FROM kpi_standard_statuses WHERE valid_from <= ?
    ) WHERE rank = 1 AND status IN ('effective', 'superseded'))`
  const ledNational = count(
    db,
    `SELECT count(*) AS n FROM kpi_standards WHERE led_by_province = 1 AND kind IN ('national_mandatory', 'national_recommended') AND ${effective}`,
    asOf,
  )
  const ledIndustry = count(
    db,
    `SELECT count(*) AS n FROM kpi_standards WHERE led_by_province = 1 AND kind = 'industry' AND ${effective}`,
    asOf,
  )
  const localEffective = count(
    db,
    `SELECT count(*) AS n FROM kpi_standards WHERE kind = 'local' AND region = '42' AND ${effective}`,
    asOf,
  )
  const groupAndEnterprise = count(
    db,
    `SELECT count(*) AS n FROM kpi_standards WHERE kind IN ('group', 'enterprise') AND ${effective}`,
    asOf,
  )
  const adoptions = db
    .prepare('SELECT degree, count(*) AS n FROM kpi_adoptions WHERE adopted_on <= ? GROUP BY degree')
    .all(asOf) as Array<{ degree: string; n: number }>
  const adoptionTotal = adoptions.reduce((s, a) => s + a.n, 0)
  const labsAt = (level: string) =>
    count(
      db,
      `SELECT count(*) AS n FROM kpi_labs WHERE kind = 'testing_lab' AND centre_level = ? AND registered_on <= ?`,
      level,
      asOf,
    )
  const tcs = count(
    db,
    `SELECT count(*) AS n FROM kpi_tcs WHERE level = 'provincial' AND established_on <= ?`,
    asOf,
  )
  const brands = count(db, 'SELECT count(*) AS n FROM kpi_brands WHERE awarded_on <= ?', asOf)
  const zones = (level: string) =>
    count(db, 'SELECT count(*) AS n FROM kpi_zones WHERE level = ? AND designated_on <= ?', level, asOf)
  return {
    asOf,
    kpis: [
      kpi('standards.national', '二', 'National standards led by the province (in force)', ledNational, {
        min: 1500,
      }),
      kpi('standards.industry', '二', 'Industry standards led by the province (in force)', ledIndustry, {
        min: 4000,
      }),
      kpi('standards.local', '二', 'Hubei local standards (DB42) in force', localEffective, { min: 1000 }),
      kpi(
        'standards.groupEnterprise',
        '二',
        'Group and enterprise standards in force',
        groupAndEnterprise,
        null,
      ),
      kpi(
        'standards.internationalAdoption',
        '一',
        'Standards adopting international standards',
        adoptionTotal,
        null,
      ),
      kpi(
        'testing.nationalCentres',
        '十',
        'National quality inspection and testing centres',
        labsAt('national'),
        { min: 50 },
      ),
      kpi(
        'testing.provincialCentres',
        '十',
        'Provincial quality inspection and testing centres',
        labsAt('provincial'),
        { min: 80 },
      ),
      kpi('standards.provincialTcs', '三', 'Provincial standardization technical committees', tcs, {
        min: 20,
      }),
      kpi('brands.hubei', '十四', 'Hubei famous-brand titles', brands, { min: 1200 }),
      kpi('zones.national', '十三', 'National quality-improvement demonstration zones', zones('national'), {
        min: 5,
        max: 6,
      }),
      kpi(
        'zones.provincial',
        '十三',
        'Provincial quality-improvement demonstration zones',
        zones('provincial'),
        { min: 20, max: 30 },
      ),
    ],
    adoptionByDegree: Object.fromEntries(adoptions.map((a) => [a.degree, a.n])) as Record<string, number>,
  }
}

/** "Same line, same standard, same quality" per pillar industry and recalls per year, on `asOf`. */
function industryMeasures(db: Database.Database, asOf: string) {
  const recalls = db
    .prepare(
      `SELECT substr(announced_on, 1, 4) AS year, count(*) AS n, sum(ordered) AS ordered FROM kpi_recalls
       WHERE announced_on <= ? GROUP BY year ORDER BY year`,
    )
    .all(asOf) as Array<{ year: string; n: number; ordered: number }>

  const sameLine = PillarIndustry.options.map((industry) => {
    const row = db
      .prepare(
        `SELECT count(*) AS exported,
                sum(CASE WHEN domestic_line = export_line AND domestic_standards = export_standards THEN 1 ELSE 0 END) AS same
         FROM kpi_products WHERE industry = ? AND export_line IS NOT NULL`,
      )
      .get(industry) as { exported: number; same: number | null }
    const rate = row.exported === 0 ? null : Math.round(((row.same ?? 0) / row.exported) * 1000) / 10
    return {
      industry,
      exportedProducts: row.exported,
      sameLineSameStandard: row.same ?? 0,
      ratePercent: rate,
      target: 90,
      met: rate === null ? null : rate >= 90,
    }
  })
  return { sameLineSameStandard: sameLine, recallsByYear: recalls }
}
