import { runEventStoreConformance } from '@qi/eventstore/conformance'
import { EsdbEventStore } from '@qi/eventstore/esdb'
import { afterAll, beforeAll } from 'vitest'
import { type RunningEmulator, startEmulator } from './emulator'

/*
 * The EventStoreDB adapter (packages/eventstore) against this emulator. The spec lives here, not
 * beside the adapter, because @qi/esdb-emulator depends on @qi/eventstore: a devDependency the
 * other way round would make a workspace cycle.
 */
let emulator: RunningEmulator

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 })
})

afterAll(async () => {
  await emulator?.stop()
})

// Twice the suite's default subscription wait: 4000 gRPC appends on a busy 2-core machine.
runEventStoreConformance(
  'esdb (emulator)',
  () => new EsdbEventStore({ connectionString: emulator.connectionString }),
  { waitMs: 120_000 },
)
