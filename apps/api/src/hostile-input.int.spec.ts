import { request as httpRequest } from 'node:http'
import { type Actor, createCallerFactory } from '@qi/trpc'
import { TRPCError } from '@trpc/server'
import fc from 'fast-check'
import superjson from 'superjson'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { ZodType } from 'zod'
import { AccessRegistry } from './access'
import { Platform } from './platform'
import { appRouter } from './root'
import { createServer } from './server'
import { startTestServer, type TestServer } from './testing'

const SEED = 20261125
const admin: Actor = { userId: 'fuzz', org: 'admin', orgName: 'Admin', role: 'admin' }

interface ProcedureDef {
  _def: { type: 'query' | 'mutation' | 'subscription'; inputs: ZodType[] }
}

// At run time tRPC keeps every procedure in one flat record keyed by its dotted path.
const mutations = Object.entries(appRouter._def.procedures as unknown as Record<string, ProcedureDef>)
  .filter(([, procedure]) => procedure._def.type === 'mutation')
  .map(([path, procedure]) => ({ path, schema: procedure._def.inputs[0] }))

/** Values an attacker or a broken client might send: wrong types, hostile strings, deep nesting. */
const hostile = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.record({
    certificateNo: fc.constantFrom(
      "'; DROP TABLE events; --",
      '',
      ' ',
      '\u0000',
      'x'.repeat(5000),
      '../../etc/passwd',
    ),
    reportNo: fc.string({ unit: 'binary', maxLength: 50 }),
    labId: fc.oneof(fc.integer(), fc.constant(null), fc.string({ unit: 'grapheme', maxLength: 20 })),
    code: fc.constantFrom('GB/T 1', '<script>alert(1)</script>', '𝔊𝔅 1'),
    version: fc.constantFrom('1899', '20x6', ''),
    on: fc.constantFrom('2024-02-30', 'yesterday', '2024-13-01'),
    commandId: fc.constantFrom('short', 'x'.repeat(500)),
  }),
)

describe('every mutation refuses malformed and hostile input with a typed error and writes nothing', () => {
  let platform: Platform
  beforeAll(async () => {
    platform = await Platform.start({ timers: false })
  })
  afterAll(async () => {
    await platform.close()
  })

  it('covers all the mutations of the platform', () => {
    expect(mutations.length).toBeGreaterThanOrEqual(35)
  })

  it.each(mutations)('$path', async ({ path, schema }) => {
    const caller = createCallerFactory(appRouter)({
      actor: admin,
      invalidApiKey: false,
      requestId: 'fuzz',
      deps: platform,
    })
    const procedure = path
      .split('.')
      .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (
      input: unknown,
    ) => Promise<unknown>
    const head = await platform.store.headPosition()
    await fc.assert(
      fc.asyncProperty(hostile, async (input) => {
        // Inputs that happen to be valid are not hostile: the rest must be refused.
        fc.pre(!schema?.safeParse(input).success)
        let error: unknown
        try {
          await procedure(input)
        } catch (caught) {
          error = caught
        }
        expect(error, `${path} accepted ${JSON.stringify(input)?.slice(0, 200)}`).toBeInstanceOf(TRPCError)
        expect((error as TRPCError).code).toBe('BAD_REQUEST')
      }),
      { seed: SEED, numRuns: 40, verbose: 1 },
    )
    expect(await platform.store.headPosition()).toBe(head)
  })
})

/** A stack trace, a server file path or SQL in a body tells an attacker how the server is built. */
const LEAK = /"stack"|\/(work|home|usr|tmp|root)\/|node_modules|\.ts:\d+|SQLITE|SELECT |sqlite/i

interface Answer {
  status: number
  headers: Headers
  text: string
  json: { error?: { json?: { message?: string; data?: Record<string, unknown> } } } & Record<string, unknown>
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text()
  let json = {}
  try {
    json = JSON.parse(text)
  } catch {}
  return { status: response.status, headers: response.headers, text, json }
}

/** What every refusal must look like: a 4xx, no leak. */
function expectCleanRefusal(result: Answer, status: number) {
  expect(result.status, result.text.slice(0, 300)).toBe(status)
  expect(result.text).not.toMatch(LEAK)
}

const queryUrl = (base: string, path: string, input: unknown) =>
  `${base}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`

describe('hostile HTTP requests are refused early, with a 4xx and no server internals', () => {
  let server: TestServer
  let head: bigint | null
  beforeAll(async () => {
    server = await startTestServer()
    head = await server.platform.store.headPosition()
  }, 300_000)
  afterAll(async () => {
    await server?.close()
  })
  afterEach(async () => {
    expect(await server.platform.store.headPosition()).toBe(head)
  })

  it('tells an anonymous caller to sign in without a stack trace or file path', async () => {
    const result = await answer(await fetch(`${server.url}/trpc/system.whoami`))
    expectCleanRefusal(result, 401)
    expect(result.json.error?.json?.data?.stack).toBeUndefined()
  })

  it('refuses a multipart body with 415 before reading it (a 400 MB upload is never read)', async () => {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(`${server.url}/trpc/industrialization.designateDemoZone`, {
        method: 'POST',
        headers: {
          'content-type': 'multipart/form-data; boundary=qi',
          'content-length': String(400 * 1024 * 1024),
          'x-api-key': server.adminKey,
        },
      })
      request.on('response', (response) => {
        let text = ''
        response.on('data', (chunk: Buffer) => {
          text += chunk.toString()
        })
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, body: text })
          request.destroy()
        })
      })
      request.on('error', reject)
      // Only the first 64 KiB of the announced 400 MB are ever sent.
      request.write(`--qi\r\ncontent-disposition: form-data; name="x"\r\n\r\n${'x'.repeat(64 * 1024)}`)
    })
    expect(status).toBe(415)
    expect(body).toMatch(/application\/json/)
    expect(body).not.toMatch(LEAK)
  })

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream'])(
    'refuses a %s body with 415',
    async (contentType) => {
      const result = await answer(
        await fetch(`${server.url}/trpc/industrialization.designateDemoZone`, {
          method: 'POST',
          headers: { 'content-type': contentType, 'x-api-key': server.adminKey },
          body: 'zoneId=DZ-X',
        }),
      )
      expectCleanRefusal(result, 415)
    },
  )

  it('refuses a JSON body over the limit with 413', async () => {
    const result = await answer(
      await fetch(`${server.url}/trpc/industrialization.designateDemoZone`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': server.adminKey },
        body: JSON.stringify({ json: { zoneId: 'DZ-BIG', name: 'x'.repeat(2 * 1024 * 1024) } }),
      }),
    )
    expectCleanRefusal(result, 413)
  })

  it('caps a tRPC batch at 10 calls with a clear 400', async () => {
    const batch = (n: number) =>
      fetch(`${server.url}/trpc/${Array(n).fill('system.health').join(',')}?batch=1&input={}`)
    expect((await batch(10)).status).toBe(200)
    const result = await answer(await batch(11))
    expectCleanRefusal(result, 400)
    expect(result.text).toMatch(/at most 10 calls/)
  })

  it('refuses a far-future minPosition at once instead of holding the request open', async () => {
    const far = (head ?? 0n) + 1_000_000n
    for (const [path, input] of [
      ['testing.verifyReport', { reportNo: 'HBQI-2023-0001', minPosition: far }],
      ['certification.verify', { certificateNo: 'CCC-2023-0107001', minPosition: far }],
      ['system.store.stats', { minPosition: far }],
    ] as const) {
      const result = await answer(await fetch(queryUrl(server.url, path, input)))
      expectCleanRefusal(result, 400)
      expect(result.json.error?.json?.message).toMatch(/beyond the store's last position/)
    }
    // A position the API did hand out is still waited for and answered.
    const ok = await fetch(
      queryUrl(server.url, 'testing.verifyReport', { reportNo: 'HBQI-2023-0001', minPosition: head }),
    )
    expect(ok.status).toBe(200)
  })

  it('lets only the regulator and admin read the raw event log', async () => {
    const read = (key: string) =>
      fetch(queryUrl(server.url, 'system.events.all', { limit: 1 }), { headers: { 'x-api-key': key } })
    expectCleanRefusal(await answer(await read(server.keyFor('HBQI'))), 403)
    expectCleanRefusal(await answer(await read(server.keyFor('91420100MA4K0DF001'))), 403)
    expect((await read(server.keyFor('HBAMR'))).status).toBe(200)
  })

  it('sends security headers: a CSP without framing, nosniff, no referrer', async () => {
    for (const path of ['/trpc/system.health', '/health']) {
      const response = await fetch(`${server.url}${path}`)
      const csp = response.headers.get('content-security-policy') ?? ''
      expect(csp).toContain("frame-ancestors 'none'")
      expect(csp).toContain("script-src 'self'")
      expect(response.headers.get('x-content-type-options')).toBe('nosniff')
      expect(response.headers.get('referrer-policy')).toBe('no-referrer')
    }
  })
})

describe('rate limits for callers without a valid key', () => {
  let platform: Platform
  let access: AccessRegistry
  let app: Awaited<ReturnType<typeof createServer>>
  let key: string
  beforeAll(async () => {
    platform = await Platform.start({ timers: false })
    access = AccessRegistry.open()
    access.createOrg({ orgId: 'REG', name: 'Regulator', role: 'regulator' })
    key = access.issueKey('REG', 'officer')
    app = await createServer(platform, access.resolve, {
      limits: { anonymousPerMinute: 5, failedKeyPerMinute: 3, signedInPerMinute: 0 },
    })
  })
  afterAll(async () => {
    await app.close()
    access.close()
    await platform.close()
  })
  const health = (headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url: '/trpc/system.health', headers })

  it('answers 429 once an address spends its anonymous or failed-key allowance, never to a valid key', async () => {
    for (let i = 0; i < 5; i++) expect((await health()).statusCode).toBe(200)
    const limited = await health()
    expect(limited.statusCode).toBe(429)
    expect(limited.body).toMatch(/too many requests/)
    expect(limited.body).not.toMatch(LEAK)

    for (let i = 0; i < 3; i++) expect((await health({ 'x-api-key': 'qi_admin_guess' })).statusCode).toBe(401)
    expect((await health({ 'x-api-key': 'qi_admin_guess' })).statusCode).toBe(429)

    for (let i = 0; i < 30; i++) expect((await health({ 'x-api-key': key })).statusCode).toBe(200)
  })

  it('behind a trusted proxy, counts each client address separately', async () => {
    const proxied = await createServer(platform, access.resolve, {
      limits: { anonymousPerMinute: 2, trustProxy: true },
    })
    try {
      const from = (client: string) =>
        proxied.inject({ method: 'GET', url: '/trpc/system.health', headers: { 'x-forwarded-for': client } })
      for (let i = 0; i < 2; i++) expect((await from('203.0.113.1')).statusCode).toBe(200)
      expect((await from('203.0.113.1')).statusCode).toBe(429)
      expect((await from('203.0.113.2')).statusCode).toBe(200)
    } finally {
      await proxied.close()
    }
  })
})

describe('an unexpected failure in production', () => {
  it('answers 500 with a reference the server logged, not the SQLite message', async () => {
    const platform = await Platform.start({ timers: false })
    const app = await createServer(platform, () => null)
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      // The read model's database disappears under the running server.
      platform.runner('store-stats').db.close()
      const response = await app.inject({ method: 'GET', url: '/trpc/system.store.stats' })
      expect(response.statusCode).toBe(500)
      expect(response.body).not.toMatch(LEAK)
      expect(response.body).not.toMatch(/database|connection/i)
      const body = response.json() as { error: { json: { message: string; data: { requestId: string } } } }
      const reference = body.error.json.data.requestId
      expect(body.error.json.message).toContain(reference)
      expect(logged.mock.calls.some((args) => String(args[0]).includes(reference))).toBe(true)
    } finally {
      logged.mockRestore()
      await app.close()
      await platform.close().catch(() => {})
    }
  })
})
