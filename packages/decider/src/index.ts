export * from './command-handler'
export * from './decider'
export * from './errors'
export * from './reservations'
