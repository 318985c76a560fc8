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
