import type { AppRouter } from '@qi/api/router'
import { createTRPCClient, httpBatchLink, type TRPCLink } from '@trpc/client'
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server'
import { observable } from '@trpc/server/observable'
import { createTRPCContext } from '@trpc/tanstack-react-query'
import superjson from 'superjson'

export type RouterOutputs = inferRouterOutputs<AppRouter>
export type RouterInputs = inferRouterInputs<AppRouter>

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>()

export const API_KEY_HEADER = 'x-api-key'
/** The API's read-your-writes header (@qi/trpc SEEN_POSITION_HEADER). */
export const SEEN_POSITION_HEADER = 'x-qi-seen-position'

/**
 * The highest store position this client's mutations were answered with. Sent with every request,
 * so that whichever replica answers the next query (a list refetched after a form was sent) waits
 * until its read models hold that write, instead of showing the state before it.
 */
export class SeenPosition {
  private highest: bigint | null = null

  /** Takes note of a mutation's result (`{ position }`, a bigint, as the API returns it). */
  note(result: unknown) {
    const position = (result as { position?: unknown } | null)?.position
    if (typeof position === 'bigint' && (this.highest === null || position > this.highest))
      this.highest = position
  }

  headers(): Record<string, string> {
    return this.highest === null ? {} : { [SEEN_POSITION_HEADER]: String(this.highest) }
  }
}

/** A link that notes the position of every mutation's result before it reaches the caller. */
export function seenPositionLink(seen: SeenPosition): TRPCLink<AppRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) =>
        next(op).subscribe({
          next(value) {
            if (op.type === 'mutation') seen.note(value.result.type === 'data' ? value.result.data : null)
            observer.next(value)
          },
          error: (error) => observer.error(error),
          complete: () => observer.complete(),
        }),
      )
}

/** One client for the app; the key is read on every request so sign-in/out apply at once. */
export function createApiClient(currentKey: () => string | null, seen = new SeenPosition()) {
  return createTRPCClient<AppRouter>({
    links: [
      seenPositionLink(seen),
      httpBatchLink({
        url: '/trpc',
        transformer: superjson,
        // The API refuses batches of more than 10 calls (QI_MAX_BATCH); larger ones are split.
        maxItems: 10,
        headers() {
          const key = currentKey()
          return { ...seen.headers(), ...(key ? { [API_KEY_HEADER]: key } : {}) }
        },
      }),
    ],
  })
}
