import { useQuery } from '@tanstack/react-query'
import { Link, useParams, useSearchParams } from 'react-router'
import { PageHeader, QueryView, StatusBadge } from '../components/ui'
import { useI18n } from '../i18n/context'
import { useTRPC } from '../trpc'
import { standardPath } from './StandardsPage'

export function StandardPage() {
  const { t, term } = useI18n()
  const trpc = useTRPC()
  const { code = '', version = '' } = useParams()
  const [params, setParams] = useSearchParams()
  const asOf = /^\d{4}-\d{2}-\d{2}$/.test(params.get('asOf') ?? '') ? (params.get('asOf') as string) : ''
  const standard = useQuery(trpc.standards.get.queryOptions({ code, version, asOf: asOf || undefined }))
  return (
    <QueryView query={standard}>
      {(s) => (
        <>
          <PageHeader title={s.identifier}>
            <StatusBadge status={s.status} testId="standard-status" />
          </PageHeader>
          <label className="field">
            <span>{t('standards.asOf')}</span>
            <input
              type="date"
              value={asOf}
              onChange={(event) => {
                const next = new URLSearchParams(params)
                if (event.target.value) next.set('asOf', event.target.value)
                else next.delete('asOf')
                setParams(next, { replace: true })
              }}
              data-testid="standard-as-of"
            />
          </label>
          {s.status === null ? <p className="muted">{t('standards.notYetOn', { date: s.asOf })}</p> : null}
          <section className="card">
            <h2>{s.titleZh ?? s.titleEn ?? s.titleOther}</h2>
            {s.titleZh && s.titleEn ? <p className="muted">{s.titleEn}</p> : null}
            {s.titleOther && (s.titleZh || s.titleEn) ? <p className="muted">{s.titleOther}</p> : null}
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
              <dd data-testid="standard-published">{s.shown.publishedOn ?? '—'}</dd>
              <dt>{t('standards.effectiveFrom')}</dt>
              <dd>{s.shown.effectiveFrom ?? '—'}</dd>
              {s.withdrawnOn ? (
                <>
                  <dt>{t('standards.withdrawnOn')}</dt>
                  <dd>
                    {s.shown.withdrawnOn ?? t('standards.dateUnknown')}{' '}
                    {s.withdrawnReason ? `— ${s.withdrawnReason}` : ''}
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
            {[s.shown.publishedOn, s.shown.effectiveFrom, s.shown.withdrawnOn].some(
              (d) => d !== null && d.length < 10,
            ) ? (
              <p className="muted small">{t('standards.precisionNote')}</p>
            ) : null}
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
                          link.shown.publishedOn && `${t('standards.publishedOn')} ${link.shown.publishedOn}`,
                          link.shown.effectiveFrom &&
                            `${t('standards.effectiveFrom')} ${link.shown.effectiveFrom}`,
                          link.shown.supersededOn &&
                            `${t('standards.supersededOn')} ${link.shown.supersededOn}`,
                          link.transitionEndsOn &&
                            `${t('standards.transitionEndsOn')} ${link.transitionEndsOn}`,
                          link.withdrawnOn &&
                            `${t('standards.withdrawnOn')} ${link.shown.withdrawnOn ?? t('standards.dateUnknown')}`,
                        ]
                          .filter(Boolean)
                          .join(' · ')}
                      </div>
                    </div>
                  </li>
                )
              })}
            </ol>
            <Replacements
              title={t('standards.replaces')}
              note={s.replacesAll.length > 1 ? t('standards.merge', { n: s.replacesAll.length }) : null}
              edges={s.replacesAll}
            />
            <Replacements
              title={t('standards.replacedBy')}
              note={
                s.replacedByAll.filter((e) => e.kind !== 'partial').length > 1
                  ? t('standards.split', { n: s.replacedByAll.length })
                  : null
              }
              edges={s.replacedByAll}
            />
          </section>
          <div className="grid-2">
            <section className="card">
              <h2>{t('standards.supplements')}</h2>
              {s.supplements.length === 0 ? (
                <p className="empty">{t('common.empty')}</p>
              ) : (
                <ul data-testid="standard-supplements">
                  {s.supplements.map((x) => (
                    <li key={x.identifier} className={x.applies ? '' : 'muted'}>
                      {x.identifier} · {x.shownOn}
                      {x.title ? ` — ${x.title}` : ''}
                      {x.applies ? '' : ` (${t('standards.supplementPending')})`}
                    </li>
                  ))}
                </ul>
              )}
            </section>
            <section className="card">
              <h2>{t('standards.stageCodes')}</h2>
              {s.stageCodes.length === 0 ? (
                <p className="empty">{t('common.empty')}</p>
              ) : (
                <ul>
                  {s.stageCodes.map((x) => (
                    <li key={`${x.stageCode}-${x.on}`}>
                      {x.stageCode} · {x.shownOn}
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </div>
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

function Replacements(props: {
  title: string
  note: string | null
  edges: Array<{ code: string; version: string; shownOn: string; kind: 'full' | 'partial' | 'withdrawn' }>
}) {
  const { t } = useI18n()
  if (props.edges.length === 0) return null
  return (
    <div className="small">
      <strong>{props.title}</strong>
      {props.note ? <span className="muted"> ({props.note})</span> : null}
      <ul>
        {props.edges.map((e) => (
          <li key={`${e.code}-${e.version}`}>
            <Link to={standardPath(e.code, e.version)}>
              {e.code}-{e.version}
            </Link>{' '}
            · {e.shownOn} · {t(`standards.replacement.${e.kind}`)}
          </li>
        ))}
      </ul>
    </div>
  )
}
