import type { AppRouter } from '@qi/api/router'
import { createTRPCClient, httpBatchLink } from '@trpc/client'
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server'
import { createTRPCContext } from '@trpc/tanstack-react-query'
import superjson from 'superjson'

export type RouterOutputs = inferRouterOutputs<AppRouter>
export type RouterInputs = inferRouterInputs<AppRouter>

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>()

export const API_KEY_HEADER = 'x-api-key'

/** One client for the app; the key is read on every request so sign-in/out apply at once. */
export function createApiClient(currentKey: () => string | null) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: '/trpc',
        transformer: superjson,
        // The API refuses batches of more than 10 calls (QI_MAX_BATCH); larger ones are split.
        maxItems: 10,
        headers() {
          const key = currentKey()
          return key ? { [API_KEY_HEADER]: key } : {}
        },
      }),
    ],
  })
}
