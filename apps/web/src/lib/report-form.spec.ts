import { describe, expect, it } from 'vitest'
import { messagesFor } from './api-error'
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
      expect(messagesFor(result.errors, 'results.0.method.standardVersion')).toEqual([
        'a version such as 2016',
      ])
      expect(messagesFor(result.errors, 'results.0.method', true)).toHaveLength(1)
      expect(messagesFor(result.errors, 'instrumentIds.1')).toContain('required')
      expect(messagesFor(result.errors, 'testedTo')).toEqual([
        'dates must run testedFrom ≤ testedTo ≤ issuedOn',
      ])
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
