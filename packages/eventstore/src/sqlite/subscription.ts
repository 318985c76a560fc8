import type { RecordedEvent, Subscription } from '../types'

/**
 * Wakes live subscriptions when this process commits. A sequence number closes the race between
 * "read found nothing" and "start waiting": a waiter that saw an older sequence returns at once.
 */
export class CommitSignal {
  sequence = 0
  private waiters: Array<() => void> = []

  notify() {
    this.sequence += 1
    const waiters = this.waiters
    this.waiters = []
    for (const wake of waiters) wake()
  }

  /**
   * Resolves after the next commit (or at once if one happened since `seen`) with true, or after
   * `timeoutMs` with false. `onCancel` receives the function that ends the wait early (a closing
   * subscription calls it), and null once the wait is over, so nothing outlives the wait.
   */
  wait(seen: number, timeoutMs: number, onCancel: (cancel: (() => void) | null) => void): Promise<boolean> {
    if (this.sequence !== seen) return Promise.resolve(true)
    return new Promise<boolean>((resolve) => {
      const finish = (signalled: boolean) => {
        clearTimeout(timer)
        onCancel(null)
        resolve(signalled)
      }
      const timer = setTimeout(() => finish(false), timeoutMs)
      const done = () => finish(true)
      this.waiters.push(done)
      onCancel(done)
    })
  }
}

/**
 * How long a live subscription waits for news before it looks at the log itself (commits by another
 * process are not signalled in this one, unless a file watcher does). The wait starts at `minMs`
 * and doubles while polls find nothing, up to `maxMs`; news (a page, a signal) resets it.
 */
export interface PollIntervals {
  minMs: number
  maxMs: number
}

/**
 * Catch-up then live, by paging: `nextPage` returns the events after the last one it returned
 * (it keeps its own cursor), [] when there is nothing new, or null when the store closed.
 * Because each page is read from the committed log in position order, nothing is skipped,
 * duplicated or reordered, whatever the writers do meanwhile.
 */
export class PagedSubscription implements Subscription {
  private closed = false
  private closeListeners: Array<() => void> = []
  /** Ends the current wait for news, if one is in progress. */
  private cancelWait: (() => void) | null = null

  constructor(
    private readonly signal: CommitSignal,
    private readonly poll: PollIntervals,
    private readonly nextPage: () => RecordedEvent[] | null,
  ) {}

  onClose(listener: () => void) {
    this.closeListeners.push(listener)
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.cancelWait?.()
    for (const listener of this.closeListeners) listener()
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    try {
      let intervalMs = this.poll.minMs
      while (!this.closed) {
        const seen = this.signal.sequence
        const page = this.nextPage()
        if (page === null) return
        if (page.length === 0) {
          const signalled = await this.signal.wait(seen, intervalMs, (cancel) => {
            this.cancelWait = cancel
          })
          intervalMs = signalled ? this.poll.minMs : Math.min(intervalMs * 2, this.poll.maxMs)
          continue
        }
        intervalMs = this.poll.minMs
        for (const event of page) {
          if (this.closed) return
          yield event
        }
      }
    } finally {
      await this.close()
    }
  }
}
