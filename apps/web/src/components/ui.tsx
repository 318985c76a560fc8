import type { UseQueryResult } from '@tanstack/react-query'
import { type ReactNode, useEffect, useId, useState } from 'react'
import { useI18n } from '../i18n/context'
import { describeApiError } from '../lib/api-error'
import { isIsoDate } from '../lib/dates'
import { statusTone } from '../lib/lineage-layout'

export function Loading() {
  const { t } = useI18n()
  return (
    <p className="muted" role="status" data-testid="loading">
      {t('common.loading')}
    </p>
  )
}

export function ErrorBox({ error, testId = 'error' }: { error: unknown; testId?: string }) {
  const { t, lang } = useI18n()
  const info = describeApiError(error, lang)
  return (
    <div
      className="error-box"
      role="alert"
      data-testid={testId}
      data-code={info.code ?? ''}
      data-rule={info.rule ?? ''}
    >
      <strong>{info.rule ? t('common.refused') : t('common.error')}</strong>
      <p className="error-message" data-testid={`${testId}-message`}>
        {info.message}
      </p>
      {info.detail ? <p className="muted small">{info.detail}</p> : null}
    </div>
  )
}

export function Empty({ children }: { children?: ReactNode }) {
  const { t } = useI18n()
  return (
    <p className="empty" data-testid="empty">
      {children ?? t('common.empty')}
    </p>
  )
}

/** Loading, error and empty states around a query's data. */
export function QueryView<T>({
  query,
  isEmpty,
  empty,
  children,
}: {
  query: UseQueryResult<T, unknown>
  isEmpty?: (data: T) => boolean
  empty?: ReactNode
  children: (data: T) => ReactNode
}) {
  if (query.isPending) return <Loading />
  if (query.isError) return <ErrorBox error={query.error} />
  if (isEmpty?.(query.data)) return <Empty>{empty}</Empty>
  return <>{children(query.data)}</>
}

export function StatusBadge({ status, testId }: { status: string | null | undefined; testId?: string }) {
  const { term } = useI18n()
  return (
    <span className={`badge tone-${statusTone(status)}`} data-testid={testId} data-status={status ?? ''}>
      {term(status)}
    </span>
  )
}

export function ProgressBar({ fill, met, label }: { fill: number; met: boolean | null; label: string }) {
  const tone = met === null ? 'neutral' : met ? 'good' : 'warn'
  return (
    <div
      className={`progress tone-${tone}`}
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(fill * 100)}
      aria-label={label}
    >
      <div className="progress-fill" style={{ width: `${Math.round(fill * 100)}%` }} />
    </div>
  )
}

export function FieldMessages({
  messages,
  testId,
  id,
}: {
  messages: string[]
  testId?: string
  id?: string
}) {
  if (messages.length === 0) return null
  // The live region wraps the list: role="alert" on the <ul> itself would hide its items' list semantics.
  return (
    <div role="alert">
      <ul className="field-errors" data-testid={testId} id={id}>
        {messages.map((message) => (
          <li key={message}>{message}</li>
        ))}
      </ul>
    </div>
  )
}

/**
 * A date typed as YYYY-MM-DD whatever the browser's locale (a native date input would show the
 * locale's format). `onChange` fires only with a complete ISO date, or '' when cleared.
 */
export function DateInput({
  value,
  onChange,
  id,
  testId,
}: {
  value: string
  onChange(value: string): void
  id?: string
  testId?: string
}) {
  const [text, setText] = useState(value)
  useEffect(() => setText(value), [value])
  const invalid = text !== '' && !isIsoDate(text)
  return (
    <input
      id={id}
      type="text"
      inputMode="numeric"
      placeholder="YYYY-MM-DD"
      maxLength={10}
      className={invalid ? 'date-input invalid' : 'date-input'}
      aria-invalid={invalid}
      value={text}
      onChange={(event) => {
        const next = event.target.value.trim()
        setText(next)
        if (next === '' || isIsoDate(next)) onChange(next)
      }}
      data-testid={testId}
    />
  )
}

/** A labelled DateInput; `inline` puts the label beside it (page headers), else above (forms). */
export function DateField({
  label,
  value,
  onChange,
  testId,
  inline = false,
}: {
  label: string
  value: string
  onChange(value: string): void
  testId?: string
  inline?: boolean
}) {
  const id = useId()
  return (
    <div className={inline ? 'inline-field' : 'field'}>
      <label htmlFor={id}>{label}</label>
      <DateInput id={id} value={value} onChange={onChange} testId={testId} />
    </div>
  )
}

export function AsOfInput({ value, onChange }: { value: string; onChange(value: string): void }) {
  const { t } = useI18n()
  return <DateField inline label={t('common.asOf')} value={value} onChange={onChange} testId="asof-date" />
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="page-header">
      <h1>{title}</h1>
      {children ? <div className="page-header-tools">{children}</div> : null}
    </div>
  )
}
