#!/usr/bin/env -S npx tsx
import { parseArgs } from 'node:util'
import { startEmulator } from './emulator'

const { values } = parseArgs({
  // `pnpm start -- --port 2113` forwards the `--` separator itself.
  args: process.argv.slice(2).filter((argument) => argument !== '--'),
  options: {
    port: { type: 'string', default: process.env.ESDB_EMULATOR_PORT ?? '2113' },
    path: { type: 'string', default: process.env.ESDB_EMULATOR_PATH ?? ':memory:' },
  },
})

const emulator = await startEmulator({ port: Number(values.port), path: values.path })
console.info(`EventStoreDB emulator listening: ${emulator.connectionString} (storage: ${values.path})`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void emulator.stop().then(() => process.exit(0))
  })
}
