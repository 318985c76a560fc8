import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { errorMessages, isErrorKey } from './errors'
import { placeholders } from './messages'

const SERVICES = resolve(import.meta.dirname, '..', '..', '..', '..', 'services')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (name === 'node_modules') return []
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : []
  })
}

/** Every rule id a service throws: `new RuleViolationError('id', …` or `const rule = 'id'`. */
function ruleIdsInServices(): string[] {
  const ids = new Set<string>()
  for (const file of sourceFiles(SERVICES)) {
    const text = readFileSync(file, 'utf8')
    for (const match of text.matchAll(/new RuleViolationError\(\s*'([^']+)'/g)) ids.add(match[1] ?? '')
    for (const match of text.matchAll(/const rule = '([^']+)'/g)) ids.add(match[1] ?? '')
  }
  return [...ids].sort()
}

describe('the error catalogue', () => {
  it('has every key in both languages with the same placeholders, none empty', () => {
    const keys = Object.keys(errorMessages.en).sort()
    expect(Object.keys(errorMessages['zh-CN']).sort()).toEqual(keys)
    for (const key of keys) {
      const en = errorMessages.en[key as keyof typeof errorMessages.en]
      const zh = errorMessages['zh-CN'][key as keyof typeof errorMessages.en]
      expect(zh.trim(), key).not.toBe('')
      expect(placeholders(zh), key).toEqual(placeholders(en))
    }
  })

  it('words every business rule the services throw', () => {
    const ids = ruleIdsInServices()
    expect(ids.length).toBeGreaterThan(40)
    const missing = ids.filter((id) => !isErrorKey(`rule.${id}`))
    expect(missing, 'rule ids without a message in i18n/errors.ts').toEqual([])
  })

  it('has no Latin words in the Chinese sentences beyond codes and placeholders', () => {
    for (const [key, text] of Object.entries(errorMessages['zh-CN'])) {
      // Standard prefixes (GB, ISO…) and API are names, not English text.
      const words = text
        .replace(/\{\w+\}/g, '')
        .replace(/\b(API|GB\/T|GB|DB42|ISO\/IEC|ISO|IEC|EN|T\/|Q\/)\b/g, '')
        .match(/[A-Za-z]{3,}/g)
      expect(words, key).toBeNull()
    }
  })
})
