import { testing } from '@qi/contracts'
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, type ReactNode, useEffect, useId, useMemo, useRef, useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import { useAuth } from '../auth'
import { ListTools, useListState } from '../components/ListTools'
import { Picker } from '../components/Picker'
import {
  type EnterpriseItem,
  type ProductItem,
  type ScopeItem,
  useEnterpriseSource,
  useInstrumentSource,
  useProductSource,
  useScopeSource,
} from '../components/picker-sources'
import {
  DateField,
  Empty,
  ErrorBox,
  FieldMessages,
  PageHeader,
  QueryView,
  StatusBadge,
} from '../components/ui'
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
import {
  draftFromReport,
  emptyReport,
  emptyResult,
  type IssueTestReportInput,
  type ReportDraft,
  type ResultDraft,
  validateReport,
} from '../lib/report-form'
import { useTRPC, useTRPCClient } from '../trpc'

/** Fields the form shows; errors for anything else are listed at the top. */
const CLAIMED_FIELDS = [
  'reportNo',
  'labId',
  'accreditationNo',
  'customer',
  'sample',
  'testedFrom',
  'testedTo',
  'issuedOn',
  'results',
  'decisionRule',
  'conformity',
  'instrumentIds',
  'signatory',
]

const testId = (path: string) => `report-${path.replaceAll('.', '-')}`

function Field({
  path,
  label,
  errors,
  nested = false,
  children,
}: {
  path: string
  label: string
  errors: FieldErrors
  nested?: boolean
  /** Renders the control with the id the label points at. */
  children: (id: string) => ReactNode
}) {
  const id = useId()
  const messages = messagesFor(errors, path, nested)
  return (
    <div className={messages.length > 0 ? 'field invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children(id)}
      <FieldMessages messages={messages} testId={`${testId(path)}-errors`} />
    </div>
  )
}

/** Revokes one of the lab's reports (policies then suspend the certificates issued on it). */
function RevokeReportForm({ reportNo, onDone }: { reportNo: string; onDone(): void }) {
  const { t } = useI18n()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const [on, setOn] = useState(todayIso())
  const [reason, setReason] = useState('')
  const revoke = useMutation(
    trpc.testing.revokeReport.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.testing.listReports.queryKey() })
        onDone()
      },
    }),
  )
  const submit = (event: FormEvent) => {
    event.preventDefault()
    revoke.mutate({ reportNo, revokedOn: on, reason, commandId: crypto.randomUUID() })
  }
  return (
    <form className="stack revoke-form" onSubmit={submit} data-testid="report-revoke-form">
      <h3>{t('portal.revokeTitle', { reportNo })}</h3>
      <p className="muted small">{t('portal.revokeHelp')}</p>
      <div className="form-grid">
        <DateField label={t('portal.revokedOn')} value={on} onChange={setOn} testId="report-revoke-date" />
        <label className="field wide">
          <span>{t('certs.reason')}</span>
          <textarea
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            rows={2}
            required
            data-testid="report-revoke-reason"
          />
        </label>
      </div>
      <div className="button-row">
        <button
          type="submit"
          className="danger"
          disabled={revoke.isPending || reason.trim() === '' || on === ''}
          data-testid="report-revoke-submit"
        >
          {revoke.isPending ? t('common.saving') : t('portal.revoke')}
        </button>
        <button type="button" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
      {revoke.error ? <ErrorBox error={revoke.error} /> : null}
    </form>
  )
}

export function LabPortalPage() {
  const { t, term } = useI18n()
  const { actor, role } = useAuth()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const labId = actor?.role === 'lab' ? actor.org : ''
  const lab = useQuery({ ...trpc.accreditation.getLab.queryOptions({ labId }), enabled: labId !== '' })
  const instrumentSource = useInstrumentSource(labId || undefined)
  const scopeSource = useScopeSource(labId)
  const productSource = useProductSource()
  const customerSource = useEnterpriseSource()
  const reportList = useListState('reports', 20, 'issued_desc')
  const reports = useQuery({
    ...trpc.testing.listReports.queryOptions({
      labId: labId || undefined,
      search: reportList.search || undefined,
      sort: reportList.sort as 'issued_desc' | 'issued_asc' | 'number',
      limit: reportList.limit,
      offset: reportList.offset,
    }),
    enabled: labId !== '',
    placeholderData: keepPreviousData,
  })
  // The scope line picked for each result (its method, parameter and clause fill the result).
  const [pickedLines, setPickedLines] = useState<string[]>([])
  const [params, setParams] = useSearchParams()
  const amending = params.get('amend') ?? ''
  const previous = useQuery({
    ...trpc.testing.getReport.queryOptions({ reportNo: amending }),
    enabled: amending !== '',
  })
  const [amendReason, setAmendReason] = useState('')
  const { lang } = useI18n()
  useZodLocale(lang)
  const [draft, setDraft] = useState<ReportDraft>(() => emptyReport(labId, '', todayIso()))
  // What the last submit was refused for: client-side issues or the server's error; rendered in the
  // current language, minus the fields changed since (their messages are stale).
  const [clientIssues, setClientIssues] = useState<IssueLike[]>([])
  const [changed, setChanged] = useState<string[]>([])
  const issuedRef = useRef<HTMLDivElement>(null)
  const [issued, setIssued] = useState<string | null>(null)
  const [revoking, setRevoking] = useState<string | null>(null)
  const accreditationNo = lab.data?.accreditation?.accreditationNo
  useEffect(() => {
    if (accreditationNo) setDraft((d) => (d.accreditationNo ? d : { ...d, accreditationNo }))
  }, [accreditationNo])
  // "Amend": the form starts from the report being replaced.
  const previousReport = previous.data?.report
  useEffect(() => {
    if (previousReport) setDraft(draftFromReport(previousReport))
  }, [previousReport])

  const client = useTRPCClient()
  const issue = useMutation({
    mutationFn: (input: IssueTestReportInput & { commandId: string }) =>
      amending
        ? client.testing.amendReport.mutate({
            ...input,
            previousReportNo: amending,
            reason: amendReason,
          } as never)
        : client.testing.issueReport.mutate(input as never),
    onSuccess: (_result, input) => {
      setIssued(input.reportNo)
      setClientIssues([])
      setChanged([])
      // A fresh form for the next report; the lab's own numbers stay.
      setDraft(emptyReport(labId, accreditationNo ?? '', todayIso()))
      setAmendReason('')
      if (amending) setParams({}, { replace: true })
      void queryClient.invalidateQueries({ queryKey: trpc.testing.listReports.queryKey() })
    },
  })
  const apiError = issue.error ? describeApiError(issue.error, lang) : null
  const errors = useMemo(() => {
    let all: FieldErrors = apiError ? apiError.fieldErrors : issuesToFieldErrors(clientIssues, lang)
    for (const path of changed) all = withoutField(all, path)
    return all
  }, [apiError, clientIssues, changed, lang])
  useEffect(() => {
    if (issued && issuedRef.current) {
      issuedRef.current.scrollIntoView({ block: 'center' })
      issuedRef.current.focus()
    }
  }, [issued])

  if (!can(role, 'report.issue')) {
    return <ErrorBox error={new Error(t('portal.onlyLabs'))} />
  }

  const touch = (path: string) => setChanged((list) => (list.includes(path) ? list : [...list, path]))
  const set = <K extends keyof ReportDraft>(key: K, value: ReportDraft[K], path: string = key) => {
    touch(path)
    setDraft((d) => ({ ...d, [key]: value }))
  }
  const setResult = (index: number, patch: Partial<ResultDraft>, path: string) => {
    touch(`results.${index}.${path}`)
    setDraft((d) => ({ ...d, results: d.results.map((r, i) => (i === index ? { ...r, ...patch } : r)) }))
  }
  const setInstrument = (index: number, value: string) => {
    touch(`instrumentIds.${index}`)
    setDraft((d) => ({ ...d, instrumentIds: d.instrumentIds.map((id, i) => (i === index ? value : id)) }))
  }

  const pickProduct = (product: ProductItem | undefined) => {
    if (!product) return
    for (const path of ['sample', 'customer']) touch(path)
    setDraft((d) => ({
      ...d,
      productId: product.productId,
      productName: product.name,
      model: product.model,
      customerEnterpriseId: product.enterpriseId,
    }))
    // The maker is the customer unless the lab picks another one.
    void queryClient
      .fetchQuery(trpc.industrialization.getEnterprise.queryOptions({ enterpriseId: product.enterpriseId }))
      .then((enterprise) =>
        setDraft((d) =>
          d.customerEnterpriseId === product.enterpriseId ? { ...d, customerName: enterprise.name } : d,
        ),
      )
      .catch(() => undefined)
  }
  const pickCustomer = (enterprise: EnterpriseItem | undefined) => {
    if (!enterprise) return
    touch('customer')
    setDraft((d) => ({ ...d, customerEnterpriseId: enterprise.enterpriseId, customerName: enterprise.name }))
  }
  const pickMethod = (index: number, line: ScopeItem | undefined) => {
    if (!line) return
    setPickedLines((lines) => {
      const next = [...lines]
      next[index] = line.lineId
      return next
    })
    setResult(
      index,
      {
        standardCode: line.method.standardCode,
        standardVersion: line.method.standardVersion,
        clause: line.method.clause,
        parameter: line.parameter,
      },
      'method',
    )
  }
  const pickInstrument = (instrumentId: string) => {
    if (!instrumentId) return
    setDraft((d) => {
      if (d.instrumentIds.includes(instrumentId)) return d
      const empty = d.instrumentIds.indexOf('')
      touch(`instrumentIds.${empty === -1 ? d.instrumentIds.length : empty}`)
      const instrumentIds =
        empty === -1
          ? [...d.instrumentIds, instrumentId]
          : d.instrumentIds.map((id, i) => (i === empty ? instrumentId : id))
      return { ...d, instrumentIds }
    })
  }

  const submit = (event: FormEvent) => {
    event.preventDefault()
    setIssued(null)
    issue.reset()
    setChanged([])
    const checked = validateReport(draft)
    if (!checked.ok) {
      setClientIssues(checked.issues)
      return
    }
    setClientIssues([])
    issue.mutate({ ...checked.input, commandId: crypto.randomUUID() })
  }

  const text = (path: string, label: MessageKey, key: keyof ReportDraft, placeholder = '') => (
    <Field path={path} label={t(label)} errors={errors}>
      {(id) => (
        <input
          id={id}
          placeholder={placeholder}
          value={String(draft[key])}
          onChange={(event) => set(key, event.target.value as never, path)}
          data-testid={testId(path)}
        />
      )}
    </Field>
  )

  const general = unclaimedErrors(errors, CLAIMED_FIELDS)

  return (
    <>
      <PageHeader title={t('portal.title')} />
      <form className="card stack" onSubmit={submit} noValidate data-testid="report-form">
        <h2>{amending ? t('portal.amendTitle', { reportNo: amending }) : t('portal.newReport')}</h2>
        {amending ? (
          <div className="field wide">
            <label htmlFor="amend-reason">{t('portal.amendReason')}</label>
            <textarea
              id="amend-reason"
              rows={2}
              value={amendReason}
              onChange={(event) => setAmendReason(event.target.value)}
              data-testid="report-amend-reason"
            />
          </div>
        ) : null}
        {issue.error ? <ErrorBox error={issue.error} testId="report-error" /> : null}
        {general.length > 0 ? <FieldMessages messages={general} /> : null}
        {issued ? (
          <div className="success" role="status" tabIndex={-1} ref={issuedRef} data-testid="report-issued">
            {t('portal.issued', { reportNo: issued })}{' '}
            <Link to={`/lineage?kind=report&id=${encodeURIComponent(issued)}`}>{t('portal.openIssued')}</Link>
          </div>
        ) : null}
        <fieldset>
          <legend>{t('portal.report')}</legend>
          <div className="form-grid">
            {text('reportNo', 'portal.reportNo', 'reportNo')}
            {text('labId', 'portal.labId', 'labId')}
            {text('accreditationNo', 'labs.accreditationNo', 'accreditationNo')}
            {text('signatory', 'portal.signatory', 'signatory')}
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('portal.customerAndSample')}</legend>
          <div className="picker">
            <label htmlFor="product-pick">{t('portal.pickProduct')}</label>
            <Picker
              id="product-pick"
              testId="report-product-pick"
              label={t('portal.pickProduct')}
              value={draft.productId}
              onChange={(_value, option) => pickProduct(option?.data as ProductItem | undefined)}
              source={productSource}
              optional
              enabled={labId !== ''}
            />
          </div>
          <div className="picker">
            <label htmlFor="customer-pick">{t('portal.pickCustomer')}</label>
            <Picker
              id="customer-pick"
              testId="report-customer-pick"
              label={t('portal.pickCustomer')}
              value={draft.customerEnterpriseId}
              onChange={(_value, option) => pickCustomer(option?.data as EnterpriseItem | undefined)}
              source={customerSource}
              optional
              enabled={labId !== ''}
            />
          </div>
          <div className="form-grid">
            {text('customer.name', 'portal.customerName', 'customerName')}
            {text('customer.enterpriseId', 'portal.customerEnterpriseId', 'customerEnterpriseId')}
            {text('sample.productName', 'portal.productName', 'productName')}
            {text('sample.productId', 'portal.productId', 'productId')}
            {text('sample.model', 'portal.model', 'model')}
            {text('sample.batch', 'portal.batch', 'batch')}
            {text('sample.receivedOn', 'portal.receivedOn', 'receivedOn', 'YYYY-MM-DD')}
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('portal.dates')}</legend>
          <div className="form-grid">
            {text('testedFrom', 'portal.testedFrom', 'testedFrom', 'YYYY-MM-DD')}
            {text('testedTo', 'portal.testedTo', 'testedTo', 'YYYY-MM-DD')}
            {text('issuedOn', 'portal.issuedOn', 'issuedOn', 'YYYY-MM-DD')}
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('portal.results')}</legend>
          <FieldMessages messages={messagesFor(errors, 'results')} />
          {draft.results.map((result, index) => {
            const base = `results.${index}`
            const resultText = (
              field: keyof ResultDraft,
              path: string,
              label: MessageKey,
              placeholder = '',
            ) => (
              <Field path={`${base}.${path}`} label={t(label)} errors={errors}>
                {(id) => (
                  <input
                    id={id}
                    value={result[field]}
                    placeholder={placeholder}
                    onChange={(event) => setResult(index, { [field]: event.target.value }, path)}
                    data-testid={testId(`${base}.${path}`)}
                  />
                )}
              </Field>
            )
            return (
              <div className="result-row" key={index}>
                <div className="result-head">
                  <strong>#{index + 1}</strong>
                  {draft.results.length > 1 ? (
                    <button
                      type="button"
                      className="link-button"
                      onClick={() =>
                        set(
                          'results',
                          draft.results.filter((_, i) => i !== index),
                        )
                      }
                    >
                      {t('common.remove')}
                    </button>
                  ) : null}
                </div>
                <div className="picker">
                  <label htmlFor={`method-pick-${index}`}>{t('portal.pickMethod')}</label>
                  <Picker
                    id={`method-pick-${index}`}
                    testId={testId(`${base}.method-pick`)}
                    label={t('portal.pickMethod')}
                    value={pickedLines[index] ?? ''}
                    onChange={(_value, option) => pickMethod(index, option?.data as ScopeItem | undefined)}
                    source={scopeSource}
                    optional
                    enabled={labId !== ''}
                  />
                </div>
                <FieldMessages
                  messages={messagesFor(errors, `${base}.method`)}
                  testId={testId(`${base}.method-errors`)}
                />
                <div className="form-grid">
                  {resultText('standardCode', 'method.standardCode', 'portal.standardCode', 'GB/T 8059')}
                  {resultText('standardVersion', 'method.standardVersion', 'portal.standardVersion', '2016')}
                  {resultText('clause', 'method.clause', 'labs.clause', '5.3')}
                  {resultText('parameter', 'parameter', 'labs.parameter')}
                  {resultText('value', 'value', 'portal.value')}
                  {resultText('unit', 'unit', 'portal.unit')}
                  {resultText('uncertainty', 'uncertainty', 'portal.uncertainty')}
                  {resultText('limit', 'limit', 'portal.limit')}
                  <Field path={`${base}.verdict`} label={t('portal.verdict')} errors={errors}>
                    {(id) => (
                      <select
                        id={id}
                        value={result.verdict}
                        onChange={(event) =>
                          setResult(
                            index,
                            { verdict: event.target.value as ResultDraft['verdict'] },
                            'verdict',
                          )
                        }
                        data-testid={testId(`${base}.verdict`)}
                      >
                        {testing.Verdict.options.map((v) => (
                          <option key={v} value={v}>
                            {term(v)}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                </div>
              </div>
            )
          })}
          <button
            type="button"
            onClick={() => set('results', [...draft.results, emptyResult()])}
            data-testid="report-add-result"
          >
            + {t('portal.addResult')}
          </button>
        </fieldset>
        <fieldset>
          <legend>{t('portal.instruments')}</legend>
          <FieldMessages messages={messagesFor(errors, 'instrumentIds')} />
          <div className="picker">
            <label htmlFor="instrument-pick">{t('portal.pickInstrument')}</label>
            <Picker
              id="instrument-pick"
              testId="report-instrument-pick"
              label={t('portal.pickInstrument')}
              value=""
              onChange={(value) => pickInstrument(value)}
              source={instrumentSource}
              optional
              enabled={labId !== ''}
            />
          </div>
          {draft.instrumentIds.map((instrumentId, index) => (
            <div className="inline-row" key={index}>
              <Field
                path={`instrumentIds.${index}`}
                label={`${t('portal.instrument')} ${index + 1}`}
                errors={errors}
              >
                {(id) => (
                  <input
                    id={id}
                    value={instrumentId}
                    onChange={(event) => setInstrument(index, event.target.value)}
                    data-testid={testId(`instrumentIds.${index}`)}
                  />
                )}
              </Field>
              {draft.instrumentIds.length > 1 ? (
                <button
                  type="button"
                  className="link-button"
                  onClick={() =>
                    set(
                      'instrumentIds',
                      draft.instrumentIds.filter((_, i) => i !== index),
                    )
                  }
                >
                  {t('common.remove')}
                </button>
              ) : null}
            </div>
          ))}
          <button
            type="button"
            onClick={() => set('instrumentIds', [...draft.instrumentIds, ''])}
            data-testid="report-add-instrument"
          >
            + {t('portal.addInstrument')}
          </button>
        </fieldset>
        <fieldset>
          <legend>{t('portal.decision')}</legend>
          <div className="form-grid">
            <Field path="decisionRule" label={t('portal.decisionRule')} errors={errors}>
              {(id) => (
                <select
                  id={id}
                  value={draft.decisionRule}
                  onChange={(event) => set('decisionRule', event.target.value as ReportDraft['decisionRule'])}
                  data-testid={testId('decisionRule')}
                >
                  {testing.DecisionRule.options.map((rule) => (
                    <option key={rule} value={rule}>
                      {term(rule)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field path="conformity" label={t('portal.conformity')} errors={errors}>
              {(id) => (
                <select
                  id={id}
                  value={draft.conformity}
                  onChange={(event) => set('conformity', event.target.value as ReportDraft['conformity'])}
                  data-testid={testId('conformity')}
                >
                  {testing.Conformity.options.map((c) => (
                    <option key={c} value={c}>
                      {term(c)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
        </fieldset>
        <button type="submit" className="primary" disabled={issue.isPending} data-testid="report-submit">
          {issue.isPending ? t('common.saving') : amending ? t('portal.amendSubmit') : t('portal.submit')}
        </button>
      </form>
      <section className="card">
        <h2>{t('portal.recentReports')}</h2>
        {labId === '' ? (
          <Empty>{t('portal.adminNoLab')}</Empty>
        ) : (
          <>
            <ListTools
              list={reportList}
              total={reports.data?.total}
              sorts={[
                { value: 'issued_desc', label: t('certs.sortNewest') },
                { value: 'issued_asc', label: t('certs.sortOldest') },
                { value: 'number', label: t('portal.reportNo') },
              ]}
              csv={() =>
                (reports.data?.items ?? []).map((r) => ({
                  report: r.reportNo,
                  product: r.productName,
                  model: r.model,
                  issuedOn: r.issuedOn,
                  conformity: r.conformity,
                  status: r.status,
                }))
              }
            />
            <QueryView query={reports} isEmpty={(data) => data.items.length === 0}>
              {(data) => (
                <div className="table-wrap">
                  <table>
                    <thead>
                      <tr>
                        <th>{t('portal.reportNo')}</th>
                        <th>{t('portal.productName')}</th>
                        <th>{t('portal.issuedOn')}</th>
                        <th>{t('portal.conformity')}</th>
                        <th>{t('common.status')}</th>
                        <th />
                      </tr>
                    </thead>
                    <tbody>
                      {data.items.map((r) => (
                        <tr key={r.reportNo}>
                          <td>
                            <Link to={`/reports/${encodeURIComponent(r.reportNo)}`}>{r.reportNo}</Link>
                          </td>
                          <td>
                            {r.productName} · {r.model}
                          </td>
                          <td>{r.issuedOn}</td>
                          <td>{term(r.conformity)}</td>
                          <td>
                            <StatusBadge status={r.status} testId={`report-status-${r.reportNo}`} />
                          </td>
                          <td>
                            {r.status === 'valid' ? (
                              <Link
                                to={`/lab-portal?amend=${encodeURIComponent(r.reportNo)}`}
                                className="link-button"
                                onClick={() => window.scrollTo({ top: 0 })}
                                data-testid={`report-amend-${r.reportNo}`}
                              >
                                {t('portal.amend')}
                              </Link>
                            ) : null}{' '}
                            {r.status === 'valid' ? (
                              <button
                                type="button"
                                className="link-button"
                                onClick={() => setRevoking(r.reportNo)}
                                data-testid={`report-revoke-${r.reportNo}`}
                              >
                                {t('portal.revoke')}
                              </button>
                            ) : null}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </QueryView>
          </>
        )}
        {revoking ? (
          <RevokeReportForm key={revoking} reportNo={revoking} onDone={() => setRevoking(null)} />
        ) : null}
      </section>
    </>
  )
}
