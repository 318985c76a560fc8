import { EsdbEventStore } from '@qi/eventstore/esdb'
import { AccessRegistry, bootstrapAdminKey } from './access'
import { dataDirectory } from './config'
import { loadDemo } from './demo/load-demo'
import { Platform } from './platform'
import { createServer } from './server'

const port = Number(process.env.PORT ?? 3000)
const host = process.env.HOST ?? '127.0.0.1'
// The address the public reaches (QR codes on certificates point there); this server's own by default.
process.env.QI_PUBLIC_URL ??= `http://${host}:${port}`
const dataDir = dataDirectory()

// With a connection string the events live in EventStoreDB/KurrentDB; read models stay in dataDir.
const connectionString = process.env.EVENTSTORE_CONNECTION_STRING
const platform = await Platform.start({
  dataDir,
  store: connectionString ? new EsdbEventStore({ connectionString }) : undefined,
  durability: process.env.QI_DURABILITY === 'full' ? 'full' : 'normal',
})
const access = AccessRegistry.open(dataDir)
const adminKey = bootstrapAdminKey(access)

// --demo loads the demo dataset into an empty store (the README's start command passes it);
// QI_DEMO=0 turns it off.
const wantsDemo = process.argv.includes('--demo') && process.env.QI_DEMO !== '0'
if (wantsDemo && (await platform.store.headPosition()) === null) {
  console.log('Loading the demo dataset through the commands (first start only)…')
  const started = Date.now()
  const demo = await loadDemo(platform, access, { onProgress: (step) => console.log(`  demo: ${step}`) })
  console.log(
    `Demo loaded: ${demo.events} events in ${((Date.now() - started) / 1000).toFixed(1)} s. API keys (shown once):`,
  )
  for (const key of demo.keys)
    console.log(`  ${key.role.padEnd(20)} ${key.orgId.padEnd(20)} ${key.apiKey}  ${key.name}`)
}
const server = await createServer(platform, access.resolve)
await server.listen({ port, host })
console.log(`QI Ledger API on http://${host}:${port} (store: ${platform.store.adapter}, data: ${dataDir})`)
console.log(`  health: http://${host}:${port}/trpc/system.health`)
if (adminKey) {
  console.log(
    `  first start: created organisation 'admin' with API key ${adminKey}\n` +
      '  (shown only this once, it is stored hashed: keep it now; send it in the x-api-key header)',
  )
}

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) return
    stopping = true
    await server.close()
    await platform.close()
    access.close()
    process.exit(0)
  })
}
