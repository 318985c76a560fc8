export * from './errors'
export { matchesFilter } from './filter'
export * from './types'
export {
  assertExpectedRevision,
  assertStreamName,
  isWellFormedText,
  type PreparedEvent,
  prepareAppend,
} from './validation'
