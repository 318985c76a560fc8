import { describe, expect, it } from 'vitest'
import { CommandId, Id, LongText, MethodRef, StandardCode, Text } from './common'
import { IsoDate } from './envelope'
import { domainCatalogue, industrialization, testing } from './index'

const messages = (result: { success: boolean; error?: { issues: Array<{ message: string }> } }) =>
  result.success ? [] : result.error!.issues.map((i) => i.message)

describe('input hygiene of ids and codes', () => {
  it.each([
    ['a NUL', 'LAB\u0000A', /control character/],
    ['a line break', 'LAB\nA', /control character/],
    ['a C1 control', 'LAB\u0085A', /control character/],
    ['a right-to-left override', 'LAB-\u202eA1', /bidirectional control/],
    ['a left-to-right isolate', 'LAB-\u2066A1', /bidirectional control/],
    ['a right-to-left mark', 'LAB-\u200fA1', /bidirectional control/],
    ['a lone high surrogate', 'LAB-\ud83dA', /lone UTF-16 surrogate/],
    ['a lone low surrogate', 'LAB-\ude00A', /lone UTF-16 surrogate/],
  ])('refuses an id with %s, with one clear message', (_what, value, message) => {
    const issues = messages(Id.safeParse(value))
    expect(issues).toHaveLength(1)
    expect(issues[0]).toMatch(message)
  })

  it('refuses the same characters in codes, clauses and command ids', () => {
    expect(messages(StandardCode.safeParse('GB/T \u202e19001'))[0]).toMatch(/bidirectional control/)
    expect(
      messages(
        MethodRef.safeParse({ standardCode: 'GB 4706', standardVersion: '2019', clause: '8\u0000' }),
      )[0],
    ).toMatch(/control character/)
    expect(messages(CommandId.safeParse('cmd-\u2067-0001'))[0]).toMatch(/bidirectional control/)
    expect(messages(testing.TestResult.shape.unit.safeParse('m\u202eA'))[0]).toMatch(/bidirectional control/)
  })

  it('accepts Chinese, accented and ordinary ids, normalised to NFC', () => {
    expect(Id.parse('湖北-检测-01')).toBe('湖北-检测-01')
    const decomposed = 'Cafe\u0301-01'
    expect(Id.parse(decomposed)).toBe('Café-01')
    expect(Id.parse(decomposed)).toBe(Id.parse('Caf\u00e9-01'))
  })
})

describe('input hygiene of text', () => {
  it('normalises text to NFC and trims it', () => {
    expect(Text.parse('  Ame\u0301lie  ')).toBe('Amélie')
    expect(Text.parse('武汉 美家 电器')).toBe('武汉 美家 电器')
  })
  it('allows line breaks in long text only', () => {
    expect(LongText.parse('line one\nline two\ttabbed')).toBe('line one\nline two\ttabbed')
    expect(messages(Text.safeParse('line one\nline two'))[0]).toMatch(/control character/)
  })
  it('refuses bidi overrides and broken characters in text', () => {
    expect(messages(Text.safeParse('Wuhan \u202eoC dloC'))[0]).toMatch(/bidirectional control/)
    expect(messages(LongText.safeParse('broken \udc00'))[0]).toMatch(/lone UTF-16 surrogate/)
  })
})

describe('business dates', () => {
  it.each(['1900-01-01', '2024-02-29', '2100-12-31'])('accepts %s', (date) => {
    expect(IsoDate.parse(date)).toBe(date)
  })
  it.each(['0202-05-01', '1899-12-31', '2101-01-01', '9999-12-31'])(
    'refuses %s, naming the range',
    (date) => {
      expect(messages(IsoDate.safeParse(date))).toEqual(['expected a date between 1900-01-01 and 2100-12-31'])
    },
  )
  it('refuses a malformed date with the format message only', () => {
    expect(messages(IsoDate.safeParse('2024-13-01'))).toEqual(['expected a date as YYYY-MM-DD'])
  })
  it('applies to command schemas, at the field', () => {
    const result = industrialization.GrantProductionLicence.safeParse({
      licenceNo: 'XK06-001',
      enterpriseId: '91420100MA4KX8N21B',
      productCategory: '电线电缆',
      procedure: 'ordinary',
      grantedOn: '0225-01-01',
      expiresOn: '2029-12-31',
    })
    expect(result.success).toBe(false)
    expect(result.error!.issues).toMatchObject([
      { path: ['grantedOn'], message: 'expected a date between 1900-01-01 and 2100-12-31' },
    ])
  })
})

describe('surrounding whitespace', () => {
  it('is trimmed before the checks, so a pasted trailing line break is harmless', () => {
    expect(Id.parse(' LAB-A\n')).toBe('LAB-A')
  })
})

describe('events recorded before the hygiene checks', () => {
  const recorded = (data: unknown) => ({
    id: '00000000-0000-4000-8000-000000000001',
    type: 'ProductionLicenceRevoked',
    streamName: 'licence-XK-1',
    revision: 1n,
    position: 9n,
    data,
    metadata: {
      schemaVersion: 1,
      actor: 'u1',
      org: 'HB-AMR',
      correlationId: 'c1',
      causationId: null,
      commandId: 'cmd-00001',
      occurredAt: '0225-03-01',
    },
    recordedAt: new Date('2025-03-02T00:00:00Z'),
  })
  const legacy = { licenceNo: 'XK-1', on: '0225-03-01', reason: 'line one\nline two' }

  it('still read (the stream stays usable), while a new write with the same data is refused', () => {
    expect(domainCatalogue.decode(recorded(legacy)).data).toEqual(legacy)
    expect(() => domainCatalogue.encode('ProductionLicenceRevoked', legacy)).toThrow(
      /expected a date between 1900-01-01 and 2100-12-31/,
    )
  })
  it('are still refused for anything else wrong with them', () => {
    expect(() => domainCatalogue.decode(recorded({ ...legacy, licenceNo: 42 }))).toThrow(
      /does not match its schema/,
    )
  })
})
