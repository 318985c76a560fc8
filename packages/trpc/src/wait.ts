import { TRPCError } from '@trpc/server'
import type { ServiceDeps } from './context'

/**
 * How long a request may wait for a read model to catch up (`minPosition`, or the store's head
 * before a command's rules are checked): `QI_READ_WAIT_MS`, default 10 s. Past it the caller gets
 * TIMEOUT (408) with the position the read model had reached.
 */
export function readWaitMs(): number {
  const configured = Number(process.env.QI_READ_WAIT_MS)
  return Number.isFinite(configured) && configured > 0 ? configured : 10_000
}

/**
 * A client passes as `minPosition` a position the API returned to it, so it is never beyond the
 * store's head. One that is cannot be waited for (nothing may ever be written there): refused at
 * once instead of holding the request open until the wait times out.
 */
export async function assertPlausibleMinPosition(deps: ServiceDeps, minPosition: bigint | undefined) {
  if (minPosition === undefined) return
  const head = await deps.store.headPosition()
  if (head === null || minPosition > head) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: `minPosition ${minPosition} is beyond the store's last position (${head ?? 'none: the store is empty'}); pass a position the API returned`,
    })
  }
}
