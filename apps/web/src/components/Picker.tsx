/**
 * A searchable picker served page by page by the API: typing (debounced) asks the server for the
 * matching items (case- and width-insensitive, trimmed, on the server), a page at a time; "more…"
 * loads the next page and the count says how many match. The choice is a native <select>, so it
 * keeps the browser's keyboard and screen-reader behaviour.
 */
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { useI18n } from '../i18n/context'

export interface PickerOption {
  value: string
  label: string
  /** The item behind the option, for callers that fill other fields from it. */
  data?: unknown
}

export interface PickerPage {
  total: number
  options: PickerOption[]
}

export interface PickerSource {
  /** Names the list in the query cache (with its fixed filters). */
  key: readonly unknown[]
  fetch(page: { search: string | undefined; limit: number; offset: number }): Promise<PickerPage>
}

/** Items fetched per page. */
export const PICKER_PAGE = 20

/** The value, once it stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms = 250): T {
  const [settled, setSettled] = useState(value)
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms)
    return () => clearTimeout(timer)
  }, [value, ms])
  return settled
}

export function usePickerPages(source: PickerSource, search: string, enabled = true) {
  const text = search.trim()
  return useInfiniteQuery({
    queryKey: ['picker', ...source.key, text],
    queryFn: ({ pageParam }) =>
      source.fetch({ search: text === '' ? undefined : text, limit: PICKER_PAGE, offset: pageParam }),
    initialPageParam: 0,
    getNextPageParam: (last, pages) => {
      const loaded = pages.reduce((n, page) => n + page.options.length, 0)
      return loaded < last.total && last.options.length > 0 ? loaded : undefined
    },
    placeholderData: keepPreviousData,
    enabled,
  })
}

export function Picker({
  id,
  testId,
  label,
  value,
  onChange,
  source,
  optional = false,
  invalid = false,
  describedBy,
  enabled = true,
}: {
  /** The id of the <select> (a <label htmlFor> points at it). */
  id: string
  /** `<testId>` on the select; `-search`, `-more`, `-count` on the rest. */
  testId: string
  label: string
  value: string
  onChange(value: string, option: PickerOption | undefined): void
  source: PickerSource
  /** Adds a "—" choice; a required picker starts on the first item. */
  optional?: boolean
  invalid?: boolean
  describedBy?: string
  enabled?: boolean
}) {
  const { t, num } = useI18n()
  const [search, setSearch] = useState('')
  const settled = useDebounced(search)
  const pages = usePickerPages(source, settled, enabled)
  const options = (pages.data?.pages ?? []).flatMap((page) => page.options)
  const total = pages.data?.pages[0]?.total
  // What was chosen stays shown while the search shows other items.
  const [chosen, setChosen] = useState<PickerOption | null>(null)
  const first = options[0]
  useEffect(() => {
    if (!optional && value === '' && first) {
      setChosen(first)
      onChange(first.value, first)
    }
  }, [optional, value, first, onChange])
  const shownChosen =
    value !== '' && !options.some((o) => o.value === value)
      ? chosen?.value === value
        ? chosen
        : { value, label: value }
      : null
  return (
    <div className="picker-control">
      <input
        type="search"
        className="picker-search"
        aria-label={`${label} · ${t('common.search')}`}
        placeholder={t('common.search')}
        value={search}
        onChange={(event) => setSearch(event.target.value)}
        aria-controls={id}
        data-testid={`${testId}-search`}
      />
      <select
        id={id}
        className="picker-select"
        value={value}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        aria-busy={pages.isFetching}
        onChange={(event) => {
          const option = options.find((o) => o.value === event.target.value)
          setChosen(option ?? null)
          onChange(event.target.value, option)
        }}
        data-testid={testId}
      >
        {optional || options.length === 0 ? <option value="">—</option> : null}
        {shownChosen ? <option value={shownChosen.value}>{shownChosen.label}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <span className="picker-status muted small">
        <span data-testid={`${testId}-count`} aria-live="polite">
          {total === undefined
            ? pages.isFetching
              ? t('common.loading')
              : ''
            : t('picker.shown', { shown: num(options.length), total: num(total) })}
        </span>
        {pages.hasNextPage ? (
          <button
            type="button"
            className="link-button"
            disabled={pages.isFetchingNextPage}
            onClick={() => void pages.fetchNextPage()}
            data-testid={`${testId}-more`}
          >
            {t('picker.more')}
          </button>
        ) : null}
      </span>
    </div>
  )
}
