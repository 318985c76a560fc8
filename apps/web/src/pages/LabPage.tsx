import { accreditation } from '@qi/contracts'
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { Link, useParams } from 'react-router'
import { useAuth } from '../auth'
import { CommandForm } from '../components/CommandForm'
import { AsOfInput, Empty, PageHeader, QueryView, StatusBadge } from '../components/ui'
import { useI18n } from '../i18n/context'
import { todayIso } from '../lib/dates'
import { displayReason } from '../lib/reasons'
import { useTRPC, useTRPCClient } from '../trpc'
import { standardPath } from './StandardsPage'

export function LabPage() {
  const { t, term, lang } = useI18n()
  const { role } = useAuth()
  const trpc = useTRPC()
  const { labId = '' } = useParams()
  const [asOf, setAsOf] = useState(todayIso())
  const lab = useQuery(trpc.accreditation.getLab.queryOptions({ labId, asOf: asOf || undefined }))
  return (
    <QueryView query={lab}>
      {(l) => (
        <>
          <PageHeader title={l.name}>
            <AsOfInput value={asOf} onChange={setAsOf} />
          </PageHeader>
          <section className="card">
            <dl className="facts">
              <dt>ID</dt>
              <dd>{l.labId}</dd>
              <dt>{t('labs.kind')}</dt>
              <dd>
                {term(l.kind)} {l.centreLevel && l.centreLevel !== 'none' ? `· ${term(l.centreLevel)}` : ''}
              </dd>
              <dt>{t('labs.region')}</dt>
              <dd>{l.region}</dd>
              <dt>{t('labs.registeredOn')}</dt>
              <dd>{l.registeredOn}</dd>
              <dt>{t('labs.statusOn', { date: l.statusAsOf.date })}</dt>
              <dd>
                <StatusBadge status={l.statusAsOf.status ?? 'not_accredited'} testId="lab-status-asof" />
              </dd>
            </dl>
            <p>
              <Link to={`/impact?kind=lab&labId=${encodeURIComponent(l.labId)}`}>
                {t('standards.showImpact')} →
              </Link>
            </p>
          </section>
          <section className="card">
            <h2>{t('labs.accreditation')}</h2>
            {l.accreditation ? (
              <>
                <dl className="facts">
                  <dt>{t('labs.accreditationNo')}</dt>
                  <dd>{l.accreditation.accreditationNo}</dd>
                  <dt>{t('labs.accreditingBody')}</dt>
                  <dd>{l.accreditation.accreditingBody}</dd>
                  <dt>{t('labs.baseStandard')}</dt>
                  <dd>{l.accreditation.baseStandard}</dd>
                  <dt>{t('labs.validity')}</dt>
                  <dd>
                    {l.accreditation.validFrom} – {l.accreditation.validUntil}
                  </dd>
                  <dt>{t('common.status')}</dt>
                  <dd>
                    <StatusBadge status={l.accreditation.status} />
                  </dd>
                  {l.accreditation.schemes.length > 0 ? (
                    <>
                      <dt>{t('labs.schemes')}</dt>
                      <dd>{l.accreditation.schemes.map((s) => term(s)).join(', ')}</dd>
                    </>
                  ) : null}
                </dl>
                <h3>{t('labs.scope')}</h3>
                {l.accreditation.scope.length === 0 ? (
                  <Empty />
                ) : (
                  <div className="table-wrap">
                    <table data-testid="scope-table">
                      <thead>
                        <tr>
                          <th>{t('labs.object')}</th>
                          <th>{t('labs.parameter')}</th>
                          <th>{t('labs.method')}</th>
                          <th>{t('labs.clause')}</th>
                          <th>{t('labs.limitation')}</th>
                          <th>{t('labs.addedOn')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {l.accreditation.scope.map((line) => (
                          <tr key={line.lineId}>
                            <td>{line.object}</td>
                            <td>{line.parameter}</td>
                            <td>
                              <Link to={standardPath(line.method.standardCode, line.method.standardVersion)}>
                                {line.method.standardCode}-{line.method.standardVersion}
                              </Link>
                            </td>
                            <td>§{line.method.clause}</td>
                            <td>{line.limitation ?? '—'}</td>
                            <td>{line.addedOn}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
              </>
            ) : (
              <Empty>{t('labs.notAccredited')}</Empty>
            )}
          </section>
          <section className="card">
            <h2>{t('labs.history')}</h2>
            {l.statusHistory.length === 0 ? (
              <Empty />
            ) : (
              <ol className="timeline">
                {l.statusHistory.map((h, index) => (
                  <li key={`${h.from}-${index}`}>
                    <div className="timeline-dot" />
                    <div>
                      <StatusBadge status={h.status} /> {h.from} → {h.to ?? t('common.now')}
                      <div className="muted small">
                        {h.accreditationNo}
                        {displayReason(h.reason, lang) ? ` · ${displayReason(h.reason, lang)}` : ''}
                      </div>
                    </div>
                  </li>
                ))}
              </ol>
            )}
          </section>
          {l.accreditation && (role === 'regulator' || role === 'admin') ? (
            <AccreditationActions labId={l.labId} accreditationNo={l.accreditation.accreditationNo} />
          ) : null}
        </>
      )}
    </QueryView>
  )
}

/** The regulator's decisions on a lab's accreditation: suspend, restore, withdraw. */
function AccreditationActions({ labId, accreditationNo }: { labId: string; accreditationNo: string }) {
  const { t } = useI18n()
  const client = useTRPCClient()
  const fixed = { labId, accreditationNo }
  return (
    <details className="card manage" data-testid="accreditation-actions">
      <summary>{t('labs.actions')}</summary>
      <div className="grid-2">
        <CommandForm
          id="accreditation-suspend"
          title={t('labs.suspend')}
          schema={accreditation.SuspendAccreditation}
          fixed={fixed}
          fields={[
            { path: 'from', label: 'labs.from', kind: 'date' },
            { path: 'reason', label: 'certs.reason', kind: 'textarea' },
          ]}
          run={(input) => client.accreditation.suspend.mutate(input as never)}
          submitLabel={t('labs.suspend')}
          done={() => t('common.saved')}
        />
        <CommandForm
          id="accreditation-restore"
          title={t('labs.restore')}
          schema={accreditation.RestoreAccreditation}
          fixed={fixed}
          fields={[
            { path: 'on', label: 'labs.on', kind: 'date' },
            { path: 'reason', label: 'certs.reason', kind: 'textarea' },
          ]}
          run={(input) => client.accreditation.restore.mutate(input as never)}
          submitLabel={t('labs.restore')}
          done={() => t('common.saved')}
        />
        <CommandForm
          id="accreditation-withdraw"
          title={t('labs.withdraw')}
          schema={accreditation.WithdrawAccreditation}
          fixed={fixed}
          fields={[
            { path: 'on', label: 'labs.on', kind: 'date' },
            { path: 'reason', label: 'certs.reason', kind: 'textarea' },
          ]}
          run={(input) => client.accreditation.withdraw.mutate(input as never)}
          submitLabel={t('labs.withdraw')}
          done={() => t('common.saved')}
        />
      </div>
    </details>
  )
}
