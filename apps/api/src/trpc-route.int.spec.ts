import superjson from 'superjson'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AccessRegistry, bootstrapAdminKey } from './access'
import { demoKettleReport } from './demo/kettle-report'
import { type DemoKey, loadDemo } from './demo/load-demo'
import { Platform } from './platform'
import { createServer } from './server'

type Server = Awaited<ReturnType<typeof createServer>>

const report = demoKettleReport

const query = (input: unknown) => `?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`
const body = (input: unknown) => JSON.stringify(superjson.serialize(input))

/**
 * The direct tRPC route (trpc-route.ts) against tRPC's own Fastify adapter, on one platform: every
 * request gets the same status, content type and body byte for byte — answers, refusals, input
 * errors, and the requests the direct route leaves to the adapter.
 */
describe('the direct tRPC route answers as tRPC’s adapter does', () => {
  let platform: Platform
  let access: AccessRegistry
  let keys: DemoKey[]
  let direct: Server
  let adapter: Server
  const key = (org: string) => keys.find((k) => k.orgId === org)!.apiKey

  beforeAll(async () => {
    platform = await Platform.start({ timers: false, now: () => new Date('2025-06-01T00:00:00Z') })
    access = AccessRegistry.open()
    bootstrapAdminKey(access)
    keys = (await loadDemo(platform, access, { today: '2025-06-01' })).keys
    await platform.settle()
    direct = await createServer(platform, access.resolve)
    adapter = await createServer(platform, access.resolve, { trpcDirect: false })
  })
  afterAll(async () => {
    await direct?.close()
    await adapter?.close()
    access?.close()
    await platform?.close()
  })

  interface Call {
    name: string
    method: 'GET' | 'POST'
    url: string
    org?: string
    headers?: Record<string, string>
    payload?: string
    status: number
    /** Left to tRPC's adapter by the direct route too. */
    adapter?: true
  }
  const json = { 'content-type': 'application/json' }
  const calls: Call[] = [
    { name: 'public query', method: 'GET', url: '/trpc/system.health', status: 200 },
    {
      name: 'query with bigint output',
      method: 'GET',
      url: `/trpc/system.store.stats${query({})}`,
      status: 200,
    },
    {
      name: 'role query',
      method: 'GET',
      url: `/trpc/testing.listReports${query({ limit: 3, offset: 0 })}`,
      org: 'HBAMR',
      status: 200,
    },
    {
      name: 'NOT_FOUND from a procedure',
      method: 'GET',
      url: `/trpc/testing.getReport${query({ reportNo: 'nope' })}`,
      org: 'HBAMR',
      status: 404,
    },
    {
      name: 'input refused by zod',
      method: 'GET',
      url: `/trpc/testing.listReports${query({ limit: -1 })}`,
      org: 'HBAMR',
      status: 400,
    },
    { name: 'no key', method: 'GET', url: `/trpc/testing.listReports${query({})}`, status: 401 },
    {
      name: 'invalid key',
      method: 'GET',
      url: '/trpc/system.health',
      headers: { 'x-api-key': 'qi_lab_wrong' },
      status: 401,
    },
    {
      name: 'wrong role',
      method: 'POST',
      url: '/trpc/testing.issueReport',
      org: 'HBAMR',
      headers: json,
      payload: body(report('EQ-1')),
      status: 403,
    },
    {
      name: 'another organisation',
      method: 'POST',
      url: '/trpc/testing.issueReport',
      org: 'HBQI',
      headers: json,
      payload: body(report('EQ-2', { labId: 'WHMI' })),
      status: 403,
    },
    {
      name: 'rule refused (PRECONDITION_FAILED)',
      method: 'POST',
      url: '/trpc/testing.issueReport',
      org: 'HBQI',
      headers: json,
      payload: body(report('EQ-3', { instrumentIds: ['NO-SUCH-INSTRUMENT'] })),
      status: 412,
    },
    {
      name: 'mutation input refused by zod',
      method: 'POST',
      url: '/trpc/testing.issueReport',
      org: 'HBQI',
      headers: json,
      payload: body({ reportNo: '' }),
      status: 400,
    },
    // Left to the adapter by the direct route: both answer through tRPC's adapter.
    { name: 'unknown procedure', method: 'GET', url: '/trpc/no.such', status: 404, adapter: true },
    {
      name: 'query sent as POST',
      method: 'POST',
      url: '/trpc/system.health',
      headers: json,
      status: 405,
      adapter: true,
    },
    {
      name: 'batch',
      method: 'GET',
      url: `/trpc/system.health,system.health?batch=1&input=${encodeURIComponent('{}')}`,
      status: 200,
      adapter: true,
    },
    {
      name: 'malformed JSON body',
      method: 'POST',
      url: '/trpc/testing.issueReport',
      org: 'HBQI',
      headers: json,
      payload: '{"json":',
      status: 400,
      adapter: true,
    },
  ]

  const send = (server: Server, call: Call, extra: Record<string, string> = {}) =>
    server.inject({
      method: call.method,
      url: call.url,
      headers: { ...(call.org ? { 'x-api-key': key(call.org) } : {}), ...call.headers, ...extra },
      ...(call.payload !== undefined ? { payload: call.payload } : {}),
    })

  it.each(calls)('$name', async (call) => {
    const [a, b] = [await send(direct, call), await send(adapter, call)]
    expect(a.statusCode).toBe(call.status)
    expect(b.statusCode).toBe(call.status)
    expect(a.headers['content-type']).toBe(b.headers['content-type'])
    expect(a.headers.vary).toBe(b.headers.vary)
    expect(a.body).toBe(b.body)
    // The adapter streams its Response (chunked); the direct route sends the body whole.
    expect(b.headers['transfer-encoding']).toBe('chunked')
    if (call.adapter) expect(a.headers['transfer-encoding']).toBe('chunked')
    else expect(a.headers['content-length']).toBe(String(Buffer.byteLength(a.body)))
  })

  it('a mutation: the same answer, the retry through the adapter marked as the duplicate it is', async () => {
    const call: Call = {
      name: 'issue',
      method: 'POST',
      url: '/trpc/testing.issueReport',
      org: 'HBQI',
      headers: json,
      payload: body({ ...report('EQ-OK'), commandId: 'eq-ok-0001' }),
      status: 200,
    }
    const first = await send(direct, call)
    expect(first.statusCode).toBe(200)
    expect(first.headers['content-length']).toBeDefined()
    const retried = await send(adapter, call)
    expect(retried.statusCode).toBe(200)
    expect(first.headers['content-type']).toBe(retried.headers['content-type'])
    const decode = (raw: string) =>
      superjson.deserialize(JSON.parse(raw).result.data) as Record<string, unknown>
    expect(decode(first.body)).toMatchObject({ duplicate: false, events: ['TestReportIssued'] })
    expect({ ...decode(retried.body), duplicate: false }).toEqual(decode(first.body))
    expect(retried.body.replace('"duplicate":true', '"duplicate":false')).toBe(first.body)
  })
})
