/** What `afterMicrotasks` resolves with: the events already in a subscription's hands were taken. */
export const DRAINED = Symbol('drained')

/** Microtask hops an event already in a subscription's hands takes to be delivered (generously). */
const DELIVERY_HOPS = 16

/**
 * Resolves after DELIVERY_HOPS microtasks: before any timer or I/O callback can run. Raced against
 * a subscription's next event, it ends a batch once the subscription has handed over what it
 * already holds, without waiting for a turn of the event loop.
 */
export function afterMicrotasks(): Promise<typeof DRAINED> {
  return new Promise((resolve) => {
    let hops = DELIVERY_HOPS
    const hop = () => (hops-- > 0 ? queueMicrotask(hop) : resolve(DRAINED))
    queueMicrotask(hop)
  })
}

/**
 * A batch from a subscription: `first`, then each event the iterator hands over before `end()`
 * resolves (raced per event: `end` may give a new deadline each time or the same one), up to `max`
 * events. Returns the batch and the iterator's next result, still pending (the next batch's first,
 * or the end of the subscription).
 */
export async function gatherBatch<T>(
  iterator: AsyncIterator<T>,
  first: T,
  max: number,
  end: () => Promise<typeof DRAINED>,
): Promise<{ batch: T[]; pending: Promise<IteratorResult<T>> }> {
  const batch = [first]
  for (;;) {
    const pending = iterator.next()
    if (batch.length >= max) return { batch, pending }
    const next = await Promise.race([pending, end()])
    if (next === DRAINED || next.done) return { batch, pending }
    batch.push(next.value)
  }
}
