import { describe, expect, it } from 'vitest'
import { issuesToFieldErrors, messagesFor } from './api-error'
import { emptyReport, validateReport } from './report-form'

function filledReport() {
  const draft = emptyReport('L1', 'CNAS L0001', '2024-03-01')
  return {
    ...draft,
    reportNo: 'R-2024-001',
    customerName: '武汉某电器有限公司',
    productName: '家用电冰箱',
    model: 'BCD-200',
    results: [
      {
        ...draft.results[0]!,
        standardCode: 'GB/T 8059',
        standardVersion: '2016',
        clause: '5.3',
        parameter: '耗电量',
        value: '0.52',
        unit: 'kWh/24h',
      },
    ],
    instrumentIds: ['I-1'],
    signatory: '张工',
  }
}

describe('the lab portal report form', () => {
  it('accepts a complete report with the contracts schema and drops empty optional fields', () => {
    const result = validateReport(filledReport())
    expect(result.ok).toBe(true)
    if (result.ok) {
      expect(result.input.sample.batch).toBeUndefined()
      expect(result.input.results[0]?.method).toEqual({
        standardCode: 'GB/T 8059',
        standardVersion: '2016',
        clause: '5.3',
      })
    }
  })

  it('reports problems under the same paths the server uses', () => {
    const draft = filledReport()
    draft.results[0]!.standardVersion = 'sixteen'
    draft.instrumentIds = ['I-1', '']
    draft.testedTo = '2024-02-01'
    draft.testedFrom = '2024-02-10'
    const result = validateReport(draft)
    expect(result.ok).toBe(false)
    if (!result.ok) {
      const errors = issuesToFieldErrors(result.issues, 'en')
      expect(messagesFor(errors, 'results.0.method.standardVersion')).toEqual([
        'A version (year) such as 2016.',
      ])
      expect(messagesFor(errors, 'results.0.method', true)).toHaveLength(1)
      expect(messagesFor(errors, 'instrumentIds.1')).toContain('Required.')
      expect(messagesFor(errors, 'testedTo')).toEqual(['Dates must run tested from ≤ tested to ≤ issued on.'])
      const zh = issuesToFieldErrors(result.issues, 'zh-CN')
      expect(messagesFor(zh, 'instrumentIds.1')).toEqual(['必填。'])
    }
  })
})

describe('list fields', () => {
  it('splits standards at their last dash and lists on commas', async () => {
    const { parseStandardRefs, splitList } = await import('./report-form')
    expect(parseStandardRefs('GB/T 8059-2016， GB 4706.1-2005\nQ/ABC 1')).toEqual([
      { code: 'GB/T 8059', version: '2016' },
      { code: 'GB 4706.1', version: '2005' },
      { code: 'Q/ABC 1', version: '' },
    ])
    expect(splitList(' R-1 ; R-2,, ')).toEqual(['R-1', 'R-2'])
  })
})
