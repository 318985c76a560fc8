import { certification } from '@qi/contracts'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import QRCode from 'qrcode'
import { type FormEvent, useEffect, useState } from 'react'
import { Link, useParams } from 'react-router'
import { useAuth } from '../auth'
import { CommandForm } from '../components/CommandForm'
import { useReportSource } from '../components/picker-sources'
import { DateField, Empty, ErrorBox, PageHeader, QueryView, StatusBadge } from '../components/ui'
import { useI18n } from '../i18n/context'
import { todayIso } from '../lib/dates'
import { type Action, can, certificateActionsFor, mayActOnCertificate } from '../lib/permissions'
import { displayReason } from '../lib/reasons'
import { type RouterOutputs, useTRPC, useTRPCClient } from '../trpc'
import { standardPath } from './StandardsPage'

type StatusAction = 'suspend' | 'restore' | 'withdraw'

function QrCode({ url, testId = 'certificate-qr' }: { url: string; testId?: string }) {
  const [dataUrl, setDataUrl] = useState<string | null>(null)
  useEffect(() => {
    let cancelled = false
    QRCode.toDataURL(url, { margin: 1, width: 176 }).then(
      (value) => {
        if (!cancelled) setDataUrl(value)
      },
      () => setDataUrl(null),
    )
    return () => {
      cancelled = true
    }
  }, [url])
  return dataUrl ? (
    <img src={dataUrl} width={176} height={176} alt={url} data-url={url} data-testid={testId} />
  ) : (
    <div className="qr-placeholder" />
  )
}

function StatusActions({
  certificateNo,
  status,
  bodyId,
}: {
  certificateNo: string
  status: string
  bodyId: string
}) {
  const { t } = useI18n()
  const { actor, role } = useAuth()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const [action, setAction] = useState<StatusAction | null>(null)
  const [date, setDate] = useState(todayIso())
  const [reason, setReason] = useState('')
  const refresh = async () => {
    setAction(null)
    setReason('')
    await queryClient.invalidateQueries({ queryKey: trpc.certification.get.queryKey() })
    await queryClient.invalidateQueries({ queryKey: trpc.certification.list.queryKey() })
  }
  const suspend = useMutation(trpc.certification.suspendCertificate.mutationOptions({ onSuccess: refresh }))
  const restore = useMutation(trpc.certification.restoreCertificate.mutationOptions({ onSuccess: refresh }))
  const withdraw = useMutation(trpc.certification.withdrawCertificate.mutationOptions({ onSuccess: refresh }))
  const allowed = mayActOnCertificate(actor, bodyId)
    ? certificateActionsFor(status).filter((a) => can(role, `certificate.${a}` as Action))
    : []
  if (allowed.length === 0) return null
  const pending = suspend.isPending || restore.isPending || withdraw.isPending
  const error = suspend.error ?? restore.error ?? withdraw.error
  const submit = (event: FormEvent) => {
    event.preventDefault()
    const commandId = crypto.randomUUID()
    if (action === 'suspend') suspend.mutate({ certificateNo, from: date, reason, commandId })
    if (action === 'restore') restore.mutate({ certificateNo, on: date, reason, commandId })
    if (action === 'withdraw') withdraw.mutate({ certificateNo, on: date, reason, commandId })
  }
  return (
    <section className="card">
      <h2>{t('certs.actions')}</h2>
      <div className="button-row">
        {allowed.map((a) => (
          <button
            key={a}
            type="button"
            className={action === a ? 'primary' : a === 'withdraw' ? 'danger' : ''}
            onClick={() => setAction(a)}
            data-testid={`cert-action-${a}`}
          >
            {t(`certs.action.${a}`)}
          </button>
        ))}
      </div>
      {action ? (
        <form className="stack" onSubmit={submit}>
          <div className="form-grid">
            <DateField
              label={action === 'suspend' ? t('certs.from') : t('certs.on')}
              value={date}
              onChange={setDate}
              testId="cert-action-date"
            />
            <label className="field wide">
              <span>{t('certs.reason')}</span>
              <textarea
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                rows={2}
                required
                data-testid="cert-action-reason"
              />
            </label>
          </div>
          <div className="button-row">
            <button
              type="submit"
              className={action === 'withdraw' ? 'danger' : 'primary'}
              disabled={pending || reason.trim() === '' || date === ''}
              data-testid="cert-action-submit"
            >
              {pending ? t('common.saving') : t('certs.confirm', { action: t(`certs.action.${action}`) })}
            </button>
            <button type="button" onClick={() => setAction(null)}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      ) : null}
      {error ? <ErrorBox error={error} /> : null}
    </section>
  )
}

/** The issuing body records a certificate's expiry or changes its scope (models, standards, basis). */
function CertificateChanges({
  certificateNo,
  status,
  bodyId,
}: {
  certificateNo: string
  status: string
  bodyId: string
}) {
  const { t } = useI18n()
  const { actor, role } = useAuth()
  const client = useTRPCClient()
  const reports = useReportSource({ status: 'valid' })
  // Offered while the certificate is live; kept on the page once shown, so that the confirmation
  // of an expiry stays in view when the certificate turns expired.
  const [live] = useState(status !== 'withdrawn' && status !== 'expired')
  if (!mayActOnCertificate(actor, bodyId) || !live) return null
  if (!can(role, 'certificate.expire') && !can(role, 'certificate.changeScope')) return null
  return (
    <details className="card manage" data-testid="certificate-changes">
      <summary>{t('certs.manage')}</summary>
      <div className="grid-2">
        <CommandForm
          id="cert-expire"
          title={t('certs.expireTitle')}
          schema={certification.ExpireCertificate}
          fixed={{ certificateNo }}
          fields={[{ path: 'on', label: 'certs.on', kind: 'date' }]}
          run={(input) => client.certification.expireCertificate.mutate(input as never)}
          submitLabel={t('certs.expireTitle')}
          done={() => t('certs.expired', { no: certificateNo })}
        />
        <CommandForm
          id="cert-scope"
          title={t('certs.changeScope')}
          schema={certification.ChangeCertificateScope}
          fixed={{ certificateNo }}
          fields={[
            { path: 'models', label: 'certs.newModels', kind: 'list', optional: true },
            {
              path: 'standards',
              label: 'certs.newStandards',
              kind: 'standards',
              optional: true,
              placeholder: 'GB 4706.1-2005',
            },
            {
              path: 'basisReports.0',
              label: 'certs.newBasis',
              kind: 'select',
              source: reports,
              optional: true,
            },
            { path: 'reason', label: 'certs.reason', kind: 'textarea' },
            { path: 'on', label: 'certs.on', kind: 'date' },
          ]}
          run={(input) => client.certification.changeScope.mutate(input as never)}
          submitLabel={t('certs.changeScope')}
          done={() => t('certs.scopeChanged', { no: certificateNo })}
        />
      </div>
    </details>
  )
}

type CertificateData = RouterOutputs['certification']['get']

/**
 * The certificate as an A4 document for printing: title, the facts a paper certificate carries,
 * the body's seal area and accreditation mark (as text), the signatory line and the QR code that
 * verifies it at the public address. Shown only when printing.
 */
function CertificateDocument({
  c,
  verifyUrl,
  bodyName,
}: {
  c: CertificateData
  verifyUrl: string | null
  bodyName: string
}) {
  const { t, term } = useI18n()
  const content = c.certificate
  return (
    <article className="print-document" data-testid="certificate-document" aria-hidden="true">
      <header className="print-head">
        <p className="print-scheme">{term(content.scheme)}</p>
        <h1>{t('print.certificateTitle')}</h1>
        <p className="print-number">
          {t('certs.number')}：{c.certificateNo}
        </p>
      </header>
      <dl className="print-facts">
        <dt>{t('certs.holder')}</dt>
        <dd>
          {content.holder.name}（{content.holder.enterpriseId}）
        </dd>
        <dt>{t('certs.manufacturer')}</dt>
        <dd>{content.manufacturer.name}</dd>
        {content.factory.productionLineId ? (
          <>
            <dt>{t('certs.productionLine')}</dt>
            <dd>{content.factory.productionLineId}</dd>
          </>
        ) : null}
        <dt>{t('portal.productName')}</dt>
        <dd>
          {content.product.name}（{content.product.models.join('、')}）
        </dd>
        <dt>{t('certs.standards')}</dt>
        <dd>{content.standards.map((s) => `${s.code}-${s.version}`).join('；')}</dd>
        <dt>{t('certs.basisReports')}</dt>
        <dd>{content.basisReports.join('；')}</dd>
        <dt>{t('certs.validity')}</dt>
        <dd>
          {content.issuedOn} — {content.expiresOn}
        </dd>
      </dl>
      <p className="print-statement">{t('print.certificateStatement')}</p>
      <footer className="print-foot">
        <div className="print-marks">
          <span className="print-mark">CNAS</span>
          <span className="small">{t('print.accreditedUnder', { no: content.accreditationNo })}</span>
        </div>
        <div className="print-sign">
          <p>{t('print.signatory')}：________________</p>
          <p>
            {bodyName}
            <br />
            {t('print.issuedOn', { date: content.issuedOn })}
          </p>
          <div className="print-seal">{t('print.seal')}</div>
        </div>
        {verifyUrl ? (
          <div className="print-qr">
            <QrCode url={verifyUrl} testId="certificate-print-qr" />
            <p className="small">{t('print.scanToVerify')}</p>
            <p className="small print-url">{verifyUrl}</p>
          </div>
        ) : null}
      </footer>
    </article>
  )
}

export function CertificatePage() {
  const { t, term, lang } = useI18n()
  const trpc = useTRPC()
  const { number = '' } = useParams()
  const certificate = useQuery(trpc.certification.get.queryOptions({ certificateNo: number }))
  const config = useQuery(trpc.system.config.queryOptions(undefined, { staleTime: Number.POSITIVE_INFINITY }))
  // The QR code points at the public address (QI_PUBLIC_URL), never at the staff browser's origin.
  const publicUrl = config.data?.publicUrl ?? null
  const verifyUrl = publicUrl ? `${publicUrl}/verify/${encodeURIComponent(number)}` : null
  const bodyId = certificate.data?.bodyId ?? ''
  const body = useQuery({
    ...trpc.accreditation.getLab.queryOptions({ labId: bodyId }),
    enabled: bodyId !== '',
  })
  return (
    <QueryView query={certificate}>
      {(c) => (
        <>
          <CertificateDocument c={c} verifyUrl={verifyUrl} bodyName={body.data?.name ?? c.bodyId} />
          <PageHeader title={`${t('certs.certificate')} ${c.certificateNo}`}>
            <StatusBadge status={c.status} testId="certificate-status" />
            <button
              type="button"
              className="no-print"
              onClick={() => window.print()}
              data-testid="certificate-print"
            >
              {t('print.print')}
            </button>
          </PageHeader>
          <div className="grid-2">
            <section className="card">
              <dl className="facts">
                <dt>{t('certs.holder')}</dt>
                <dd>
                  {c.holder.name} <span className="muted small">{c.holder.enterpriseId}</span>
                </dd>
                <dt>{t('certs.manufacturer')}</dt>
                <dd>{c.certificate.manufacturer.name}</dd>
                <dt>{t('portal.productName')}</dt>
                <dd>
                  <Link to={`/lineage?kind=product&id=${encodeURIComponent(c.product.productId)}`}>
                    {c.product.name}
                  </Link>
                  <span className="muted small"> {c.certificate.product.models.join(', ')}</span>
                </dd>
                <dt>{t('certs.scheme')}</dt>
                <dd>{term(c.scheme)}</dd>
                <dt>{t('certs.body')}</dt>
                <dd>
                  {c.bodyId} · {c.accreditationNo}
                </dd>
                <dt>{t('certs.validity')}</dt>
                <dd>
                  {c.issuedOn} – {c.expiresOn}
                </dd>
                <dt>{t('certs.standards')}</dt>
                <dd>
                  {c.certificate.standards.map((s) => (
                    <Link
                      key={`${s.code}-${s.version}`}
                      to={standardPath(s.code, s.version)}
                      className="chip"
                    >
                      {s.code}-{s.version}
                    </Link>
                  ))}
                </dd>
                <dt>{t('certs.basisReports')}</dt>
                <dd>
                  {c.certificate.basisReports.map((r) => (
                    <Link key={r} to={`/lineage?kind=report&id=${encodeURIComponent(r)}`} className="chip">
                      {r}
                    </Link>
                  ))}
                </dd>
              </dl>
              <p>
                <Link to={`/lineage?kind=certificate&id=${encodeURIComponent(c.certificateNo)}`}>
                  {t('certs.showLineage')} →
                </Link>
              </p>
            </section>
            <section className="card qr-card">
              {verifyUrl ? (
                <>
                  <QrCode url={verifyUrl} />
                  <p className="small">
                    <a href={verifyUrl} data-testid="certificate-public-url">
                      {verifyUrl}
                    </a>
                  </p>
                </>
              ) : (
                <p className="muted small">
                  {config.isPending ? t('common.loading') : t('certs.noPublicUrl')}
                </p>
              )}
              <p className="muted small">{t('certs.qrHelp')}</p>
            </section>
          </div>
          <StatusActions certificateNo={c.certificateNo} status={c.status} bodyId={c.bodyId} />
          <CertificateChanges
            key={c.certificateNo}
            certificateNo={c.certificateNo}
            status={c.status}
            bodyId={c.bodyId}
          />
          <section className="card">
            <h2>{t('certs.history')}</h2>
            {c.history.length === 0 ? (
              <Empty />
            ) : (
              <ol className="timeline" data-testid="certificate-history">
                {c.history.map((h, index) => (
                  <li key={`${h.validFrom}-${index}`}>
                    <div className="timeline-dot" />
                    <div>
                      <StatusBadge status={h.status} /> {h.validFrom} → {h.validTo ?? t('common.now')}
                      <div className="muted small">
                        {displayReason(h.reason, lang)}
                        {h.cause && h.cause.kind !== 'manual'
                          ? ` · ${t('certs.cause')}: ${term(h.cause.kind)}${h.cause.ref ? ` (${h.cause.ref})` : ''}`
                          : ''}
                      </div>
                    </div>
                  </li>
                ))}
              </ol>
            )}
          </section>
          {c.transitionDeadlines.length > 0 ? (
            <section className="card warn-box" data-testid="certificate-transition">
              <h2>{t('certs.transitions')}</h2>
              <ul>
                {c.transitionDeadlines.map((d) => (
                  <li key={d.standard}>
                    {t('certs.transitionLine', {
                      from: d.standard,
                      to: d.replacedBy,
                      date: d.deadline,
                    })}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          {c.scopeChanges.length > 0 ? (
            <section className="card">
              <h2>{t('certs.scopeChanges')}</h2>
              <pre className="json">{JSON.stringify(c.scopeChanges, null, 2)}</pre>
            </section>
          ) : null}
        </>
      )}
    </QueryView>
  )
}
