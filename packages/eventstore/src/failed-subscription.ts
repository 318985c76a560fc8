import type { RecordedEvent, Subscription } from './types'

/**
 * A subscription that could not start (the store is closed, the stream name is invalid). The port's
 * rule is that no method throws synchronously: promises reject, and a subscription reports its
 * failure through its iteration — the first `next()` rejects with `error`. `close()` is a no-op.
 */
export function failedSubscription(error: unknown): Subscription {
  return {
    close: async () => {},
    [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
      let reported = false
      return {
        next: async () => {
          if (reported) return { done: true, value: undefined }
          reported = true
          throw error
        },
        return: async () => ({ done: true, value: undefined }),
      }
    },
  }
}
