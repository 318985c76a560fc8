import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { Link, useSearchParams } from 'react-router'
import { useAuth } from '../auth'
import { DataTable } from '../components/DataTable'
import { ListTools, useListState } from '../components/ListTools'
import { PageHeader, QueryView, StatusBadge } from '../components/ui'
import { useI18n } from '../i18n/context'
import { can } from '../lib/permissions'
import { type RouterInputs, type RouterOutputs, useTRPC } from '../trpc'
import { StandardsManage } from './StandardsManage'

type Status = NonNullable<RouterInputs['standards']['list']['status']>
type StandardSort = NonNullable<RouterInputs['standards']['list']['sort']>
type StandardItem = RouterOutputs['standards']['list']['items'][number]
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
  const listState = useListState('standards', PAGE, 'code')
  const ics = params.get('ics') ?? ''
  const status = (params.get('status') ?? '') as Status | ''
  const asOf = /^\d{4}-\d{2}-\d{2}$/.test(params.get('asOf') ?? '') ? (params.get('asOf') as string) : ''
  const update = (key: string, value: string) => {
    const next = new URLSearchParams(params)
    if (value) next.set(key, value)
    else next.delete(key)
    next.delete('standards.page')
    setParams(next, { replace: true })
  }
  const list = useQuery({
    ...trpc.standards.list.queryOptions({
      search: listState.search || undefined,
      ics: ics || undefined,
      status: status || undefined,
      asOf: asOf || undefined,
      sort: listState.sort as StandardSort,
      limit: listState.limit,
      offset: listState.offset,
    }),
    placeholderData: keepPreviousData,
  })
  const kpi = useQuery(trpc.lineage.kpi.queryOptions({}))
  return (
    <>
      <PageHeader title={t('standards.title')} />
      {can(role, 'standard.manage') ? (
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
        <ListTools
          list={listState}
          total={list.data?.total}
          searchLabel={t('standards.search')}
          sorts={[
            { value: 'code', label: t('standards.sortCode') },
            { value: 'effective_desc', label: t('standards.sortEffectiveDesc') },
            { value: 'effective_asc', label: t('standards.sortEffectiveAsc') },
            { value: 'published_desc', label: t('standards.sortPublishedDesc') },
          ]}
          csv={() =>
            (list.data?.items ?? []).map((item) => ({
              standard: item.identifier,
              title: item.titleZh ?? item.titleEn ?? item.titleOther ?? '',
              kind: term(item.kind),
              ics: item.ics,
              publishedOn: item.shown.publishedOn ?? '',
              effectiveFrom: item.shown.effectiveFrom ?? '',
              status: term(item.status),
            }))
          }
        />
        <div className="filters">
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
            <DataTable<StandardItem>
              testId="standards-table"
              rows={data.items}
              rowKey={(item) => item.key}
              columns={[
                {
                  header: t('standards.code'),
                  cell: (item) => (
                    <Link to={`${standardPath(item.code, item.version)}${asOf ? `?asOf=${asOf}` : ''}`}>
                      {item.identifier}
                    </Link>
                  ),
                },
                {
                  header: t('standards.titleCol'),
                  cell: (item) => (
                    <>
                      {item.titleZh ?? item.titleEn ?? item.titleOther}
                      {item.titleEn && item.titleZh ? (
                        <div className="muted small">{item.titleEn}</div>
                      ) : null}
                    </>
                  ),
                },
                {
                  header: t('standards.kind'),
                  cell: (item) =>
                    `${term(item.kind)}${item.mandatory && item.kind !== 'national_mandatory' ? ` · ${t('standards.mandatory')}` : ''}`,
                },
                { header: 'ICS', cell: (item) => item.ics.join(', ') },
                { header: t('standards.effectiveFrom'), cell: (item) => item.shown.effectiveFrom ?? '—' },
                { header: t('common.status'), cell: (item) => <StatusBadge status={item.status} /> },
              ]}
            />
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
