import { runEventStoreConformance } from '../conformance'
import { SqliteEventStore } from './sqlite-event-store'

runEventStoreConformance('sqlite (:memory:)', () => new SqliteEventStore(), { gapFreePositions: true })
