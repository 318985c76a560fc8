/**
 * Turns a tRPC error (as the client receives it) into a message and per-field messages, so a
 * form can show each rule violation or validation issue next to the field it concerns.
 * Pure and DOM-free: it reads only the error's shape (see packages/trpc/src/trpc.ts errorFormatter).
 */

export type FieldErrors = Record<string, string[]>

export interface ApiErrorInfo {
  message: string
  /** tRPC code, e.g. PRECONDITION_FAILED; null for errors that did not come from the API. */
  code: string | null
  /** The business rule that was broken (rule violations only). */
  rule: string | null
  fieldErrors: FieldErrors
}

interface IssueLike {
  path: ReadonlyArray<PropertyKey>
  message: string
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

/** zod issues (client- or server-side) as field errors keyed by dotted path. */
export function issuesToFieldErrors(issues: ReadonlyArray<IssueLike>): FieldErrors {
  const errors: FieldErrors = {}
  for (const issue of issues) addFieldError(errors, pathKey(issue.path), issue.message)
  return errors
}

function isIssue(value: unknown): value is IssueLike {
  return isRecord(value) && Array.isArray(value.path) && typeof value.message === 'string'
}

export function describeApiError(error: unknown): ApiErrorInfo {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : 'unknown error'
  const data = isRecord(error) && isRecord(error.data) ? error.data : null
  const fieldErrors: FieldErrors = {}
  let rule: string | null = null
  if (data) {
    if (Array.isArray(data.zodIssues)) {
      for (const issue of data.zodIssues.filter(isIssue)) {
        addFieldError(fieldErrors, pathKey(issue.path), issue.message)
      }
    }
    if (isRecord(data.violation)) {
      rule = typeof data.violation.rule === 'string' ? data.violation.rule : null
      if (typeof data.violation.field === 'string' && data.violation.field) {
        addFieldError(fieldErrors, data.violation.field, message)
      }
    }
  }
  const code = data && typeof data.code === 'string' ? data.code : null
  // A zod failure's message is a JSON dump of the issues: show a readable summary instead.
  const readable =
    code === 'BAD_REQUEST' && data && Array.isArray(data.zodIssues) && data.zodIssues.length > 0
      ? typeof data.zodMessage === 'string'
        ? data.zodMessage
        : message
      : message
  return { message: readable, code, rule, fieldErrors }
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

/** Field errors no form field claimed, so the form can list them at its top. */
export function unclaimedErrors(errors: FieldErrors, claimed: ReadonlyArray<string>): string[] {
  return Object.entries(errors)
    .filter(([key]) => !claimed.some((field) => key === field || key.startsWith(`${field}.`)))
    .flatMap(([key, messages]) => messages.map((m) => (key ? `${key}: ${m}` : m)))
}
