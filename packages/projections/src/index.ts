export * from './policy-runner'
export * from './runner'
