import { Route, Routes } from 'react-router'
import { Shell } from './components/Shell'
import { VerifyPage } from './pages/VerifyPage'

/**
 * What a visitor without a key gets on `/verify` (the QR code's URL): the verify page in the app's
 * frame, with neither the tRPC client, TanStack Query, auth nor any other page (see main.tsx).
 */
export function PublicApp() {
  return (
    <Shell nav={[{ to: '/verify', label: 'nav.verify', testId: 'nav-verify' }]}>
      <Routes>
        <Route path="/verify" element={<VerifyPage />} />
        <Route path="/verify/:number" element={<VerifyPage />} />
      </Routes>
    </Shell>
  )
}
