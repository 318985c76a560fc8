import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AccessRegistry, bootstrapAdminKey, hashApiKey } from './access'
import { Platform } from './platform'
import { createServer } from './server'

const WUHAN_AUTO = '91420100MA4KX8N21B'

describe('AccessRegistry', () => {
  let registry: AccessRegistry
  beforeEach(() => {
    registry = AccessRegistry.open()
  })
  afterEach(() => registry.close())

  it('issues keys that resolve to the actor of their organisation', () => {
    registry.createOrg({ orgId: WUHAN_AUTO, name: 'Wuhan Auto Parts Co.', role: 'enterprise' })
    const key = registry.issueKey(WUHAN_AUTO, 'clerk-1')
    expect(key).toMatch(/^qi_enterprise_[A-Za-z0-9_-]{24,}$/)
    expect(registry.resolve(key)).toEqual({
      userId: 'clerk-1',
      org: WUHAN_AUTO,
      orgName: 'Wuhan Auto Parts Co.',
      role: 'enterprise',
    })
    expect(registry.issueKey(WUHAN_AUTO, 'clerk-2')).not.toBe(key)
    expect(registry.resolve(`${key}x`)).toBeNull()
  })

  it('stops resolving a revoked key, by key or by id, and leaves other keys working', () => {
    registry.createOrg({ orgId: 'LAB-01', name: 'Hubei Auto Test Centre', role: 'lab' })
    const first = registry.issueKey('LAB-01', 'analyst')
    const second = registry.issueKey('LAB-01', 'signatory')
    const third = registry.issueKey('LAB-01', 'manager')
    // resolved (and so remembered) before they are revoked
    expect(registry.resolve(first)?.userId).toBe('analyst')
    expect(registry.resolve(third)?.userId).toBe('manager')
    expect(registry.revokeKey(first)).toBe(true)
    expect(registry.revokeKey(first)).toBe(false)
    const thirdId = registry.listKeys('LAB-01').find((k) => k.userId === 'manager')!.keyId
    expect(registry.revokeKeyById(thirdId)).toBe(true)
    expect(registry.resolve(first)).toBeNull()
    expect(registry.resolve(third)).toBeNull()
    expect(registry.resolve(second)?.userId).toBe('signatory')
    expect(registry.listKeys('LAB-01').map((k) => [k.userId, k.revokedAt !== null])).toEqual([
      ['analyst', true],
      ['signatory', false],
      ['manager', true],
    ])
  })

  it('refuses unknown organisations, duplicate organisations and unknown roles', () => {
    expect(() => registry.issueKey('nobody', 'u')).toThrow("organisation 'nobody' was not found")
    registry.createOrg({ orgId: 'HB-AMR', name: 'Hubei AMR', role: 'regulator' })
    expect(() => registry.createOrg({ orgId: 'HB-AMR', name: 'Again', role: 'regulator' })).toThrow(
      'already exists',
    )
    expect(() => registry.createOrg({ orgId: 'X', name: 'X', role: 'emperor' as 'admin' })).toThrow()
  })

  it('creates the admin organisation and key only on the first start', () => {
    const key = bootstrapAdminKey(registry)
    expect(key).toMatch(/^qi_admin_/)
    expect(registry.resolve(key!)).toMatchObject({ org: 'admin', role: 'admin', userId: 'admin' })
    expect(bootstrapAdminKey(registry)).toBeNull()
  })
})

describe('file-backed registry', () => {
  let dataDir: string
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'qi-access-'))
  })
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }))

  it('keeps keys and revocations across a restart', () => {
    const before = AccessRegistry.open(dataDir)
    const adminKey = bootstrapAdminKey(before)!
    before.createOrg({ orgId: 'HB-AMR', name: 'Hubei AMR', role: 'regulator' })
    const kept = before.issueKey('HB-AMR', 'officer')
    const revoked = before.issueKey('HB-AMR', 'former-officer')
    before.revokeKey(revoked)
    before.close()

    const after = AccessRegistry.open(dataDir)
    expect(bootstrapAdminKey(after)).toBeNull()
    expect(after.resolve(adminKey)?.role).toBe('admin')
    expect(after.resolve(kept)).toEqual({
      userId: 'officer',
      org: 'HB-AMR',
      orgName: 'Hubei AMR',
      role: 'regulator',
    })
    expect(after.resolve(revoked)).toBeNull()
    after.close()
  })

  it('never writes a plaintext key to disk, only its SHA-256 hash', () => {
    const registry = AccessRegistry.open(dataDir)
    registry.createOrg({ orgId: 'HB-AMR', name: 'Hubei AMR', role: 'regulator' })
    const keys = [registry.issueKey('HB-AMR', 'officer'), registry.issueKey('HB-AMR', 'inspector')]
    // Read the bytes while the database is open (journal files included) and after closing it.
    const bytesOnDisk = () =>
      readdirSync(dataDir)
        .filter((file) => file.startsWith('access.db'))
        .map((file) => readFileSync(join(dataDir, file)).toString('latin1'))
        .join('\n')
    const whileOpen = bytesOnDisk()
    registry.close()
    const afterClose = bytesOnDisk()
    for (const key of keys) {
      const randomPart = key.slice('qi_regulator_'.length)
      for (const bytes of [whileOpen, afterClose]) {
        expect(bytes).not.toContain(key)
        expect(bytes).not.toContain(randomPart)
      }
      expect(afterClose).toContain(hashApiKey(key))
    }
  })
})

describe('API keys over HTTP', () => {
  let platform: Platform
  let registry: AccessRegistry
  let app: Awaited<ReturnType<typeof createServer>>
  let regulatorKey: string

  beforeEach(async () => {
    platform = await Platform.start()
    registry = AccessRegistry.open()
    registry.createOrg({ orgId: 'HB-AMR', name: 'Hubei AMR', role: 'regulator' })
    regulatorKey = registry.issueKey('HB-AMR', 'officer')
    app = await createServer(platform, registry.resolve)
  })
  afterEach(async () => {
    await app.close()
    await platform.close()
    registry.close()
  })

  const get = (path: string, apiKey?: string) =>
    app.inject({ method: 'GET', url: path, headers: apiKey ? { 'x-api-key': apiKey } : {} })
  const listEnterprises = `/trpc/industrialization.listEnterprises?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`

  it('accepts a valid key and serves the public health check without one', async () => {
    expect((await get('/trpc/system.health', regulatorKey)).statusCode).toBe(200)
    expect((await get('/trpc/system.health')).statusCode).toBe(200)
    const listed = await get(listEnterprises, regulatorKey)
    expect(listed.statusCode).toBe(200)
    expect(listed.json()).toMatchObject({ result: { data: { json: { total: 0, items: [] } } } })
  })

  it('answers UNAUTHORIZED to an unknown key, even on public procedures', async () => {
    const response = await get('/trpc/system.health', 'qi_admin_not-a-real-key-aaaaaaaaaaaaaaaa')
    expect(response.statusCode).toBe(401)
    expect(response.json()).toMatchObject({
      error: { json: { data: { code: 'UNAUTHORIZED' }, message: 'the API key is not valid' } },
    })
  })

  it('answers UNAUTHORIZED once a key is revoked', async () => {
    expect((await get(listEnterprises, regulatorKey)).statusCode).toBe(200)
    registry.revokeKey(regulatorKey)
    const response = await get(listEnterprises, regulatorKey)
    expect(response.statusCode).toBe(401)
    expect(response.json()).toMatchObject({ error: { json: { data: { code: 'UNAUTHORIZED' } } } })
  })

  it('carries the key owner as the actor of a mutation', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/trpc/industrialization.designateDemoZone',
      headers: { 'x-api-key': regulatorKey, 'content-type': 'application/json' },
      payload: {
        json: { zoneId: 'DZ-WH', name: 'Wuhan quality zone', level: 'national', designatedOn: '2018-03-01' },
      },
    })
    expect(response.statusCode).toBe(200)
    const [event] = await platform.store.readStream('demozone-DZ-WH')
    expect(event!.metadata).toMatchObject({ actor: 'officer', org: 'HB-AMR' })
  })
})
