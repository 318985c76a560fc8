import type { Projection } from '@qi/projections'
import Database from 'better-sqlite3'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { dumpTables } from '../testing/dump'
import { historyArb } from '../testing/histories'
import { recordedEvent } from '../testing/project'
import { lineageGraphProjection } from './graph'
import { kpiProjection } from './kpi'

const SEED = 20_261_129
const RUNS = 200

/** The read model after `apply` of the events (all of them, or only those `handles` lets through). */
function built(projection: Projection, events: ReturnType<typeof recordedEvent>[], onlyHandled: boolean) {
  const db = new Database(':memory:')
  projection.setup(db)
  for (const event of events)
    if (!onlyHandled || projection.handles!.has(event.type)) projection.apply(event, db)
  return db
}

describe('the lineage read models declare every event type they apply', () => {
  for (const projection of [lineageGraphProjection, kpiProjection])
    it(`${projection.name}: the events its handles skip change no row, on ${RUNS} random histories (seed ${SEED})`, () => {
      let skipped = 0
      fc.assert(
        fc.property(historyArb, (history) => {
          const events = history.map(recordedEvent)
          skipped += events.filter((e) => !projection.handles!.has(e.type)).length
          const all = built(projection, events, false)
          const handled = built(projection, events, true)
          try {
            expect(dumpTables(handled)).toEqual(dumpTables(all))
          } finally {
            all.close()
            handled.close()
          }
        }),
        { seed: SEED, numRuns: RUNS },
      )
      // The histories hold types the read model has no use for (else nothing was checked).
      expect(skipped).toBeGreaterThan(0)
    }, 120_000)
})
