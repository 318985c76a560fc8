import { accreditation, certification } from '@qi/contracts'
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useEffect, useMemo, useState } from 'react'
import { Link, useNavigate, useSearchParams } from 'react-router'
import { useAuth } from '../auth'
import { DataTable } from '../components/DataTable'
import { ListTools, useListState } from '../components/ListTools'
import { Picker } from '../components/Picker'
import { useReportSource } from '../components/picker-sources'
import { ErrorBox, FieldMessages, PageHeader, QueryView, StatusBadge } from '../components/ui'
import { useI18n } from '../i18n/context'
import type { MessageKey } from '../i18n/messages'
import { useZodLocale } from '../i18n/zod-locale'
import {
  describeApiError,
  type FieldErrors,
  type IssueLike,
  issuesToFieldErrors,
  messagesFor,
  unclaimedErrors,
  withoutField,
} from '../lib/api-error'
import { todayIso } from '../lib/dates'
import { can } from '../lib/permissions'
import { parseStandardRefs, splitList } from '../lib/report-form'
import { type RouterInputs, type RouterOutputs, useTRPC } from '../trpc'

type CertificateStatus = NonNullable<RouterInputs['certification']['list']['status']>
type CertificateItem = RouterOutputs['certification']['list']['items'][number]
const STATUSES: CertificateStatus[] = ['valid', 'under_review', 'suspended', 'withdrawn', 'expired']

export const certificatePath = (number: string) => `/certificates/${encodeURIComponent(number)}`

interface IssueDraft {
  certificateNo: string
  accreditationNo: string
  holderId: string
  holderName: string
  manufacturerId: string
  manufacturerName: string
  productionLineId: string
  productId: string
  productName: string
  models: string
  scheme: (typeof accreditation.CertificationScheme.options)[number]
  standards: string
  basisReports: string
  issuedOn: string
  expiresOn: string
}

const FIELDS: Array<{
  key: Exclude<keyof IssueDraft, 'scheme'>
  path: string
  label: MessageKey
  placeholder?: string
}> = [
  { key: 'certificateNo', path: 'certificateNo', label: 'certs.number' },
  { key: 'accreditationNo', path: 'accreditationNo', label: 'labs.accreditationNo' },
  { key: 'holderId', path: 'holder.enterpriseId', label: 'certs.holderId' },
  { key: 'holderName', path: 'holder.name', label: 'certs.holder' },
  { key: 'manufacturerId', path: 'manufacturer.enterpriseId', label: 'certs.manufacturerId' },
  { key: 'manufacturerName', path: 'manufacturer.name', label: 'certs.manufacturer' },
  { key: 'productionLineId', path: 'factory.productionLineId', label: 'certs.productionLine' },
  { key: 'productId', path: 'product.productId', label: 'portal.productId' },
  { key: 'productName', path: 'product.name', label: 'portal.productName' },
  { key: 'models', path: 'product.models', label: 'certs.models' },
  { key: 'standards', path: 'standards', label: 'certs.standards' },
  { key: 'basisReports', path: 'basisReports', label: 'certs.basisReports' },
  { key: 'issuedOn', path: 'issuedOn', label: 'certs.issuedOn', placeholder: 'YYYY-MM-DD' },
  { key: 'expiresOn', path: 'expiresOn', label: 'certs.expiresOn', placeholder: 'YYYY-MM-DD' },
]

function IssueCertificateForm({ bodyId, fromReport }: { bodyId: string; fromReport: string }) {
  const { t, term, lang } = useI18n()
  useZodLocale(lang)
  const trpc = useTRPC()
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  const [draft, setDraft] = useState<IssueDraft>({
    certificateNo: '',
    accreditationNo: '',
    holderId: '',
    holderName: '',
    manufacturerId: '',
    manufacturerName: '',
    productionLineId: '',
    productId: '',
    productName: '',
    models: '',
    scheme: 'CCC',
    standards: '',
    basisReports: '',
    issuedOn: todayIso(),
    expiresOn: '',
  })
  // "Issue from a report": everything the report says is filled in; the body adds its number and expiry.
  const [basis, setBasis] = useState(fromReport)
  const candidates = useReportSource({ status: 'valid' })
  const report = useQuery({
    ...trpc.testing.getReport.queryOptions({ reportNo: basis }),
    enabled: basis !== '',
  })
  const body = useQuery({
    ...trpc.accreditation.getLab.queryOptions({ labId: bodyId }),
    enabled: bodyId !== '',
  })
  const product = useQuery({
    ...trpc.industrialization.getProduct.queryOptions({
      productId: report.data?.report.sample.productId ?? '',
    }),
    enabled: Boolean(report.data?.report.sample.productId),
  })
  const makerId = product.data?.enterpriseId ?? report.data?.report.customer.enterpriseId ?? ''
  const maker = useQuery({
    ...trpc.industrialization.getEnterprise.queryOptions({ enterpriseId: makerId }),
    enabled: makerId !== '',
  })
  const bodyAccreditation = body.data?.accreditation?.accreditationNo
  useEffect(() => {
    if (bodyAccreditation)
      setDraft((d) => (d.accreditationNo ? d : { ...d, accreditationNo: bodyAccreditation }))
  }, [bodyAccreditation])
  const reportData = report.data?.report
  const makerName = (maker.data as { name?: string } | undefined)?.name
  useEffect(() => {
    if (!reportData) return
    const standards = [
      ...new Set(reportData.results.map((r) => `${r.method.standardCode}-${r.method.standardVersion}`)),
    ]
    const issuedOn = todayIso()
    const expires = new Date(`${issuedOn}T00:00:00Z`)
    expires.setUTCFullYear(expires.getUTCFullYear() + 5)
    setDraft((d) => ({
      ...d,
      holderId: reportData.customer.enterpriseId ?? makerId,
      holderName: reportData.customer.name,
      manufacturerId: makerId,
      manufacturerName: makerName ?? reportData.customer.name,
      productId: reportData.sample.productId ?? '',
      productName: reportData.sample.productName,
      models: reportData.sample.model,
      standards: standards.join(', '),
      basisReports: reportData.reportNo,
      issuedOn,
      expiresOn: expires.toISOString().slice(0, 10),
    }))
  }, [reportData, makerId, makerName])
  const [clientIssues, setClientIssues] = useState<IssueLike[]>([])
  const [changed, setChanged] = useState<string[]>([])
  const issue = useMutation(
    trpc.certification.issueCertificate.mutationOptions({
      onSuccess: (_r, input) => {
        void queryClient.invalidateQueries({ queryKey: trpc.certification.list.queryKey() })
        navigate(certificatePath(input.certificateNo))
      },
    }),
  )
  const apiError = issue.error ? describeApiError(issue.error, lang) : null
  const errors = useMemo(() => {
    let all: FieldErrors = apiError ? apiError.fieldErrors : issuesToFieldErrors(clientIssues, lang)
    for (const path of changed) all = withoutField(all, path)
    return all
  }, [apiError, clientIssues, changed, lang])
  const update = (key: keyof IssueDraft, path: string, value: string) => {
    setChanged((list) => (list.includes(path) ? list : [...list, path]))
    setDraft((d) => ({ ...d, [key]: value }))
  }
  const submit = (event: FormEvent) => {
    event.preventDefault()
    const input = {
      certificateNo: draft.certificateNo,
      bodyId,
      accreditationNo: draft.accreditationNo,
      holder: { enterpriseId: draft.holderId, name: draft.holderName },
      manufacturer: { enterpriseId: draft.manufacturerId, name: draft.manufacturerName },
      factory: { productionLineId: draft.productionLineId.trim() || undefined },
      product: { productId: draft.productId, name: draft.productName, models: splitList(draft.models) },
      scheme: draft.scheme,
      standards: parseStandardRefs(draft.standards),
      basisReports: splitList(draft.basisReports),
      issuedOn: draft.issuedOn,
      expiresOn: draft.expiresOn,
    }
    issue.reset()
    setChanged([])
    const parsed = certification.IssueCertificate.safeParse(input, { reportInput: true })
    if (!parsed.success) {
      setClientIssues(parsed.error.issues)
      return
    }
    setClientIssues([])
    issue.mutate({ ...input, commandId: crypto.randomUUID() })
  }
  const general = unclaimedErrors(errors, [...FIELDS.map((f) => f.path), 'scheme', 'bodyId'])
  return (
    <form className="card stack" onSubmit={submit} noValidate data-testid="certificate-issue-form">
      <h2>{t('certs.issue')}</h2>
      <div className="picker">
        <label htmlFor="basis-pick">{t('certs.fromReport')}</label>
        <Picker
          id="basis-pick"
          testId="cert-issue-from-report"
          label={t('certs.fromReport')}
          value={basis}
          onChange={(value) => setBasis(value)}
          source={candidates}
          optional
        />
      </div>
      {issue.error ? <ErrorBox error={issue.error} testId="cert-issue-error" /> : null}
      <FieldMessages messages={general} />
      <div className="form-grid">
        {FIELDS.map((field) => {
          const messages = messagesFor(errors, field.path, true)
          return (
            <label key={field.key} className={messages.length > 0 ? 'field invalid' : 'field'}>
              <span>{t(field.label)}</span>
              <input
                placeholder={field.placeholder}
                value={draft[field.key]}
                onChange={(event) => update(field.key, field.path, event.target.value)}
                data-testid={`cert-issue-${field.key}`}
              />
              <FieldMessages messages={messages} />
            </label>
          )
        })}
        <label className="field">
          <span>{t('certs.scheme')}</span>
          <select
            value={draft.scheme}
            onChange={(event) => setDraft({ ...draft, scheme: event.target.value as IssueDraft['scheme'] })}
            data-testid="cert-issue-scheme"
          >
            {accreditation.CertificationScheme.options.map((scheme) => (
              <option key={scheme} value={scheme}>
                {term(scheme)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="muted small">{t('certs.listHelp')}</p>
      <button type="submit" className="primary" disabled={issue.isPending} data-testid="cert-issue-submit">
        {issue.isPending ? t('common.saving') : t('certs.issue')}
      </button>
    </form>
  )
}

export function CertificatesPage() {
  const { t, term } = useI18n()
  const trpc = useTRPC()
  const { actor, role } = useAuth()
  const listState = useListState('certs', 25, 'issued_desc')
  const [status, setStatus] = useState<CertificateStatus | ''>('')
  const list = useQuery({
    ...trpc.certification.list.queryOptions({
      search: listState.search || undefined,
      status: status || undefined,
      sort: listState.sort as 'issued_desc',
      limit: listState.limit,
      offset: listState.offset,
    }),
    placeholderData: keepPreviousData,
  })
  const [params] = useSearchParams()
  const issueFrom = params.get('issueFrom') ?? ''
  const [showIssue, setShowIssue] = useState(issueFrom !== '' || params.get('issue') === '1')
  return (
    <>
      <PageHeader title={t('certs.title')}>
        {can(role, 'certificate.issue') ? (
          <button type="button" onClick={() => setShowIssue((v) => !v)} data-testid="cert-issue-toggle">
            {showIssue ? t('common.close') : `+ ${t('certs.issue')}`}
          </button>
        ) : null}
      </PageHeader>
      {showIssue && actor ? (
        <IssueCertificateForm bodyId={actor.role === 'admin' ? '' : actor.org} fromReport={issueFrom} />
      ) : null}
      <section className="card">
        <ListTools
          list={listState}
          total={list.data?.total}
          sorts={[
            { value: 'issued_desc', label: t('certs.sortNewest') },
            { value: 'issued_asc', label: t('certs.sortOldest') },
            { value: 'number', label: t('certs.number') },
            { value: 'expires', label: t('certs.expiresOn') },
          ]}
          csv={() =>
            (list.data?.items ?? []).map((c) => ({
              certificate: c.certificateNo,
              holder: c.holder.name,
              product: c.product.name,
              scheme: c.scheme,
              issuedOn: c.issuedOn,
              expiresOn: c.expiresOn,
              status: term(c.status),
            }))
          }
        />
        <label className="inline-field">
          <span>{t('common.status')}</span>
          <select
            value={status}
            onChange={(event) => {
              setStatus(event.target.value as CertificateStatus | '')
              listState.setPage(0)
            }}
            data-testid="certs-status"
          >
            <option value="">{t('common.all')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {term(s)}
              </option>
            ))}
          </select>
        </label>
        <QueryView query={list} isEmpty={(data) => data.items.length === 0}>
          {(data) => (
            <DataTable<CertificateItem>
              testId="certs-table"
              rows={data.items}
              rowKey={(c) => c.certificateNo}
              columns={[
                {
                  header: t('certs.number'),
                  cell: (c) => <Link to={certificatePath(c.certificateNo)}>{c.certificateNo}</Link>,
                },
                { header: t('certs.holder'), cell: (c) => c.holder.name },
                { header: t('portal.productName'), cell: (c) => c.product.name },
                { header: t('certs.scheme'), cell: (c) => term(c.scheme) },
                { header: t('certs.validity'), cell: (c) => `${c.issuedOn} – ${c.expiresOn}` },
                { header: t('common.status'), cell: (c) => <StatusBadge status={c.status} /> },
              ]}
            />
          )}
        </QueryView>
      </section>
    </>
  )
}
