import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { placeholders } from './messages'
import { REASON_MESSAGES, type ReasonPhrase, reasonText } from './reasons'

const PARSER = resolve(
  import.meta.dirname,
  '..',
  '..',
  '..',
  '..',
  'services',
  'lineage',
  'src',
  'queries',
  'reasons.ts',
)

/** Every phrase code the server's reason parser can return. */
function parserCodes(): string[] {
  const source = readFileSync(PARSER, 'utf8')
  return [...new Set([...source.matchAll(/code: '([^']+)'/g)].map((m) => m[1] ?? ''))].sort()
}

describe('status reasons from their phrases', () => {
  it('has every code the lineage queries return, in both languages with the same placeholders', () => {
    const codes = parserCodes()
    expect(codes.length).toBeGreaterThan(30)
    for (const code of codes) {
      for (const lang of ['en', 'zh-CN'] as const)
        expect(REASON_MESSAGES[lang], `${lang} ${code}`).toHaveProperty([code])
    }
    for (const [key, template] of Object.entries(REASON_MESSAGES.en)) {
      const zh = REASON_MESSAGES['zh-CN'][key as keyof typeof REASON_MESSAGES.en]
      expect(zh, key).not.toBe('')
      expect(placeholders(zh), key).toEqual(placeholders(template))
    }
  })

  it('renders a suspension with its cause, the policy and the person’s words; Chinese without English', () => {
    const phrases: ReasonPhrase[] = [
      { code: 'status.suspended', params: { on: '2026-11-27' } },
      { code: 'cause.reportRevoked', params: { ref: 'R-9' } },
      { code: 'policy.basisRevoked', params: { report: 'R-9' } },
      { text: '复核发现样品与委托不符' },
    ]
    expect(reasonText(phrases, 'en')).toBe(
      'suspended 2026-11-27 because report R-9 was revoked: basis report R-9 revoked: 复核发现样品与委托不符',
    )
    const zh = reasonText(phrases, 'zh-CN') ?? ''
    expect(zh).toBe('2026-11-27 暂停，因报告 R-9 被撤回：依据的报告 R-9 已撤回：复核发现样品与委托不符')
    // No English words left (identifiers such as R-9 aside).
    expect(zh.replace(/R-9/g, '')).not.toMatch(/[A-Za-z]{2,}/)
    expect(
      reasonText(
        [
          { code: 'policy.labReports', params: { lab: 'HBQI', what: 'withdrawn', on: '2026-02-01' } },
          { code: 'policy.basisRevokedRemaining', params: { report: 'R-1', remaining: 'none' } },
        ],
        'zh-CN',
      ),
    ).toBe('依据 HBQI 在其认可于 2026-02-01 撤销之后出具的报告：依据的报告 R-1 已撤回；其余依据：无')
  })

  it('gives null for a code it does not know, so the stored text is shown instead', () => {
    expect(reasonText([{ code: 'status.somethingNew', params: {} }], 'zh-CN')).toBeNull()
  })
})
