import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AccessRegistry } from './access'
import { loadDemo } from './demo/load-demo'
import { Platform } from './platform'

function qi(dataDir: string, ...args: string[]) {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'cli.ts'), ...args],
    {
      // tsx resolves from this package's node_modules, whatever folder the test run started in.
      cwd: join(import.meta.dirname, '..'),
      env: { ...process.env, QI_DATA_DIR: dataDir, QI_API_URL: 'http://127.0.0.1:9' },
      encoding: 'utf8',
      timeout: 120_000,
    },
  )
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe('the qi command line', () => {
  let dir: string
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qi-cli-'))
    const platform = await Platform.start({ dataDir: dir, timers: false })
    const access = AccessRegistry.open(dir)
    await loadDemo(platform, access, { today: '2026-11-25' })
    await platform.settle()
    access.close()
    await platform.close()
  }, 300_000)
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('rebuilds the lineage read models with progress when no API answers, and the platform then serves them', async () => {
    const { code, stderr } = qi(dir, 'projections', 'rebuild', 'lineage')
    expect(code).toBe(0)
    expect(stderr).toMatch(/lineage\.graph: rebuilt from \d+ events, generation 2/)
    expect(stderr).toMatch(/lineage\.kpi: rebuilt from \d+ events, generation 2/)
    expect(stderr).toMatch(/events, [\d,]+\/s/)
    const platform = await Platform.start({ dataDir: dir, timers: false })
    expect(platform.runner('lineage.graph').status().generation).toBe(2)
    const nodes = platform.runner('lineage.graph').db.prepare('SELECT count(*) AS n FROM nodes').get() as {
      n: number
    }
    expect(nodes.n).toBeGreaterThan(50)
    await platform.close()
  })

  it('issues a new key for an existing organisation and refuses an unknown one', () => {
    const issued = qi(dir, 'keys', 'issue', 'HBQI')
    expect(issued.code).toBe(0)
    const key = issued.stdout.trim()
    expect(key).toMatch(/^qi_lab_/)
    const access = AccessRegistry.open(dir)
    expect(access.resolve(key)).toMatchObject({ org: 'HBQI', role: 'lab' })
    access.close()
    const unknown = qi(dir, 'keys', 'issue', 'NOPE')
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/no organisation 'NOPE'/)
  })

  it('explains its usage on an unknown command or projection, with exit code 2', () => {
    const wrong = qi(dir, 'projections', 'rebuild', 'nope')
    expect(wrong.code).toBe(2)
    expect(wrong.stderr).toMatch(/no projection 'nope'; known: store-stats/)
    expect(qi(dir, 'frobnicate').code).toBe(2)
  })
})

describe('qi import standards on an empty store', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'qi-import-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('creates the institute, imports a catalogue out of order, reports rejected lines, and re-imports as a no-op', async () => {
    const created = qi(
      dir,
      'orgs',
      'create',
      'ISO-CS',
      'standards_institute',
      'ISO',
      'Central',
      'Secretariat',
    )
    expect(created.code).toBe(0)
    expect(created.stdout.trim()).toMatch(/^qi_standards_institute_/)
    const ndjson = join(dir, 'catalogue.ndjson')
    writeFileSync(
      ndjson,
      [
        // The replacement first: the link is resolved once both ends are in.
        JSON.stringify({
          reference: 'ISO/IEC 27001:2013',
          publicationDate: '2013-10',
          currentStage: '60.60',
          icsCode: ['35.030'],
          title: { en: 'Information security management systems — Requirements' },
          replaces: ['ISO/IEC 27001:2005'],
          supplements: [{ reference: 'ISO/IEC 27001:2013/Cor 1:2014', publicationDate: '2014-09' }],
        }),
        '{not json',
        JSON.stringify({
          reference: 'ISO/IEC 27001:2005',
          publicationDate: '2005-10-14',
          currentStage: '95.99',
          icsCode: ['35.030'],
          title: { en: 'ISMS' },
        }),
        JSON.stringify({
          reference: 'ISO 9001',
          publicationDate: '2015',
          icsCode: ['03.120.10'],
          title: { en: 'QMS' },
        }),
      ].join('\n'),
    )
    const first = qi(dir, 'import', 'standards', ndjson, '--org', 'ISO-CS')
    expect(first.code).toBe(3)
    expect(first.stderr).toMatch(
      /4 lines in .* s: 2 written, 0 already recorded, 1 replacement links, 2 rejected/,
    )
    expect(first.stdout).toMatch(/line 2\t\tnot JSON/)
    expect(first.stdout).toMatch(/line 4\tISO 9001\tnot a standard reference with a year/)

    const csv = join(dir, 'more.csv')
    writeFileSync(
      csv,
      'reference,publicationDate,currentStage,icsCode,title.en,title.zh,replaces\nGB/T 22080-2016,2016-08-29,60.60,35.040,ISMS,信息安全管理体系 要求,\n',
    )
    expect(qi(dir, 'import', 'standards', csv, '--org', 'ISO-CS').code).toBe(0)
    const again = qi(dir, 'import', 'standards', ndjson, '--org', 'ISO-CS')
    expect(again.stderr).toMatch(/0 written, 2 already recorded, 0 replacement links/)

    const platform = await Platform.start({ dataDir: dir, timers: false })
    await platform.settle()
    const rows = platform
      .runner('standards.catalogue')
      .db.prepare('SELECT code, version, lifecycle FROM standards ORDER BY code, version')
      .all()
    expect(rows).toEqual([
      { code: 'GB/T 22080', version: '2016', lifecycle: 'published' },
      { code: 'ISO/IEC 27001', version: '2005', lifecycle: 'superseded' },
      { code: 'ISO/IEC 27001', version: '2013', lifecycle: 'published' },
    ])
    await platform.close()
  }, 300_000)
})
