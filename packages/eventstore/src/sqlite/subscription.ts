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

  /** Resolves after the next commit (or at once if one happened since `seen`), or after `timeoutMs`. */
  wait(seen: number, timeoutMs: number, abort: Promise<void>): Promise<void> {
    if (this.sequence !== seen) return Promise.resolve()
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs)
      function done() {
        clearTimeout(timer)
        resolve()
      }
      this.waiters.push(done)
      abort.then(done)
    })
  }
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
  private readonly aborted: Promise<void>
  private abort!: () => void

  constructor(
    private readonly signal: CommitSignal,
    private readonly pollIntervalMs: number,
    private readonly nextPage: () => RecordedEvent[] | null,
  ) {
    this.aborted = new Promise<void>((resolve) => {
      this.abort = resolve
    })
  }

  onClose(listener: () => void) {
    this.closeListeners.push(listener)
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.abort()
    for (const listener of this.closeListeners) listener()
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    try {
      while (!this.closed) {
        const seen = this.signal.sequence
        const page = this.nextPage()
        if (page === null) return
        if (page.length === 0) {
          await this.signal.wait(seen, this.pollIntervalMs, this.aborted)
          continue
        }
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
