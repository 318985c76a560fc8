import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { useState } from 'react'
import { BrowserRouter } from 'react-router'
import { App } from './App'
import { AuthProvider, readStoredKey } from './auth'
import { I18nProvider } from './i18n/context'
import { RoutePreload } from './route-preload'
import { createApiClient, TRPCProvider } from './trpc'

/** The signed-in app: API client, query cache, auth, every page (loaded by main.tsx off the public path). */
export function Root() {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            staleTime: 5_000,
            refetchOnWindowFocus: false,
            // An unknown number or a refused key will not fix itself by retrying.
            retry: (failures, error) => {
              const code = (error as { data?: { code?: string } }).data?.code
              return failures < 2 && code !== 'NOT_FOUND' && code !== 'UNAUTHORIZED' && code !== 'FORBIDDEN'
            },
          },
        },
      }),
  )
  const [trpcClient] = useState(() => createApiClient(readStoredKey))
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {readStoredKey() ? <RoutePreload pathname={window.location.pathname} /> : null}
        <I18nProvider>
          <BrowserRouter>
            <AuthProvider>
              <App />
            </AuthProvider>
          </BrowserRouter>
        </I18nProvider>
      </TRPCProvider>
    </QueryClientProvider>
  )
}
