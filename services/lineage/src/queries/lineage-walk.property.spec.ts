import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { day, historyArb, timePointsArb } from '../testing/histories'
import { project } from '../testing/project'
import { GraphReader, type GraphView, type TimePoint } from './graph-reader'
import { lineageOf } from './lineage'

const SEED = 20_261_128
const RUNS = 300

/** The reader without its batch reads: lineage then reads node by node, as it did before them. */
function oneByOne(reader: GraphReader): GraphView {
  return {
    time: reader.time,
    node: (id) => reader.node(id),
    statusOn: (id, date) => reader.statusOn(id, date),
    statusesOf: (ids) => reader.statusesOf(ids),
    statusNamesOf: (ids) => reader.statusNamesOf(ids),
    nodesOf: (ids) => reader.nodesOf(ids),
    outByRelation: (id) => reader.outByRelation(id),
    calibrationOn: (id, date) => reader.calibrationOn(id, date),
    sourcesOf: (targets, rel) => reader.sourcesOf(targets, rel),
    targetsOf: (sources, rel) => reader.targetsOf(sources, rel),
    history: (id) => reader.history(id),
    causeChain: (id) => reader.causeChain(id),
  }
}

describe('lineage read a level at a time', () => {
  it(`gives what a walk one node at a time gives, in the same order, for ${RUNS} random histories (seed ${SEED})`, () => {
    let walks = 0
    fc.assert(
      fc.property(historyArb, timePointsArb, (events, points) => {
        const projected = project(events)
        try {
          for (const point of points) {
            const time: TimePoint = {
              asOf: day(point.asOf),
              ...(point.at === null ? {} : { atPosition: BigInt(Math.round(point.at * events.length)) }),
            }
            for (const root of ['product:P1', 'certificate:C1', 'report:R1']) {
              const batched = lineageOf(new GraphReader(projected.graph, time), root)
              const single = lineageOf(oneByOne(new GraphReader(projected.graph, time)), root)
              expect(batched, `${root} as of ${time.asOf} at ${time.atPosition ?? 'head'}`).toEqual(single)
              if (batched) walks++
            }
          }
        } finally {
          projected.close()
        }
      }),
      { seed: SEED, numRuns: RUNS },
    )
    // Most histories have a product, certificate or report to walk from.
    expect(walks).toBeGreaterThan(RUNS)
  }, 120_000)
})
