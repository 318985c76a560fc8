/**
 * Turns a tRPC error (as the client receives it) into text in the user's language and per-field
 * messages, so a form can show each rule violation or validation issue next to the field it concerns.
 * The server sends ids and parameters (code, rule, item, field, zod issues); the words come from the
 * client's catalogue (i18n/errors.ts). Pure and DOM-free.
 */
import { type ErrorKey, errorText, isErrorKey, REFINE_KEYS } from '../i18n/errors'
import type { Language } from '../i18n/messages'
import { localizeRuleItem } from '../i18n/rule-items'

export type FieldErrors = Record<string, string[]>

export interface ApiErrorInfo {
  /** What went wrong, in the user's language. */
  message: string
  /** The server's own (English) explanation, shown as a detail in the English UI only. */
  detail: string | null
  /** tRPC code, e.g. PRECONDITION_FAILED; null for errors that did not come from the API. */
  code: string | null
  /** The business rule that was broken (rule violations only). */
  rule: string | null
  item: string | null
  field: string | null
  fieldErrors: FieldErrors
}

/** A zod issue as zod (client) or the server's JSON (data.zodIssues) gives it. */
export interface IssueLike {
  path: ReadonlyArray<PropertyKey>
  message: string
  code?: string
  origin?: string
  minimum?: number | bigint
  maximum?: number | bigint
  format?: string
  input?: unknown
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null

/** `['results', 0, 'method']` → `results.0.method`. */
export function pathKey(path: ReadonlyArray<PropertyKey>): string {
  return path.map((segment) => String(segment)).join('.')
}

function addFieldError(errors: FieldErrors, field: string, message: string) {
  const list = errors[field] ?? []
  if (!list.includes(message)) list.push(message)
  errors[field] = list
}

/** One validation issue in the user's language, from its code and parameters (never its English text). */
export function localizeIssue(issue: IssueLike, lang: Language): string {
  const say = (key: ErrorKey, params?: Record<string, string | number>) => errorText(lang, key, params)
  // An empty field breaks its length and format rules too: "required" says all there is to say.
  if (
    issue.input === '' ||
    (Array.isArray(issue.input) && issue.input.length === 0 && issue.code === 'too_small')
  )
    return issue.code === 'too_small' && Array.isArray(issue.input)
      ? say('zod.tooFew', { n: Number(issue.minimum ?? 1) })
      : say('zod.required')
  const refined = REFINE_KEYS[issue.message]
  if (refined) return say(refined)
  const n = (value: number | bigint | undefined) => Number(value ?? 0)
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string')
        return n(issue.minimum) <= 1 ? say('zod.required') : say('zod.tooShort', { n: n(issue.minimum) })
      if (issue.origin === 'array' || issue.origin === 'set')
        return say('zod.tooFew', { n: n(issue.minimum) })
      return say('zod.tooSmall', { n: n(issue.minimum) })
    case 'too_big':
      if (issue.origin === 'string') return say('zod.tooLong', { n: n(issue.maximum) })
      if (issue.origin === 'array' || issue.origin === 'set')
        return say('zod.tooMany', { n: n(issue.maximum) })
      return say('zod.tooBig', { n: n(issue.maximum) })
    case 'invalid_type':
      return issue.input === undefined || /received undefined/.test(issue.message)
        ? say('zod.required')
        : say('zod.type')
    case 'invalid_format':
      return issue.format === 'date' || issue.format === 'datetime' ? say('zod.date') : say('zod.format')
    case 'invalid_value':
    case 'invalid_union':
      return say('zod.choice')
    default:
      return say('zod.invalid')
  }
}

/** zod issues (client- or server-side) as field errors keyed by dotted path, in the user's language. */
export function issuesToFieldErrors(issues: ReadonlyArray<IssueLike>, lang: Language = 'en'): FieldErrors {
  const errors: FieldErrors = {}
  const required = errorText(lang, 'zod.required')
  for (const issue of issues) addFieldError(errors, pathKey(issue.path), localizeIssue(issue, lang))
  // An empty field breaks its format rule too: "required" says all there is to say.
  for (const [field, list] of Object.entries(errors)) if (list.includes(required)) errors[field] = [required]
  return errors
}

function isIssue(value: unknown): value is IssueLike {
  return isRecord(value) && Array.isArray(value.path) && typeof value.message === 'string'
}

const str = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null)

export function describeApiError(error: unknown, lang: Language = 'en'): ApiErrorInfo {
  const serverMessage = error instanceof Error ? error.message : typeof error === 'string' ? error : ''
  const data = isRecord(error) && isRecord(error.data) ? error.data : null
  const fieldErrors: FieldErrors = {}
  // The violation's details: in data.violation, or (sanitised production bodies) on data itself.
  const violation = data ? (isRecord(data.violation) ? data.violation : data) : null
  const rule = violation ? str(violation.rule) : null
  const item = violation ? str(violation.item) : null
  const field = violation ? str(violation.field) : null
  let code = data ? str(data.code) : null
  if (!data)
    code = error instanceof Error && /fetch|network|Load failed/i.test(serverMessage) ? 'NETWORK' : null
  if (data && Array.isArray(data.zodIssues)) {
    for (const issue of data.zodIssues.filter(isIssue)) {
      addFieldError(fieldErrors, pathKey(issue.path), localizeIssue(issue, lang))
    }
  }
  let message: string
  if (rule) {
    const key = `rule.${rule}`
    message = isErrorKey(key)
      ? errorText(lang, key, { item: localizeRuleItem(rule, item ?? '', lang) })
      : errorText(lang, 'rule.unknown', { item: rule })
    if (field) addFieldError(fieldErrors, field, message)
  } else if (code) {
    const key = `code.${code}`
    message = isErrorKey(key) ? errorText(lang, key) : errorText(lang, 'code.UNKNOWN')
  } else if (error instanceof Error && !data && serverMessage && !/^[\x20-\x7e]*$/.test(serverMessage)) {
    // An error the app made itself, already in the user's language.
    message = serverMessage
  } else {
    message = errorText(lang, 'code.UNKNOWN')
  }
  const detail =
    lang === 'en' && data && serverMessage && !Array.isArray(data.zodIssues) ? serverMessage : null
  return { message, detail: detail === message ? null : detail, code, rule, item, field, fieldErrors }
}

/**
 * The messages for one field. With `nested`, messages for anything under it count too
 * (e.g. `results.0.method` collects `results.0.method.clause`).
 */
export function messagesFor(errors: FieldErrors, field: string, nested = false): string[] {
  if (!nested) return errors[field] ?? []
  return Object.entries(errors)
    .filter(([key]) => key === field || key.startsWith(`${field}.`))
    .flatMap(([, messages]) => messages)
}

/** Field errors no form field claimed, so the form can list them at its top (with the field's label when known). */
export function unclaimedErrors(
  errors: FieldErrors,
  claimed: ReadonlyArray<string>,
  label: (path: string) => string | null = () => null,
): string[] {
  return Object.entries(errors)
    .filter(([key]) => !claimed.some((field) => key === field || key.startsWith(`${field}.`)))
    .flatMap(([key, messages]) =>
      messages.map((m) => {
        const name = key ? label(key) : null
        return name ? `${name}: ${m}` : m
      }),
    )
}

/** Drops the errors of a field, anything under it and the group it sits in once the user changes it: they are stale. */
export function withoutField(errors: FieldErrors, field: string): FieldErrors {
  const next: FieldErrors = {}
  let changed = false
  for (const [key, messages] of Object.entries(errors)) {
    if (key === field || key.startsWith(`${field}.`) || (key !== '' && field.startsWith(`${key}.`)))
      changed = true
    else next[key] = messages
  }
  return changed ? next : errors
}
