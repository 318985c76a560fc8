import { domainCatalogue } from '@qi/contracts'
import type { RecordedEvent } from '@qi/eventstore'
import Database from 'better-sqlite3'
import { lineageGraphProjection } from '../projections/graph'
import { kpiProjection } from '../projections/kpi'
import type { OracleEvent } from './oracle'

/** An oracle event as the store would hand it to a projection (validated as a service writes it). */
export function recordedEvent(e: OracleEvent): RecordedEvent {
  return {
    id: e.id,
    type: e.type,
    streamName: 'any',
    revision: 0n,
    position: BigInt(e.position),
    data: domainCatalogue.encode(e.type, e.data),
    metadata: { schemaVersion: 1, occurredAt: e.on, causationId: e.causationId ?? null },
    recordedAt: new Date(`${e.on}T12:00:00Z`),
  }
}

/**
 * Feeds events straight into the lineage projections, one by one as the runner would (validated
 * as a service would write them), without an event store: fast enough for thousands of histories.
 */
export function project(events: OracleEvent[]) {
  const graph = new Database(':memory:')
  const kpi = new Database(':memory:')
  lineageGraphProjection.setup(graph)
  kpiProjection.setup(kpi)
  for (const e of events) {
    const recorded = recordedEvent(e)
    lineageGraphProjection.apply(recorded, graph)
    kpiProjection.apply(recorded, kpi)
  }
  return {
    graph,
    kpi,
    close() {
      graph.close()
      kpi.close()
    },
  }
}

/** Numbers events in record order: positions 1, 2, … */
export const recorded = (events: Array<Omit<OracleEvent, 'position' | 'id'>>): OracleEvent[] =>
  events.map((e, i) => ({ ...e, position: i + 1, id: `e${i + 1}` }))
