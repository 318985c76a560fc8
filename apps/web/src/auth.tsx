import { useQuery, useQueryClient } from '@tanstack/react-query'
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react'
import type { Role } from './lib/permissions'
import { readStoredKey, API_KEY_STORAGE as STORAGE_KEY } from './lib/stored-key'
import { type RouterOutputs, useTRPC } from './trpc'

export { readStoredKey }

export type Actor = RouterOutputs['system']['whoami']

interface AuthState {
  apiKey: string | null
  actor: Actor | null
  role: Role | null
  /** The key is being checked. */
  checking: boolean
  /** Why the stored key was refused, if it was. */
  error: unknown
  signIn(key: string): void
  signOut(): void
}

const AuthContext = createContext<AuthState | null>(null)

export function AuthProvider({ children }: { children: ReactNode }) {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const [apiKey, setApiKey] = useState<string | null>(readStoredKey)
  // signIn/signOut clear the query cache, so this never answers for an earlier key.
  const whoami = useQuery({
    ...trpc.system.whoami.queryOptions(undefined, { staleTime: 60_000 }),
    enabled: apiKey !== null,
    retry: false,
  })
  // A refused key is forgotten at once, so public pages (verification) work without it.
  const refused = (whoami.error as { data?: { code?: string } } | null)?.data?.code === 'UNAUTHORIZED'
  useEffect(() => {
    if (refused) localStorage.removeItem(STORAGE_KEY)
  }, [refused])
  const signIn = useCallback(
    (key: string) => {
      localStorage.setItem(STORAGE_KEY, key.trim())
      queryClient.clear()
      setApiKey(key.trim())
    },
    [queryClient],
  )
  const signOut = useCallback(() => {
    localStorage.removeItem(STORAGE_KEY)
    queryClient.clear()
    setApiKey(null)
  }, [queryClient])
  const value = useMemo<AuthState>(() => {
    const actor = apiKey && whoami.data ? whoami.data : null
    return {
      apiKey,
      actor,
      role: actor?.role ?? null,
      checking: apiKey !== null && whoami.isPending,
      error: whoami.error,
      signIn,
      signOut,
    }
  }, [apiKey, whoami.data, whoami.isPending, whoami.error, signIn, signOut])
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext)
  if (!state) throw new Error('useAuth outside AuthProvider')
  return state
}
