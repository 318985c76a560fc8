/**
 * Paging, search and CSV export for a list served page by page: the state lives in the URL
 * (`<name>.q`, `<name>.page`), so a filtered list can be shared and survives a reload.
 */
import { useSearchParams } from 'react-router'
import { useI18n } from '../i18n/context'
import { toCsv } from '../lib/csv'

export interface ListState {
  name: string
  search: string
  page: number
  limit: number
  offset: number
  sort: string
  setSearch(value: string): void
  setPage(page: number): void
  setSort(value: string): void
}

export function useListState(name: string, limit = 25, defaultSort = ''): ListState {
  const [params, setParams] = useSearchParams()
  const search = params.get(`${name}.q`) ?? ''
  const page = Math.max(0, Number(params.get(`${name}.page`) ?? 0) || 0)
  const sort = params.get(`${name}.sort`) ?? defaultSort
  const update = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params)
    for (const [key, value] of Object.entries(changes)) {
      if (value === '' || value === '0') next.delete(`${name}.${key}`)
      else next.set(`${name}.${key}`, value)
    }
    setParams(next, { replace: true })
  }
  return {
    name,
    search,
    page,
    limit,
    offset: page * limit,
    sort,
    setSearch: (value) => update({ q: value, page: '0' }),
    setPage: (p) => update({ page: String(p) }),
    setSort: (value) => update({ sort: value, page: '0' }),
  }
}

export function downloadCsv(filename: string, rows: Array<Record<string, unknown>>) {
  const blob = new Blob([`\uFEFF${toCsv(rows)}`], { type: 'text/csv;charset=utf-8' })
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  document.body.append(link)
  link.click()
  link.remove()
  URL.revokeObjectURL(url)
}

export function ListTools({
  list,
  total,
  csv,
  sorts,
  searchLabel,
}: {
  list: ListState
  /** What the search box searches (default: "Search"). */
  searchLabel?: string
  total: number | undefined
  /** The rows of the current page as plain records, for the CSV file. */
  csv?: () => Array<Record<string, unknown>>
  sorts?: Array<{ value: string; label: string }>
}) {
  const { t, num } = useI18n()
  const pages = total === undefined ? 1 : Math.max(1, Math.ceil(total / list.limit))
  return (
    <div className="list-tools" data-testid={`${list.name}-tools`}>
      <label className="inline-field">
        <span>{searchLabel ?? t('common.search')}</span>
        <input
          type="search"
          defaultValue={list.search}
          onChange={(event) => list.setSearch(event.target.value)}
          data-testid={`${list.name}-search`}
        />
      </label>
      {sorts ? (
        <label className="inline-field">
          <span>{t('common.sort')}</span>
          <select
            value={list.sort}
            onChange={(event) => list.setSort(event.target.value)}
            data-testid={`${list.name}-sort`}
          >
            {sorts.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <span className="muted" data-testid={`${list.name}-total`}>
        {total === undefined ? '' : t('common.total', { n: num(total) })}
      </span>
      <nav className="pager" aria-label={t('common.pages')}>
        <button
          type="button"
          disabled={list.page === 0}
          onClick={() => list.setPage(list.page - 1)}
          data-testid={`${list.name}-prev`}
        >
          {t('common.previous')}
        </button>
        <span>{t('common.pageOf', { page: list.page + 1, pages })}</span>
        <button
          type="button"
          disabled={list.page + 1 >= pages}
          onClick={() => list.setPage(list.page + 1)}
          data-testid={`${list.name}-next`}
        >
          {t('common.next')}
        </button>
      </nav>
      {csv ? (
        <button
          type="button"
          onClick={() => downloadCsv(`${list.name}.csv`, csv())}
          data-testid={`${list.name}-csv`}
        >
          {t('common.csv')}
        </button>
      ) : null}
    </div>
  )
}
