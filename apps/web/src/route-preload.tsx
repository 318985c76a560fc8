import { useQueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
import { todayIso } from './lib/dates'
import { useTRPC } from './trpc'

/**
 * What the page being opened needs first, started while the stored key is still being checked
 * (system.whoami): its chunk, and for the dashboard its KPI query, which then goes to the server in
 * the same batch request as whoami. Without this the page waited for whoami, then for its chunk,
 * then for its data — three round trips in a row (bench: `pnpm bench:web`).
 */
export function RoutePreload({ pathname }: { pathname: string }) {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  useEffect(() => {
    if (pathname === '/dashboard') {
      void import('./pages/DashboardPage')
      // The same query (and key) the dashboard makes on its first render.
      void queryClient.prefetchQuery(trpc.lineage.kpi.queryOptions({ asOf: todayIso() }))
    } else if (pathname === '/') void import('./pages/HomePage')
    else if (pathname === '/lineage') void import('./pages/LineagePage')
  }, [])
  return null
}
