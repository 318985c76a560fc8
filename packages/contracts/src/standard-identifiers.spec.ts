import { describe, expect, it } from 'vitest'
import { DraftStandard } from './contexts/standards'
import {
  acceptingIdentifier,
  expandPartialDate,
  formatIdentifier,
  parseStandardIdentifier,
  showDate,
} from './standard-identifiers'

describe('standard identifiers', () => {
  it.each([
    ['ISO/IEC 27001:2013', 'ISO/IEC 27001', '2013', []],
    ['GB/T 19001-2016', 'GB/T 19001', '2016', []],
    ['DB42/T 1234-2017', 'DB42/T 1234', '2017', []],
    ['JB/T 10001-2010', 'JB/T 10001', '2010', []],
    ['T/HBAS 001-2020', 'T/HBAS 001', '2020', []],
    ['IEC 60068-2-1:2007', 'IEC 60068-2-1', '2007', []],
    ['ISO 9001:2015/Amd 1:2024', 'ISO 9001', '2015', [{ kind: 'amendment', number: 1, year: '2024' }]],
    ['ISO 9001:2015/Cor.1:2016', 'ISO 9001', '2015', [{ kind: 'corrigendum', number: 1, year: '2016' }]],
    ['EN 60335-1:2012+A11:2014', 'EN 60335-1', '2012', [{ kind: 'amendment', number: 11, year: '2014' }]],
    ['ＧＢ／Ｔ　１９００１－２０１６', 'GB/T 19001', '2016', []],
    ['iso/iec 27001:2013', 'ISO/IEC 27001', '2013', []],
    ['GB/T 19001', 'GB/T 19001', null, []],
  ])('parses %s', (text, code, version, supplements) => {
    expect(parseStandardIdentifier(text)).toEqual({ code, version, supplements })
  })
  it('refuses what is not an identifier', () => {
    expect(parseStandardIdentifier('19001')).toBeNull()
    expect(parseStandardIdentifier('ISO 9001:2015/Xyz 1')).toBeNull()
  })
  it('formats an edition as its publisher does', () => {
    expect(formatIdentifier({ code: 'ISO/IEC 27001', version: '2013' })).toBe('ISO/IEC 27001:2013')
    expect(formatIdentifier({ code: 'GB/T 19001', version: '2016' })).toBe('GB/T 19001-2016')
  })
  it('lets a command name its edition by identifier', () => {
    const parsed = acceptingIdentifier(DraftStandard).parse({
      identifier: 'ISO/IEC 27001:2013',
      titleEn: 'Information security management systems — Requirements',
      ics: ['35.030'],
    })
    expect(parsed).toMatchObject({ code: 'ISO/IEC 27001', version: '2013' })
  })
  it('requires a title in some language, and takes real titles longer than 500 characters', () => {
    expect(DraftStandard.safeParse({ code: 'ISO 1', version: '2020', ics: ['01'] }).success).toBe(false)
    expect(
      DraftStandard.safeParse({ code: 'ISO 1', version: '2020', ics: ['01'], titleEn: 'x'.repeat(564) })
        .success,
    ).toBe(true)
  })
})

describe('partial dates', () => {
  it('count from their first day and show as given', () => {
    expect(expandPartialDate('2001-09')).toEqual({ date: '2001-09-01', precision: 'month' })
    expect(expandPartialDate('2001')).toEqual({ date: '2001-01-01', precision: 'year' })
    expect(expandPartialDate('2001-09-15')).toEqual({ date: '2001-09-15', precision: 'day' })
    expect(showDate('2001-09-01', 'month')).toBe('2001-09')
    expect(showDate('2001-01-01', 'year')).toBe('2001')
  })
})
