import type { AllFilter, RecordedEvent } from './types'

export function matchesFilter(
  filter: AllFilter | undefined,
  event: Pick<RecordedEvent, 'streamName' | 'type'>,
) {
  if (!filter) return true
  const value = filter.kind === 'streamName' ? event.streamName : event.type
  return filter.prefixes.some((prefix) => value.startsWith(prefix))
}
