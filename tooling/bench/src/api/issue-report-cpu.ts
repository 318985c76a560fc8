/**
 * A quicker look at the mutation path than `pnpm bench:api` (iterating, not the result file):
 * starts the built API (apps/api dist/main.js --demo; build it first) and the baseline server,
 * runs `testing.issueReport` at CLIENTS (64) clients COUNT (3000) times per round, ROUNDS (1)
 * rounds, each followed by the bare-append baseline, and prints throughput, latencies, the ratio,
 * and the API server's CPU time per request (utime+stime from /proc: less noisy than throughput on
 * a shared machine). PROF=<dir> runs the server with --cpu-prof and prints each round's window (ms
 * since the server started) for `profile-window.ts` / `profile-buckets.ts`.
 * Usage (tooling/bench): ROUNDS=3 tsx src/api/issue-report-cpu.ts
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { HttpClient, runLevel, TrpcHttp } from './http'
import { reportInput } from './inputs'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '..', '..', '..', '..')
const apiDir = join(root, 'apps', 'api')
const clients = Number(process.env.CLIENTS ?? 64)
const count = Number(process.env.COUNT ?? 3000)
const prof = process.env.PROF ? resolve(process.env.PROF) : undefined
const sleep = (ms: number) => new Promise((d) => setTimeout(d, ms))

function cpuMs(pid: number) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
}
async function start(args: string[], cwd: string, env: NodeJS.ProcessEnv, logFile: string, ready: RegExp) {
  const fd = openSync(logFile, 'w')
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', fd, fd] })
  closeSync(fd)
  const t0 = performance.now()
  for (let i = 0; i < 1200; i++) {
    const m = readFileSync(logFile, 'utf8').match(ready)
    if (m) return { child, m, t0, out: () => readFileSync(logFile, 'utf8') }
    await sleep(100)
  }
  throw new Error(readFileSync(logFile, 'utf8'))
}
const work = mkdtempSync(join(os.tmpdir(), 'qi-cmd-drive-'))
const procs: ChildProcess[] = []
try {
  mkdirSync(join(work, 'baseline'))
  const api = await start(
    [
      '--enable-source-maps',
      ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []),
      'dist/main.js',
      '--demo',
    ],
    apiDir,
    {
      ...process.env,
      NODE_ENV: 'production',
      PORT: '0',
      HOST: '127.0.0.1',
      QI_DATA_DIR: join(work, 'data'),
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
    },
    join(work, 'api.log'),
    /QI Ledger API on (http:\/\/[^\s]+)/,
  )
  procs.push(api.child)
  const base = await start(
    ['--import', 'tsx', join(here, 'baseline-server.ts')],
    join(root, 'tooling', 'bench'),
    {
      ...process.env,
      NODE_ENV: 'production',
      PORT: '0',
      BASELINE_DIR: join(work, 'baseline'),
      READMODELS_DIR: join(work, 'data', 'readmodels'),
    },
    join(work, 'base.log'),
    /baseline listening on (http:\/\/[^\s]+)/,
  )
  procs.push(base.child)
  const keys = new Map<string, string>()
  for (const m of api.out().matchAll(/^ {2}\S+\s+(\S+)\s+(qi_\S+)/gm)) keys.set(m[1]!, m[2]!)
  const apiClient = new HttpClient(new URL(api.m[1]!))
  const baseClient = new HttpClient(new URL(base.m[1]!))
  const lab = new TrpcHttp(apiClient, keys.get('HBQI')!)
  const run = Date.now().toString(36)
  const value = (i: number) => lab.mutation('testing.issueReport', reportInput(`D-${run}-${i}`))
  const baseline = async (i: number) => {
    const r = await baseClient.request('POST', '/append', { body: { json: reportInput(`B-${run}-${i}`) } })
    if (r.status !== 200) throw new Error(r.body)
  }
  await runLevel(8, 300, value, 1_000_000)
  await runLevel(8, 300, baseline, 1_000_000)
  const rounds = Number(process.env.ROUNDS ?? 1)
  for (let r = 0; r < rounds; r++) {
    const load = os.loadavg()[0]!.toFixed(2)
    const c0 = cpuMs(api.child.pid!)
    const w0 = performance.now() - api.t0
    const v = await runLevel(clients, count, value, r * count)
    const w1 = performance.now() - api.t0
    const c1 = cpuMs(api.child.pid!)
    const b = await runLevel(clients, count, baseline, r * count)
    console.log(
      `load ${load} | api ${v.throughput}/s p50 ${v.p50} p99 ${v.p99} err ${v.errors} cpu ${((c1 - c0) / count).toFixed(3)} ms/req | base ${b.throughput}/s p99 ${b.p99} | ratio ${(v.throughput / b.throughput).toFixed(3)} | window ${w0.toFixed(0)}-${w1.toFixed(0)} ms${v.firstError ? ` ${v.firstError}` : ''}`,
    )
  }
  apiClient.close()
  baseClient.close()
} finally {
  for (const p of procs) {
    const exited = new Promise((d) => p.once('exit', d))
    p.kill('SIGTERM')
    await Promise.race([exited, sleep(15000)])
  }
  rmSync(work, { recursive: true, force: true })
}
