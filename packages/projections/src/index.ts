export * from './runner'
