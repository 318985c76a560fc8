export * from './errors'
export { matchesFilter } from './filter'
export * from './types'
export { assertExpectedRevision, assertStreamName, type PreparedEvent, prepareAppend } from './validation'
