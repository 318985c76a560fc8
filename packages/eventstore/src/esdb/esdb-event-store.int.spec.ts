import { describe } from 'vitest'
import { runEventStoreConformance } from '../conformance'
import { EsdbEventStore } from './esdb-event-store'

/*
 * The conformance suite against a real EventStoreDB/KurrentDB server, e.g.
 * EVENTSTORE_CONNECTION_STRING=esdb://localhost:2113?tls=false. The suite uses unique stream
 * names, so a shared server is fine. The emulator run lives in tooling/esdb-emulator.
 */
const connectionString = process.env.EVENTSTORE_CONNECTION_STRING

if (!connectionString) {
  console.info('esdb real-server conformance skipped: EVENTSTORE_CONNECTION_STRING is not set')
}

describe.skipIf(!connectionString)('EventStoreDB server', { timeout: 180_000 }, () => {
  runEventStoreConformance(
    'esdb (real server)',
    () => new EsdbEventStore({ connectionString: connectionString! }),
    { waitMs: 120_000 },
  )
})
