import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type RunningEmulator, startEmulator } from '@qi/esdb-emulator'
import { EsdbEventStore } from '@qi/eventstore/esdb'
import { createCallerFactory } from '@qi/trpc'
import { createTRPCClient, httpLink } from '@trpc/client'
import superjson from 'superjson'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AccessRegistry, BOOTSTRAP_ADMIN_ORG } from './access'
import { loadDemo } from './demo/load-demo'
import { demoOrganisations } from './demo/organisations'
import { Platform } from './platform'
import { type AppRouter, appRouter } from './root'
import { type ServerProcess, startServerProcess, within } from './server-process'

const createCaller = createCallerFactory(appRouter)

/**
 * Three API processes (the start command's `main.ts`) on one EventStoreDB — the project's gRPC
 * emulator — each with its own data folder for read models, policy checkpoints and keys. One of
 * them owns the policies and timers (QI_POLICIES=owner), the two others serve reads and commands
 * only (QI_POLICIES=off). Every wait is a poll with a generous deadline: the machine is shared.
 */

/** How long a replica may take to start (the owner loads the demo first) or a poll may last. */
const START_MS = 300_000
const POLL_MS = 180_000
/** A test's own limit: its polls and a replica's restart, on a busy machine. */
const TEST_MS = 600_000

interface Replica extends ServerProcess {
  name: string
  dataDir: string
  policies: 'owner' | 'off'
}

function startReplica(
  name: string,
  dataDir: string,
  policies: 'owner' | 'off',
  connectionString: string,
  args: string[] = [],
): Replica {
  const server = startServerProcess(
    {
      QI_DATA_DIR: dataDir,
      QI_LOG_LEVEL: 'warn',
      EVENTSTORE_CONNECTION_STRING: connectionString,
      QI_POLICIES: policies,
    },
    args,
  )
  return { name, dataDir, policies, ...server }
}

/** Asks `check` again every 250 ms until it returns a value, or fails after `ms` with the last answer. */
async function poll<T>(what: string, check: () => Promise<T | undefined>, ms = POLL_MS): Promise<T> {
  const deadline = Date.now() + ms
  let last: unknown
  for (;;) {
    try {
      const value = await check()
      if (value !== undefined) return value
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms (last: ${String(last)})`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

const client = (url: string, key: string) =>
  createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${url}/trpc`, transformer: superjson, headers: { 'x-api-key': key } })],
  })

const metrics = async (url: string) => (await fetch(`${url}/metrics`)).text()

/** The value of one sample line of the Prometheus text (`name{labels} value`), or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

describe('three API replicas on one EventStoreDB', () => {
  let emulator: RunningEmulator
  let store: EsdbEventStore
  const folders: string[] = []
  const replicas: Record<'a' | 'b' | 'c', Replica> = {} as never
  const urls: Record<'a' | 'b' | 'c', string> = {} as never
  const keys: Record<string, string> = {}

  /** CertificateSuspended events in the store, by certificate stream. */
  async function suspensions(): Promise<Map<string, number>> {
    const events = await store.readAll({
      filter: { kind: 'eventType', prefixes: ['CertificateSuspended'] },
      maxCount: 100_000,
    })
    const counts = new Map<string, number>()
    for (const event of events.filter((e) => e.type === 'CertificateSuspended'))
      counts.set(event.streamName, (counts.get(event.streamName) ?? 0) + 1)
    return counts
  }

  async function expectEachCertificateSuspendedOnce() {
    const counts = await suspensions()
    expect(counts.size).toBeGreaterThan(0)
    for (const [stream, count] of counts) expect({ stream, count }).toEqual({ stream, count: 1 })
    return counts
  }

  const DEADLINES_RUNS = 'qi_timer_runs_total{timer="licensing.deadlines",outcome="ok"}'
  /** Waits until the replica at `url` has run the licensing deadlines timer at least once. */
  const untilDeadlinesTimerRan = (url: string) =>
    poll(`the licensing deadlines timer ran on ${url}`, async () => {
      const runs = sample(await metrics(url), DEADLINES_RUNS)
      return runs !== undefined && runs >= 1 ? runs : undefined
    })

  /** Reads the certificate on `url` until the policy's follow-up shows there. */
  const untilSuspended = (url: string, certificateNo: string) =>
    poll(`${certificateNo} suspended, as read on ${url}`, async () => {
      const certificate = await client(url, keys.HBAMR!).certification.get.query({ certificateNo })
      return certificate.status === 'suspended' ? certificate : undefined
    })

  function start(name: 'a' | 'b' | 'c', args: string[] = []) {
    const replica = replicas[name]
    replicas[name] = startReplica(name, replica.dataDir, replica.policies, emulator.connectionString, args)
    return replicas[name]
  }

  async function kill9(name: 'a' | 'b' | 'c') {
    const replica = replicas[name]
    replica.child.kill('SIGKILL')
    await within(replica.exited, 60_000, replica.output)
  }

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 })
    store = new EsdbEventStore({ connectionString: emulator.connectionString })

    // Organisations and API keys live in each replica's access.db, not in the event store: every
    // replica gets a copy of the same one before it starts (deploy/README.md says how).
    const seed = mkdtempSync(join(tmpdir(), 'qi-replicas-seed-'))
    folders.push(seed)
    const access = AccessRegistry.open(seed)
    for (const org of [BOOTSTRAP_ADMIN_ORG, ...Object.values(demoOrganisations)]) {
      access.createOrg(org)
      keys[org.orgId] = access.issueKey(org.orgId, `${org.orgId.toLowerCase()}-replicas`)
    }
    access.close()
    for (const [name, policies] of [
      ['a', 'owner'],
      ['b', 'off'],
      ['c', 'off'],
    ] as const) {
      const dataDir = mkdtempSync(join(tmpdir(), `qi-replica-${name}-`))
      folders.push(dataDir)
      copyFileSync(join(seed, 'access.db'), join(dataDir, 'access.db'))
      replicas[name] = { name, dataDir, policies } as Replica
    }
    // The owner loads the demo dataset into the empty store through the commands (its policies
    // react as it goes); the two others start at the same time and follow `$all`.
    start('a', ['--demo'])
    start('b')
    start('c')
    for (const name of ['a', 'b', 'c'] as const)
      urls[name] = await within(replicas[name].url, START_MS, replicas[name].output)
  }, START_MS + 60_000)

  afterAll(async () => {
    for (const replica of Object.values(replicas)) {
      if (replica.child && replica.child.exitCode === null && replica.child.signalCode === null) {
        replica.child.kill('SIGTERM')
        await within(replica.exited, 60_000, replica.output).catch(() => replica.child.kill('SIGKILL'))
      }
    }
    await store?.close()
    await emulator?.stop()
    for (const folder of folders) rmSync(folder, { recursive: true, force: true })
  }, 180_000)

  it(
    'runs the policies and the timers on the owner only',
    async () => {
      const [a, b, c] = await Promise.all([metrics(urls.a), metrics(urls.b), metrics(urls.c)])
      expect([a, b, c].map((text) => sample(text, 'qi_policies_owner'))).toEqual([1, 0, 0])
      // The owner has a runner per policy (each with its backlog); the others have none.
      expect(a).toMatch(/^qi_policy_backlog_events\{policy="certification.report-revoked"\} \d+$/m)
      for (const text of [b, c]) expect(text).not.toMatch(/^qi_policy_backlog_events\{/m)
      // The licensing deadlines timer runs at start (then hourly) on the owner, never on the others.
      expect(await untilDeadlinesTimerRan(urls.a)).toBeGreaterThanOrEqual(1)
      for (const text of [b, c]) expect(text).not.toMatch(/^qi_timer_runs_total\{/m)
      // Policy checkpoints exist in the owner's folder only.
      expect(existsSync(join(replicas.a.dataDir, 'policies', 'certification.report-revoked.policy.db'))).toBe(
        true,
      )
      for (const name of ['b', 'c'] as const)
        expect(existsSync(join(replicas[name].dataDir, 'policies'))).toBe(false)
      // The demo's own revocation (WHQT-2024-0009) was followed up once.
      const counts = await poll('the demo revocation followed up', async () => {
        const counts = await suspensions()
        return counts.has('certificate-CCC-2024-0107044') ? counts : undefined
      })
      expect(counts.get('certificate-CCC-2024-0107044')).toBe(1)
    },
    TEST_MS,
  )

  it(
    'reads its own writes on another replica, and the owner follows a revocation up exactly once',
    async () => {
      const before = await client(urls.c, keys.HBAMR!).certification.get.query({
        certificateNo: 'HBCC-P-2024-0420',
      })
      expect(before.status).not.toBe('suspended')
      // The command goes to B; C answers with a read model that includes it (minPosition).
      const revoked = await client(urls.b, keys.HBQI!).testing.revokeReport.mutate({
        reportNo: 'HBQI-2024-0201',
        revokedOn: '2026-01-05',
        reason: 'replica test: sample mix-up',
      })
      expect(revoked.position).toEqual(expect.any(BigInt))
      const report = await client(urls.c, keys.HBAMR!).testing.getReport.query({
        reportNo: 'HBQI-2024-0201',
        minPosition: revoked.position ?? undefined,
      })
      expect(report.status).toBe('revoked')
      // The owner's policy suspends the certificate based on it; every replica shows it.
      await untilSuspended(urls.c, 'HBCC-P-2024-0420')
      await untilSuspended(urls.b, 'HBCC-P-2024-0420')
      const counts = await expectEachCertificateSuspendedOnce()
      expect(counts.get('certificate-HBCC-P-2024-0420')).toBe(1)
    },
    TEST_MS,
  )

  it(
    'keeps serving reads and writes when a replica is killed -9, and the restarted one catches up',
    async () => {
      await kill9('c')
      // A and B go on: a command on B, read back on A, followed up by the owner (A).
      const revoked = await client(urls.b, keys.NCTE!).testing.revokeReport.mutate({
        reportNo: 'NCTE-2024-0001',
        revokedOn: '2026-01-06',
        reason: 'replica test: calibration found out of tolerance',
      })
      const report = await client(urls.a, keys.HBAMR!).testing.getReport.query({
        reportNo: 'NCTE-2024-0001',
        minPosition: revoked.position ?? undefined,
      })
      expect(report.status).toBe('revoked')
      await untilSuspended(urls.a, 'CQC-P-2024-0614')
      // C comes back on its own folder (the kill left a stale lock) and reads what it missed.
      urls.c = await within(start('c').url, START_MS, replicas.c.output)
      const head = await store.headPosition()
      const onC = await client(urls.c, keys.HBAMR!).certification.get.query({
        certificateNo: 'CQC-P-2024-0614',
        minPosition: head ?? undefined,
      })
      expect(onC.status).toBe('suspended')
      await expectEachCertificateSuspendedOnce()
    },
    TEST_MS,
  )

  it(
    'stops the policies while the owner is down, and the restarted owner catches up without duplicates',
    async () => {
      await kill9('a')
      // B and C serve writes and reads without the owner.
      const revoked = await client(urls.c, keys.NCTE!).testing.revokeReport.mutate({
        reportNo: 'NCTE-2024-0002',
        revokedOn: '2026-01-07',
        reason: 'replica test: wrong sample recorded',
      })
      const report = await client(urls.b, keys.HBAMR!).testing.getReport.query({
        reportNo: 'NCTE-2024-0002',
        minPosition: revoked.position ?? undefined,
      })
      expect(report.status).toBe('revoked')
      // No process runs the policies now: the revocation waits in the store, unanswered.
      const waiting = await client(urls.b, keys.HBAMR!).certification.get.query({
        certificateNo: 'CCC-2024-0720015',
        minPosition: revoked.position ?? undefined,
      })
      expect(waiting.status).not.toBe('suspended')
      expect((await suspensions()).has('certificate-CCC-2024-0720015')).toBe(false)

      // The owner comes back on its folder: its policies resume from their checkpoints, its timers
      // run again at start, and the missed revocation is followed up once.
      urls.a = await within(start('a').url, START_MS, replicas.a.output)
      await untilSuspended(urls.b, 'CCC-2024-0720015')
      await untilSuspended(urls.c, 'CCC-2024-0720015')
      expect(await untilDeadlinesTimerRan(urls.a)).toBeGreaterThanOrEqual(1)
      const counts = await expectEachCertificateSuspendedOnce()
      for (const stream of [
        'certificate-CCC-2024-0107044',
        'certificate-HBCC-P-2024-0420',
        'certificate-CQC-P-2024-0614',
        'certificate-CCC-2024-0720015',
      ])
        expect({ stream, count: counts.get(stream) }).toEqual({ stream, count: 1 })
      // A policy's follow-up command carries a commandId derived from its trigger: executed twice,
      // it would show as the same event type twice under one commandId in one stream.
      const followUps = (await store.readAll({ maxCount: 1_000_000 })).filter((e) =>
        String((e.metadata as { commandId?: string }).commandId ?? '').startsWith('policy:'),
      )
      expect(followUps.length).toBeGreaterThan(0)
      const seen = new Map<string, number>()
      for (const e of followUps) {
        const key = `${e.streamName} ${(e.metadata as { commandId: string }).commandId} ${e.type}`
        seen.set(key, (seen.get(key) ?? 0) + 1)
      }
      expect([...seen].filter(([, n]) => n > 1)).toEqual([])
      const [a, b, c] = await Promise.all([metrics(urls.a), metrics(urls.b), metrics(urls.c)])
      expect([a, b, c].map((text) => sample(text, 'qi_policies_owner'))).toEqual([1, 0, 0])
      for (const text of [b, c]) expect(text).not.toMatch(/^qi_timer_runs_total\{/m)
    },
    TEST_MS,
  )
})

describe('two policy owners by mistake', () => {
  let emulator: RunningEmulator
  const platforms: Platform[] = []
  let access: AccessRegistry

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 })
    const start = () =>
      Platform.start({
        store: new EsdbEventStore({ connectionString: emulator.connectionString }),
        now: () => new Date('2026-11-25T08:00:00Z'),
        timers: false,
      })
    platforms.push(await start(), await start())
    access = AccessRegistry.open()
    await loadDemo(platforms[0]!, access, { today: '2026-11-25' })
    await Promise.all(platforms.map((platform) => platform.settle()))
  }, START_MS)
  afterAll(async () => {
    access?.close()
    for (const platform of platforms) await platform.close()
    await emulator?.stop()
  }, 60_000)

  it(
    'write each follow-up once: the commandId derived from the trigger and the revision check',
    async () => {
      for (const platform of platforms) expect(platform.runsPolicies).toBe(true)
      const lab = createCaller({
        actor: { userId: 't', org: 'NCTE', orgName: 'NCTE', role: 'lab' },
        invalidApiKey: false,
        requestId: 't',
        deps: platforms[1]!,
      })
      await lab.testing.revokeReport({
        reportNo: 'NCTE-2024-0002',
        revokedOn: '2026-01-07',
        reason: 'two owners: wrong sample recorded',
      })
      await Promise.all(platforms.map((platform) => platform.settle()))
      // Both owners reacted to the revocations (the demo's and this one) …
      for (const platform of platforms) {
        const policy = platform.policies().find((p) => p.policy.name === 'certification.report-revoked')!
        expect(policy.status().handled).toBeGreaterThanOrEqual(2)
      }
      // … and the store holds one suspension per certificate.
      const suspended = (
        await platforms[0]!.store.readAll({
          filter: { kind: 'eventType', prefixes: ['CertificateSuspended'] },
          maxCount: 100_000,
        })
      ).filter((e) => e.type === 'CertificateSuspended')
      const streams = suspended.map((e) => e.streamName)
      expect(streams).toContain('certificate-CCC-2024-0720015')
      expect(streams.length).toBe(new Set(streams).size)
    },
    TEST_MS,
  )
})
