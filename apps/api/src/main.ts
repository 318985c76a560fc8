import { resolve } from 'node:path'
import { Platform } from './platform'
import { createServer } from './server'

const port = Number(process.env.PORT ?? 3000)
const host = process.env.HOST ?? '127.0.0.1'
// Default: <repo>/data, whatever folder the command runs from.
const dataDir = resolve(process.env.QI_DATA_DIR ?? resolve(import.meta.dirname, '..', '..', '..', 'data'))

const platform = await Platform.start({
  dataDir,
  durability: process.env.QI_DURABILITY === 'full' ? 'full' : 'normal',
})
const server = await createServer(platform, () => null)
await server.listen({ port, host })
console.log(`QI Ledger API on http://${host}:${port} (store: ${platform.store.adapter}, data: ${dataDir})`)
console.log(`  health: http://${host}:${port}/trpc/system.health`)

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) return
    stopping = true
    await server.close()
    await platform.close()
    process.exit(0)
  })
}
