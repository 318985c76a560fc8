import { SqliteEventStore } from '@qi/eventstore/sqlite'
import { type Projection, ProjectionRunner } from '@qi/projections'
import { describe, expect, it } from 'vitest'
import { dumpTables, indexList } from '../testing/dump'
import { history } from '../testing/history'
import { seed } from '../testing/seed'
import { lineageGraphProjection } from './graph'
import { kpiProjection } from './kpi'

describe.each([lineageGraphProjection, kpiProjection])('rebuild of $name', (projection: Projection) => {
  it('is identical to the read model built event by event while the history was written', async () => {
    const store = new SqliteEventStore()
    const runner = new ProjectionRunner({ store, projection, batchSize: 1 })
    await runner.start()
    // Written one event at a time while the runner follows live.
    let head = 0n
    for (const event of history) {
      head = await seed(store, [event])
      await runner.waitFor(head, 30_000)
    }
    const incremental = dumpTables(runner.db)
    const incrementalIndexes = indexList(runner.db)
    expect(Object.values(incremental).some((rows) => rows.length > 0)).toBe(true)
    const processed = await runner.rebuild()
    expect(processed).toBe(history.length)
    expect(runner.status().generation).toBe(2)
    // Every row, rowids included (the graph's bulk load settles every node in one pass at the end).
    expect(dumpTables(runner.db)).toEqual(incremental)
    // A bulk load (projection.bulkLoad) builds the indexes it dropped again: the same set.
    expect(indexList(runner.db)).toEqual(incrementalIndexes)
    await runner.close()
    await store.close()
  })
})
