import { z } from 'zod'
import { IsoDate, WRITE_CHECK } from './envelope'

// Input hygiene, shared by every command schema. The string is trimmed, then checked in this
// order, each stopping the rest: broken Unicode, control characters, bidirectional controls (which
// can make an id or a name display as something else, "Trojan Source" style); then it is
// NFC-normalised, so 'é' typed composed or decomposed is one value.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL_EXCEPT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/
const BIDI_CONTROL = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/

/** A string without lone surrogates, control characters or bidi controls, NFC-normalised and trimmed. */
export function cleanString(options: { lineBreaks?: boolean } = {}) {
  const control = options.lineBreaks ? CONTROL_EXCEPT_LINE_BREAKS : CONTROL
  return z
    .string()
    .trim()
    .refine((s) => !LONE_SURROGATE.test(s), {
      message: 'contains a broken character (a lone UTF-16 surrogate); re-type it',
      abort: true,
      params: WRITE_CHECK,
    })
    .refine((s) => !control.test(s), {
      message: options.lineBreaks
        ? 'contains a control character (only tabs and line breaks are allowed); remove it'
        : 'contains a control character (such as a tab, line break or NUL); remove it',
      abort: true,
      params: WRITE_CHECK,
    })
    .refine((s) => !BIDI_CONTROL.test(s), {
      message:
        'contains an invisible bidirectional control (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C); remove it',
      abort: true,
      params: WRITE_CHECK,
    })
    .normalize('NFC')
}

/** A short identifier chosen by the registering organisation (letters, digits, - _ . /). */
export const Id = cleanString()
  .min(1, 'required')
  .max(80, 'at most 80 characters')
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} _./:-]*$/u, 'letters, digits, spaces and - _ . / : only')

/** A short code that is not an id (a clause number, a unit): hygiene and a length, no alphabet. */
export const Code = (max: number) => cleanString().max(max, `at most ${max} characters`)

export const Text = cleanString().min(1, 'required').max(500, 'at most 500 characters')
export const LongText = cleanString({ lineBreaks: true })
  .min(1, 'required')
  .max(4000, 'at most 4000 characters')

/** Client-supplied id that makes a retried command a no-op (any string of 8–100 characters). */
export const CommandId = cleanString().min(8, 'at least 8 characters').max(100, 'at most 100 characters')

/** A standard code without its year, e.g. `GB/T 19001`, `DB42/T 1234`, `T/HBAS 001`, `ISO 9001`. */
export const StandardCode = cleanString()
  .min(2)
  .max(60)
  .regex(/^[A-Z][A-Za-z0-9/ .-]*[A-Za-z0-9]$/, 'a standard code such as GB/T 19001 or DB42/T 1234')

/** The version (year) part, e.g. `2016`, or an edition such as `2016e2`. */
export const StandardVersion = cleanString().regex(/^(19|20)\d{2}([a-z0-9]{0,4})$/, 'a version such as 2016')

export const StandardRef = z.object({ code: StandardCode, version: StandardVersion })
export type StandardRef = z.infer<typeof StandardRef>

/** A test method: a clause of an exact standard version. */
export const MethodRef = z.object({
  standardCode: StandardCode,
  standardVersion: StandardVersion,
  clause: Code(40).min(1, 'required'),
})
export type MethodRef = z.infer<typeof MethodRef>

export const standardKey = (ref: { code: string; version: string }) => `${ref.code}-${ref.version}`
export const methodKey = (m: MethodRef) => `${m.standardCode}-${m.standardVersion} §${m.clause}`

export const PillarIndustry = z.enum([
  'automotive',
  'petrochemical',
  'equipment',
  'food',
  'textile',
  'metallurgy',
])
export const Industry = z.enum([...PillarIndustry.options, 'other'])
export type Industry = z.infer<typeof Industry>

/** 统一社会信用代码: 18 characters, digits and upper-case letters without I, O, S, V, Z. */
export const CreditCode = cleanString().regex(
  /^[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10}$/,
  'a unified social credit code of 18 characters',
)

export const DateRange = z
  .object({ from: IsoDate, to: IsoDate })
  .refine((r) => r.from <= r.to, { message: 'the end date is before the start date', path: ['to'] })

/** Kinds of standard, derived from the code's prefix. */
export const StandardKind = z.enum([
  'national_mandatory',
  'national_recommended',
  'industry',
  'local',
  'group',
  'enterprise',
  'international',
])
export type StandardKind = z.infer<typeof StandardKind>

const INDUSTRY_PREFIXES = [
  'JB',
  'QC',
  'HG',
  'SH',
  'FZ',
  'YB',
  'QB',
  'SB',
  'NY',
  'SN',
  'GA',
  'JT',
  'DL',
  'YY',
  'JG',
  'JJG',
  'JJF',
  'SJ',
  'YD',
  'CJ',
  'JC',
  'LY',
  'WS',
  'HJ',
  'AQ',
  'MT',
  'SY',
  'XB',
  'YS',
  'BB',
  'TB',
]

/** Classifies a standard code by its prefix (GB, GB/T, industry, DB, T/, Q/, ISO/IEC/EN). */
export function classifyStandardCode(
  code: string,
): { kind: StandardKind; mandatory: boolean; region?: string } | null {
  const prefix = code.split(' ')[0] ?? ''
  if (prefix === 'GB') return { kind: 'national_mandatory', mandatory: true }
  if (prefix === 'GB/T' || prefix === 'GB/Z') return { kind: 'national_recommended', mandatory: false }
  const local = /^DB(\d{2})(\/T)?$/.exec(prefix)
  if (local) return { kind: 'local', mandatory: !local[2], region: local[1] }
  if (prefix.startsWith('T/')) return { kind: 'group', mandatory: false }
  if (prefix.startsWith('Q/')) return { kind: 'enterprise', mandatory: false }
  if (/^(ISO|IEC|EN|ITU|ASTM|IEEE|CODEX)(\/[A-Z]+)*$/.test(prefix))
    return { kind: 'international', mandatory: false }
  const industry = /^([A-Z]{2,3})(\/T)?$/.exec(prefix)
  if (industry && INDUSTRY_PREFIXES.includes(industry[1]!))
    return { kind: 'industry', mandatory: !industry[2] }
  return null
}

/** Hubei's administrative division code prefix, used by local standards DB42. */
export const HUBEI_REGION_CODE = '42'

/**
 * The text of a list or picker search box: NFKC-folded (full-width ＭＪ finds MJ) and trimmed; an
 * empty box means no search. SQLite's LIKE then makes it case-insensitive for Latin letters.
 */
export const SearchText = z
  .string()
  .max(100)
  .transform((text) => text.normalize('NFKC').trim())
  .transform((text) => (text === '' ? undefined : text))

/** `%text%` for LIKE … ESCAPE '\\', with the wildcards in the text escaped. */
export const likeContains = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
