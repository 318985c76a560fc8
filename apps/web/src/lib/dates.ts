/** Dates are shown as ISO (YYYY-MM-DD), whatever the language. */

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10)
}

export function todayIso(now: Date = new Date()): string {
  // The local calendar day, not UTC's (a user east of UTC just after midnight is on "tomorrow").
  const local = new Date(now.getTime() - now.getTimezoneOffset() * 60_000)
  return isoDay(local)
}

/** `2024-03-01T08:05:00.000Z` or a Date → `2024-03-01 08:05` (UTC); a plain date stays as it is. */
export function formatDateTime(value: Date | string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—'
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value
  const date = typeof value === 'string' ? new Date(value) : value
  if (Number.isNaN(date.getTime())) return String(value)
  return `${date.toISOString().slice(0, 10)} ${date.toISOString().slice(11, 16)}`
}

export const isIsoDate = (value: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(new Date(`${value}T00:00:00Z`).getTime())

/** A moment in the user's language and time zone (Intl), e.g. 2024/03/01 16:05 or 01/03/2024, 16:05. */
export function formatMoment(value: Date | string | null | undefined, lang: string): string {
  if (value === null || value === undefined || value === '') return '—'
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value
  const date = typeof value === 'string' ? new Date(value) : value
  if (Number.isNaN(date.getTime())) return String(value)
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' }).format(
    date,
  )
}
