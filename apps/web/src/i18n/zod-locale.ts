import { z } from 'zod'
import en from 'zod/v4/locales/en.js'
import zhCN from 'zod/v4/locales/zh-CN.js'
import type { Language } from './messages'

/** zod's messages in the UI language (loaded with the first form, not with the public pages). */
export function applyZodLocale(lang: Language): void {
  z.config(lang === 'zh-CN' ? zhCN() : en())
}
