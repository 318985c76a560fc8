import { describe, expect, it } from 'vitest'
import { toCsv } from './csv'

describe('CSV export', () => {
  it('quotes commas, quotes and line breaks, joins lists, and defuses formulas', () => {
    expect(
      toCsv([
        { no: 'R-1', name: '电热水壶, 1.5L', note: 'say "hi"', list: ['a', 'b'] },
        { no: '=SUM(A1)', name: 'x\ny', note: null, list: [] },
      ]),
    ).toBe('no,name,note,list\r\nR-1,"电热水壶, 1.5L","say ""hi""",a; b\r\n\'=SUM(A1),"x\ny",,\r\n')
    expect(toCsv([])).toBe('')
  })
})
