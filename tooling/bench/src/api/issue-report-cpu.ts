/**
 * A quicker look at the mutation path than `pnpm bench:api` (iterating, not the result file):
 * starts the built API (apps/api dist/main.js --demo; build it first) and the baseline server,
 * runs `testing.issueReport` at CLIENTS (64) clients COUNT (3000) times per round, ROUNDS (1)
 * rounds, each followed by the bare-append baseline, and prints throughput, latencies, the ratio,
 * and the API server's CPU time per request (utime+stime from /proc: less noisy than throughput on
 * a shared machine). PROF=<dir> runs the server with --cpu-prof and prints each round's window (ms
 * since the server started) for `profile-window.ts` / `profile-buckets.ts`.
 * SERVERS=a.js,b.js (paths relative to apps/api, e.g. a copy of an older dist/main.js kept in
 * apps/api so that it finds the same web build) starts one server per bundle and alternates them
 * within each round: an A/B comparison in one run. SCENARIO=revoke drives revoke → suspended
 * instead (each operation: revokeReport, then certification.get with afterPolicies until suspended).
 * Usage (tooling/bench): ROUNDS=3 tsx src/api/issue-report-cpu.ts
 */
import type { ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { HttpClient, runLevel, TrpcHttp } from './http'
import { reportInput } from './inputs'
import { issueCertifiedReports, type Pair, revokeUntilSuspended } from './revocations'
import {
  API_READY,
  apiArguments,
  apiEnvironment,
  BASELINE_READY,
  demoKeys,
  startProcess,
  stopProcess,
} from './servers'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '..', '..', '..', '..')
const apiDir = join(root, 'apps', 'api')
const clients = Number(process.env.CLIENTS ?? 64)
const count = Number(process.env.COUNT ?? 3000)
const prof = process.env.PROF ? resolve(process.env.PROF) : undefined

function cpuMs(pid: number) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
}
/** The server's event-loop delay since the last scrape (prom-client's default metrics), in ms. */
async function loopDelay(client: HttpClient) {
  const response = await client.request('GET', '/metrics')
  const value = (name: string) => {
    const match = response.body.match(
      new RegExp(`^qi_process_nodejs_eventloop_lag_${name}_seconds (\\S+)$`, 'm'),
    )
    return match ? (Number(match[1]) * 1000).toFixed(1) : '?'
  }
  return `loop delay p50 ${value('p50')} p99 ${value('p99')} max ${value('max')} ms`
}
const work = mkdtempSync(join(os.tmpdir(), 'qi-cmd-drive-'))
const procs: ChildProcess[] = []
const bundles = (process.env.SERVERS ?? 'dist/main.js').split(',').filter(Boolean)
const scenario = process.env.SCENARIO ?? 'issue-report'
try {
  mkdirSync(join(work, 'baseline'))
  const servers = []
  for (const [n, bundle] of bundles.entries()) {
    const api = await startProcess(`API server ${bundle}`, apiArguments(bundle, prof), {
      cwd: apiDir,
      env: apiEnvironment(join(work, `data-${n}`)),
      logFile: join(work, `api-${n}.log`),
      ready: API_READY,
      timeoutMs: 120_000,
    })
    procs.push(api.child)
    const keys = demoKeys(api.output())
    const client = new HttpClient(new URL(api.match[1]!))
    servers.push({
      bundle,
      api,
      client,
      lab: new TrpcHttp(client, keys.get('HBQI')!),
      body: new TrpcHttp(client, keys.get('CQC-WH')!),
    })
  }
  const base = await startProcess('baseline server', ['--import', 'tsx', join(here, 'baseline-server.ts')], {
    cwd: join(root, 'tooling', 'bench'),
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: '0',
      BASELINE_DIR: join(work, 'baseline'),
      READMODELS_DIR: join(work, 'data-0', 'readmodels'),
    },
    logFile: join(work, 'base.log'),
    ready: BASELINE_READY,
    timeoutMs: 60_000,
  })
  procs.push(base.child)
  const baseClient = new HttpClient(new URL(base.match[1]!))
  const run = Date.now().toString(36)
  type Server = (typeof servers)[number]
  const issue = (s: Server) => (i: number) =>
    s.lab.mutation('testing.issueReport', reportInput(`D-${run}-${i}`))
  const revokePair: Pair = (i) => ({ reportNo: `P-${run}-${i}`, certificateNo: `C-${run}-${i}` })
  const revoke = (s: Server) => (i: number) => revokeUntilSuspended(s.lab, s.body, revokePair, i)
  const prepare = async (s: Server, first: number, n: number) => {
    if (scenario === 'revoke') await issueCertifiedReports(s.lab, s.body, revokePair, first, n)
  }
  const value = scenario === 'revoke' ? revoke : issue
  const baseline = async (i: number) => {
    const r = await baseClient.request('POST', '/append', { body: { json: reportInput(`B-${run}-${i}`) } })
    if (r.status !== 200) throw new Error(r.body)
  }
  for (const s of servers) {
    await prepare(s, 1_000_000, 100)
    await runLevel(8, 100, value(s), 1_000_000)
  }
  await runLevel(8, 300, baseline, 1_000_000)
  const rounds = Number(process.env.ROUNDS ?? 1)
  const cpuPerRequest = new Map<string, number[]>()
  for (let r = 0; r < rounds; r++) {
    for (const s of servers) {
      await prepare(s, r * count, count)
      const load = os.loadavg()[0]!.toFixed(2)
      await loopDelay(s.client) // prom-client resets its event-loop delay histogram on every scrape
      const c0 = cpuMs(s.api.child.pid!)
      const w0 = performance.now() - s.api.startedAt
      const v = await runLevel(clients, count, value(s), r * count)
      const w1 = performance.now() - s.api.startedAt
      const c1 = cpuMs(s.api.child.pid!)
      const loop = await loopDelay(s.client)
      const b = await runLevel(clients, count, baseline, (r + 1) * 10_000_000 + servers.indexOf(s) * count)
      const cpu = (c1 - c0) / count
      cpuPerRequest.set(s.bundle, [...(cpuPerRequest.get(s.bundle) ?? []), cpu])
      console.log(
        `${s.bundle} ${scenario} load ${load} | api ${v.throughput}/s p50 ${v.p50} p99 ${v.p99} err ${v.errors} cpu ${cpu.toFixed(3)} ms/op | base ${b.throughput}/s p99 ${b.p99} | ratio ${(v.throughput / b.throughput).toFixed(3)} | ${loop} | window ${w0.toFixed(0)}-${w1.toFixed(0)} ms${v.firstError ? ` ${v.firstError}` : ''}`,
      )
    }
  }
  for (const [bundle, cpus] of cpuPerRequest)
    console.log(
      `${bundle}: mean cpu ${(cpus.reduce((a, b) => a + b, 0) / cpus.length).toFixed(3)} ms/op over ${cpus.length} rounds; load ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    )
  for (const s of servers) s.client.close()
  baseClient.close()
} finally {
  for (const p of procs) await stopProcess(p)
  rmSync(work, { recursive: true, force: true })
}
