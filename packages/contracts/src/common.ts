import { z } from 'zod'
import { IsoDate } from './envelope'

/** A short identifier chosen by the registering organisation (letters, digits, - _ . /). */
export const Id = z
  .string()
  .trim()
  .min(1, 'required')
  .max(80, 'at most 80 characters')
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} _./:-]*$/u, 'letters, digits, spaces and - _ . / : only')

export const Text = z.string().trim().min(1, 'required').max(500, 'at most 500 characters')
export const LongText = z.string().trim().min(1, 'required').max(4000, 'at most 4000 characters')

/** Client-supplied id that makes a retried command a no-op (any string of 8–100 characters). */
export const CommandId = z.string().min(8).max(100)

/** A standard code without its year, e.g. `GB/T 19001`, `DB42/T 1234`, `T/HBAS 001`, `ISO 9001`. */
export const StandardCode = z
  .string()
  .trim()
  .min(2)
  .max(60)
  .regex(/^[A-Z][A-Za-z0-9/ .-]*[A-Za-z0-9]$/, 'a standard code such as GB/T 19001 or DB42/T 1234')

/** The version (year) part, e.g. `2016`, or an edition such as `2016e2`. */
export const StandardVersion = z
  .string()
  .trim()
  .regex(/^(19|20)\d{2}([a-z0-9]{0,4})$/, 'a version such as 2016')

export const StandardRef = z.object({ code: StandardCode, version: StandardVersion })
export type StandardRef = z.infer<typeof StandardRef>

/** A test method: a clause of an exact standard version. */
export const MethodRef = z.object({
  standardCode: StandardCode,
  standardVersion: StandardVersion,
  clause: z.string().trim().min(1).max(40),
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
export const CreditCode = z
  .string()
  .trim()
  .regex(
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
