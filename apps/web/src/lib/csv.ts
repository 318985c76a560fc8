/** Rows of plain values as RFC 4180 CSV: a header from the first row's keys, quotes where needed. */
export function toCsv(rows: ReadonlyArray<Record<string, unknown>>): string {
  if (rows.length === 0) return ''
  const keys = Object.keys(rows[0] ?? {})
  const cell = (value: unknown) => {
    const text =
      value === null || value === undefined ? '' : Array.isArray(value) ? value.join('; ') : String(value)
    // A leading = + - @ would run as a formula in a spreadsheet.
    const safe = /^[=+\-@]/.test(text) ? `'${text}` : text
    return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
  }
  return `${[keys.join(','), ...rows.map((row) => keys.map((key) => cell(row[key])).join(','))].join('\r\n')}\r\n`
}
