import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react'
import { formatMoment } from '../lib/dates'
import { LANGUAGES, type Language, type MessageKey, messages, translate } from './messages'

const STORAGE_KEY = 'qi.lang'

interface I18nState {
  lang: Language
  setLang(lang: Language): void
  t(key: MessageKey, params?: Record<string, string | number>): string
  /** A status, kind or enum value in the current language (the raw value when unknown). */
  term(value: string | null | undefined): string
  /** A moment (event time) in the language's format. */
  moment(value: Date | string | null | undefined): string
  /** A number with the language's grouping. */
  num(value: number | bigint): string
}

const I18nContext = createContext<I18nState | null>(null)

function initialLanguage(): Language {
  try {
    const stored = localStorage.getItem(STORAGE_KEY)
    if (stored && (LANGUAGES as readonly string[]).includes(stored)) return stored as Language
  } catch {
    // no storage (private mode): default
  }
  return 'zh-CN'
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Language>(initialLanguage)
  useEffect(() => {
    document.documentElement.lang = lang
  }, [lang])
  const setLang = useCallback((next: Language) => {
    localStorage.setItem(STORAGE_KEY, next)
    setLangState(next)
  }, [])
  const value = useMemo<I18nState>(
    () => ({
      lang,
      setLang,
      t: (key, params) => translate(lang, key, params),
      term: (value) => {
        if (value === null || value === undefined || value === '') return '—'
        return messages[lang].terms[value] ?? value
      },
      moment: (value) => formatMoment(value, lang),
      num: (value) => new Intl.NumberFormat(lang).format(value),
    }),
    [lang, setLang],
  )
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>
}

export function useI18n(): I18nState {
  const state = useContext(I18nContext)
  if (!state) throw new Error('useI18n outside I18nProvider')
  return state
}
