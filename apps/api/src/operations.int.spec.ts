import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RecordedEvent } from '@qi/eventstore'
import { SqliteEventStore } from '@qi/eventstore/sqlite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AccessRegistry } from './access'
import { lockDataFolder } from './data-lock'
import { loadDemo } from './demo/load-demo'
import { demoOrganisations } from './demo/organisations'
import { Platform } from './platform'
import { appRouter } from './root'

function qi(dataDir: string, ...args: string[]) {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'cli.ts'), ...args],
    {
      cwd: join(import.meta.dirname, '..'),
      env: { ...process.env, QI_DATA_DIR: dataDir, QI_API_URL: 'http://127.0.0.1:9' },
      encoding: 'utf8',
      timeout: 180_000,
    },
  )
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

/** Answers a user would compare: the regulator's enterprise list, a product's lineage, the KPIs. */
async function answers(dataDir: string) {
  const platform = await Platform.start({ dataDir, timers: false })
  try {
    await platform.settle()
    const access = AccessRegistry.open(dataDir)
    const regulator = access.listOrgs().find((o) => o.orgId === demoOrganisations.regulator.orgId)
    access.close()
    const caller = appRouter.createCaller({
      actor: { userId: 'ops-test', org: regulator!.orgId, orgName: regulator!.name, role: 'regulator' },
      invalidApiKey: false,
      requestId: 'ops-test',
      deps: platform,
    })
    const enterprises = await caller.industrialization.listEnterprises({})
    const orgs = AccessRegistry.open(dataDir)
    const organisations = orgs.listOrgs().map((o) => o.orgId)
    orgs.close()
    const head = await platform.store.headPosition()
    const certificates = platform
      .runner('lineage.graph')
      .db.prepare("SELECT id, kind FROM nodes WHERE kind = 'certificate' ORDER BY id")
      .all()
    return { head, enterprises, organisations, certificates }
  } finally {
    await platform.close()
  }
}

async function allEvents(path: string) {
  const store = new SqliteEventStore({ path })
  try {
    return (await store.readAll()).map(({ recordedAt: _ignored, ...event }: RecordedEvent) => event)
  } finally {
    await store.close()
  }
}

describe('operations: backup, restore, export, import', () => {
  let root: string
  let dir: string
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'qi-ops-'))
    dir = join(root, 'data')
    const platform = await Platform.start({ dataDir: dir, timers: false })
    const access = AccessRegistry.open(dir)
    await loadDemo(platform, access, { today: '2026-11-25' })
    await platform.settle()
    access.close()
    await platform.close()
  }, 300_000)
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('backs up, and a wiped folder restored from the backup gives the same answers', async () => {
    const before = await answers(dir)
    expect(before.certificates.length).toBeGreaterThan(3)
    const file = join(root, 'nightly.qibackup')
    const backup = qi(dir, 'backup', file)
    expect(backup.code, backup.stderr).toBe(0)
    expect(backup.stderr).toMatch(/backup: \d+ files, [\d.]+ MB, store head \d+/)
    expect(statSync(file).mode & 0o077).toBe(0)

    rmSync(dir, { recursive: true, force: true })
    const restore = qi(dir, 'restore', file)
    expect(restore.code, restore.stderr).toBe(0)
    expect(restore.stderr).toMatch(/restored \d+ files/)
    expect(await answers(dir)).toEqual(before)

    // a second restore over the now non-empty folder is refused unless forced
    const again = qi(dir, 'restore', file)
    expect(again.code).toBe(3)
    expect(again.stderr).toMatch(/is not empty .*--force/)
    expect(qi(dir, 'restore', file, '--force').code).toBe(0)
    expect(await answers(dir)).toEqual(before)
    expect(qi(dir, 'restore', join(root, 'missing.qibackup')).stderr).toMatch(/no backup file/)
  })

  it('exports $all as NDJSON and imports it into an empty folder as the same $all', async () => {
    const file = join(root, 'all.ndjson')
    const exported = qi(dir, 'export', file)
    expect(exported.code, exported.stderr).toBe(0)
    const source = await allEvents(join(dir, 'events.db'))
    const lines = readFileSync(file, 'utf8').trim().split('\n')
    expect(lines).toHaveLength(source.length)

    const target = join(root, 'imported')
    const imported = qi(target, 'import', 'events', file)
    expect(imported.code, imported.stderr).toBe(0)
    expect(imported.stderr).toMatch(
      new RegExp(`import: ${source.length.toLocaleString('en')} events appended`),
    )
    expect(await allEvents(join(target, 'events.db'))).toEqual(source)

    // importing the same file again is a no-op (idempotent by event id)
    const twice = qi(target, 'import', 'events', file)
    expect(twice.code, twice.stderr).toBe(0)
    expect(twice.stderr).toMatch(/import: 0 events appended, [\d,]+ already present/)
    expect(await allEvents(join(target, 'events.db'))).toEqual(source)
  })

  it('resumes an interrupted export after its last complete line', async () => {
    const file = join(root, 'resumed.ndjson')
    const full = join(root, 'full.ndjson')
    expect(qi(dir, 'export', full).code).toBe(0)
    const lines = readFileSync(full, 'utf8').split('\n')
    // an export cut off in the middle of line 101
    writeFileSync(file, `${lines.slice(0, 100).join('\n')}\n${lines[100]!.slice(0, 17)}`)
    const resumed = qi(dir, 'export', file)
    expect(resumed.code, resumed.stderr).toBe(0)
    expect(resumed.stderr).toMatch(/after position \d+/)
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(full, 'utf8'))
  })

  it('refuses to import into a store that holds other events, and a file that is not an export', async () => {
    const file = join(root, 'all2.ndjson')
    expect(qi(dir, 'export', file).code).toBe(0)
    const other = join(root, 'other')
    mkdirSync(other)
    const store = new SqliteEventStore({ path: join(other, 'events.db') })
    await store.appendToStream('something-else', [{ type: 'Unrelated', data: {} }])
    await store.close()
    const refused = qi(other, 'import', 'events', file)
    expect(refused.code).toBe(3)
    expect(refused.stderr).toMatch(/not empty .* import into an empty store/)
    expect((await allEvents(join(other, 'events.db'))).length).toBe(1)

    const garbage = join(root, 'garbage.ndjson')
    writeFileSync(garbage, '{"hello":"world"}\n')
    const bad = qi(join(root, 'fresh'), 'import', 'events', garbage)
    expect(bad.code).toBe(3)
    expect(bad.stderr).toMatch(/garbage.ndjson:1: not an exported event/)
  })

  it('backs up and exports beside a running server, but refuses to restore or import over its folder', () => {
    const server = lockDataFolder(dir, 'server on 127.0.0.1:3000')
    try {
      const backup = qi(dir, 'backup', join(root, 'online.qibackup'))
      expect(backup.code, backup.stderr).toBe(0)
      expect(qi(dir, 'export', join(root, 'online.ndjson')).code).toBe(0)
      const restore = qi(dir, 'restore', join(root, 'online.qibackup'), '--force')
      expect(restore.code).toBe(3)
      expect(restore.stderr).toMatch(
        /refused: .* in use by another QI Ledger process \(server on 127.0.0.1:3000, pid \d+/,
      )
      const imported = qi(dir, 'import', 'events', join(root, 'online.ndjson'))
      expect(imported.code).toBe(3)
    } finally {
      server.release()
    }
  })

  it('shows each read model with its generation and lag behind the store', () => {
    const status = qi(dir, 'projections', 'status')
    expect(status.code, status.stderr).toBe(0)
    expect(status.stdout).toMatch(/store head \d+/)
    expect(status.stdout).toMatch(/lineage\.graph\s+g\d+\s+at\s+\d+\s+lag 0/)
  })
})
