export * from './errors'
export * from './types'
export { prepareAppend, assertStreamName, assertExpectedRevision, type PreparedEvent } from './validation'
export { matchesFilter } from './filter'
