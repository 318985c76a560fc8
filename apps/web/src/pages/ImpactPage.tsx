import { useQuery } from '@tanstack/react-query'
import { type FormEvent, type ReactNode, useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import { downloadCsv } from '../components/ListTools'
import { AsOfInput, DateField, Empty, ErrorBox, Loading, PageHeader, StatusBadge } from '../components/ui'
import { useI18n } from '../i18n/context'
import { todayIso } from '../lib/dates'
import { splitStandardCode } from '../lib/identifiers'
import { type RouterOutputs, useTRPC } from '../trpc'
import { certificatePath } from './CertificatesPage'

type SourceKind = 'standard' | 'lab' | 'instrument' | 'report'
const SOURCE_KINDS: SourceKind[] = ['standard', 'lab', 'instrument', 'report']
type Impact = RouterOutputs['lineage']['impact']['ofStandard']
type ImpactGroupName = 'reports' | 'certificates' | 'products' | 'enterprises'
const GROUPS: ImpactGroupName[] = ['reports', 'certificates', 'products', 'enterprises']

function linkFor(id: string, key: string) {
  if (id.startsWith('certificate:')) return certificatePath(key)
  if (id.startsWith('report:')) return `/lineage?kind=report&id=${encodeURIComponent(key)}`
  if (id.startsWith('product:')) return `/lineage?kind=product&id=${encodeURIComponent(key)}`
  return null
}

function ImpactGroups({ impact, highlight }: { impact: Impact; highlight?: Set<string> }) {
  const { t, term } = useI18n()
  const exportCsv = () =>
    downloadCsv(
      'impact.csv',
      GROUPS.flatMap((group) =>
        impact[group].items.map((item) => ({
          group,
          id: item.key,
          label: item.label,
          status: term(item.status?.status),
        })),
      ),
    )
  return (
    <>
      <div className="button-row">
        <button type="button" onClick={exportCsv} data-testid="impact-csv">
          {t('common.csv')}
        </button>
      </div>
      <div className="impact-groups">
        {GROUPS.map((group) => {
          const g = impact[group]
          return (
            <section key={group} className="card" data-testid={`impact-${group}`}>
              <h3>
                {t(`impact.${group}`)}{' '}
                <span className="count">
                  {g.total} <span className="muted small">({t('impact.active', { n: g.active })})</span>
                </span>
              </h3>
              {g.items.length === 0 ? (
                <Empty />
              ) : (
                <ul className="impact-list">
                  {g.items.map((item) => {
                    const to = linkFor(item.id, item.key)
                    return (
                      <li key={item.id} className={highlight?.has(item.id) ? 'highlight' : ''}>
                        {to ? <Link to={to}>{item.label}</Link> : item.label}{' '}
                        <StatusBadge status={item.status?.status} />
                      </li>
                    )
                  })}
                  {g.total > g.items.length ? (
                    <li className="muted small">{t('impact.more', { n: g.total - g.items.length })}</li>
                  ) : null}
                </ul>
              )}
            </section>
          )
        })}
      </div>
    </>
  )
}

export function ImpactPage() {
  const { t, term } = useI18n()
  const trpc = useTRPC()
  const [params, setParams] = useSearchParams()
  const kind = (SOURCE_KINDS as string[]).includes(params.get('kind') ?? '')
    ? (params.get('kind') as SourceKind)
    : 'standard'
  const [draft, setDraft] = useState({
    kind,
    code: params.get('code') ?? '',
    version: params.get('version') ?? '',
    labId: params.get('labId') ?? '',
    instrumentId: params.get('instrumentId') ?? '',
    reportNo: params.get('reportNo') ?? '',
  })
  const [whatIf, setWhatIf] = useState(params.get('whatIf') === '1')
  const [whatIfDate, setWhatIfDate] = useState(todayIso())
  const [asOf, setAsOf] = useState(todayIso())
  const submitted = {
    code: params.get('code') ?? '',
    version: params.get('version') ?? '',
    labId: params.get('labId') ?? '',
    instrumentId: params.get('instrumentId') ?? '',
    reportNo: params.get('reportNo') ?? '',
  }
  const time = { asOf: asOf || undefined }
  const ready = {
    standard: kind === 'standard' && submitted.code !== '' && submitted.version !== '',
    lab: kind === 'lab' && submitted.labId !== '',
    instrument: kind === 'instrument' && submitted.instrumentId !== '',
    report: kind === 'report' && submitted.reportNo !== '',
  }
  const standard = useQuery({
    ...trpc.lineage.impact.ofStandard.queryOptions({
      code: submitted.code,
      version: submitted.version,
      ...time,
    }),
    enabled: ready.standard && !whatIf,
  })
  const lab = useQuery({
    ...trpc.lineage.impact.ofAccreditation.queryOptions({ labId: submitted.labId, ...time }),
    enabled: ready.lab && !whatIf,
  })
  const instrument = useQuery({
    ...trpc.lineage.impact.ofCalibration.queryOptions({ instrumentId: submitted.instrumentId, ...time }),
    enabled: ready.instrument,
  })
  const report = useQuery({
    ...trpc.lineage.impact.ofReport.queryOptions({ reportNo: submitted.reportNo, ...time }),
    enabled: ready.report,
  })
  const supersede = useQuery({
    ...trpc.lineage.whatIf.supersedeStandard.queryOptions({
      code: submitted.code,
      version: submitted.version,
      transitionEndsOn: whatIfDate,
      ...time,
    }),
    enabled: ready.standard && whatIf && whatIfDate !== '',
  })
  const suspendLab = useQuery({
    ...trpc.lineage.whatIf.suspendLab.queryOptions({ labId: submitted.labId, from: whatIfDate, ...time }),
    enabled: ready.lab && whatIf && whatIfDate !== '',
  })
  const canWhatIf = kind === 'standard' || kind === 'lab'
  const active =
    kind === 'standard'
      ? whatIf
        ? supersede
        : standard
      : kind === 'lab'
        ? whatIf
          ? suspendLab
          : lab
        : kind === 'instrument'
          ? instrument
          : report
  const isReady = ready[kind]

  const submit = (event: FormEvent) => {
    event.preventDefault()
    const next = new URLSearchParams({ kind: draft.kind })
    const fields: Record<SourceKind, Array<keyof typeof draft>> = {
      standard: ['code', 'version'],
      lab: ['labId'],
      instrument: ['instrumentId'],
      report: ['reportNo'],
    }
    const typed = { ...draft }
    if (typed.kind === 'standard') Object.assign(typed, splitStandardCode(typed.code, typed.version))
    for (const field of fields[draft.kind]) next.set(field, String(typed[field]).normalize('NFKC').trim())
    if (whatIf) next.set('whatIf', '1')
    setParams(next)
  }
  const input = (
    field: 'code' | 'version' | 'labId' | 'instrumentId' | 'reportNo',
    label: string,
    placeholder = '',
  ) => (
    <label className="field">
      <span>{label}</span>
      <input
        value={draft[field]}
        placeholder={placeholder}
        onChange={(event) => setDraft({ ...draft, [field]: event.target.value })}
        data-testid={`impact-${field}`}
      />
    </label>
  )

  let result: ReactNode = null
  if (!isReady) result = <Empty>{t('impact.pick')}</Empty>
  else if (active.isPending) result = <Loading />
  else if (active.isError) result = <ErrorBox error={active.error} />
  else if (active.data) {
    const data = active.data
    if ('change' in data && data.change === 'supersede') {
      const must = new Set(data.mustRecertify.map((c) => c.id))
      result = (
        <>
          <div className="warn-box" data-testid="whatif-summary">
            {t('impact.whatIfSupersede', { n: data.mustRecertify.length, date: data.deadline })}
          </div>
          <ImpactGroups impact={data.impact} highlight={must} />
        </>
      )
    } else if ('change' in data && data.change === 'suspend') {
      result = (
        <>
          <div className="warn-box" data-testid="whatif-summary">
            {t('impact.whatIfSuspend', {
              reports: data.impact.reports.total,
              certificates: data.impact.certificates.total,
              date: data.from,
            })}
          </div>
          <ImpactGroups impact={data.impact} />
        </>
      )
    } else if ('source' in data) {
      result = (
        <>
          <p>
            {data.source.label} <StatusBadge status={data.source.status?.status} />{' '}
            <span className="muted small">
              {t('common.asOf')} {data.asOf}
            </span>
          </p>
          <ImpactGroups impact={data} />
        </>
      )
    }
  }

  return (
    <>
      <PageHeader title={t('impact.title')}>
        <AsOfInput value={asOf} onChange={setAsOf} />
      </PageHeader>
      <form className="card stack" onSubmit={submit}>
        <div className="filters">
          <label className="field">
            <span>{t('impact.source')}</span>
            <select
              value={draft.kind}
              onChange={(event) => setDraft({ ...draft, kind: event.target.value as SourceKind })}
              data-testid="impact-kind"
            >
              {SOURCE_KINDS.map((k) => (
                <option key={k} value={k}>
                  {term(k)}
                </option>
              ))}
            </select>
          </label>
          {draft.kind === 'standard' ? (
            <>
              {input('code', t('standards.code'), 'GB/T 8059')}
              {input('version', t('portal.standardVersion'), '2016')}
            </>
          ) : null}
          {draft.kind === 'lab' ? input('labId', t('portal.labId')) : null}
          {draft.kind === 'instrument' ? input('instrumentId', t('portal.instrument')) : null}
          {draft.kind === 'report' ? input('reportNo', t('portal.reportNo')) : null}
        </div>
        {draft.kind === 'standard' || draft.kind === 'lab' ? (
          <div className="filters">
            <label className="inline-field">
              <input
                type="checkbox"
                checked={whatIf}
                onChange={(event) => setWhatIf(event.target.checked)}
                data-testid="impact-whatif"
              />
              <span>
                {draft.kind === 'standard'
                  ? t('impact.whatIfSupersedeToggle')
                  : t('impact.whatIfSuspendToggle')}
              </span>
            </label>
            {whatIf ? (
              <DateField
                inline
                label={draft.kind === 'standard' ? t('standards.transitionEndsOn') : t('certs.from')}
                value={whatIfDate}
                onChange={setWhatIfDate}
                testId="impact-whatif-date"
              />
            ) : null}
          </div>
        ) : null}
        <button type="submit" className="primary" data-testid="impact-submit">
          {t('impact.analyse')}
        </button>
        {whatIf && canWhatIf ? <p className="muted small">{t('impact.whatIfHelp')}</p> : null}
      </form>
      {result}
    </>
  )
}
