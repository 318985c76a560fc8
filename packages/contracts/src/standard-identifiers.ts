import { z } from 'zod'

/**
 * Catalogue identifiers and partial dates as publishers write them.
 *
 * Identifiers: `ISO/IEC 27001:2013`, `ISO 9001:2015/Amd 1:2024`, `ISO 9001:2015/Cor.1:2016`,
 * `GB/T 19001-2016`, `DB42/T 1234-2017`, `EN 60335-1:2012+A11:2014`, `IEC 60068-2-1:2007/COR1:2008`.
 * Input is NFKC-normalised (full-width ＧＢ／Ｔ → GB/T) and case-insensitive.
 */

export const SupplementKind = z.enum(['amendment', 'corrigendum', 'technical_corrigendum'])
export type SupplementKind = z.infer<typeof SupplementKind>

export interface SupplementRef {
  kind: SupplementKind
  number: number
  /** Year of the supplement when the identifier gives it. */
  year: string | null
}

export interface ParsedIdentifier {
  code: string
  version: string | null
  supplements: SupplementRef[]
}

/** NFKC, upper case, one space between words, no spaces around `/`, `:`, `+` and `-` joins. */
export function normalizeIdentifier(text: string): string {
  return text
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\s+/g, ' ')
    .replace(/\s*([/:+])\s*/g, '$1')
    .trim()
}

const SUPPLEMENT_KINDS: Array<[RegExp, SupplementKind]> = [
  [/^(AMD|AMENDMENT|A)\.?\s?(\d+)$/, 'amendment'],
  [/^(TC|TECHNICAL CORRIGENDUM)\.?\s?(\d+)$/, 'technical_corrigendum'],
  [/^(COR|CORRIGENDUM|AC)\.?\s?(\d+)$/, 'corrigendum'],
]

function parseSupplement(text: string): SupplementRef | null {
  const [label = '', year = null] = text.split(':')
  for (const [pattern, kind] of SUPPLEMENT_KINDS) {
    const match = pattern.exec(label.trim())
    if (match) {
      const y = year && /^(19|20)\d{2}$/.test(year) ? year : null
      return { kind, number: Number(match[2]), year: y }
    }
  }
  return null
}

/**
 * Splits an identifier into code, year (the version) and supplements. Returns null when it does not
 * look like a standard identifier at all. `GB/T 19001-2016` → code `GB/T 19001`, version `2016`;
 * `ISO/IEC 27001:2013` → `ISO/IEC 27001`, `2013`; `EN 60335-1:2012+A11:2014` → `EN 60335-1`,
 * `2012`, amendment 11 of 2014. Part numbers (`60335-1`) are kept in the code: a dash takes a year
 * only when four digits 19xx/20xx end the identifier and the code is a Chinese one (GB, DB, T/, …).
 */
export function parseStandardIdentifier(text: string): ParsedIdentifier | null {
  const normalized = normalizeIdentifier(text)
  if (!/^[A-Z]/.test(normalized)) return null
  const [head = '', ...rest] = normalized.split(/[/+](?=(?:AMD|AMENDMENT|A|COR|CORRIGENDUM|AC|TC)\.?\s?\d)/)
  const supplements: SupplementRef[] = []
  for (const part of rest) {
    const supplement = parseSupplement(part)
    if (!supplement) return null
    supplements.push(supplement)
  }
  const colon = /^(.*\S):((?:19|20)\d{2})$/.exec(head)
  if (colon) return { code: colon[1] as string, version: colon[2] as string, supplements }
  const chinese = /^((?:GB|DB\d{2}|T\/|Q\/|[A-Z]{2,3}(?:\/T)?\s)[^:]*?)-((?:19|20)\d{2})$/.exec(head)
  if (chinese) return { code: chinese[1] as string, version: chinese[2] as string, supplements }
  if (/^[A-Z][A-Z0-9/ .-]*[A-Z0-9]$/.test(head)) return { code: head, version: null, supplements }
  return null
}

/** The publisher's form of an edition: `GB/T 19001-2016`, `ISO 9001:2015`. */
export function formatIdentifier(ref: { code: string; version: string }): string {
  const international = /^(ISO|IEC|EN|ITU|ASTM|IEEE|CODEX)\b/.test(ref.code)
  return `${ref.code}${international ? ':' : '-'}${ref.version}`
}

export const DatePrecision = z.enum(['day', 'month', 'year', 'unknown'])
export type DatePrecision = z.infer<typeof DatePrecision>

/**
 * A date as catalogues give it: `2001-09-15`, `2001-09` or `2001`. It counts from its first day
 * (`2001-09` → 2001-09-01) and is shown as given.
 */
export const PartialDate = z
  .string()
  .trim()
  .regex(
    /^(19|20)\d{2}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/,
    'a date as YYYY-MM-DD, YYYY-MM or YYYY',
  )

export function expandPartialDate(text: string): {
  date: string
  precision: Exclude<DatePrecision, 'unknown'>
} {
  if (text.length === 4) return { date: `${text}-01-01`, precision: 'year' }
  if (text.length === 7) return { date: `${text}-01`, precision: 'month' }
  return { date: text, precision: 'day' }
}

/** Shows a stored date at its precision: `2001-09-01` + month → `2001-09`. */
export function showDate(date: string, precision: DatePrecision | null | undefined): string {
  if (precision === 'year') return date.slice(0, 4)
  if (precision === 'month') return date.slice(0, 7)
  return date
}

/**
 * Lets a command name its edition by identifier (`{ identifier: 'ISO/IEC 27001:2013' }`) instead of
 * `code` + `version`; an explicit code wins.
 */
export function acceptingIdentifier<T extends z.ZodType>(schema: T) {
  return z.preprocess((raw) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw
    const { identifier, ...rest } = raw as Record<string, unknown>
    if (typeof identifier !== 'string' || rest.code !== undefined) return raw
    const parsed = parseStandardIdentifier(identifier)
    if (!parsed?.version) return raw
    return { ...rest, code: parsed.code, version: parsed.version }
  }, schema)
}
