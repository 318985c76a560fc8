/**
 * One test report: its content and status, and — printed — an A4 test report (ISO/IEC 17025 §7.8:
 * lab and accreditation mark, customer, sample, dates, results per method, decision rule,
 * conformity statement, instruments, signatory) with a QR code that verifies it publicly.
 */
import { useQuery } from '@tanstack/react-query'
import QRCode from 'qrcode'
import { useEffect, useState } from 'react'
import { Link, useParams } from 'react-router'
import { PageHeader, QueryView, StatusBadge } from '../components/ui'
import { useI18n } from '../i18n/context'
import { type RouterOutputs, useTRPC } from '../trpc'

type Report = RouterOutputs['testing']['getReport']

function Qr({ url }: { url: string }) {
  const [dataUrl, setDataUrl] = useState<string | null>(null)
  useEffect(() => {
    let cancelled = false
    QRCode.toDataURL(url, { margin: 1, width: 160 }).then(
      (value) => !cancelled && setDataUrl(value),
      () => setDataUrl(null),
    )
    return () => {
      cancelled = true
    }
  }, [url])
  return dataUrl ? (
    <img src={dataUrl} width={120} height={120} alt={url} data-url={url} data-testid="report-qr" />
  ) : null
}

function ResultsTable({ report }: { report: Report['report'] }) {
  const { t, term } = useI18n()
  return (
    <div className="table-wrap">
      <table data-testid="report-results">
        <thead>
          <tr>
            <th>{t('labs.parameter')}</th>
            <th>{t('print.method')}</th>
            <th>{t('portal.limit')}</th>
            <th>{t('portal.value')}</th>
            <th>{t('portal.uncertainty')}</th>
            <th>{t('portal.verdict')}</th>
          </tr>
        </thead>
        <tbody>
          {report.results.map((r, index) => (
            <tr key={`${r.parameter}-${index}`}>
              <td>{r.parameter}</td>
              <td>
                {r.method.standardCode}-{r.method.standardVersion} §{r.method.clause}
              </td>
              <td>{r.limit ?? '—'}</td>
              <td>
                {r.value} {r.unit}
              </td>
              <td>{r.uncertainty ?? '—'}</td>
              <td>{term(r.verdict)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function ReportDocument({
  data,
  labName,
  verifyUrl,
}: {
  data: Report
  labName: string
  verifyUrl: string | null
}) {
  const { t, term } = useI18n()
  const r = data.report
  return (
    <article className="print-document" data-testid="report-document" aria-hidden="true">
      <header className="print-head">
        <p className="print-scheme">{labName}</p>
        <h1>{t('print.reportTitle')}</h1>
        <p className="print-number">
          {t('portal.reportNo')}：{r.reportNo}
        </p>
      </header>
      <dl className="print-facts">
        <dt>{t('portal.customerName')}</dt>
        <dd>{r.customer.name}</dd>
        <dt>{t('portal.productName')}</dt>
        <dd>
          {r.sample.productName}（{r.sample.model}
          {r.sample.batch ? `，${r.sample.batch}` : ''}）
        </dd>
        <dt>{t('print.testPeriod')}</dt>
        <dd>
          {r.testedFrom} — {r.testedTo}
        </dd>
        <dt>{t('portal.instruments')}</dt>
        <dd>{r.instrumentIds.join('；')}</dd>
        <dt>{t('portal.decisionRule')}</dt>
        <dd>{term(r.decisionRule)}</dd>
        <dt>{t('portal.conformity')}</dt>
        <dd>{term(r.conformity)}</dd>
      </dl>
      <ResultsTable report={r} />
      <footer className="print-foot">
        <div className="print-marks">
          <span className="print-mark">CNAS</span>
          <span className="print-mark">CMA</span>
          <span className="small">{t('print.accreditedUnder', { no: r.accreditationNo })}</span>
        </div>
        <div className="print-sign">
          <p>
            {t('print.signatory')}：{r.signatory}
          </p>
          <p>{t('print.issuedOn', { date: r.issuedOn })}</p>
          <div className="print-seal">{t('print.seal')}</div>
        </div>
        {verifyUrl ? (
          <div className="print-qr">
            <Qr url={verifyUrl} />
            <p className="small">{t('print.scanToVerify')}</p>
          </div>
        ) : null}
      </footer>
    </article>
  )
}

export function ReportPage() {
  const { t, term } = useI18n()
  const trpc = useTRPC()
  const { reportNo = '' } = useParams()
  const report = useQuery(trpc.testing.getReport.queryOptions({ reportNo }))
  const labId = report.data?.labId ?? ''
  const lab = useQuery({ ...trpc.accreditation.getLab.queryOptions({ labId }), enabled: labId !== '' })
  const config = useQuery(trpc.system.config.queryOptions(undefined, { staleTime: Number.POSITIVE_INFINITY }))
  const publicUrl = config.data?.publicUrl ?? null
  return (
    <QueryView query={report}>
      {(data) => {
        const verifyUrl = publicUrl ? `${publicUrl}/verify/${encodeURIComponent(data.reportNo)}` : null
        return (
          <>
            <ReportDocument data={data} labName={lab.data?.name ?? data.labId} verifyUrl={verifyUrl} />
            <PageHeader title={`${t('print.reportTitle')} ${data.reportNo}`}>
              <StatusBadge status={data.status} testId="report-status" />
              <button
                type="button"
                className="no-print"
                onClick={() => window.print()}
                data-testid="report-print"
              >
                {t('print.print')}
              </button>
            </PageHeader>
            <section className="card">
              <dl className="facts">
                <dt>{t('portal.labId')}</dt>
                <dd>
                  <Link to={`/labs/${encodeURIComponent(data.labId)}`}>{lab.data?.name ?? data.labId}</Link>
                </dd>
                <dt>{t('portal.customerName')}</dt>
                <dd>{data.customerName}</dd>
                <dt>{t('portal.productName')}</dt>
                <dd>
                  {data.productName} {data.model}
                </dd>
                <dt>{t('print.testPeriod')}</dt>
                <dd>
                  {data.testedFrom} — {data.testedTo}
                </dd>
                <dt>{t('portal.issuedOn')}</dt>
                <dd>{data.issuedOn}</dd>
                <dt>{t('portal.conformity')}</dt>
                <dd>{term(data.conformity)}</dd>
              </dl>
              <p>
                <Link to={`/lineage?kind=report&id=${encodeURIComponent(data.reportNo)}`}>
                  {t('portal.openIssued')} →
                </Link>
              </p>
            </section>
            <section className="card">
              <h2>{t('portal.results')}</h2>
              <ResultsTable report={data.report} />
            </section>
          </>
        )
      }}
    </QueryView>
  )
}
