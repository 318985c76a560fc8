import type Database from 'better-sqlite3'
import type { GraphReader } from './graph-reader'

export interface CauseLink {
  eventId: string
  type: string
  nodeId: string
  occurredAt: string
  position: bigint
}

/**
 * A node with its full status history (business date and store position of each change) and, for
 * each change a policy made, the chain of causes back to the fact that started it.
 */
export function nodeDetail(reader: GraphReader, id: string) {
  const node = reader.node(id)
  if (!node) return null
  const history = reader.db
    .prepare(
      `SELECT status, valid_from, position, reason, cause_kind, cause_ref, event_id, causation_id FROM statuses
       WHERE node_id = ? AND cancelled_position IS NULL ORDER BY valid_from, position`,
    )
    .all(id) as Array<{
    status: string
    valid_from: string
    position: number
    reason: string | null
    cause_kind: string | null
    cause_ref: string | null
    event_id: string | null
    causation_id: string | null
  }>
  return {
    node,
    history: history.map((row) => ({
      status: row.status,
      since: row.valid_from,
      position: BigInt(row.position),
      reason: row.reason,
      cause: row.cause_kind ? { kind: row.cause_kind, ref: row.cause_ref } : null,
      causeChain: causeChain(reader.db, row.causation_id),
    })),
  }
}

function causeChain(db: Database.Database, causationId: string | null, depth = 8): CauseLink[] {
  const chain: CauseLink[] = []
  const lookup = db.prepare(
    'SELECT event_id, type, node_id, position, occurred_at, causation_id FROM causes WHERE event_id = ?',
  )
  let next = causationId
  while (next && chain.length < depth) {
    const row = lookup.get(next) as
      | {
          event_id: string
          type: string
          node_id: string
          position: number
          occurred_at: string
          causation_id: string | null
        }
      | undefined
    if (!row) break
    chain.push({
      eventId: row.event_id,
      type: row.type,
      nodeId: row.node_id,
      occurredAt: row.occurred_at,
      position: BigInt(row.position),
    })
    next = row.causation_id
  }
  return chain
}
