import { describe, expect, it } from 'vitest'
import { LANGUAGES, messages, placeholders, translate } from './messages'

describe('Chinese and English UI text', () => {
  const enKeys = Object.keys(messages.en.text).sort()

  it('has every key in both languages, none empty', () => {
    for (const lang of LANGUAGES) {
      expect(Object.keys(messages[lang].text).sort()).toEqual(enKeys)
      for (const [key, text] of Object.entries(messages[lang].text)) {
        expect(text.trim(), `${lang} ${key}`).not.toBe('')
      }
    }
  })

  it('uses the same placeholders in both languages', () => {
    for (const key of enKeys) {
      const en = messages.en.text[key as keyof typeof messages.en.text]
      const zh = messages['zh-CN'].text[key as keyof typeof messages.en.text]
      expect(placeholders(zh), key).toEqual(placeholders(en))
    }
  })

  it('has every status, kind and enum term in both languages', () => {
    expect(Object.keys(messages['zh-CN'].terms).sort()).toEqual(Object.keys(messages.en.terms).sort())
  })

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('en', 'common.total', { n: 3 })).toBe('3 in total')
    expect(translate('zh-CN', 'common.total', { n: 3 })).toBe('共 3 条')
    expect(translate('en', 'common.total')).toBe('{n} in total')
  })
})
