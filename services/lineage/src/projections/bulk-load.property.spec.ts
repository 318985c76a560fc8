import type { RecordedEvent } from '@qi/eventstore'
import Database from 'better-sqlite3'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { dumpTables, indexList } from '../testing/dump'
import { historyArb } from '../testing/histories'
import type { OracleEvent } from '../testing/oracle'
import { recordedEvent } from '../testing/project'
import { lineageGraphProjection } from './graph'

const SEED = 20_261_128
const RUNS = 300

const recordedEvents = (events: OracleEvent[]): RecordedEvent[] => events.map(recordedEvent)

/** The graph as live events build it: setup, then apply (rows written and settled per event). */
function incremental(events: RecordedEvent[]) {
  const db = new Database(':memory:')
  lineageGraphProjection.setup(db)
  for (const event of events) lineageGraphProjection.apply(event, db)
  return db
}

/** The graph as a rebuild builds it: setup, bulkLoad.begin (read indexes dropped), apply, bulkLoad.end (settle pass, indexes built). */
function bulk(events: RecordedEvent[]) {
  const db = new Database(':memory:')
  lineageGraphProjection.setup(db)
  lineageGraphProjection.bulkLoad!.begin(db)
  for (const event of events) lineageGraphProjection.apply(event, db)
  lineageGraphProjection.bulkLoad!.end(db)
  return db
}

describe('the lineage graph bulk load (a rebuild from position 0)', () => {
  it(`writes exactly the rows and indexes setup + apply write, on ${RUNS} random histories`, () => {
    let statusRows = 0
    let cancelled = 0
    fc.assert(
      fc.property(historyArb, (history) => {
        const events = recordedEvents(history)
        const live = incremental(events)
        const rebuilt = bulk(events)
        try {
          const expected = dumpTables(live)
          expect(dumpTables(rebuilt)).toEqual(expected)
          expect(indexList(rebuilt)).toEqual(indexList(live))
          statusRows += expected.statuses!.length
          cancelled += (expected.statuses as Array<{ cancelled_position: number | null }>).filter(
            (s) => s.cancelled_position !== null,
          ).length
        } finally {
          live.close()
          rebuilt.close()
        }
      }),
      { seed: SEED, numRuns: RUNS },
    )
    // The histories exercise what the bulk load must reproduce: status rows and rows called off.
    expect(statusRows).toBeGreaterThan(RUNS * 10)
    expect(cancelled).toBeGreaterThan(0)
  }, 120_000)
})
