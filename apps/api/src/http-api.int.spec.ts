import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoOrganisations } from './demo/organisations'
import { describeProcedures, EXAMPLE_MUTATION, EXAMPLE_QUERY, httpApiMarkdown } from './http-api'
import { startTestServer, type TestServer } from './testing'

describe('the HTTP API document for non-TypeScript clients', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(() => server.close())

  it('keeps docs/HTTP-API.md in step with the router', () => {
    const file = join(import.meta.dirname, '..', '..', '..', 'docs', 'HTTP-API.md')
    expect(readFileSync(file, 'utf8'), 'run `pnpm --filter @qi/api api-doc` to regenerate').toBe(
      httpApiMarkdown(),
    )
  })

  it('describes every procedure, with an input schema where it takes input', () => {
    const procedures = describeProcedures()
    expect(procedures.length).toBeGreaterThan(50)
    const mutation = procedures.find((p) => p.path === EXAMPLE_MUTATION.path)
    expect(mutation?.kind).toBe('mutation')
    const input = mutation?.input as { properties: object }
    expect(Object.keys(input.properties)).toEqual(expect.arrayContaining(Object.keys(EXAMPLE_MUTATION.input)))
  })

  it('answers the documented example calls as the document says, in plain JSON', async () => {
    const key = server.keyFor(demoOrganisations.regulator.orgId)
    const query = await fetch(
      `${server.url}/trpc/${EXAMPLE_QUERY.path}?input=${encodeURIComponent(JSON.stringify({ json: EXAMPLE_QUERY.input }))}`,
      { headers: { 'x-api-key': key } },
    )
    expect(query.status).toBe(200)
    expect(((await query.json()) as { result: { data: unknown } }).result.data).toHaveProperty('json')

    const mutation = await fetch(`${server.url}/trpc/${EXAMPLE_MUTATION.path}`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ json: EXAMPLE_MUTATION.input }),
    })
    expect(mutation.status).toBe(200)
    const body = (await mutation.json()) as {
      result: { data: { json: { position: string }; meta: { values: Record<string, string[]> } } }
    }
    // bigint positions travel as decimal strings, named in superjson's meta
    expect(body.result.data.json.position).toMatch(/^\d+$/)
    expect(body.result.data.meta.values.position).toEqual(['bigint'])

    const refused = await fetch(`${server.url}/trpc/${EXAMPLE_MUTATION.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ json: EXAMPLE_MUTATION.input }),
    })
    expect(refused.status).toBe(401)
    expect(
      ((await refused.json()) as { error: { json: { data: { code: string } } } }).error.json.data.code,
    ).toBe('UNAUTHORIZED')
  })

  it('reads the x-qi-seen-position header on every query: the position just written answers, junk is a 400', async () => {
    const key = server.keyFor(demoOrganisations.regulator.orgId)
    const mutation = await fetch(`${server.url}/trpc/${EXAMPLE_MUTATION.path}`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ json: { ...EXAMPLE_MUTATION.input, enterpriseId: '91420100MA4KHEAD01' } }),
    })
    const written = await mutation.json()
    expect(mutation.status, JSON.stringify(written)).toBe(200)
    const position = (written as { result: { data: { json: { position: string } } } }).result.data.json
      .position
    const url = `${server.url}/trpc/${EXAMPLE_QUERY.path}?input=${encodeURIComponent(JSON.stringify({ json: EXAMPLE_QUERY.input }))}`
    const seen = await fetch(url, { headers: { 'x-api-key': key, 'x-qi-seen-position': position } })
    expect(seen.status).toBe(200)
    const junk = await fetch(url, { headers: { 'x-api-key': key, 'x-qi-seen-position': 'yesterday' } })
    expect(junk.status).toBe(400)
    expect(((await junk.json()) as { error: { json: { message: string } } }).error.json.message).toContain(
      'x-qi-seen-position must be a store position',
    )
  })
})
