/**
 * A form for one API command, described as data: its fields (text, date, choice, yes/no, lists,
 * standard references, or a pick from a server-paged list), the command's zod schema for client-side
 * checks, and the call. Errors are worded in the user's language beside their field (and linked to
 * it with aria-describedby); a field's error goes once it changes; success is announced in view,
 * focused, and the form starts afresh.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, type ReactNode, useEffect, useId, useMemo, useRef, useState } from 'react'
import type { ZodType } from 'zod'
import { useI18n } from '../i18n/context'
import type { MessageKey } from '../i18n/messages'
import { useZodLocale } from '../i18n/zod-locale'
import {
  describeApiError,
  type FieldErrors,
  type IssueLike,
  issuesToFieldErrors,
  messagesFor,
  unclaimedErrors,
  withoutField,
} from '../lib/api-error'
import { isIsoDate, todayIso } from '../lib/dates'
import { parseStandardRefs, splitList } from '../lib/report-form'
import { Picker, type PickerSource } from './Picker'
import { ErrorBox, FieldMessages } from './ui'

export interface Option {
  value: string
  label: string
}

export interface FieldSpec {
  /** Dotted path in the command input, e.g. `replacedBy.code`. */
  path: string
  label: MessageKey
  /** text (default), date, select, checkbox, list (comma-separated → array), standards (`GB/T 1-2020, …`), standard (one ref) */
  kind?:
    | 'text'
    | 'number'
    | 'date'
    | 'select'
    | 'ref'
    | 'checkbox'
    | 'list'
    | 'standards'
    | 'standard'
    | 'textarea'
  /** For `ref` (a select whose values are JSON objects): merge the object into the input's root. */
  spread?: boolean
  options?: Option[]
  optional?: boolean
  initial?: string
  placeholder?: string
  /** For `select` and `ref`: the choices come page by page from the server (a searchable Picker). */
  source?: PickerSource
}

type Values = Record<string, string>

/** Sets a dotted path; a numeric segment (`lines.0.object`) makes an array. */
function setPath(target: Record<string, unknown>, path: string, value: unknown) {
  const parts = path.split('.')
  let node = target
  parts.slice(0, -1).forEach((part, index) => {
    const nextIsIndex = /^\d+$/.test(parts[index + 1] ?? '')
    node[part] = (node[part] as Record<string, unknown> | undefined) ?? (nextIsIndex ? [] : {})
    node = node[part] as Record<string, unknown>
  })
  node[parts[parts.length - 1] ?? path] = value
}

export function buildInput(fields: FieldSpec[], values: Values, fixed: Record<string, unknown>) {
  const input: Record<string, unknown> = {}
  for (const field of fields) {
    const raw = (values[field.path] ?? '').trim()
    let value: unknown
    switch (field.kind) {
      case 'checkbox':
        value = raw === 'true'
        break
      case 'ref': {
        const picked = raw === '' ? undefined : (JSON.parse(raw) as Record<string, unknown>)
        if (picked && field.spread) Object.assign(input, picked)
        value = field.spread ? undefined : picked
        break
      }
      case 'number':
        value = raw === '' ? undefined : Number(raw)
        break
      // An optional list left empty is absent (a schema's `.min(1).optional()` refuses []).
      case 'list':
        value = raw === '' && field.optional ? undefined : splitList(raw)
        break
      case 'standards':
        value = raw === '' && field.optional ? undefined : parseStandardRefs(raw)
        break
      case 'standard':
        value = raw === '' ? undefined : parseStandardRefs(raw)[0]
        break
      default:
        value = raw === '' && field.optional ? undefined : raw
    }
    if (value !== undefined) setPath(input, field.path, value)
  }
  for (const [path, value] of Object.entries(fixed)) setPath(input, path, value)
  return input
}

const initialValues = (fields: FieldSpec[]): Values =>
  Object.fromEntries(
    fields.map((f) => [
      f.path,
      f.initial ??
        (f.kind === 'date'
          ? todayIso()
          : (f.kind === 'select' || f.kind === 'ref') && !f.optional
            ? (f.options?.[0]?.value ?? '')
            : f.kind === 'checkbox'
              ? 'false'
              : ''),
    ]),
  )

export function CommandForm({
  id,
  title,
  help,
  fields,
  fixed = {},
  schema,
  run,
  submitLabel,
  done,
  prefill,
}: {
  /** data-testid prefix: `<id>-form`, `<id>-<path>`, `<id>-submit`, `<id>-done`. */
  id: string
  title: string
  help?: ReactNode
  fields: FieldSpec[]
  fixed?: Record<string, unknown>
  schema: ZodType
  run(input: Record<string, unknown>): Promise<unknown>
  submitLabel: string
  /** What to say (and link) once it worked. */
  done(input: Record<string, unknown>): ReactNode
  /** Values to start from (e.g. "issue from this report"); applied when they change. */
  prefill?: Values | null
}) {
  const { t, lang } = useI18n()
  useZodLocale(lang)
  const queryClient = useQueryClient()
  const formId = useId()
  const [values, setValues] = useState<Values>(() => ({ ...initialValues(fields), ...prefill }))
  const [clientIssues, setClientIssues] = useState<IssueLike[]>([])
  const [changed, setChanged] = useState<string[]>([])
  const [succeeded, setSucceeded] = useState<Record<string, unknown> | null>(null)
  const doneRef = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (prefill) setValues((v) => ({ ...v, ...prefill }))
  }, [prefill])
  // Options loaded after the first render: a required choice starts on the first one.
  useEffect(() => {
    setValues((v) => {
      let next = v
      for (const f of fields) {
        const first = f.options?.[0]?.value
        if (
          (f.kind === 'select' || f.kind === 'ref') &&
          !f.optional &&
          first !== undefined &&
          !f.options?.some((o) => o.value === v[f.path])
        ) {
          next = { ...next, [f.path]: first }
        }
      }
      return next
    })
  }, [fields])
  const mutation = useMutation({
    mutationFn: (input: Record<string, unknown>) => run(input),
    onSuccess: (_result, input) => {
      setSucceeded(input)
      setValues(initialValues(fields))
      setChanged([])
      void queryClient.invalidateQueries()
    },
  })
  useEffect(() => {
    if (succeeded && doneRef.current) {
      doneRef.current.scrollIntoView({ block: 'center' })
      doneRef.current.focus()
    }
  }, [succeeded])
  const apiError = mutation.error ? describeApiError(mutation.error, lang) : null
  const errors = useMemo(() => {
    let all: FieldErrors = apiError ? apiError.fieldErrors : issuesToFieldErrors(clientIssues, lang)
    for (const path of changed) all = withoutField(all, path)
    return all
  }, [apiError, clientIssues, changed, lang])
  const labelOf = (path: string) => {
    const field = fields.find((f) => path === f.path || path.startsWith(`${f.path}.`))
    return field ? t(field.label) : null
  }
  const general = unclaimedErrors(
    errors,
    fields.map((f) => f.path),
    labelOf,
  )
  const update = (path: string, value: string) => {
    setChanged((list) => (list.includes(path) ? list : [...list, path]))
    setValues((v) => ({ ...v, [path]: value }))
  }
  const submit = (event: FormEvent) => {
    event.preventDefault()
    mutation.reset()
    setSucceeded(null)
    setChanged([])
    const input = buildInput(fields, values, fixed)
    const parsed = schema.safeParse(input, { reportInput: true })
    if (!parsed.success) {
      setClientIssues(parsed.error.issues as IssueLike[])
      return
    }
    setClientIssues([])
    mutation.mutate({ ...input, commandId: crypto.randomUUID() })
  }
  const testId = (path: string) => `${id}-${path.replaceAll('.', '-')}`
  return (
    <form
      className="card stack"
      onSubmit={submit}
      noValidate
      data-testid={`${id}-form`}
      aria-labelledby={`${formId}-title`}
    >
      <h2 id={`${formId}-title`}>{title}</h2>
      {help ? <p className="muted small">{help}</p> : null}
      {mutation.error ? <ErrorBox error={mutation.error} testId={`${id}-error`} /> : null}
      <FieldMessages messages={general} />
      {succeeded ? (
        <div className="success" role="status" tabIndex={-1} ref={doneRef} data-testid={`${id}-done`}>
          {done(succeeded)}
        </div>
      ) : null}
      <div className="form-grid">
        {fields.map((field) => {
          const controlId = `${formId}-${field.path}`
          const messages = messagesFor(errors, field.path, true)
          const errorId = `${controlId}-errors`
          const describedBy = messages.length > 0 ? errorId : undefined
          const value = values[field.path] ?? ''
          let control: ReactNode
          if ((field.kind === 'select' || field.kind === 'ref') && field.source) {
            control = (
              <Picker
                id={controlId}
                testId={testId(field.path)}
                label={t(field.label)}
                value={value}
                onChange={(next) => update(field.path, next)}
                source={field.source}
                optional={field.optional}
                invalid={messages.length > 0}
                describedBy={describedBy}
              />
            )
          } else if (field.kind === 'select' || field.kind === 'ref') {
            control = (
              <select
                id={controlId}
                value={value}
                aria-invalid={messages.length > 0}
                aria-describedby={describedBy}
                onChange={(event) => update(field.path, event.target.value)}
                data-testid={testId(field.path)}
              >
                {field.optional ? <option value="">—</option> : null}
                {(field.options ?? []).map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            )
          } else if (field.kind === 'checkbox') {
            control = (
              <input
                id={controlId}
                type="checkbox"
                checked={value === 'true'}
                onChange={(event) => update(field.path, String(event.target.checked))}
                data-testid={testId(field.path)}
              />
            )
          } else if (field.kind === 'textarea') {
            control = (
              <textarea
                id={controlId}
                rows={2}
                value={value}
                aria-invalid={messages.length > 0}
                aria-describedby={describedBy}
                onChange={(event) => update(field.path, event.target.value)}
                data-testid={testId(field.path)}
              />
            )
          } else {
            const invalidDate = field.kind === 'date' && value !== '' && !isIsoDate(value)
            control = (
              <input
                id={controlId}
                value={value}
                inputMode={field.kind === 'date' ? 'numeric' : undefined}
                placeholder={field.placeholder ?? (field.kind === 'date' ? 'YYYY-MM-DD' : undefined)}
                aria-invalid={messages.length > 0 || invalidDate}
                aria-describedby={describedBy}
                onChange={(event) => update(field.path, event.target.value)}
                data-testid={testId(field.path)}
              />
            )
          }
          return (
            <div key={field.path} className={messages.length > 0 ? 'field invalid' : 'field'}>
              <label htmlFor={controlId}>{t(field.label)}</label>
              {control}
              <FieldMessages messages={messages} testId={`${testId(field.path)}-errors`} id={errorId} />
            </div>
          )
        })}
      </div>
      <div className="button-row">
        <button type="submit" className="primary" disabled={mutation.isPending} data-testid={`${id}-submit`}>
          {mutation.isPending ? t('common.saving') : submitLabel}
        </button>
      </div>
    </form>
  )
}
