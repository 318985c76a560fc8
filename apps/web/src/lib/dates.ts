/** Dates are shown as ISO (YYYY-MM-DD), whatever the language. */

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10)
}

/**
 * "Today" as the platform's business calendar counts it: the server decides with the UTC day
 * (`deps.now()`), so a form's default date must be that day too. The browser's local day would be
 * "tomorrow" for a user in China from 00:00 to 08:00 and have today's date refused as future.
 */
export function todayIso(now: Date = new Date()): string {
  return isoDay(now)
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
