import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import { useAuth } from '../auth'
import { PageHeader, QueryView, StatusBadge } from '../components/ui'
import { useI18n } from '../i18n/context'
import { type RouterInputs, useTRPC } from '../trpc'
import { StandardsManage } from './StandardsManage'

type Status = NonNullable<RouterInputs['standards']['list']['status']>
const STATUSES: Status[] = ['draft', 'published', 'effective', 'superseded', 'withdrawn']
const PAGE = 50

export function standardPath(code: string, version: string) {
  return `/standards/${encodeURIComponent(code)}/${encodeURIComponent(version)}`
}

export function StandardsPage() {
  const { t, term } = useI18n()
  const { role } = useAuth()
  const trpc = useTRPC()
  const [params, setParams] = useSearchParams()
  const search = params.get('q') ?? ''
  const ics = params.get('ics') ?? ''
  const status = (params.get('status') ?? '') as Status | ''
  const asOf = /^\d{4}-\d{2}-\d{2}$/.test(params.get('asOf') ?? '') ? (params.get('asOf') as string) : ''
  const [offset, setOffset] = useState(0)
  const update = (key: string, value: string) => {
    const next = new URLSearchParams(params)
    if (value) next.set(key, value)
    else next.delete(key)
    setParams(next, { replace: true })
    setOffset(0)
  }
  const list = useQuery({
    ...trpc.standards.list.queryOptions({
      search: search || undefined,
      ics: ics || undefined,
      status: status || undefined,
      asOf: asOf || undefined,
      limit: PAGE,
      offset,
    }),
    placeholderData: keepPreviousData,
  })
  const kpi = useQuery(trpc.lineage.kpi.queryOptions({}))
  return (
    <>
      <PageHeader title={t('standards.title')} />
      {role === 'standards_institute' || role === 'admin' ? (
        <details
          className="card manage"
          open={params.get('new') === '1'}
          data-testid="standards-manage-toggle"
        >
          <summary>{t('stdm.manage')}</summary>
          <StandardsManage />
        </details>
      ) : null}
      <section className="card">
        <div className="filters">
          <label className="field">
            <span>{t('standards.search')}</span>
            <input
              value={search}
              onChange={(event) => update('q', event.target.value)}
              placeholder="GB/T 19001"
              data-testid="standards-search"
            />
          </label>
          <label className="field">
            <span>ICS</span>
            <input value={ics} onChange={(event) => update('ics', event.target.value)} placeholder="03.120" />
          </label>
          <label className="field">
            <span>{t('common.status')}</span>
            <select value={status} onChange={(event) => update('status', event.target.value)}>
              <option value="">{t('common.all')}</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {term(s)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('standards.asOf')}</span>
            <input
              type="date"
              value={asOf}
              onChange={(event) => update('asOf', event.target.value)}
              data-testid="standards-as-of"
            />
          </label>
        </div>
        <QueryView query={list} isEmpty={(data) => data.items.length === 0}>
          {(data) => (
            <>
              <p className="muted small">{t('common.total', { n: data.total })}</p>
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th>{t('standards.code')}</th>
                      <th>{t('standards.titleCol')}</th>
                      <th>{t('standards.kind')}</th>
                      <th>ICS</th>
                      <th>{t('standards.effectiveFrom')}</th>
                      <th>{t('common.status')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.items.map((item) => (
                      <tr key={item.key}>
                        <td>
                          <Link to={`${standardPath(item.code, item.version)}${asOf ? `?asOf=${asOf}` : ''}`}>
                            {item.identifier}
                          </Link>
                        </td>
                        <td>
                          {item.titleZh ?? item.titleEn ?? item.titleOther}
                          {item.titleEn ? <div className="muted small">{item.titleEn}</div> : null}
                        </td>
                        <td>
                          {term(item.kind)}
                          {item.mandatory && item.kind !== 'national_mandatory'
                            ? ` · ${t('standards.mandatory')}`
                            : ''}
                        </td>
                        <td>{item.ics.join(', ')}</td>
                        <td>{item.shown.effectiveFrom ?? '—'}</td>
                        <td>
                          <StatusBadge status={item.status} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <div className="pager">
                <button
                  type="button"
                  disabled={offset === 0}
                  onClick={() => setOffset(Math.max(0, offset - PAGE))}
                >
                  ← {t('common.previous')}
                </button>
                <span className="muted small">
                  {offset + 1}–{Math.min(offset + PAGE, data.total)} / {data.total}
                </span>
                <button
                  type="button"
                  disabled={offset + PAGE >= data.total}
                  onClick={() => setOffset(offset + PAGE)}
                >
                  {t('common.next')} →
                </button>
              </div>
            </>
          )}
        </QueryView>
      </section>
      <section className="card">
        <h2>{t('standards.adoption')}</h2>
        <p className="muted small">{t('standards.adoptionHelp')}</p>
        <QueryView query={kpi}>
          {(data) => {
            const degrees = ['IDT', 'MOD', 'NEQ']
            const total = degrees.reduce((sum, d) => sum + (data.adoptionByDegree[d] ?? 0), 0)
            return (
              <table className="bars">
                <tbody>
                  {degrees.map((degree) => {
                    const n = data.adoptionByDegree[degree] ?? 0
                    return (
                      <tr key={degree}>
                        <th title={term(`adoption.${degree}`)}>{degree}</th>
                        <td>
                          <div className="bar" style={{ width: `${total === 0 ? 0 : (n / total) * 100}%` }} />
                        </td>
                        <td className="num">
                          {n} <span className="muted small">{term(`adoption.${degree}`)}</span>
                        </td>
                      </tr>
                    )
                  })}
                </tbody>
              </table>
            )
          }}
        </QueryView>
      </section>
    </>
  )
}
