/**
 * `pnpm bench:api`: the API as users feel it. Builds the API's production bundle (the one
 * `pnpm start` serves), starts it on a temporary data folder with the demo dataset, starts the
 * baseline server (baseline-server.ts) beside it, and drives both over keep-alive HTTP from this
 * process with 1, 16, 64 and 256 concurrent clients. Writes bench-results/api.json.
 *
 * BENCH_QUICK=1 or --quick: fewer requests, 1 and 64 clients. BENCH_SCENARIOS=a,b runs some
 * scenarios only, BENCH_CLIENTS=1,64 some client counts only; BENCH_CPU_PROF=<dir> writes the API server's CPU profile there (node --cpu-prof).
 */
import { type ChildProcess, execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { HttpClient, runLevel, TrpcHttp } from './http'
import { GB4706, KETTLE, reportInput } from './inputs'
import { gitState, machine } from './metadata'
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
import {
  type ApiBenchResult,
  compareLevel,
  evaluateTargets,
  type LevelSummary,
  resultProblems,
  type ScenarioResult,
  summarizeConnections,
} from './stats'

const here = dirname(fileURLToPath(import.meta.url))
const repositoryRoot = resolve(here, '..', '..', '..', '..')
const apiDir = join(repositoryRoot, 'apps', 'api')
const resultFile = join(repositoryRoot, 'bench-results', 'api.json')

const quick = process.env.BENCH_QUICK === '1' || process.argv.includes('--quick')
const clientLevels = process.env.BENCH_CLIENTS
  ? process.env.BENCH_CLIENTS.split(',').map(Number)
  : quick
    ? [1, 64]
    : [1, 16, 64, 256]
const requests = quick
  ? { query: 300, mutation: 300, policy: 100, warmUp: 50 }
  : { query: 1500, mutation: 1000, policy: 300, warmUp: 150 }
const only = process.env.BENCH_SCENARIOS?.split(',').filter(Boolean)
const cpuProfileDir = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined

const log = (message: string) => console.log(`[bench:api] ${message}`)

interface Scenario {
  id: string
  name: string
  procedure: string
  baseline: string
  baselineDescription: string
  count: number
  /** Before each level: create what `value` needs for indices [first, first + count). */
  prepare?: (first: number, count: number) => Promise<void>
  value: (index: number) => Promise<unknown>
  base: (index: number) => Promise<unknown>
  detail?: () => Promise<Record<string, unknown>>
}

async function main() {
  const started = Date.now()
  log(`${quick ? 'quick' : 'full'} mode; clients ${clientLevels.join(', ')}`)
  log('building the API bundle (apps/api: node build.mjs, as pnpm start does)')
  execFileSync(process.execPath, ['build.mjs'], { cwd: apiDir, stdio: 'inherit' })

  const work = mkdtempSync(join(os.tmpdir(), 'qi-bench-api-'))
  const dataDir = join(work, 'data')
  const baselineDir = join(work, 'baseline')
  mkdirSync(baselineDir)
  const processes: ChildProcess[] = []
  const client = { api: null as HttpClient | null, base: null as HttpClient | null }
  try {
    if (cpuProfileDir) mkdirSync(cpuProfileDir, { recursive: true })
    const api = await startProcess('API server', apiArguments('dist/main.js', cpuProfileDir), {
      cwd: apiDir,
      env: apiEnvironment(dataDir),
      logFile: join(work, 'api.log'),
      ready: API_READY,
      timeoutMs: 120_000,
    })
    processes.push(api.child)
    const keys = demoKeys(api.output())
    const demoEvents = Number(api.output().match(/Demo loaded: (\d+) events/)?.[1] ?? Number.NaN)
    log(`API server at ${api.match[1]} (demo: ${demoEvents} events, ${keys.size} keys)`)
    const baseline = await startProcess(
      'baseline server',
      ['--import', 'tsx', join(here, 'baseline-server.ts')],
      {
        cwd: join(repositoryRoot, 'tooling', 'bench'),
        env: {
          ...process.env,
          NODE_ENV: 'production',
          PORT: '0',
          BASELINE_DIR: baselineDir,
          READMODELS_DIR: join(dataDir, 'readmodels'),
        },
        logFile: join(work, 'baseline.log'),
        ready: BASELINE_READY,
        timeoutMs: 60_000,
      },
    )
    processes.push(baseline.child)
    log(`baseline server at ${baseline.match[1]}`)

    client.api = new HttpClient(new URL(api.match[1]!))
    client.base = new HttpClient(new URL(baseline.match[1]!))
    const key = (org: string) => {
      const found = keys.get(org)
      if (!found) throw new Error(`no demo API key for ${org} in the server's output`)
      return found
    }
    const lab = new TrpcHttp(client.api, key('HBQI'))
    const body = new TrpcHttp(client.api, key('CQC-WH'))
    const regulator = new TrpcHttp(client.api, key('HBAMR'))
    const base = client.base
    const baseGet = async (path: string) => {
      const response = await base.request('GET', path)
      if (response.status !== 200) throw new Error(`baseline ${path}: HTTP ${response.status}`)
      return JSON.parse(response.body) as unknown
    }
    const run = Date.now().toString(36)
    const revokePair: Pair = (index) => ({
      reportNo: `BP-${run}-${index}`,
      certificateNo: `BC-${run}-${index}`,
    })
    const append = async (index: number) => {
      const response = await base.request('POST', '/append', {
        body: { json: reportInput(`BA-${run}-${index}`) },
      })
      if (response.status !== 200)
        throw new Error(`baseline append: HTTP ${response.status} ${response.body}`)
    }
    const revoke = async (index: number) => {
      const response = await base.request('POST', '/revoke', {
        body: { json: { reportNo: `BR-${run}-${index}`, certificateNo: `BRC-${run}-${index}` } },
      })
      if (response.status !== 200)
        throw new Error(`baseline revoke: HTTP ${response.status} ${response.body}`)
    }
    const revokeDescription =
      "bare Fastify route in its own process appending the scenario's two events, TestReportRevoked to the report's stream and then CertificateSuspended to the certificate's stream, through SqliteEventStore.appendToStream (no_stream), durability normal"
    const appendDescription =
      'bare Fastify route in its own process appending the same TestReportIssued event (the same input) through SqliteEventStore.appendToStream (no_stream), durability normal'

    const allScenarios: Scenario[] = [
      {
        id: 'lineage-of-product',
        name: `lineage.ofProduct (demo product ${KETTLE.productId})`,
        procedure: 'GET /trpc/lineage.ofProduct',
        baseline: 'GET /lineage (bare SQL)',
        baselineDescription:
          'bare Fastify route: one recursive SQL query over the lineage read model file (read-only) following the same relations, node statuses included, plus the edges among the nodes',
        count: requests.query,
        value: () => regulator.query('lineage.ofProduct', { productId: KETTLE.productId }),
        base: () => baseGet(`/lineage?productId=${KETTLE.productId}`),
        detail: async () => ({
          apiNodes: (
            (await regulator.query('lineage.ofProduct', { productId: KETTLE.productId })) as {
              nodes: unknown[]
            }
          ).nodes.length,
          baselineNodes: ((await baseGet(`/lineage?productId=${KETTLE.productId}`)) as { nodes: unknown[] })
            .nodes.length,
        }),
      },
      {
        id: 'impact-of-standard',
        name: `lineage.impact.ofStandard (${GB4706.code}-${GB4706.version})`,
        procedure: 'GET /trpc/lineage.impact.ofStandard',
        baseline: 'GET /impact (bare SQL)',
        baselineDescription:
          'bare Fastify route: one recursive SQL query over the lineage read model following the same relations backwards, with statuses',
        count: requests.query,
        value: () => regulator.query('lineage.impact.ofStandard', GB4706),
        base: () => baseGet(`/impact?code=${encodeURIComponent(GB4706.code)}&version=${GB4706.version}`),
      },
      {
        id: 'list-reports',
        name: 'testing.listReports (page of 20, newest first)',
        procedure: 'GET /trpc/testing.listReports',
        baseline: 'GET /reports (bare SQL)',
        baselineDescription:
          'bare Fastify route: the same COUNT and page SELECT on the testing reports read model file (read-only)',
        count: requests.query,
        value: () => regulator.query('testing.listReports', { limit: 20, offset: 0 }),
        base: () => baseGet('/reports?limit=20&offset=0'),
      },
      {
        id: 'issue-report',
        name: 'testing.issueReport (accredited lab, method in scope, instrument calibrated)',
        procedure: 'POST /trpc/testing.issueReport',
        baseline: 'POST /append (bare append)',
        baselineDescription: appendDescription,
        count: requests.mutation,
        value: (index) => lab.mutation('testing.issueReport', reportInput(`BI-${run}-${index}`)),
        base: append,
      },
      {
        id: 'revoke-report-suspends-certificate',
        name: 'testing.revokeReport until certification.get shows the certificate suspended (policy)',
        procedure:
          'POST /trpc/testing.revokeReport, then GET /trpc/certification.get with the returned position (minPosition, afterPolicies: waits for the policy), then again (pauses 1, 2, 4, 8, 16, 16… ms) until suspended',
        baseline: 'POST /revoke (bare appends of the revocation and the suspension)',
        baselineDescription: revokeDescription,
        count: requests.policy,
        prepare: (first, count) => issueCertifiedReports(lab, body, revokePair, first, count),
        value: (index) => revokeUntilSuspended(lab, body, revokePair, index),
        base: revoke,
      },
    ]
    const scenarios = allScenarios.filter((s) => !only || only.includes(s.id))

    const results: ScenarioResult[] = []
    let serial = 0
    const indices = (count: number) => {
      const first = serial
      serial += count
      return first
    }
    /** A level with its requests' connection phases recorded (LevelSummary.connections). */
    const observed = async <T extends LevelSummary>(on: HttpClient, level: () => Promise<T>): Promise<T> => {
      const openBefore = on.openSockets()
      const stop = on.observe()
      const summary = await level()
      return { ...summary, connections: summarizeConnections(openBefore, stop()) }
    }
    const checked = (summary: LevelSummary & { firstError: string | null }, what: string) => {
      if (summary.errors > 0) log(`  ${what}: ${summary.errors} errors, first: ${summary.firstError}`)
      const { firstError: _, ...rest } = summary
      return rest
    }
    for (const scenario of scenarios) {
      log(`${scenario.id}: warming up`)
      const warm = Math.min(requests.warmUp, scenario.count)
      const warmFirst = indices(warm)
      await scenario.prepare?.(warmFirst, warm)
      checked(await runLevel(8, warm, scenario.value, warmFirst), 'warm-up')
      checked(await runLevel(8, warm, scenario.base, indices(warm)), 'baseline warm-up')
      const levels = []
      for (const clients of clientLevels) {
        const first = indices(scenario.count)
        await scenario.prepare?.(first, scenario.count)
        // Every client's connection is open before the level is timed, as autocannon connects first:
        // a connection opened during the level waits for the busy server to accept it (settings.connections).
        await client.api.open(clients, '/health')
        const value = checked(
          await observed(client.api, () => runLevel(clients, scenario.count, scenario.value, first)),
          `${scenario.id}@${clients}`,
        )
        await base.open(clients, '/health')
        const baseLevel = checked(
          await observed(base, () =>
            runLevel(clients, scenario.count, scenario.base, indices(scenario.count)),
          ),
          `baseline@${clients}`,
        )
        const level = compareLevel(value, baseLevel)
        levels.push(level)
        log(
          `  ${String(clients).padStart(3)} clients: ${value.throughput}/s p50 ${value.p50} p95 ${value.p95} p99 ${value.p99} ms` +
            ` | baseline ${baseLevel.throughput}/s p50 ${baseLevel.p50} p99 ${baseLevel.p99} ms | ratio ${level.throughputRatio}`,
        )
        for (const [side, summary] of [
          ['api', value],
          ['baseline', baseLevel],
        ] as const) {
          const c = summary.connections
          if (c)
            log(
              `    ${side}: ${c.openBefore} sockets open before, ${c.newSockets} new / ${c.reusedSockets} reused;` +
                ` total on new p99 ${c.totalOnNew.p99} max ${c.totalOnNew.max}, on reused p99 ${c.totalOnReused.p99} max ${c.totalOnReused.max};` +
                ` connect p50 ${c.connect.p50} max ${c.connect.max}; server on new p99 ${c.serverOnNew.p99} max ${c.serverOnNew.max}, on reused p99 ${c.serverOnReused.p99} ms`,
            )
        }
      }
      results.push({
        id: scenario.id,
        name: scenario.name,
        procedure: scenario.procedure,
        baseline: scenario.baseline,
        baselineDescription: scenario.baselineDescription,
        levels,
        ...(scenario.detail ? { detail: await scenario.detail() } : {}),
      })
    }

    const result: ApiBenchResult = {
      benchmark: 'api',
      date: new Date().toISOString(),
      machine: machine(),
      git: gitState(repositoryRoot),
      settings: {
        quick,
        clients: clientLevels,
        requests: { ...requests },
        dataset: {
          kind: 'demo (apps/api/src/demo, loaded through the commands at first start)',
          demoEvents,
          note: 'read scenarios run first, on the demo data alone; the mutation scenarios then add their reports and certificates',
        },
        server: {
          command: `node --enable-source-maps dist/main.js --demo (apps/api, NODE_ENV=production; the bundle pnpm start serves)${cpuProfileDir ? ' with --cpu-prof' : ''}`,
          logLevel: process.env.QI_LOG_LEVEL ?? 'info',
          client:
            'node:http keep-alive agent in the bench process (separate from both servers), one socket per client',
          connections:
            "before each timed level (API and baseline alike) the client opens one keep-alive connection per concurrent client (that many concurrent GET /health), as autocannon connects all first; each level records in `connections` how many of its requests still went out on a new connection and their phases. Why: a Node server (libuv ≥ 1.45) accepts one connection per event-loop turn, and a saturated server's turn serves every ready socket, so connections opened during a level waited for it to drain (measured: up to the whole level, connect itself ≤ 100 ms)",
        },
      },
      scenarios: results,
      targets: evaluateTargets(results, {
        mutations: ['issue-report', 'revoke-report-suspends-certificate'],
        lineage: 'lineage-of-product',
      }),
    }
    const problems = resultProblems(result)
    if (problems.length > 0) throw new Error(`the result is malformed:\n${problems.join('\n')}`)
    mkdirSync(dirname(resultFile), { recursive: true })
    writeFileSync(resultFile, `${JSON.stringify(result, null, 2)}\n`)
    for (const target of result.targets)
      log(
        `target ${target.met === null ? 'n/a' : target.met ? 'MET' : 'NOT MET'}: ${target.description} (${target.actual})`,
      )
    log(`wrote ${resultFile} in ${((Date.now() - started) / 1000).toFixed(0)} s`)
  } finally {
    client.api?.close()
    client.base?.close()
    for (const child of processes) await stopProcess(child)
    rmSync(work, { recursive: true, force: true })
  }
}

await main()
