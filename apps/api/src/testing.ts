import type { AddressInfo } from 'node:net'
import { AccessRegistry, bootstrapAdminKey } from './access'
import { type DemoKey, loadDemo } from './demo/load-demo'
import type { ApiLimits } from './limits'
import { Platform } from './platform'
import { createServer } from './server'

export interface TestServer {
  url: string
  platform: Platform
  /** The demo organisations' keys, and the admin key. */
  keys: DemoKey[]
  adminKey: string
  keyFor(orgId: string): string
  close(): Promise<void>
}

/**
 * The whole platform in memory with the demo data, served over HTTP on a free port (with the built
 * web app when apps/web/dist exists): what browser tests drive.
 */
export async function startTestServer(
  options: { today?: string; limits?: Partial<ApiLimits> } = {},
): Promise<TestServer> {
  const platform = await Platform.start({ timers: false })
  const access = AccessRegistry.open()
  const adminKey = bootstrapAdminKey(access)!
  const demo = await loadDemo(platform, access, { today: options.today })
  await platform.settle()
  // Tests drive the API much faster than people do: rate limits only where a test sets them.
  const server = await createServer(platform, access.resolve, {
    limits: { anonymousPerMinute: 1_000_000, failedKeyPerMinute: 1_000_000, ...options.limits },
  })
  await server.listen({ port: 0, host: '127.0.0.1' })
  const { port } = server.server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    platform,
    keys: demo.keys,
    adminKey,
    keyFor(orgId) {
      const key = demo.keys.find((k) => k.orgId === orgId)
      if (!key) throw new Error(`no demo key for ${orgId}`)
      return key.apiKey
    },
    async close() {
      await server.close()
      access.close()
      await platform.close()
    },
  }
}
