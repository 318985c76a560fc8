import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { Link } from 'react-router'
import { PageHeader, QueryView, StatusBadge } from '../components/ui'
import { useI18n } from '../i18n/context'
import { useTRPC } from '../trpc'

export function LabsPage() {
  const { t, term } = useI18n()
  const trpc = useTRPC()
  const [search, setSearch] = useState('')
  const labs = useQuery({
    ...trpc.accreditation.listLabs.queryOptions({ search: search || undefined, limit: 200 }),
    placeholderData: keepPreviousData,
  })
  return (
    <>
      <PageHeader title={t('labs.title')} />
      <section className="card">
        <div className="filters">
          <label className="field">
            <span>{t('labs.search')}</span>
            <input
              value={search}
              onChange={(event) => setSearch(event.target.value)}
              data-testid="labs-search"
            />
          </label>
        </div>
        <QueryView query={labs} isEmpty={(data) => data.items.length === 0}>
          {(data) => (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>{t('labs.lab')}</th>
                    <th>{t('labs.kind')}</th>
                    <th>{t('labs.region')}</th>
                    <th>{t('labs.accreditationNo')}</th>
                    <th>{t('labs.validUntil')}</th>
                    <th>{t('labs.scopeLines')}</th>
                    <th>{t('common.status')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((lab) => (
                    <tr key={lab.labId}>
                      <td>
                        <Link to={`/labs/${encodeURIComponent(lab.labId)}`}>{lab.name}</Link>
                        <div className="muted small">{lab.labId}</div>
                      </td>
                      <td>
                        {term(lab.kind)}
                        {lab.centreLevel && lab.centreLevel !== 'none' ? ` · ${term(lab.centreLevel)}` : ''}
                      </td>
                      <td>{lab.region}</td>
                      <td>{lab.accreditationNo ?? '—'}</td>
                      <td>{lab.validUntil ?? '—'}</td>
                      <td className="num">{lab.scopeLines}</td>
                      <td>
                        <StatusBadge status={lab.status} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </QueryView>
      </section>
    </>
  )
}
