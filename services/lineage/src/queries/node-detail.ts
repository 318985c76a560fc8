import type { GraphView } from './graph-reader'
import { reasonPhrases } from './reasons'

export type { CauseLink } from './graph-reader'
export type { ReasonPhrase } from './reasons'

/**
 * A node with its status history (business date and store position of each change) and, for
 * each change a policy made, the chain of causes back to the fact that started it.
 */
export function nodeDetail(reader: GraphView, id: string) {
  const node = reader.node(id)
  if (!node) return null
  return {
    asOf: reader.time.asOf,
    atPosition: reader.time.atPosition ?? null,
    node,
    history: reader.history(id).map((entry) => ({
      status: entry.status,
      since: entry.since,
      position: entry.position,
      reason: entry.reason,
      /** The reason as codes + the person's words (./reasons), for clients to render in their language. */
      reasonPhrases: reasonPhrases(entry.reason),
      cause: entry.cause,
      causeChain: reader.causeChain(entry.causationId),
    })),
  }
}
