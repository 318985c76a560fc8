import { type FormEvent, type ReactNode, useEffect, useState } from 'react'
import { useNavigate, useParams, useSearchParams } from 'react-router'
import { DateField, ErrorBox, Loading, PageHeader, StatusBadge } from '../components/ui'
import { useI18n } from '../i18n/context'
import { describeApiError } from '../lib/api-error'
import { todayIso } from '../lib/dates'
import { type PublicQueries, publicQuery } from '../lib/public-api'
import { displayReason } from '../lib/reasons'

interface PublicResult<T> {
  data: T | undefined
  error: unknown
  isPending: boolean
  isError: boolean
}

/**
 * A public query's state, fetched once per input while `enabled` (no cache, no retry: a number that
 * is not found will not be found by asking again). Plain fetch, so this page loads without the tRPC
 * client and TanStack Query (lib/public-api).
 */
function usePublicQuery<P extends keyof PublicQueries>(
  path: P,
  input: PublicQueries[P]['input'],
  enabled: boolean,
): PublicResult<PublicQueries[P]['output']> {
  const key = enabled ? `${path}:${JSON.stringify(input)}` : ''
  const [state, setState] = useState<{ key: string; data?: PublicQueries[P]['output']; error?: unknown }>({
    key: '',
  })
  useEffect(() => {
    if (!key) return
    const abort = new AbortController()
    publicQuery(path, input, abort.signal).then(
      (data) => setState({ key, data }),
      (error: unknown) => {
        if (!abort.signal.aborted) setState({ key, error: error ?? new Error('failed') })
      },
    )
    return () => abort.abort()
  }, [key])
  const settled = key !== '' && state.key === key
  return {
    data: settled ? state.data : undefined,
    error: settled ? state.error : undefined,
    isPending: !settled,
    isError: settled && state.error !== undefined,
  }
}

/** Public: a certificate's or a test report's status on a date, by number (the QR code lands here). */
export function VerifyPage() {
  const { t, term, lang } = useI18n()
  const navigate = useNavigate()
  const { number = '' } = useParams()
  const [params, setParams] = useSearchParams()
  const on = params.get('on') ?? todayIso()
  const [draft, setDraft] = useState(number)
  const enabled = number !== '' && on !== ''
  const certificate = usePublicQuery('certification.verify', { certificateNo: number, on }, enabled)
  // A number is looked up as a report only once it is known not to be a certificate (the QR case),
  // so verifying a certificate never fires a failing report lookup.
  const notCertificate = certificate.isError && describeApiError(certificate.error).code === 'NOT_FOUND'
  const report = usePublicQuery('testing.verifyReport', { reportNo: number, on }, enabled && notCertificate)
  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (draft.trim()) navigate(`/verify/${encodeURIComponent(draft.trim())}?on=${on}`)
  }
  const notFound = (error: unknown) => describeApiError(error).code === 'NOT_FOUND'

  let result: ReactNode = null
  if (enabled) {
    if (certificate.data) {
      const c = certificate.data
      result = (
        <section className="card verify-result" data-testid="verify-result">
          <div className="verify-status">
            <StatusBadge status={c.status} testId="verify-status" />
            <span>
              {t('verify.certificateOn', { number: c.certificateNo, date: c.on })}
              {c.statusSince ? ` · ${t('verify.since', { date: c.statusSince })}` : ''}
            </span>
          </div>
          {displayReason(c.reason, lang) ? (
            <p className="warn-text">{displayReason(c.reason, lang)}</p>
          ) : null}
          <dl className="facts">
            <dt>{t('certs.holder')}</dt>
            <dd>{c.holder}</dd>
            <dt>{t('certs.manufacturer')}</dt>
            <dd>{c.manufacturer}</dd>
            <dt>{t('portal.productName')}</dt>
            <dd>
              {c.product.name} <span className="muted small">{c.product.models.join(', ')}</span>
            </dd>
            <dt>{t('certs.scheme')}</dt>
            <dd>{term(c.scheme)}</dd>
            <dt>{t('certs.standards')}</dt>
            <dd>{c.standards.map((s) => `${s.code}-${s.version}`).join(', ')}</dd>
            <dt>{t('certs.basisReports')}</dt>
            <dd>{c.basisReports.join(', ')}</dd>
            <dt>{t('certs.body')}</dt>
            <dd>
              {c.issuingBody.name ?? c.issuingBody.bodyId} · {c.issuingBody.accreditationNo}
            </dd>
            <dt>{t('certs.validity')}</dt>
            <dd>
              {c.validity.issuedOn} – {c.validity.expiresOn}
            </dd>
          </dl>
        </section>
      )
    } else if (report.data) {
      const r = report.data
      result = (
        <section className="card verify-result" data-testid="verify-result">
          <div className="verify-status">
            <StatusBadge status={r.status} testId="verify-status" />
            <span>
              {t('verify.reportOn', { number: r.reportNo, date: r.on })}
              {r.statusSince ? ` · ${t('verify.since', { date: r.statusSince })}` : ''}
            </span>
          </div>
          {displayReason(r.reason, lang) ? (
            <p className="warn-text">{displayReason(r.reason, lang)}</p>
          ) : null}
          {r.replacedBy ? <p>{t('verify.replacedBy', { number: r.replacedBy })}</p> : null}
          <dl className="facts">
            <dt>{t('labs.lab')}</dt>
            <dd>
              {r.lab.name ?? r.lab.labId} · {r.lab.accreditationNo}
            </dd>
            <dt>{t('portal.customerName')}</dt>
            <dd>{r.customerName}</dd>
            <dt>{t('portal.productName')}</dt>
            <dd>
              {r.sample.productName} · {r.sample.model}
              {r.sample.batch ? ` · ${r.sample.batch}` : ''}
            </dd>
            <dt>{t('certs.standards')}</dt>
            <dd>{r.standards.map((s) => `${s.code}-${s.version}`).join(', ')}</dd>
            <dt>{t('portal.dates')}</dt>
            <dd>
              {r.testedFrom} – {r.testedTo} · {t('portal.issuedOn')} {r.issuedOn}
            </dd>
            <dt>{t('portal.conformity')}</dt>
            <dd>{term(r.conformity)}</dd>
          </dl>
        </section>
      )
    } else if (certificate.isPending || (notCertificate && report.isPending)) {
      result = <Loading />
    } else if (
      certificate.isError &&
      report.isError &&
      notFound(certificate.error) &&
      notFound(report.error)
    ) {
      result = (
        <section className="card verify-result" data-testid="verify-result">
          <div className="verify-status">
            <StatusBadge status="not_found" testId="verify-status" />
            <span>{t('verify.notFound', { number })}</span>
          </div>
        </section>
      )
    } else {
      result = (
        <ErrorBox
          error={certificate.isError && !notFound(certificate.error) ? certificate.error : report.error}
        />
      )
    }
  }

  return (
    <>
      <PageHeader title={t('verify.title')} />
      <form className="card filters" onSubmit={submit}>
        <label className="field">
          <span>{t('verify.number')}</span>
          <input
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            data-testid="verify-number"
          />
        </label>
        <DateField
          label={t('verify.on')}
          value={on}
          onChange={(value) => {
            const next = new URLSearchParams(params)
            next.set('on', value || todayIso())
            setParams(next, { replace: true })
          }}
          testId="verify-date"
        />
        <button type="submit" className="primary" data-testid="verify-submit">
          {t('verify.check')}
        </button>
      </form>
      {result}
    </>
  )
}
