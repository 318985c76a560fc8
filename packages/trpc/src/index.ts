export * from './context'
export * from './errors'
export * from './roles'
export * from './trpc'
