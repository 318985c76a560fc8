import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import superjson from 'superjson'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Platform } from './platform'
import { createServer } from './server'

describe('API server on the embedded store', () => {
  let platform: Platform
  let server: Awaited<ReturnType<typeof createServer>>

  beforeEach(async () => {
    platform = await Platform.start()
    server = await createServer(platform, (key) =>
      key === 'good-key' ? { userId: 'u1', org: 'org-1', orgName: 'Org 1', role: 'regulator' } : null,
    )
  })
  afterEach(async () => {
    await server.close()
    await platform.close()
  })

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const response = await server.inject({ method: 'GET', url: `/trpc/${path}`, headers })
    return { status: response.statusCode, body: JSON.parse(response.body) }
  }

  it('serves health without a key', async () => {
    const { status, body } = await get('system.health')
    expect(status).toBe(200)
    expect(body.result.data.json).toMatchObject({ status: 'ok', store: 'sqlite' })
  })

  it('refuses an unknown API key instead of treating the caller as public', async () => {
    const { status, body } = await get('system.health', { 'x-api-key': 'wrong' })
    expect(status).toBe(401)
    expect(body.error.json.message).toMatch(/API key is not valid/)
  })

  it('reports store statistics that include the caller’s own writes (minPosition)', async () => {
    await platform.store.appendToStream('standard-GB/T 1-2020', [{ type: 'StandardDrafted', data: {} }])
    const { position } = await platform.store.appendToStream('lab-L1', [
      { type: 'LabRegistered', data: {} },
      { type: 'LabAccredited', data: {} },
    ])
    const input = encodeURIComponent(JSON.stringify(superjson.serialize({ minPosition: position })))
    const { status, body } = await get(`system.store.stats?input=${input}`)
    expect(status).toBe(200)
    const stats = superjson.deserialize(body.result.data) as {
      eventCount: number
      lastPosition: bigint
      categories: Array<{ category: string; events: number }>
      projections: Array<{ name: string; lag: bigint; state: string }>
    }
    expect(stats.eventCount).toBe(3)
    expect(stats.lastPosition).toBe(position)
    expect(stats.categories).toEqual([
      { category: 'lab', events: 2 },
      { category: 'standard', events: 1 },
    ])
    expect(stats.projections.find((p) => p.name === 'store-stats')).toMatchObject({ lag: 0n, state: 'live' })
  })

  it('answers a malformed input with BAD_REQUEST and the zod issues', async () => {
    const input = encodeURIComponent(JSON.stringify({ json: { minPosition: 'soon' } }))
    const { status, body } = await get(`system.store.stats?input=${input}`)
    expect(status).toBe(400)
    expect(body.error.json.data.code).toBe('BAD_REQUEST')
    expect(body.error.json.data.zodIssues[0].path).toEqual(['minPosition'])
  })

  it('serves the built web app with a client-side-routing fallback, leaving /trpc alone', async () => {
    const webDist = mkdtempSync(join(tmpdir(), 'qi-web-'))
    try {
      mkdirSync(join(webDist, 'assets'))
      writeFileSync(join(webDist, 'index.html'), '<!doctype html><title>QI Ledger</title>')
      writeFileSync(join(webDist, 'assets', 'app.js'), 'console.log(1)')
      const withWeb = await createServer(platform, () => null, { webDist })
      try {
        const page = async (url: string) => {
          const response = await withWeb.inject({ method: 'GET', url })
          return {
            status: response.statusCode,
            type: String(response.headers['content-type']),
            body: response.body,
          }
        }
        expect(await page('/')).toMatchObject({ status: 200, body: expect.stringContaining('QI Ledger') })
        const deepLink = await page('/verify/CN-2024-0001?on=2025-01-01')
        expect(deepLink).toMatchObject({ status: 200, body: expect.stringContaining('QI Ledger') })
        expect(deepLink.type).toMatch(/text\/html/)
        expect(await page('/assets/app.js')).toMatchObject({ status: 200, body: 'console.log(1)' })
        expect((await page('/trpc/system.health')).status).toBe(200)
        const unknownProcedure = await page('/trpc/system.nope')
        expect(unknownProcedure.status).toBe(404)
        expect(unknownProcedure.body).not.toContain('QI Ledger')
      } finally {
        await withWeb.close()
      }
    } finally {
      rmSync(webDist, { recursive: true, force: true })
    }
  })
})
