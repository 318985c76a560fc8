import { useQuery } from '@tanstack/react-query'
import { Link, useParams } from 'react-router'
import { PageHeader, QueryView, StatusBadge } from '../components/ui'
import { useI18n } from '../i18n/context'
import { useTRPC } from '../trpc'
import { standardPath } from './StandardsPage'

export function StandardPage() {
  const { t, term } = useI18n()
  const trpc = useTRPC()
  const { code = '', version = '' } = useParams()
  const standard = useQuery(trpc.standards.get.queryOptions({ code, version }))
  return (
    <QueryView query={standard}>
      {(s) => (
        <>
          <PageHeader title={s.key}>
            <StatusBadge status={s.status} testId="standard-status" />
          </PageHeader>
          <section className="card">
            <h2>{s.titleZh}</h2>
            {s.titleEn ? <p className="muted">{s.titleEn}</p> : null}
            <dl className="facts">
              <dt>{t('standards.kind')}</dt>
              <dd>
                {term(s.kind)} · {s.mandatory ? t('standards.mandatory') : t('standards.recommended')}
              </dd>
              <dt>ICS</dt>
              <dd>{s.ics.join(', ') || '—'}</dd>
              <dt>CCS</dt>
              <dd>{s.ccs ?? '—'}</dd>
              <dt>{t('standards.tc')}</dt>
              <dd>{s.technicalCommittee ?? '—'}</dd>
              <dt>{t('standards.publishedOn')}</dt>
              <dd>{s.publishedOn ?? '—'}</dd>
              <dt>{t('standards.effectiveFrom')}</dt>
              <dd>{s.effectiveFrom ?? '—'}</dd>
              {s.withdrawnOn ? (
                <>
                  <dt>{t('standards.withdrawnOn')}</dt>
                  <dd>
                    {s.withdrawnOn} {s.withdrawnReason ? `— ${s.withdrawnReason}` : ''}
                  </dd>
                </>
              ) : null}
              {s.adoption ? (
                <>
                  <dt>{t('standards.adopts')}</dt>
                  <dd>
                    {s.adoption.code}:{s.adoption.version} ({s.adoption.degree} ·{' '}
                    {term(`adoption.${s.adoption.degree}`)})
                  </dd>
                </>
              ) : null}
              <dt>{t('standards.ledByProvince')}</dt>
              <dd>{s.ledByProvince ? t('common.yes') : t('common.no')}</dd>
            </dl>
            <p>
              <Link
                to={`/impact?kind=standard&code=${encodeURIComponent(s.code)}&version=${encodeURIComponent(s.version)}`}
              >
                {t('standards.showImpact')} →
              </Link>
            </p>
          </section>
          <section className="card">
            <h2>{t('standards.chain')}</h2>
            <ol className="timeline" data-testid="supersession-chain">
              {s.supersessionChain.map((link) => {
                const current = link.code === s.code && link.version === s.version
                return (
                  <li key={`${link.code}-${link.version}`} className={current ? 'current' : ''}>
                    <div className="timeline-dot" />
                    <div>
                      {current ? (
                        <strong>
                          {link.code}-{link.version}
                        </strong>
                      ) : (
                        <Link to={standardPath(link.code, link.version)}>
                          {link.code}-{link.version}
                        </Link>
                      )}{' '}
                      <StatusBadge status={link.status} />
                      <div className="muted small">
                        {[
                          link.publishedOn && `${t('standards.publishedOn')} ${link.publishedOn}`,
                          link.effectiveFrom && `${t('standards.effectiveFrom')} ${link.effectiveFrom}`,
                          link.supersededOn && `${t('standards.supersededOn')} ${link.supersededOn}`,
                          link.transitionEndsOn &&
                            `${t('standards.transitionEndsOn')} ${link.transitionEndsOn}`,
                          link.withdrawnOn && `${t('standards.withdrawnOn')} ${link.withdrawnOn}`,
                        ]
                          .filter(Boolean)
                          .join(' · ')}
                      </div>
                    </div>
                  </li>
                )
              })}
            </ol>
          </section>
          <div className="grid-2">
            <section className="card">
              <h2>{t('standards.otherVersions')}</h2>
              {s.otherVersions.length === 0 ? (
                <p className="empty">{t('common.empty')}</p>
              ) : (
                <ul>
                  {s.otherVersions.map((v) => (
                    <li key={v.version}>
                      <Link to={standardPath(v.code, v.version)}>
                        {v.code}-{v.version}
                      </Link>{' '}
                      <StatusBadge status={v.status} />
                    </li>
                  ))}
                </ul>
              )}
            </section>
            <section className="card">
              <h2>{t('standards.amendments')}</h2>
              {s.amendments.length === 0 ? (
                <p className="empty">{t('common.empty')}</p>
              ) : (
                <ul>
                  {s.amendments.map((a) => (
                    <li key={a.amendmentNo}>
                      #{a.amendmentNo} · {a.effectiveFrom} — {a.summary}
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </div>
        </>
      )}
    </QueryView>
  )
}
