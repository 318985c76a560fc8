import { createHash } from 'node:crypto'

/** A UUID derived from the command, so a retried append carries the same ids (store idempotence). */
export function deterministicEventId(streamName: string, commandId: string, index: number): string {
  const hex = createHash('sha1').update(`${streamName}\u0000${commandId}\u0000${index}`).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((Number.parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}
