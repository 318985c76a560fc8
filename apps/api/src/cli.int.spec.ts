import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
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
