import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base'
import { createCallerFactory } from '@qi/trpc'
import superjson from 'superjson'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AccessRegistry, bootstrapAdminKey } from '../access'
import { type DemoResult, loadDemo } from '../demo/load-demo'
import { demoOrganisations } from '../demo/organisations'
import { Platform } from '../platform'
import { appRouter } from '../root'
import { createServer } from '../server'
import { startTracing } from './tracing'

const exporter = new InMemorySpanExporter()
const provider = startTracing({ exporter })

describe('observability of one command: logs, traces and metrics', () => {
  let platform: Platform
  let access: AccessRegistry
  let demo: DemoResult
  let server: Awaited<ReturnType<typeof createServer>>
  let url: string
  const logLines: Record<string, unknown>[] = []
  const rawLog: string[] = []

  beforeAll(async () => {
    platform = await Platform.start({ timers: false, now: () => new Date('2026-06-01T08:00:00Z') })
    access = AccessRegistry.open()
    bootstrapAdminKey(access)
    demo = await loadDemo(platform, access, { today: '2026-06-01' })
    await platform.settle()
    const stream = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) {
          rawLog.push(line)
          logLines.push(JSON.parse(line) as Record<string, unknown>)
        }
        done()
      },
    })
    server = await createServer(platform, access.resolve, { logLevel: 'info', logStream: stream })
    await server.listen({ port: 0, host: '127.0.0.1' })
    url = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`
  }, 300_000)
  afterAll(async () => {
    await server.close()
    access.close()
    await platform.close()
    await provider?.shutdown()
  })

  it('follows a revocation from HTTP to the append, the read models and the policy that suspends certificates', async () => {
    const regulatorKey = demo.keys.find((k) => k.orgId === demoOrganisations.regulator.orgId)!.apiKey
    const caller = createCallerFactory(appRouter)({
      actor: access.resolve(regulatorKey),
      invalidApiKey: false,
      requestId: 'find',
      deps: platform,
    })
    const { items } = await caller.certification.list({ status: 'valid', limit: 200 })
    let reportNo: string | undefined
    for (const item of items) {
      const cert = await caller.certification.get({ certificateNo: item.certificateNo })
      reportNo = cert.certificate.basisReports[0]
      if (reportNo) break
    }
    expect(reportNo).toBeDefined()
    exporter.reset()

    const response = await fetch(`${url}/trpc/testing.revokeReport`, {
      method: 'POST',
      headers: { 'x-api-key': regulatorKey, 'content-type': 'application/json' },
      body: JSON.stringify(
        superjson.serialize({ reportNo, revokedOn: '2026-06-01', reason: 'sample found falsified' }),
      ),
    })
    expect(response.status).toBe(200)
    await platform.settle()
    await provider?.forceFlush()

    const spans = exporter.getFinishedSpans()
    const named = (name: string) => spans.filter((s) => s.name === name)
    const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId
    const [http] = named('HTTP POST testing.revokeReport')
    const [procedure] = named('trpc testing.revokeReport')
    const [command] = named('command RevokeTestReport')
    const appends = named('eventstore.append')
    expect(http).toBeDefined()
    expect(parentOf(procedure!)).toBe(http!.spanContext().spanId)
    expect(parentOf(command!)).toBe(procedure!.spanContext().spanId)
    const append = appends.find((s) => parentOf(s) === command!.spanContext().spanId)
    expect(append?.attributes['qi.stream']).toBe(`report-${reportNo}`)
    const commandSpanId = command!.spanContext().spanId
    const linksToCommand = (span: ReadableSpan) => span.links.some((l) => l.context.spanId === commandSpanId)
    // read models applying the event link back to the command that wrote it
    expect(spans.filter((s) => s.name.startsWith('project ') && linksToCommand(s)).length).toBeGreaterThan(2)
    // the policy reacts in a span linked to the command, and its follow-up command is its child
    const policy = named('policy certification.report-revoked').find(linksToCommand)
    expect(policy).toBeDefined()
    const followUps = spans.filter(
      (s) => s.name.startsWith('command ') && parentOf(s) === policy!.spanContext().spanId,
    )
    expect(followUps.length).toBeGreaterThan(0)

    // one structured log line for the request, carrying the command, with what an operator needs and no key
    const line = logLines.find((l) => l.msg === 'command' && l.procedure === 'testing.revokeReport')
    expect(line).toMatchObject({
      method: 'POST',
      path: '/trpc/testing.revokeReport',
      status: 200,
      responseTimeMs: expect.any(Number),
      org: demoOrganisations.regulator.orgId,
      stream: `report-${reportNo}`,
      events: ['TestReportRevoked'],
      position: expect.stringMatching(/^\d+$/),
      reqId: expect.any(String),
      durationMs: expect.any(Number),
    })
    expect(logLines.filter((l) => l.reqId === line!.reqId)).toHaveLength(1)
    expect(rawLog.filter((l) => l.includes(String(line!.reqId)))).toHaveLength(1)
    expect(rawLog.join('\n')).not.toContain(regulatorKey)
    expect(rawLog.join('\n')).not.toContain('falsified')

    // metrics for the same command, scraped from loopback
    const metrics = await (await fetch(`${url}/metrics`)).text()
    // any other request: one line with method, path, status and duration
    expect(logLines.filter((l) => l.path === '/metrics')).toEqual([
      expect.objectContaining({
        msg: 'request',
        method: 'GET',
        status: 200,
        responseTimeMs: expect.any(Number),
      }),
    ])
    expect(metrics).toMatch(/qi_append_duration_seconds_count\{adapter="sqlite",outcome="ok"\} [1-9]/)
    expect(metrics).toMatch(/qi_group_commit_appends_count [1-9]/)
    expect(metrics).toMatch(
      /qi_http_request_duration_seconds_count\{procedure="testing.revokeReport",method="POST",status="200"\} 1/,
    )
    expect(metrics).toMatch(/qi_projection_lag_events\{projection="lineage.graph"\} 0/)
    expect(metrics).toMatch(/qi_projection_lag_seconds\{projection="lineage.graph"\} 0/)
    expect(metrics).toMatch(/qi_policy_backlog_events\{policy="certification.report-revoked"\} \d+/)
    expect(metrics).toMatch(/qi_dead_letters\{runner="store-stats"\} 0/)
  })
})
