/**
 * Where the time of "report revoked → certificate suspended, visible to a read" goes, measured on
 * the production bundle (the bench:api scenario `revoke-report-suspends-certificate`, same inputs,
 * same client reads). The API server runs with tracing on, its spans sent (OTLP/HTTP JSON) to a
 * receiver in this process; each operation is split into:
 * - revoke: the client's revokeReport call, as toCommand (from the call to the command's start:
 *   HTTP, connection set-up, queueing), command (decide, append) and reply (back to the client);
 * - policy wake: from the revoke command's end (its append resolved) to the policy's reaction start;
 * - follow-up: the reaction (read models at the trigger, decide, append the suspension);
 * - read model: from the suspension's command end to the end of the certificates read model's
 *   batch that applied it;
 * - visible: from there to the client's read that saw `suspended` (the read's wait and round trip,
 *   and the poll's pauses when it reads without afterPolicies).
 * Tracing costs CPU, so the totals run higher than bench:api's; the split is what this is for.
 * Also prints the API server's CPU time per operation (from /proc; robust when the machine is
 * shared, unlike throughput) and the client's reads per operation.
 * Usage: tsx src/api/policy-split.ts [clients=1,64] [count=200]. Environment: SPLIT_READ=poll (reads
 * without afterPolicies, as the scenario did before; default ryw), SPLIT_TRACE=0 (no tracing, for
 * CPU figures and profiles), SPLIT_ORDER=1 (each operation's wait to reach the revoke command, in
 * start order), SPLIT_KEEP=1 (keep the temporary folder and the server log), BENCH_CPU_PROF=<dir>.
 */
import { type ChildProcess, execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import os from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import { HttpClient, runLevel, TrpcHttp } from './http'
import { issueCertifiedReports } from './revocations'
import { API_READY, apiArguments, apiEnvironment, demoKeys, startProcess, stopProcess } from './servers'

const here = dirname(fileURLToPath(import.meta.url))
const apiDir = resolve(here, '..', '..', '..', '..', 'apps', 'api')
const clientLevels = (process.argv[2] ?? '1,64').split(',').map(Number)
const count = Number(process.argv[3] ?? 200)
const cpuProfileDir = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))
const wallMs = () => performance.timeOrigin + performance.now()
/** CPU time (user + system) the process has used, in ms, from /proc (Linux). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  const ticks = Number(fields[11]) + Number(fields[12])
  return (ticks * 1000) / 100 // USER_HZ is 100 on Linux
}
/** The client's reads: `ryw` passes the revocation's position with afterPolicies first (bench:api's loop). */
const readMode = process.env.SPLIT_READ ?? 'ryw'

interface Span {
  name: string
  start: number
  end: number
  attributes: Record<string, string | number>
}

/** An OTLP/HTTP JSON receiver keeping the spans this split needs. */
function spanReceiver() {
  const spans: Span[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      let body = Buffer.concat(chunks)
      if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body)
      const payload = JSON.parse(body.toString('utf8')) as {
        resourceSpans: Array<{
          scopeSpans: Array<{
            spans: Array<{
              name: string
              startTimeUnixNano: string
              endTimeUnixNano: string
              attributes?: Array<{ key: string; value: { stringValue?: string; intValue?: string | number } }>
            }>
          }>
        }>
      }
      for (const resource of payload.resourceSpans)
        for (const scope of resource.scopeSpans)
          for (const span of scope.spans) {
            if (!/^(command |policy |project certification\.certificates)/.test(span.name)) continue
            const attributes: Record<string, string | number> = {}
            for (const a of span.attributes ?? [])
              attributes[a.key] = a.value.stringValue ?? Number(a.value.intValue ?? Number.NaN)
            spans.push({
              name: span.name,
              start: Number(BigInt(span.startTimeUnixNano) / 1000n) / 1000,
              end: Number(BigInt(span.endTimeUnixNano) / 1000n) / 1000,
              attributes,
            })
          }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  return { server, spans }
}

async function main() {
  execFileSync(process.execPath, ['build.mjs'], { cwd: apiDir, stdio: 'inherit' })
  const receiver = spanReceiver()
  await new Promise<void>((done) => receiver.server.listen(0, '127.0.0.1', done))
  const otlpPort = (receiver.server.address() as { port: number }).port
  const work = mkdtempSync(join(os.tmpdir(), 'qi-policy-split-'))
  let child: ChildProcess | null = null
  let client: HttpClient | null = null
  try {
    if (cpuProfileDir) mkdirSync(cpuProfileDir, { recursive: true })
    const api = await startProcess('API server', apiArguments('dist/main.js', cpuProfileDir), {
      cwd: apiDir,
      env: apiEnvironment(join(work, 'data'), {
        OTEL_EXPORTER_OTLP_ENDPOINT: process.env.SPLIT_TRACE === '0' ? '' : `http://127.0.0.1:${otlpPort}`,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_MAX_QUEUE_SIZE: '500000',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '4096',
        OTEL_BSP_SCHEDULE_DELAY: '200',
      }),
      logFile: join(work, 'api.log'),
      ready: API_READY,
      timeoutMs: 120_000,
    })
    child = api.child
    const url = api.match[1]!
    const keys = demoKeys(api.output())
    client = new HttpClient(new URL(url))
    const lab = new TrpcHttp(client, keys.get('HBQI')!)
    const body = new TrpcHttp(client, keys.get('CQC-WH')!)
    const run = Date.now().toString(36)
    let serial = 0
    for (const clients of [8, ...clientLevels]) {
      const n = clients === 8 && serial === 0 ? 50 : count
      const first = serial
      serial += n
      await issueCertifiedReports(
        lab,
        body,
        (i) => ({ reportNo: `SP-${run}-${i}`, certificateNo: `SC-${run}-${i}` }),
        first,
        n,
      )
      await sleep(500)
      receiver.spans.length = 0
      const ops = new Map<number, { t0: number; t1: number; t2: number; revokePosition: number }>()
      let reads = 0
      const cpuBefore = cpuMs(child.pid!)
      const levelStarted = wallMs()
      const level = await runLevel(
        clients,
        n,
        async (i) => {
          const t0 = wallMs()
          const revoked = await lab.mutation<{ position: string }>('testing.revokeReport', {
            reportNo: `SP-${run}-${i}`,
            revokedOn: '2025-05-20',
            reason: 'bench: revoked',
          })
          const t1 = wallMs()
          for (let pause = 1, read = 0; ; pause = Math.min(16, pause * 2), read++) {
            reads += 1
            const first = read === 0 && readMode === 'ryw'
            const c = await body.query<{ status: string }>(
              'certification.get',
              first
                ? { certificateNo: `SC-${run}-${i}`, minPosition: revoked.position, afterPolicies: true }
                : { certificateNo: `SC-${run}-${i}` },
              first ? { values: { minPosition: ['bigint'] } } : undefined,
            )
            if (c.status === 'suspended') break
            await sleep(pause)
          }
          ops.set(i, { t0, t1, t2: wallMs(), revokePosition: Number(revoked.position) })
        },
        first,
      )
      if (clients === 8 && first === 0) continue // warm-up
      const levelEnded = wallMs()
      const serverCpu = cpuMs(child.pid!) - cpuBefore
      await sleep(1500) // the batch span processor exports every 200 ms
      const spans = receiver.spans
      const revokeSpan = new Map<number, Span>()
      const policies: Span[] = []
      const suspensionByStream = new Map<string, Span>()
      const projections: Span[] = []
      for (const s of spans) {
        if (s.name === 'command RevokeTestReport') revokeSpan.set(Number(s.attributes['qi.position']), s)
        else if (s.name === 'policy certification.report-revoked') policies.push(s)
        else if (s.name === 'command SuspendCertificate')
          suspensionByStream.set(String(s.attributes['qi.stream']), s)
        else if (s.name.startsWith('project ')) projections.push(s)
      }
      projections.sort((a, b) => a.end - b.end)
      const parts = {
        toCommand: [] as number[],
        command: [] as number[],
        reply: [] as number[],
        wake: [] as number[],
        followUp: [] as number[],
        readModel: [] as number[],
        visible: [] as number[],
        total: [] as number[],
      }
      let matched = 0
      const byStart: Array<[number, number]> = []
      for (const [i, op] of ops) {
        // A batch's span covers its triggers from qi.position to qi.last_position.
        const policy = policies.find(
          (p) =>
            Number(p.attributes['qi.position']) <= op.revokePosition &&
            op.revokePosition <= Number(p.attributes['qi.last_position'] ?? p.attributes['qi.position']),
        )
        const revokeCommand = revokeSpan.get(op.revokePosition)
        const committed = revokeCommand?.end
        const suspension = [...suspensionByStream.entries()].find(([stream]) =>
          stream.endsWith(`SC-${run}-${i}`),
        )?.[1]
        if (!policy || !revokeCommand || committed === undefined || !suspension) continue
        const position = Number(suspension.attributes['qi.position'])
        const applied = projections.find(
          (p) => Number(p.attributes['qi.position']) >= position && p.end >= suspension.end,
        )
        if (!applied) continue
        matched += 1
        parts.toCommand.push(revokeCommand.start - op.t0)
        byStart.push([op.t0, revokeCommand.start - op.t0])
        parts.command.push(revokeCommand.end - revokeCommand.start)
        parts.reply.push(op.t1 - revokeCommand.end)
        parts.wake.push(policy.start - committed)
        parts.followUp.push(suspension.end - policy.start)
        parts.readModel.push(applied.end - suspension.end)
        parts.visible.push(op.t2 - applied.end)
        parts.total.push(op.t2 - op.t0)
      }
      const stat = (values: number[]) => {
        const sorted = [...values].sort((a, b) => a - b)
        const at = (q: number) =>
          sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN
        const mean = values.reduce((s, v) => s + v, 0) / values.length
        return `mean ${mean.toFixed(2)} p50 ${at(0.5).toFixed(2)} p99 ${at(0.99).toFixed(2)}`
      }
      console.log(
        `[policy-split] ${clients} clients: ${level.throughput}/s p50 ${level.p50} p99 ${level.p99} ms, errors ${level.errors}, server CPU ${(serverCpu / n).toFixed(2)} ms per operation (${readMode} reads), ${((levelEnded - levelStarted) / 1000).toFixed(1)} s, ended at ${new Date(levelEnded).toISOString()}, ${(reads / n).toFixed(1)} reads per operation; ${matched}/${ops.size} traced (ms)`,
      )
      if (process.env.SPLIT_ORDER === '1')
        console.log(
          '  toCommand by start (ms after the level began: ms to reach the command)',
          byStart
            .sort((x, y) => x[0] - y[0])
            .map(([t, v]) => `${(t - byStart[0]![0]).toFixed(0)}:${v.toFixed(0)}`)
            .join(' '),
        )
      if (matched > 0)
        for (const [name, values] of Object.entries(parts))
          console.log(`  ${name.padEnd(10)} ${stat(values)}`)
    }
    console.log(
      `[policy-split] load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    )
  } finally {
    client?.close()
    if (child) await stopProcess(child)
    receiver.server.close()
    if (process.env.SPLIT_KEEP) console.log('kept', work)
    else rmSync(work, { recursive: true, force: true })
  }
}

await main()
