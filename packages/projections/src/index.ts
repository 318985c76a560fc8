export * from './dead-letters'
export * from './policy-runner'
export * from './runner'
export * from './tracing'
