import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { StrictMode, useState } from 'react'
import { createRoot } from 'react-dom/client'
import { BrowserRouter } from 'react-router'
import { App } from './App'
import { AuthProvider, readStoredKey } from './auth'
import { I18nProvider } from './i18n/context'
import { createApiClient, TRPCProvider } from './trpc'
import './styles.css'

function Root() {
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

const container = document.getElementById('root')
if (container) {
  createRoot(container).render(
    <StrictMode>
      <Root />
    </StrictMode>,
  )
}

// The CJK font shipped with the app (Noto Sans SC, regular; bold is synthesised): its @font-face
// rules load after the first paint so they never block it, and the browser then fetches only the
// unicode-range subsets the page's characters need.
void import('@fontsource/noto-sans-sc/400.css')
