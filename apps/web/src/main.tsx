import { type ReactNode, StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { BrowserRouter } from 'react-router'
import { I18nProvider } from './i18n/context'
import { isPublicPath, readStoredKey } from './lib/stored-key'
import { PublicApp } from './PublicApp'
import './styles.css'

/*
 * Two ways in. A visitor without a key on a public page (the verify page a QR code opens) gets
 * PublicApp, which this entry carries itself: React, the router, the message catalogue and the
 * verify page over plain fetch. Everyone else gets the full app (Root: tRPC client, TanStack Query,
 * auth, the pages), loaded as one more chunk. The split keeps the public page's JavaScript small
 * (bench: `pnpm bench:web`, ≤ 120 kB gzipped).
 */
const container = document.getElementById('root')
if (container) {
  const root = createRoot(container)
  const render = (node: ReactNode) => root.render(<StrictMode>{node}</StrictMode>)
  if (isPublicPath(window.location.pathname) && !readStoredKey()) {
    render(
      <I18nProvider>
        <BrowserRouter>
          <PublicApp />
        </BrowserRouter>
      </I18nProvider>,
    )
  } else {
    void import('./Root').then(({ Root }) => render(<Root />))
  }
}

// The CJK font shipped with the app (Noto Sans SC, regular; bold is synthesised). Its stylesheet (120
// @font-face rules) and the subsets a page needs cost a throttled phone CPU half a second of style
// and layout work, so they load once the page is idle after its load event: text shows first in
// the system font and swaps to Noto Sans SC (font-display: swap) a moment later.
const loadFont = () => void import('@fontsource/noto-sans-sc/400.css')
const whenIdle = () =>
  'requestIdleCallback' in window
    ? requestIdleCallback(loadFont, { timeout: 2000 })
    : setTimeout(loadFont, 500)
if (document.readyState === 'complete') whenIdle()
else window.addEventListener('load', whenIdle, { once: true })
