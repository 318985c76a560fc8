import type { AddressInfo } from 'node:net'
import { EsdbEventStore } from '@qi/eventstore/esdb'
import { AccessRegistry, bootstrapAdminKey } from './access'
import { type Config, ConfigError, loadConfig } from './config'
import { DataFolderLockedError, lockDataFolder } from './data-lock'
import { loadDemo } from './demo/load-demo'
import { startTracing } from './observability/tracing'
import { Platform } from './platform'
import { createServer } from './server'

let config: Config
try {
  config = loadConfig()
} catch (error) {
  if (!(error instanceof ConfigError)) throw error
  console.error(`${error.message}\n(see the configuration table in README.md)`)
  process.exit(2)
}
// Spans go to OTEL_EXPORTER_OTLP_ENDPOINT when it is set; otherwise tracing stays off and silent.
const tracing = startTracing()
const { PORT: port, HOST: host, QI_DATA_DIR: dataDir } = config

// Everything this process creates in the data folder is the user's alone (files 0600, folders 0700).
process.umask(0o077)
// One writer per data folder: a second server on the same folder exits here, naming the first.
const lock = (() => {
  try {
    return lockDataFolder(dataDir, `server on ${host}:${port}`)
  } catch (error) {
    if (error instanceof DataFolderLockedError) {
      console.error(`QI Ledger cannot start: ${error.message}`)
      process.exit(1)
    }
    throw error
  }
})()
// The address the public reaches (QR codes on certificates point there); this server's own by default.
process.env.QI_PUBLIC_URL = config.QI_PUBLIC_URL ?? `http://${host}:${port}`

// With a connection string the events live in EventStoreDB/KurrentDB; read models stay in dataDir.
// Several replicas may share that store, each with its own dataDir; exactly one of them runs the
// policies and timers (QI_POLICIES=owner), the others set QI_POLICIES=off.
const connectionString = config.EVENTSTORE_CONNECTION_STRING
const platform = await Platform.start({
  dataDir,
  store: connectionString ? new EsdbEventStore({ connectionString }) : undefined,
  durability: config.QI_DURABILITY,
  policies: config.QI_POLICIES === 'owner',
})
const access = AccessRegistry.open(dataDir)
const adminKey = bootstrapAdminKey(access)

// --demo loads the demo dataset into an empty store (the README's start command passes it);
// QI_DEMO=0 turns it off.
const wantsDemo = process.argv.includes('--demo') && config.QI_DEMO !== '0'
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
platform.telemetry.collectProcessMetrics()
const server = await createServer(platform, access.resolve, {
  logLevel: config.QI_LOG_LEVEL,
  metricsPublic: config.QI_METRICS_PUBLIC === '1',
})
await server.listen({ port, host })
const { port: listening } = server.server.address() as AddressInfo
const mode =
  process.env.NODE_ENV === 'production'
    ? 'production'
    : `development (NODE_ENV=${process.env.NODE_ENV ?? ''})`
console.log(
  `QI Ledger API on http://${host}:${listening} (store: ${platform.store.adapter}, data: ${dataDir}, pid ${process.pid}, ${mode})`,
)
console.log(`  health: http://${host}:${listening}/trpc/system.health`)
console.log(
  config.QI_POLICIES === 'owner'
    ? '  policies and timers: run here (QI_POLICIES=owner)'
    : '  policies and timers: off here (QI_POLICIES=off); another replica owns them',
)
if (config.QI_POLICIES === 'off' && !connectionString) {
  // The embedded store has one process (the folder's lock): no other replica can own them.
  console.warn(
    '  warning: QI_POLICIES=off on the embedded store: no process runs the policies and timers (follow-ups wait)',
  )
}
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
    await tracing?.shutdown()
    lock.release()
    process.exit(0)
  })
}
