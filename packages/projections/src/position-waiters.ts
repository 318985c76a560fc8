/**
 * Promises that resolve once a runner's checkpoint reaches a position: what `waitFor` of the
 * read-model runner and of the policy runner hand out, settled when their checkpoints move.
 */
export class PositionWaiters {
  private readonly waiters = new Set<{ position: bigint; resolve: () => void; reject: (e: Error) => void }>()

  /** Whether anyone waits (for a position the checkpoint has not reached yet). */
  get waiting(): boolean {
    return this.waiters.size > 0
  }

  /** A bounded wait for `position`; rejects with `timeoutError()` after `timeoutMs`. */
  wait(position: bigint, timeoutMs: number, timeoutError: () => Error): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        position,
        resolve: () => {
          clearTimeout(timer)
          resolve()
        },
        reject: (error: Error) => {
          clearTimeout(timer)
          reject(error)
        },
      }
      const timer = setTimeout(() => {
        this.waiters.delete(waiter)
        reject(timeoutError())
      }, timeoutMs)
      this.waiters.add(waiter)
    })
  }

  /** Resolves every wait for a position at or before `checkpoint`. */
  reached(checkpoint: bigint) {
    for (const waiter of this.waiters) {
      if (checkpoint >= waiter.position) {
        this.waiters.delete(waiter)
        waiter.resolve()
      }
    }
  }

  /** Rejects every wait still open (the runner failed or stopped). */
  rejectAll(error: Error) {
    for (const waiter of this.waiters) waiter.reject(error)
    this.waiters.clear()
  }
}
