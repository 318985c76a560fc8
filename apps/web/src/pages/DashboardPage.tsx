import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { Link } from 'react-router'
import { useAuth } from '../auth'
import { AsOfInput, PageHeader, ProgressBar, QueryView } from '../components/ui'
import { useI18n } from '../i18n/context'
import { todayIso } from '../lib/dates'
import { kpiProgress } from '../lib/kpi'
import { useTRPC } from '../trpc'
import { LicensingKpiCard } from './LicensingPage'

const DIGITS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 }

/** The plan's item numbers are Chinese numerals (二, 十一, 二十四); the English UI shows 2, 11, 24. */
export function chineseNumeral(text: string): string {
  const parts = text.split(/[–-]/).map((part) => {
    if (!/^[一二三四五六七八九十]+$/.test(part)) return part
    const ten = part.indexOf('十')
    if (ten === -1) return String(DIGITS[part] ?? part)
    const tens = ten === 0 ? 1 : (DIGITS[part[0] ?? ''] ?? 0)
    const ones = DIGITS[part.slice(ten + 1)] ?? 0
    return String(tens * 10 + ones)
  })
  return parts.join('–')
}

/** Adoptions of international standards by degree, as a plain SVG column chart with its numbers written on it. */
function AdoptionChart({ counts }: { counts: Record<string, number> }) {
  const { term, num } = useI18n()
  const entries = ['IDT', 'MOD', 'NEQ'].map((degree) => [degree, counts[degree] ?? 0] as const)
  const most = Math.max(1, ...entries.map(([, n]) => n))
  const width = 300
  const height = 150
  const column = width / entries.length
  const summary = entries
    .map(([degree, n]) => `${degree} ${term(`adoption.${degree}`)}: ${num(n)}`)
    .join('; ')
  return (
    <svg
      className="chart"
      viewBox={`0 0 ${width} ${height + 40}`}
      role="img"
      aria-label={summary}
      data-testid="adoption-chart"
    >
      {entries.map(([degree, n], index) => {
        const barHeight = (n / most) * height * 0.8
        const x = index * column + column * 0.2
        return (
          <g key={degree}>
            <rect
              x={x}
              y={height - barHeight}
              width={column * 0.6}
              height={barHeight}
              className="chart-bar"
            />
            <text x={x + column * 0.3} y={height - barHeight - 6} textAnchor="middle" className="chart-value">
              {num(n)}
            </text>
            <text x={x + column * 0.3} y={height + 16} textAnchor="middle" className="chart-label">
              {degree}
            </text>
            <text x={x + column * 0.3} y={height + 32} textAnchor="middle" className="chart-label">
              {term(`adoption.${degree}`)}
            </text>
          </g>
        )
      })}
    </svg>
  )
}

export function DashboardPage() {
  const { t, term, moment, lang, num } = useI18n()
  /** A KPI's name in the current language (the server's English label when the catalogue lacks it). */
  const kpiLabel = (item: { id: string; label: string }) =>
    term(`kpi.${item.id}`) === `kpi.${item.id}` ? item.label : term(`kpi.${item.id}`)
  const trpc = useTRPC()
  const [asOf, setAsOf] = useState(todayIso())
  const kpi = useQuery(trpc.lineage.kpi.queryOptions({ asOf: asOf || undefined }))
  const { role } = useAuth()
  const showEvents = role === 'admin' || role === 'regulator'
  const recent = useQuery({
    ...trpc.system.events.all.queryOptions({ direction: 'backwards', limit: 12 }),
    enabled: showEvents,
  })
  return (
    <>
      <PageHeader title={t('dashboard.title')}>
        <AsOfInput value={asOf} onChange={setAsOf} />
      </PageHeader>
      <div className="grid-2">
        <section className="card">
          <h2>{t('dashboard.kpis')}</h2>
          <QueryView query={kpi}>
            {(data) => (
              <ul className="kpi-list">
                {data.kpis.map((item) => {
                  const progress = kpiProgress(item.value, item.target, item.unit)
                  return (
                    <li key={item.id} data-testid={`kpi-${item.id}`}>
                      <div className="kpi-head">
                        <span>
                          {kpiLabel(item)}
                          <span className="muted small">
                            {' '}
                            (
                            {t('dashboard.seedItem', {
                              item: lang === 'en' ? chineseNumeral(item.seedItem) : item.seedItem,
                            })}
                            )
                          </span>
                        </span>
                        <span className={progress.met === false ? 'warn-text' : ''}>
                          {progress.text}{' '}
                          {progress.met === null
                            ? ''
                            : progress.met
                              ? `✓ ${t('dashboard.met')}`
                              : t('dashboard.notMet')}
                        </span>
                      </div>
                      {item.target ? (
                        <ProgressBar fill={progress.fill} met={progress.met} label={item.label} />
                      ) : null}
                    </li>
                  )
                })}
              </ul>
            )}
          </QueryView>
        </section>
        <section className="card">
          <h2>{t('dashboard.sameLine')}</h2>
          <p className="muted small">{t('dashboard.sameLineHelp')}</p>
          <QueryView query={kpi}>
            {(data) => (
              <ul className="kpi-list">
                {data.sameLineSameStandard.map((row) => {
                  const progress = kpiProgress(row.ratePercent ?? 0, { min: row.target }, 'percent')
                  return (
                    <li key={row.industry} data-testid={`same-line-${row.industry}`}>
                      <div className="kpi-head">
                        <span>{term(row.industry)}</span>
                        <span>
                          {row.ratePercent === null
                            ? t('dashboard.noExports')
                            : `${progress.text} (${row.sameLineSameStandard}/${row.exportedProducts})`}
                        </span>
                      </div>
                      <ProgressBar
                        fill={row.ratePercent === null ? 0 : progress.fill}
                        met={row.met}
                        label={term(row.industry)}
                      />
                    </li>
                  )
                })}
              </ul>
            )}
          </QueryView>
          <h2>{t('dashboard.recalls')}</h2>
          <QueryView query={kpi} isEmpty={(data) => data.recallsByYear.length === 0}>
            {(data) => {
              const most = Math.max(1, ...data.recallsByYear.map((r) => r.n))
              return (
                <table className="bars">
                  <tbody>
                    {data.recallsByYear.map((row) => (
                      <tr key={row.year}>
                        <th>{row.year}</th>
                        <td>
                          <div className="bar" style={{ width: `${(row.n / most) * 100}%` }} />
                        </td>
                        <td className="num">
                          {row.n} ({t('dashboard.ordered', { n: row.ordered })})
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )
            }}
          </QueryView>
          <h2>{t('dashboard.adoption')}</h2>
          <QueryView query={kpi} isEmpty={(data) => Object.keys(data.adoptionByDegree).length === 0}>
            {(data) => <AdoptionChart counts={data.adoptionByDegree as Record<string, number>} />}
          </QueryView>
        </section>
      </div>
      <div className="grid-2">
        <section className="card">
          <h2>{t('dashboard.issued')}</h2>
          <QueryView query={kpi} isEmpty={(data) => data.issuedByYear.length === 0}>
            {(data) => {
              const most = Math.max(1, ...data.issuedByYear.flatMap((r) => [r.reports, r.certificates]))
              return (
                <table className="bars" data-testid="issued-by-year">
                  <tbody>
                    {data.issuedByYear.map((row) => (
                      <tr key={row.year}>
                        <th>{row.year}</th>
                        <td>
                          <div className="bar" style={{ width: `${(row.reports / most) * 100}%` }} />
                          <div
                            className="bar bar-secondary"
                            style={{ width: `${(row.certificates / most) * 100}%` }}
                          />
                        </td>
                        <td className="num">
                          {t('dashboard.issuedReports')} {num(row.reports)}
                          <br />
                          {t('dashboard.issuedCertificates')} {num(row.certificates)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )
            }}
          </QueryView>
        </section>
        <section className="card">
          <h2>{t('dashboard.progress')}</h2>
          <QueryView query={kpi}>
            {(data) => {
              const targeted = data.kpis.filter((k) => k.target)
              const years = data.progressByYear.slice(-5)
              return (
                <div className="table-wrap">
                  <table data-testid="kpi-progress">
                    <thead>
                      <tr>
                        <th />
                        {years.map((y) => (
                          <th key={y.year} className="num">
                            {y.year}
                          </th>
                        ))}
                        <th className="num">{t('dashboard.progressTarget')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {targeted.map((item) => (
                        <tr key={item.id}>
                          <th scope="row">{kpiLabel(item)}</th>
                          {years.map((y) => (
                            <td key={y.year} className="num">
                              {num(y.values[item.id] ?? 0)}
                            </td>
                          ))}
                          <td className="num">
                            {num(item.target!.min)}
                            {item.target!.max ? `–${num(item.target!.max)}` : ''}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )
            }}
          </QueryView>
        </section>
      </div>
      {/* The licensing reforms' indicators (licensing.kpis), the same card as on the licensing page. */}
      <LicensingKpiCard />
      {showEvents ? (
        <section className="card">
          <h2>{t('dashboard.recentEvents')}</h2>
          <QueryView query={recent} isEmpty={(events) => events.length === 0}>
            {(events) => (
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th>#</th>
                      <th>{t('events.type')}</th>
                      <th>{t('events.stream')}</th>
                      <th>{t('events.recordedAt')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {events.map((event) => (
                      <tr key={event.id}>
                        <td className="num">{String(event.position)}</td>
                        <td title={event.type}>{term(event.type)}</td>
                        <td>
                          <Link to={`/events?stream=${encodeURIComponent(event.streamName)}`}>
                            {event.streamName}
                          </Link>
                        </td>
                        <td>{moment(event.recordedAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </QueryView>
        </section>
      ) : null}
    </>
  )
}
