import { type ReactNode, useEffect, useState } from 'react'
import { NavLink, useLocation } from 'react-router'
import { useI18n } from '../i18n/context'
import { LANGUAGES, type MessageKey } from '../i18n/messages'

export interface ShellNavItem {
  to: string
  label: MessageKey
  testId: string
}

function LanguageSwitch() {
  const { lang, setLang } = useI18n()
  return (
    <select
      className="lang-switch"
      value={lang}
      onChange={(event) => setLang(event.target.value as (typeof LANGUAGES)[number])}
      aria-label="Language / 语言"
      data-testid="lang-switch"
    >
      {LANGUAGES.map((code) => (
        <option key={code} value={code}>
          {code === 'zh-CN' ? '中文' : 'English'}
        </option>
      ))}
    </select>
  )
}

/**
 * The page frame: top bar (brand, menu, language switch, `who`) and the main area. Free of the API
 * client, so the public verify page (PublicApp) and the signed-in app (App) share it.
 */
export function Shell({ nav, who, children }: { nav: ShellNavItem[]; who?: ReactNode; children: ReactNode }) {
  const { t } = useI18n()
  const [menuOpen, setMenuOpen] = useState(false)
  const { pathname } = useLocation()
  // On a phone the menu closes once a page is chosen.
  useEffect(() => setMenuOpen(false), [pathname])
  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark">QI</span> {t('app.title')}
        </div>
        <button
          type="button"
          className="menu-toggle"
          aria-expanded={menuOpen}
          onClick={() => setMenuOpen((open) => !open)}
          data-testid="menu-toggle"
        >
          ☰
        </button>
        <nav className={menuOpen ? 'nav open' : 'nav'}>
          {nav.map((item) => (
            <NavLink key={item.to} to={item.to} end={item.to === '/'} data-testid={item.testId}>
              {t(item.label)}
            </NavLink>
          ))}
        </nav>
        <div className="who">
          <LanguageSwitch />
          {who}
        </div>
      </header>
      <main className="main">{children}</main>
    </div>
  )
}
