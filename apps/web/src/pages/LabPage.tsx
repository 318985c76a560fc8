import { accreditation } from '@qi/contracts'
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { Link, useParams } from 'react-router'
import { useAuth } from '../auth'
import { CommandForm } from '../components/CommandForm'
import { useScopeSource, useStandardSource } from '../components/picker-sources'
import { AsOfInput, Empty, PageHeader, QueryView, StatusBadge } from '../components/ui'
import { useI18n } from '../i18n/context'
import { todayIso } from '../lib/dates'
import { can } from '../lib/permissions'
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
                <h3 id="scope">{t('labs.scope')}</h3>
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
          {can(role, 'accreditation.manage') ? (
            <AccreditationActions
              labId={l.labId}
              accreditationNo={l.accreditation?.accreditationNo ?? null}
            />
          ) : null}
        </>
      )}
    </QueryView>
  )
}

/**
 * The regulator's decisions on a lab's accreditation: accredit it (or re-accredit), extend or
 * reduce its scope, suspend, restore, withdraw, or record its expiry.
 */
function AccreditationActions({ labId, accreditationNo }: { labId: string; accreditationNo: string | null }) {
  const { t, term } = useI18n()
  const client = useTRPCClient()
  const fixed = { labId, accreditationNo }
  const methods = useStandardSource(undefined, 'method')
  const scope = useScopeSource(labId)
  const schemes = accreditation.CertificationScheme.options.map((v) => ({ value: v, label: term(v) }))
  // Open at first for a lab without an accreditation; then as the regulator leaves it (a success
  // message must not fold away when the accreditation it recorded arrives).
  const [open, setOpen] = useState(accreditationNo === null)
  const saved = (text: string) => (
    <>
      {text}{' '}
      <a href="#scope" data-testid="accreditation-scope-link">
        {t('labs.scope')}
      </a>
    </>
  )
  return (
    <details
      className="card manage"
      open={open}
      onToggle={(event) => setOpen(event.currentTarget.open)}
      data-testid="accreditation-actions"
    >
      <summary>{t('labs.actions')}</summary>
      <div className="grid-2">
        <CommandForm
          id="accreditation-accredit"
          title={accreditationNo ? t('labs.reaccredit') : t('labs.accredit')}
          schema={accreditation.AccreditLab}
          fixed={{ labId }}
          fields={[
            { path: 'accreditationNo', label: 'labs.accreditationNo', placeholder: 'CNAS L0001' },
            { path: 'accreditingBody', label: 'labs.accreditingBody', initial: 'CNAS' },
            {
              path: 'baseStandard',
              label: 'labs.baseStandard',
              kind: 'select',
              options: accreditation.BaseStandard.options.map((v) => ({ value: v, label: v })),
            },
            { path: 'validFrom', label: 'labs.validFrom', kind: 'date' },
            { path: 'validUntil', label: 'labs.validUntil', placeholder: 'YYYY-MM-DD' },
            { path: 'schemes.0', label: 'labs.schemes', kind: 'select', options: schemes, optional: true },
          ]}
          run={(input) => client.accreditation.accredit.mutate(input as never)}
          submitLabel={accreditationNo ? t('labs.reaccredit') : t('labs.accredit')}
          done={(input) => saved(t('labs.accredited', { no: String(input.accreditationNo) }))}
        />
        {accreditationNo ? (
          <>
            <CommandForm
              id="scope-extend"
              title={t('labs.extendScope')}
              schema={accreditation.ExtendScope}
              fixed={fixed}
              fields={[
                { path: 'lines.0.lineId', label: 'labs.lineId', placeholder: 'L-12' },
                { path: 'lines.0.object', label: 'labs.object' },
                { path: 'lines.0.parameter', label: 'labs.parameter' },
                { path: 'lines.0.method', label: 'labs.method', kind: 'ref', source: methods },
                { path: 'lines.0.method.clause', label: 'labs.clause', placeholder: '5.3' },
                { path: 'lines.0.limitation', label: 'labs.limitation', optional: true },
                { path: 'on', label: 'labs.on', kind: 'date' },
              ]}
              run={(input) => client.accreditation.extendScope.mutate(input as never)}
              submitLabel={t('labs.extendScope')}
              done={() => saved(t('labs.scopeExtended'))}
            />
            <CommandForm
              id="scope-reduce"
              title={t('labs.reduceScope')}
              schema={accreditation.ReduceScope}
              fixed={fixed}
              fields={[
                { path: 'lineIds.0', label: 'labs.scopeLineToRemove', kind: 'select', source: scope },
                { path: 'reason', label: 'certs.reason', kind: 'textarea' },
                { path: 'on', label: 'labs.on', kind: 'date' },
              ]}
              run={(input) => client.accreditation.reduceScope.mutate(input as never)}
              submitLabel={t('labs.reduceScope')}
              done={() => saved(t('labs.scopeReduced'))}
            />
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
            <CommandForm
              id="accreditation-expire"
              title={t('labs.expire')}
              schema={accreditation.ExpireAccreditation}
              fixed={fixed}
              fields={[{ path: 'on', label: 'labs.on', kind: 'date' }]}
              run={(input) => client.accreditation.expire.mutate(input as never)}
              submitLabel={t('labs.expire')}
              done={() => t('common.saved')}
            />
          </>
        ) : null}
      </div>
    </details>
  )
}
