import { describe, expect, it } from 'vitest'
import { formatDateTime, isIsoDate, isoDay, todayIso } from './dates'

describe('ISO dates', () => {
  it('formats days and date-times as ISO', () => {
    expect(isoDay(new Date('2024-03-01T23:59:00Z'))).toBe('2024-03-01')
    expect(formatDateTime('2024-03-01T08:05:09.123Z')).toBe('2024-03-01 08:05')
    expect(formatDateTime(new Date('2020-12-31T00:00:00Z'))).toBe('2020-12-31 00:00')
    expect(formatDateTime('2024-03-01')).toBe('2024-03-01')
    expect(formatDateTime(null)).toBe('—')
  })

  it("defaults forms to the server's business day (UTC), not the browser's local one", () => {
    // 00:30 in Wuhan on 28 November is still 27 November on the platform's calendar
    expect(todayIso(new Date('2026-11-27T16:30:00Z'))).toBe('2026-11-27')
  })

  it('recognises ISO dates', () => {
    expect(isIsoDate('2024-02-29')).toBe(true)
    expect(isIsoDate('2024-2-9')).toBe(false)
    expect(isIsoDate('soon')).toBe(false)
  })
})
