import { useEffect } from 'react'
import { z } from 'zod'
import en from 'zod/v4/locales/en.js'
import zhCN from 'zod/v4/locales/zh-CN.js'
import type { Language } from './messages'

/**
 * zod's own messages in the UI language. Forms word issues from their codes (lib/api-error.ts);
 * this covers anything else zod says. Used by the forms, so public pages never load zod.
 */
export function useZodLocale(lang: Language): void {
  useEffect(() => {
    z.config(lang === 'zh-CN' ? zhCN() : en())
  }, [lang])
}
