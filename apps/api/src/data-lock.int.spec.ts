import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DataFolderLockedError, lockDataFolder } from './data-lock'
import { type ServerProcess, startServerProcess, within } from './server-process'

const apiDir = join(import.meta.dirname, '..')

describe('one writer per data folder, in one process', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'qi-lock-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('refuses a second lock naming the holder, and grants it again once released', () => {
    const first = lockDataFolder(dir, 'server on 127.0.0.1:3000')
    let refused: unknown
    try {
      lockDataFolder(dir, 'qi projections rebuild')
    } catch (error) {
      refused = error
    }
    expect(refused).toBeInstanceOf(DataFolderLockedError)
    expect((refused as Error).message).toContain(`pid ${process.pid}`)
    expect((refused as Error).message).toContain('server on 127.0.0.1:3000')
    first.release()
    lockDataFolder(dir, 'again').release()
  })
})

type Running = ServerProcess

/** Starts `main.ts` (the start command's server) on a free port. */
function startServer(dataDir: string, args: string[] = []): Running {
  return startServerProcess({ QI_DATA_DIR: dataDir }, args)
}

async function stats(url: string) {
  const response = await fetch(`${url}/trpc/system.store.stats`)
  const body = (await response.json()) as {
    result: { data: { json: { eventCount: number; lastPosition: string | number | null } } }
  }
  return body.result.data.json
}

function qi(dataDir: string, ...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'cli.ts'), ...args], {
    cwd: apiDir,
    env: { ...process.env, QI_DATA_DIR: dataDir, QI_API_URL: 'http://127.0.0.1:9' },
    encoding: 'utf8',
    timeout: 120_000,
  })
}

describe('one writer per data folder, across processes', () => {
  let dir: string
  const started: Running[] = []
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'qi-lock-servers-'))
  })
  afterEach(() => {
    for (const server of started.splice(0)) if (server.child.exitCode === null) server.child.kill('SIGKILL')
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('refuses a second server and the offline CLI, and restarts cleanly after the first is killed -9', async () => {
    const first = startServer(dir, ['--demo'])
    started.push(first)
    const firstUrl = await within(first.url, 240_000, first.output)
    const before = await stats(firstUrl)
    expect(before.eventCount).toBeGreaterThan(0)

    // A second server on the same folder exits at once, naming the first one's pid.
    const second = startServer(dir)
    started.push(second)
    const code = await within(second.exited, 120_000, second.output)
    expect(code).not.toBe(0)
    expect(second.output()).toContain('is in use by another QI Ledger process')
    expect(second.output()).toContain(`pid ${first.child.pid}`)

    // The offline CLI (no API at QI_API_URL) refuses to write the folder under the server.
    const rebuild = qi(dir, 'projections', 'rebuild', 'store-stats')
    expect(rebuild.status).toBe(3)
    expect(rebuild.stderr).toContain(`pid ${first.child.pid}`)
    const keys = qi(dir, 'keys', 'issue', 'admin')
    expect(keys.status).toBe(3)

    // The data is the user's alone.
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(statSync(join(dir, 'events.db')).mode & 0o777).toBe(0o600)
    expect(statSync(join(dir, 'access.db')).mode & 0o777).toBe(0o600)
    expect(statSync(join(dir, 'readmodels')).mode & 0o777).toBe(0o700)

    // kill -9 leaves a stale LOCK file; the next server starts anyway and its read models agree
    // with the store: as many events counted as positions written.
    first.child.kill('SIGKILL')
    await within(first.exited, 60_000, first.output)
    const restarted = startServer(dir)
    started.push(restarted)
    const url = await within(restarted.url, 240_000, restarted.output)
    const after = await stats(url)
    expect(after.eventCount).toBe(before.eventCount)
    expect(after.eventCount).toBe(Number(after.lastPosition))
    restarted.child.kill('SIGTERM')
    expect(await within(restarted.exited, 60_000, restarted.output)).toBe(0)
  }, 600_000)
})
