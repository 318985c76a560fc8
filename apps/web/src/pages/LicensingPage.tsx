import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, type ReactNode, useId, useState } from 'react'
import { useAuth } from '../auth'
import { DateField, Empty, ErrorBox, PageHeader, QueryView } from '../components/ui'
import { useI18n } from '../i18n/context'
import { todayIso } from '../lib/dates'
import { useTRPC } from '../trpc'

/** Statuses of the licensing processes and how they read at a glance. */
const TONES: Record<string, 'good' | 'warn' | 'bad'> = {
  valid: 'good',
  verified: 'good',
  approved: 'good',
  declared: 'good',
  passed: 'good',
  awaiting_verification: 'warn',
  scheduled: 'warn',
  open: 'warn',
  pending: 'warn',
  suspended: 'warn',
  stopped: 'warn',
  active: 'good',
  expired: 'bad',
  missed: 'bad',
  revoked: 'bad',
  withdrawn: 'bad',
  refused: 'bad',
  failed: 'bad',
  verification_failed: 'bad',
  verification_missed: 'bad',
}

function Badge({ status, testId }: { status: string; testId?: string }) {
  const { term } = useI18n()
  return (
    <span className={`badge tone-${TONES[status] ?? 'neutral'}`} data-testid={testId} data-status={status}>
      {term(status)}
    </span>
  )
}

/** "due on …", marked when the business date has passed. */
function Due({ dueOn, overdue, testId }: { dueOn: string; overdue: boolean; testId?: string }) {
  const { t } = useI18n()
  return (
    <span className={overdue ? 'warn-text' : ''} data-testid={testId} data-overdue={overdue}>
      {t('licensing.dueOn', { date: dueOn })}
      {overdue ? ` · ${t('licensing.overdue')}` : ''}
    </span>
  )
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')

function useRefresh() {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  return async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.licensing.processes.queryKey() })
    await queryClient.invalidateQueries({ queryKey: trpc.licensing.kpis.queryKey() })
  }
}

/** A decision with an optional text (findings, reason): one button for yes, one for no. */
function Decision({
  testId,
  yes,
  no,
  textLabel,
  extra,
  pending,
  error,
  onDecide,
}: {
  testId: string
  yes: string
  no: string
  textLabel: string
  extra?: ReactNode
  pending: boolean
  error: unknown
  onDecide(yes: boolean, text: string): void
}) {
  const [text, setText] = useState('')
  return (
    <div className="stack">
      <input
        placeholder={textLabel}
        aria-label={textLabel}
        value={text}
        onChange={(event) => setText(event.target.value)}
        data-testid={`${testId}-text`}
      />
      {extra}
      <div className="button-row">
        <button
          type="button"
          disabled={pending}
          onClick={() => onDecide(true, text)}
          data-testid={`${testId}-yes`}
        >
          {yes}
        </button>
        <button
          type="button"
          className="danger"
          disabled={pending || text.trim() === ''}
          onClick={() => onDecide(false, text)}
          data-testid={`${testId}-no`}
        >
          {no}
        </button>
      </div>
      {error ? <ErrorBox error={error} /> : null}
    </div>
  )
}

function VerificationDecision({
  enterpriseId,
  applicationId,
}: {
  enterpriseId: string
  applicationId: string
}) {
  const { t } = useI18n()
  const trpc = useTRPC()
  const refresh = useRefresh()
  const [revoke, setRevoke] = useState(false)
  const record = useMutation(trpc.licensing.recordOnSiteVerification.mutationOptions({ onSuccess: refresh }))
  return (
    <Decision
      testId={`verify-${applicationId}`}
      yes={t('licensing.passed')}
      no={t('licensing.failed')}
      textLabel={t('licensing.findings')}
      pending={record.isPending}
      error={record.error}
      extra={
        <label className="small">
          <input type="checkbox" checked={revoke} onChange={(event) => setRevoke(event.target.checked)} />{' '}
          {t('licensing.revoke')}
        </label>
      }
      onDecide={(passed, findings) =>
        record.mutate({
          commandId: crypto.randomUUID(),
          enterpriseId,
          applicationId,
          verifiedOn: todayIso(),
          passed,
          ...(passed
            ? {}
            : { findings, consequence: revoke ? ('revoked' as const) : ('suspended' as const) }),
        })
      }
    />
  )
}

function InspectionDecision({ approvalId }: { approvalId: string }) {
  const { t } = useI18n()
  const trpc = useTRPC()
  const refresh = useRefresh()
  const record = useMutation(
    trpc.licensing.recordCommitmentInspection.mutationOptions({ onSuccess: refresh }),
  )
  return (
    <Decision
      testId={`inspect-${approvalId}`}
      yes={t('licensing.commitmentTrue')}
      no={t('licensing.commitmentFalse')}
      textLabel={t('licensing.findings')}
      pending={record.isPending}
      error={record.error}
      onDecide={(truthful, findings) =>
        record.mutate({
          commandId: crypto.randomUUID(),
          approvalId,
          inspectedOn: todayIso(),
          truthful,
          ...(truthful ? {} : { findings }),
        })
      }
    />
  )
}

function CheckDecision({ enterpriseId, checkId }: { enterpriseId: string; checkId: string }) {
  const { t } = useI18n()
  const trpc = useTRPC()
  const refresh = useRefresh()
  const record = useMutation(trpc.licensing.recordCMarkCheck.mutationOptions({ onSuccess: refresh }))
  return (
    <Decision
      testId={`check-${checkId}`}
      yes={t('licensing.passed')}
      no={t('licensing.failed')}
      textLabel={t('licensing.findings')}
      pending={record.isPending}
      error={record.error}
      onDecide={(passed, findings) =>
        record.mutate({
          commandId: crypto.randomUUID(),
          enterpriseId,
          checkId,
          checkedOn: todayIso(),
          passed,
          ...(passed ? {} : { findings }),
        })
      }
    />
  )
}

function BranchDecision({
  applicationId,
  branch,
}: {
  applicationId: string
  branch: 'type_approval' | 'manufacturing_licence'
}) {
  const { t } = useI18n()
  const trpc = useTRPC()
  const refresh = useRefresh()
  const decide = useMutation(trpc.licensing.decideParallelBranch.mutationOptions({ onSuccess: refresh }))
  return (
    <Decision
      testId={`branch-${applicationId}-${branch}`}
      yes={t('licensing.approve')}
      no={t('licensing.refuse')}
      textLabel={t('licensing.reason')}
      pending={decide.isPending}
      error={decide.error}
      onDecide={(approved, reason) =>
        decide.mutate({
          commandId: crypto.randomUUID(),
          applicationId,
          branch,
          approved,
          ...(approved ? {} : { reason }),
        })
      }
    />
  )
}

/** The approvals office binds a pending branch to the organisation that reviews it (only that one decides). */
function BranchAssign({
  applicationId,
  branch,
  current,
}: {
  applicationId: string
  branch: 'type_approval' | 'manufacturing_licence'
  current: string | null
}) {
  const { t } = useI18n()
  const trpc = useTRPC()
  const refresh = useRefresh()
  const [org, setOrg] = useState(current ?? '')
  const assign = useMutation(trpc.licensing.assignParallelBranch.mutationOptions({ onSuccess: refresh }))
  const testId = `assign-${applicationId}-${branch}`
  return (
    <div className="stack">
      <div className="button-row">
        <input
          placeholder={t('licensing.reviewerOrg')}
          aria-label={t('licensing.reviewerOrg')}
          value={org}
          onChange={(event) => setOrg(event.target.value)}
          data-testid={`${testId}-org`}
        />
        <button
          type="button"
          disabled={assign.isPending || org.trim() === ''}
          onClick={() =>
            assign.mutate({ commandId: crypto.randomUUID(), applicationId, branch, reviewerOrg: org.trim() })
          }
          data-testid={`${testId}-submit`}
        >
          {t('licensing.assign')}
        </button>
      </div>
      {assign.error ? <ErrorBox error={assign.error} /> : null}
    </div>
  )
}

/** The regulator lifts a suspension; it rests on the re-verification when the cause's application has passed it. */
function RestoreLicence({ enterpriseId, applicationId }: { enterpriseId: string; applicationId?: string }) {
  const { t } = useI18n()
  const trpc = useTRPC()
  const refresh = useRefresh()
  const [reason, setReason] = useState('')
  const restore = useMutation(trpc.licensing.restoreLicence.mutationOptions({ onSuccess: refresh }))
  const testId = `restore-${enterpriseId}`
  return (
    <div className="stack">
      <input
        placeholder={t('licensing.restoreReason')}
        aria-label={t('licensing.restoreReason')}
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        data-testid={`${testId}-text`}
      />
      <button
        type="button"
        disabled={restore.isPending || reason.trim() === ''}
        onClick={() =>
          restore.mutate({
            commandId: crypto.randomUUID(),
            enterpriseId,
            on: todayIso(),
            reason: reason.trim(),
            ...(applicationId ? { applicationId } : {}),
          })
        }
        data-testid={`${testId}-submit`}
      >
        {applicationId ? t('licensing.restoreOn', { application: applicationId }) : t('licensing.restore')}
      </button>
      {restore.error ? <ErrorBox error={restore.error} /> : null}
    </div>
  )
}

/** What rests on a licence (lineage impact): the products its scope covers, their certificates and makers. */
function LicenceImpact({ licenceNo }: { licenceNo: string }) {
  const { t, term } = useI18n()
  const trpc = useTRPC()
  const [open, setOpen] = useState(false)
  const impact = useQuery({ ...trpc.lineage.impact.ofLicence.queryOptions({ licenceNo }), enabled: open })
  return (
    <details
      className="small"
      onToggle={(event) => setOpen((event.target as HTMLDetailsElement).open)}
      data-testid={`licence-impact-${licenceNo}`}
    >
      <summary>{t('licensing.impact')}</summary>
      {open ? (
        <QueryView query={impact}>
          {(i) => (
            <ul data-testid={`licence-impact-items-${licenceNo}`}>
              {[...i.products.items, ...i.certificates.items].map((item) => (
                <li key={item.id} data-testid={`licence-impact-item-${item.id}`}>
                  {item.label}
                  {item.status ? ` · ${term(item.status.status)}` : ''}
                </li>
              ))}
              {i.products.total === 0 ? <li className="muted">{t('licensing.impactNone')}</li> : null}
            </ul>
          )}
        </QueryView>
      ) : null}
    </details>
  )
}

/** The reforms' indicators (seed items 十九–二十一), on the licensing page and the dashboard. */
export function LicensingKpiCard() {
  const { t, term } = useI18n()
  const trpc = useTRPC()
  const kpis = useQuery(trpc.licensing.kpis.queryOptions({}))
  return (
    <section className="card" data-testid="licensing-kpi-card">
      <h2>{t('licensing.kpis')}</h2>
      <QueryView query={kpis}>
        {(k) => (
          <dl className="facts" data-testid="licensing-kpis">
            <dt>{t('licensing.kpi.medianDays')}</dt>
            <dd data-testid="kpi-median-days">{k.medianDaysToLicence ?? '—'}</dd>
            <dt>{t('licensing.kpi.medianDaysParallel')}</dt>
            <dd>{k.medianDaysParallel ?? '—'}</dd>
            <dt>{t('licensing.kpi.inTime')}</dt>
            <dd data-testid="kpi-in-time">
              {k.verifications.shareInTime === null
                ? '—'
                : `${Math.round(k.verifications.shareInTime * 100)} % (${k.verifications.inTime}/${k.verifications.due})`}
            </dd>
            <dt>{t('licensing.kpi.foundFalse')}</dt>
            <dd data-testid="kpi-found-false">
              {k.commitments.foundFalse}/{k.commitments.inspected}
            </dd>
            <dt>{t('licensing.kpi.cmarkFailed')}</dt>
            <dd>
              {k.cmarkChecks.failed}/{k.cmarkChecks.done}
            </dd>
            <dt>{t('licensing.kpi.waiting')}</dt>
            <dd data-testid="kpi-waiting">
              {Object.entries(k.parallelWaiting)
                .map(([branch, n]) => `${term(branch)}: ${n}`)
                .join(' · ') || '—'}
            </dd>
          </dl>
        )}
      </QueryView>
    </section>
  )
}

/** A labelled control: `children` renders it with the id the label points at. */
function Field({ label, children }: { label: string; children: (id: string) => ReactNode }) {
  const id = useId()
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  )
}

function ApplyForm({ enterpriseId }: { enterpriseId: string }) {
  const { t, term } = useI18n()
  const trpc = useTRPC()
  const refresh = useRefresh()
  const [kind, setKind] = useState<'new' | 'scope_extension' | 'relocation' | 'renewal'>('new')
  const [applicationId, setApplicationId] = useState('')
  const [licenceNo, setLicenceNo] = useState('')
  const [categories, setCategories] = useState('')
  const [site, setSite] = useState('')
  const [appliedOn, setAppliedOn] = useState(todayIso())
  const [expiresOn, setExpiresOn] = useState('')
  const apply = useMutation(trpc.licensing.applyForLicence.mutationOptions({ onSuccess: refresh }))
  const submit = (event: FormEvent) => {
    event.preventDefault()
    apply.mutate({
      commandId: crypto.randomUUID(),
      enterpriseId,
      applicationId,
      kind,
      ...(kind === 'new' ? { licenceNo } : {}),
      productCategories: lines(categories),
      site,
      appliedOn,
      ...(expiresOn ? { expiresOn } : {}),
    })
  }
  return (
    <form className="card stack" onSubmit={submit} data-testid="apply-form">
      <h2>{t('licensing.apply')}</h2>
      <div className="form-grid">
        <Field label={t('licensing.kind')}>
          {(id) => (
            <select
              id={id}
              value={kind}
              onChange={(event) => setKind(event.target.value as typeof kind)}
              data-testid="apply-kind"
            >
              {(['new', 'scope_extension', 'relocation', 'renewal'] as const).map((k) => (
                <option key={k} value={k}>
                  {term(k)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('licensing.applicationId')}>
          {(id) => (
            <input
              id={id}
              value={applicationId}
              onChange={(e) => setApplicationId(e.target.value)}
              data-testid="apply-applicationId"
            />
          )}
        </Field>
        {kind === 'new' ? (
          <Field label={t('licensing.licenceNo')}>
            {(id) => (
              <input
                id={id}
                value={licenceNo}
                onChange={(e) => setLicenceNo(e.target.value)}
                data-testid="apply-licenceNo"
              />
            )}
          </Field>
        ) : null}
        <Field label={t('licensing.categoriesHelp')}>
          {(id) => (
            <textarea
              id={id}
              rows={2}
              value={categories}
              onChange={(e) => setCategories(e.target.value)}
              data-testid="apply-categories"
            />
          )}
        </Field>
        <Field label={t('licensing.site')}>
          {(id) => (
            <input id={id} value={site} onChange={(e) => setSite(e.target.value)} data-testid="apply-site" />
          )}
        </Field>
        <DateField
          label={t('licensing.appliedOn')}
          value={appliedOn}
          onChange={setAppliedOn}
          testId="apply-appliedOn"
        />
        {kind === 'new' || kind === 'renewal' ? (
          <DateField
            label={t('licensing.expiresOn')}
            value={expiresOn}
            onChange={setExpiresOn}
            testId="apply-expiresOn"
          />
        ) : null}
      </div>
      <div className="button-row">
        <button type="submit" disabled={apply.isPending} data-testid="apply-submit">
          {apply.isPending ? t('common.saving') : t('licensing.submitApplication')}
        </button>
      </div>
      {apply.isSuccess ? <p data-testid="apply-done">{t('licensing.done')}</p> : null}
      {apply.error ? <ErrorBox error={apply.error} /> : null}
    </form>
  )
}

const ENTERPRISE_MATTERS = ['metrology_manufacture', 'metrology_repair'] as const
const LAB_MATTERS = [
  'lab_qualification_first',
  'lab_qualification_reassessment',
  'lab_qualification_extension',
] as const

function CommitmentForm({ holderId, forLab }: { holderId: string; forLab: boolean }) {
  const { t, term } = useI18n()
  const trpc = useTRPC()
  const refresh = useRefresh()
  const matters = forLab ? LAB_MATTERS : ENTERPRISE_MATTERS
  const [matter, setMatter] = useState<(typeof matters)[number]>(matters[0])
  const [approvalId, setApprovalId] = useState('')
  const [scope, setScope] = useState('')
  const [text, setText] = useState('')
  const [signer, setSigner] = useState('')
  const approve = useMutation(trpc.licensing.approveOnCommitment.mutationOptions({ onSuccess: refresh }))
  const submit = (event: FormEvent) => {
    event.preventDefault()
    approve.mutate({
      commandId: crypto.randomUUID(),
      approvalId,
      holderId,
      matter,
      scope: lines(scope),
      commitment: { text, signer, signedOn: todayIso() },
    })
  }
  return (
    <form className="card stack" onSubmit={submit} data-testid="commitment-form">
      <h2>{t('licensing.signCommitment')}</h2>
      <div className="form-grid">
        <Field label={t('licensing.matter')}>
          {(id) => (
            <select
              id={id}
              value={matter}
              onChange={(event) => setMatter(event.target.value as typeof matter)}
              data-testid="commitment-matter"
            >
              {matters.map((m) => (
                <option key={m} value={m}>
                  {term(m)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('licensing.approval')}>
          {(id) => (
            <input
              id={id}
              value={approvalId}
              onChange={(e) => setApprovalId(e.target.value)}
              data-testid="commitment-approvalId"
            />
          )}
        </Field>
        <Field label={t('licensing.scopeHelp')}>
          {(id) => (
            <textarea
              id={id}
              rows={2}
              value={scope}
              onChange={(e) => setScope(e.target.value)}
              data-testid="commitment-scope"
            />
          )}
        </Field>
        <Field label={t('licensing.commitmentText')}>
          {(id) => (
            <textarea
              id={id}
              rows={3}
              value={text}
              onChange={(e) => setText(e.target.value)}
              data-testid="commitment-text"
            />
          )}
        </Field>
        <Field label={t('licensing.signer')}>
          {(id) => (
            <input
              id={id}
              value={signer}
              onChange={(e) => setSigner(e.target.value)}
              data-testid="commitment-signer"
            />
          )}
        </Field>
      </div>
      <div className="button-row">
        <button type="submit" disabled={approve.isPending} data-testid="commitment-submit">
          {approve.isPending ? t('common.saving') : t('licensing.submitCommitment')}
        </button>
      </div>
      {approve.error ? <ErrorBox error={approve.error} /> : null}
    </form>
  )
}

function DeclareForm({ enterpriseId }: { enterpriseId: string }) {
  const { t } = useI18n()
  const trpc = useTRPC()
  const refresh = useRefresh()
  const [products, setProducts] = useState('')
  const [text, setText] = useState('')
  const [signer, setSigner] = useState('')
  const declare = useMutation(trpc.licensing.declareCMark.mutationOptions({ onSuccess: refresh }))
  const submit = (event: FormEvent) => {
    event.preventDefault()
    declare.mutate({
      commandId: crypto.randomUUID(),
      enterpriseId,
      products: lines(products),
      commitment: { text, signer, signedOn: todayIso() },
    })
  }
  return (
    <form className="card stack" onSubmit={submit} data-testid="declare-form">
      <h2>{t('licensing.declare')}</h2>
      <div className="form-grid">
        <Field label={t('licensing.productsHelp')}>
          {(id) => (
            <textarea
              id={id}
              rows={2}
              value={products}
              onChange={(e) => setProducts(e.target.value)}
              data-testid="declare-products"
            />
          )}
        </Field>
        <Field label={t('licensing.commitmentText')}>
          {(id) => (
            <textarea
              id={id}
              rows={2}
              value={text}
              onChange={(e) => setText(e.target.value)}
              data-testid="declare-text"
            />
          )}
        </Field>
        <Field label={t('licensing.signer')}>
          {(id) => (
            <input
              id={id}
              value={signer}
              onChange={(e) => setSigner(e.target.value)}
              data-testid="declare-signer"
            />
          )}
        </Field>
      </div>
      <div className="button-row">
        <button type="submit" disabled={declare.isPending} data-testid="declare-submit">
          {t('licensing.submitDeclaration')}
        </button>
      </div>
      {declare.error ? <ErrorBox error={declare.error} /> : null}
    </form>
  )
}

function ParallelForm({ enterpriseId }: { enterpriseId: string }) {
  const { t } = useI18n()
  const trpc = useTRPC()
  const refresh = useRefresh()
  const [applicationId, setApplicationId] = useState('')
  const [instrument, setInstrument] = useState('')
  const file = useMutation(trpc.licensing.fileParallelApplication.mutationOptions({ onSuccess: refresh }))
  const submit = (event: FormEvent) => {
    event.preventDefault()
    file.mutate({ commandId: crypto.randomUUID(), applicationId, enterpriseId, instrument })
  }
  return (
    <form className="card stack" onSubmit={submit} data-testid="parallel-form">
      <h2>{t('licensing.fileParallel')}</h2>
      <div className="form-grid">
        <Field label={t('licensing.applicationId')}>
          {(id) => (
            <input
              id={id}
              value={applicationId}
              onChange={(e) => setApplicationId(e.target.value)}
              data-testid="parallel-applicationId"
            />
          )}
        </Field>
        <Field label={t('licensing.instrument')}>
          {(id) => (
            <input
              id={id}
              value={instrument}
              onChange={(e) => setInstrument(e.target.value)}
              data-testid="parallel-instrument"
            />
          )}
        </Field>
      </div>
      <div className="button-row">
        <button type="submit" disabled={file.isPending} data-testid="parallel-submit">
          {t('licensing.submitParallel')}
        </button>
      </div>
      {file.error ? <ErrorBox error={file.error} /> : null}
    </form>
  )
}

function SampleForm() {
  const { t } = useI18n()
  const trpc = useTRPC()
  const refresh = useRefresh()
  const [round, setRound] = useState('')
  const [count, setCount] = useState('1')
  const sample = useMutation(trpc.licensing.sampleCMarkDeclarations.mutationOptions({ onSuccess: refresh }))
  return (
    <form
      className="stack"
      onSubmit={(event) => {
        event.preventDefault()
        sample.mutate({ round, count: Number(count) })
      }}
    >
      <div className="form-grid">
        <Field label={t('licensing.round')}>
          {(id) => (
            <input
              id={id}
              value={round}
              onChange={(e) => setRound(e.target.value)}
              data-testid="sample-round"
            />
          )}
        </Field>
        <Field label={t('licensing.count')}>
          {(id) => (
            <input
              id={id}
              type="number"
              min={1}
              value={count}
              onChange={(e) => setCount(e.target.value)}
              data-testid="sample-count"
            />
          )}
        </Field>
      </div>
      <div className="button-row">
        <button type="submit" disabled={sample.isPending || round.trim() === ''} data-testid="sample-submit">
          {t('licensing.sample')}
        </button>
      </div>
      {sample.data ? (
        <p data-testid="sample-done">{t('licensing.sampled', { n: sample.data.scheduled.length })}</p>
      ) : null}
      {sample.error ? <ErrorBox error={sample.error} /> : null}
    </form>
  )
}

const ACTIVITIES = ['installation', 'alteration', 'repair'] as const

function DeriveQualification({
  enterpriseId,
  qualificationNo,
}: {
  enterpriseId: string
  qualificationNo: string
}) {
  const { t, term } = useI18n()
  const trpc = useTRPC()
  const refresh = useRefresh()
  const [activities, setActivities] = useState<Array<(typeof ACTIVITIES)[number]>>(['installation'])
  const apply = useMutation(
    trpc.licensing.applyForDerivedQualification.mutationOptions({ onSuccess: refresh }),
  )
  return (
    <div className="stack">
      <div className="button-row">
        {ACTIVITIES.map((activity) => (
          <label key={activity} className="small">
            <input
              type="checkbox"
              checked={activities.includes(activity)}
              onChange={(event) =>
                setActivities((current) =>
                  event.target.checked ? [...current, activity] : current.filter((a) => a !== activity),
                )
              }
              data-testid={`derive-${qualificationNo}-${activity}`}
            />{' '}
            {term(activity)}
          </label>
        ))}
      </div>
      <button
        type="button"
        disabled={apply.isPending || activities.length === 0}
        onClick={() =>
          apply.mutate({ commandId: crypto.randomUUID(), enterpriseId, qualificationNo, activities })
        }
        data-testid={`derive-${qualificationNo}-submit`}
      >
        {t('licensing.applyDerived')}
      </button>
      {apply.error ? <ErrorBox error={apply.error} /> : null}
    </div>
  )
}

function ExamForm({ bodyId, categories }: { bodyId: string; categories: string[] }) {
  const { t } = useI18n()
  const trpc = useTRPC()
  const refresh = useRefresh()
  const [examId, setExamId] = useState('')
  const [candidate, setCandidate] = useState('')
  const [category, setCategory] = useState(categories[0] ?? '')
  const [passed, setPassed] = useState(true)
  const record = useMutation(trpc.licensing.recordOperatorExam.mutationOptions({ onSuccess: refresh }))
  const submit = (event: FormEvent) => {
    event.preventDefault()
    record.mutate({
      commandId: crypto.randomUUID(),
      bodyId,
      examId,
      candidate,
      category,
      examinedOn: todayIso(),
      passed,
    })
  }
  return (
    <form className="stack" onSubmit={submit} data-testid="exam-form">
      <h3>{t('licensing.recordExam')}</h3>
      <div className="form-grid">
        <Field label={t('licensing.examId')}>
          {(id) => (
            <input id={id} value={examId} onChange={(e) => setExamId(e.target.value)} data-testid="exam-id" />
          )}
        </Field>
        <Field label={t('licensing.candidate')}>
          {(id) => (
            <input
              id={id}
              value={candidate}
              onChange={(e) => setCandidate(e.target.value)}
              data-testid="exam-candidate"
            />
          )}
        </Field>
        <Field label={t('licensing.category')}>
          {(id) => (
            <select
              id={id}
              value={category}
              onChange={(e) => setCategory(e.target.value)}
              data-testid="exam-category"
            >
              {categories.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          )}
        </Field>
        <label className="small">
          <input
            type="checkbox"
            checked={passed}
            onChange={(e) => setPassed(e.target.checked)}
            data-testid="exam-passed"
          />{' '}
          {t('licensing.examPassed')}
        </label>
      </div>
      <div className="button-row">
        <button type="submit" disabled={record.isPending} data-testid="exam-submit">
          {t('licensing.recordExam')}
        </button>
      </div>
      {record.error ? <ErrorBox error={record.error} /> : null}
    </form>
  )
}

/** A process table: its rows, or the empty state when there are none. */
function RowsTable<T>({
  rows,
  testId,
  headers,
  row,
}: {
  rows: readonly T[]
  testId: string
  headers?: string[]
  row: (item: T) => ReactNode
}) {
  if (rows.length === 0) return <Empty />
  return (
    <div className="table-wrap">
      <table data-testid={testId}>
        {headers ? (
          <thead>
            <tr>
              {headers.map((header) => (
                <th key={header}>{header}</th>
              ))}
            </tr>
          </thead>
        ) : null}
        <tbody>{rows.map(row)}</tbody>
      </table>
    </div>
  )
}

export function LicensingPage() {
  const { t, term } = useI18n()
  const { actor, role } = useAuth()
  const trpc = useTRPC()
  const processes = useQuery(trpc.licensing.processes.queryOptions({}))
  const isRegulator = role === 'regulator' || role === 'admin'
  const isReviewer = isRegulator || role === 'metrology_institute'
  // A branch is decided by the organisation it was assigned to (which holds the branch's reviewer role).
  const mayDecide = (branch: string, reviewerOrg: string | null) =>
    reviewerOrg !== null &&
    reviewerOrg === actor?.org &&
    (role === 'admin' || (branch === 'type_approval' ? role === 'metrology_institute' : role === 'regulator'))
  return (
    <>
      <PageHeader title={t('licensing.title')} />
      <p className="muted" data-testid="licensing-view">
        {isReviewer ? t('licensing.regulatorQueue') : t('licensing.applicantView')}
      </p>
      {isReviewer ? <LicensingKpiCard /> : null}
      {role === 'enterprise' && actor ? (
        <div className="grid-2">
          <ApplyForm enterpriseId={actor.org} />
          <ParallelForm enterpriseId={actor.org} />
          <DeclareForm enterpriseId={actor.org} />
          <CommitmentForm holderId={actor.org} forLab={false} />
        </div>
      ) : null}
      {role === 'lab' && actor ? <CommitmentForm holderId={actor.org} forLab /> : null}
      <QueryView query={processes}>
        {(p) => (
          <>
            <section className="card" data-testid="licensing-deadlines">
              <h2>{t('licensing.deadlines')}</h2>
              {p.dueWork.length === 0 ? (
                <Empty>{t('licensing.noDeadlines')}</Empty>
              ) : (
                <div className="table-wrap">
                  <table>
                    <tbody>
                      {p.dueWork.map((w) => (
                        <tr key={w.workId} data-testid={`due-${w.workId}`}>
                          <td>{term(w.kind)}</td>
                          <td>
                            {w.ref}
                            {w.branch ? ` · ${term(w.branch)}` : ''}
                          </td>
                          <td>{w.party}</td>
                          <td>
                            <Due dueOn={w.dueOn} overdue={w.overdue} />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </section>

            <section className="card">
              <h2>{t('licensing.licences')}</h2>
              <RowsTable
                testId="licences-table"
                headers={[
                  t('licensing.licenceNo'),
                  t('licensing.enterprise'),
                  t('licensing.categories'),
                  t('licensing.expiresOn'),
                  t('common.status'),
                ]}
                rows={p.licences}
                row={(l) => (
                  <tr key={l.enterpriseId}>
                    <td>
                      {l.licenceNo}
                      {l.legacy.length > 0 ? (
                        <div className="muted small">{t('licensing.legacy', { n: l.legacy.length })}</div>
                      ) : null}
                      {l.previous.map((former) => (
                        <div
                          key={former.licenceNo}
                          className="muted small"
                          data-testid={`former-licence-${former.licenceNo}`}
                        >
                          {t('licensing.former', { no: former.licenceNo, status: term(former.status) })}
                        </div>
                      ))}
                      <LicenceImpact licenceNo={l.licenceNo} />
                    </td>
                    <td>{l.enterpriseId}</td>
                    <td>{l.categories.join('、')}</td>
                    <td>{l.expiresOn}</td>
                    <td>
                      <Badge status={l.status} testId={`licence-status-${l.enterpriseId}`} />
                      {l.cause?.kind === 'restored' ? (
                        <div className="muted small" data-testid={`licence-restored-${l.enterpriseId}`}>
                          {t('licensing.restoredOn', {
                            date: l.cause.on ?? '',
                            reason: l.cause.reason ?? '',
                          })}
                        </div>
                      ) : l.cause?.kind === 'expired' ? (
                        <div className="muted small">
                          {t('licensing.expiredOn', { date: l.cause.on ?? '' })}
                        </div>
                      ) : l.cause ? (
                        <div className="muted small">
                          {t('licensing.cause')}: {term(l.cause.kind)} ({l.cause.applicationId})
                        </div>
                      ) : null}
                      {isRegulator && l.status === 'suspended' ? (
                        <RestoreLicence
                          enterpriseId={l.enterpriseId}
                          applicationId={
                            p.applications.find(
                              (a) => a.applicationId === l.cause?.applicationId && a.status === 'verified',
                            )?.applicationId
                          }
                        />
                      ) : null}
                    </td>
                  </tr>
                )}
              />
            </section>

            <section className="card">
              <h2>{t('licensing.applications')}</h2>
              <RowsTable
                testId="applications-table"
                headers={[
                  t('licensing.application'),
                  t('licensing.kind'),
                  t('licensing.issuedOn'),
                  t('licensing.verification'),
                  t('common.status'),
                ]}
                rows={p.applications}
                row={(a) => (
                  <tr key={a.applicationId} data-testid={`application-${a.applicationId}`}>
                    <td>
                      {a.applicationId}
                      <div className="muted small">
                        {a.enterpriseId} · {a.categories.join('、')}
                      </div>
                    </td>
                    <td>{term(a.kind)}</td>
                    <td>{a.issuedOn}</td>
                    <td>
                      {a.verifiedOn ?? (
                        <Due
                          dueOn={a.dueOn}
                          overdue={a.overdue}
                          testId={`application-due-${a.applicationId}`}
                        />
                      )}
                      {a.findings ? <div className="muted small">{a.findings}</div> : null}
                    </td>
                    <td>
                      <Badge status={a.status} testId={`application-status-${a.applicationId}`} />
                      {isRegulator &&
                      (a.status === 'awaiting_verification' ||
                        // a re-verification of the application whose failure or miss suspended the licence
                        ((a.status === 'verification_failed' || a.status === 'verification_missed') &&
                          p.licences.some(
                            (l) => l.enterpriseId === a.enterpriseId && l.status === 'suspended',
                          ))) ? (
                        <VerificationDecision enterpriseId={a.enterpriseId} applicationId={a.applicationId} />
                      ) : null}
                    </td>
                  </tr>
                )}
              />
            </section>

            <section className="card">
              <h2>{t('licensing.approvals')}</h2>
              <RowsTable
                testId="approvals-table"
                headers={[
                  t('licensing.approval'),
                  t('licensing.matter'),
                  t('licensing.approvedOn'),
                  t('licensing.verification'),
                  t('common.status'),
                ]}
                rows={p.approvals}
                row={(a) => (
                  <tr key={a.approvalId} data-testid={`approval-${a.approvalId}`}>
                    <td>
                      {a.approvalId}
                      <div className="muted small">
                        {a.holderId} · {a.scope.join('、')}
                      </div>
                      {a.commitment ? (
                        <div className="muted small">
                          {t('licensing.signedBy', {
                            signer: a.commitment.signer,
                            date: a.commitment.signedOn,
                          })}
                        </div>
                      ) : null}
                    </td>
                    <td>{term(a.matter)}</td>
                    <td>{a.approvedOn}</td>
                    <td>
                      {a.inspectedOn ?? <Due dueOn={a.dueOn} overdue={a.overdue} />}
                      {a.findings ? <div className="muted small">{a.findings}</div> : null}
                      {a.doneUnder ? (
                        <div className="warn-text small">
                          {t('licensing.doneUnder', { from: a.doneUnder.from, to: a.doneUnder.to })}
                        </div>
                      ) : null}
                    </td>
                    <td>
                      <Badge status={a.status} testId={`approval-status-${a.approvalId}`} />
                      {isRegulator && a.status === 'approved' ? (
                        <InspectionDecision approvalId={a.approvalId} />
                      ) : null}
                    </td>
                  </tr>
                )}
              />
            </section>

            <section className="card">
              <h2>{t('licensing.cmark')}</h2>
              <RowsTable
                testId="cmark-table"
                headers={[
                  t('licensing.enterprise'),
                  t('licensing.products'),
                  t('licensing.declaredOn'),
                  t('common.status'),
                ]}
                rows={p.cmark.declarations}
                row={(d) => (
                  <tr key={d.enterpriseId}>
                    <td>{d.enterpriseId}</td>
                    <td>{d.products.join('、')}</td>
                    <td>{d.declaredOn}</td>
                    <td>
                      <Badge status={d.status} testId={`cmark-status-${d.enterpriseId}`} />
                    </td>
                  </tr>
                )}
              />
              <h3>{t('licensing.checks')}</h3>
              {isRegulator ? <SampleForm /> : null}
              <RowsTable
                testId="checks-table"
                rows={p.cmark.checks}
                row={(c) => (
                  <tr key={c.checkId} data-testid={`check-${c.checkId}`}>
                    <td>{c.checkId}</td>
                    <td>{c.enterpriseId}</td>
                    <td>
                      {c.checkedOn ?? <Due dueOn={c.dueOn} overdue={c.overdue} />}
                      {c.findings ? <div className="muted small">{c.findings}</div> : null}
                    </td>
                    <td>
                      <Badge status={c.status} />
                      {isRegulator && c.status === 'scheduled' ? (
                        <CheckDecision enterpriseId={c.enterpriseId} checkId={c.checkId} />
                      ) : null}
                    </td>
                  </tr>
                )}
              />
            </section>

            <section className="card">
              <h2>{t('licensing.parallel')}</h2>
              <RowsTable
                testId="parallel-table"
                headers={[
                  t('licensing.application'),
                  t('licensing.branches'),
                  t('licensing.waitingOn'),
                  t('common.status'),
                ]}
                rows={p.parallel}
                row={(a) => (
                  <tr key={a.applicationId} data-testid={`parallel-${a.applicationId}`}>
                    <td>
                      {a.applicationId}
                      <div className="muted small">
                        {a.enterpriseId} · {a.instrument} · {t('licensing.filedOn')} {a.filedOn}
                      </div>
                    </td>
                    <td>
                      {a.branches.map((b) => (
                        <div
                          key={b.branch}
                          className="stack"
                          data-testid={`branch-${a.applicationId}-${b.branch}`}
                        >
                          <span>
                            {term(b.branch)} <Badge status={b.status} />{' '}
                            {b.status === 'pending' ? (
                              <Due dueOn={b.dueOn} overdue={b.overdue} />
                            ) : (
                              b.decidedOn
                            )}
                          </span>
                          {b.reason ? <span className="muted small">{b.reason}</span> : null}
                          <span
                            className="muted small"
                            data-testid={`reviewer-${a.applicationId}-${b.branch}`}
                          >
                            {b.reviewerOrg
                              ? t('licensing.reviewedBy', { org: b.reviewerOrg })
                              : t('licensing.unassigned')}
                          </span>
                          {b.status === 'pending' && a.status === 'open' && isRegulator ? (
                            <BranchAssign
                              applicationId={a.applicationId}
                              branch={b.branch as 'type_approval' | 'manufacturing_licence'}
                              current={b.reviewerOrg}
                            />
                          ) : null}
                          {b.status === 'pending' &&
                          a.status === 'open' &&
                          mayDecide(b.branch, b.reviewerOrg) ? (
                            <BranchDecision
                              applicationId={a.applicationId}
                              branch={b.branch as 'type_approval' | 'manufacturing_licence'}
                            />
                          ) : null}
                        </div>
                      ))}
                    </td>
                    <td data-testid={`parallel-waiting-${a.applicationId}`}>
                      {a.waitingOn.map((b) => term(b)).join('、') || '—'}
                    </td>
                    <td>
                      <Badge status={a.status} testId={`parallel-status-${a.applicationId}`} />
                    </td>
                  </tr>
                )}
              />
            </section>
            <section className="card" data-testid="special-equipment">
              <h2>{t('licensing.specialEquipment')}</h2>
              <h3>{t('licensing.examBodies')}</h3>
              {p.specialEquipment.bodies.length === 0 ? (
                <Empty />
              ) : (
                p.specialEquipment.bodies.map((b) => (
                  <div key={b.bodyId} className="stack">
                    <p>
                      {b.name} ({b.bodyId}) · {b.categories.join('、')} · {t('licensing.approvedOn')}{' '}
                      {b.approvedOn}
                    </p>
                    {role === 'enterprise' && actor?.org === b.bodyId ? (
                      <ExamForm bodyId={b.bodyId} categories={b.categories} />
                    ) : null}
                  </div>
                ))
              )}
              <h3>{t('licensing.exams')}</h3>
              <RowsTable
                testId="exams-table"
                headers={[
                  t('licensing.examId'),
                  t('licensing.candidate'),
                  t('licensing.category'),
                  t('licensing.examinedOn'),
                  t('licensing.certificate'),
                ]}
                rows={p.specialEquipment.exams}
                row={(e) => (
                  <tr key={e.examId} data-testid={`exam-${e.examId}`}>
                    <td>{e.examId}</td>
                    <td>{e.candidate}</td>
                    <td>{e.category}</td>
                    <td>{e.examinedOn}</td>
                    <td>
                      {e.certificateNo ? (
                        <span data-testid={`exam-certificate-${e.examId}`}>
                          {e.certificateNo} · {t('licensing.expiresOn')} {e.certificateExpiresOn}
                        </span>
                      ) : (
                        <Badge status="failed" />
                      )}
                    </td>
                  </tr>
                )}
              />
              <h3>{t('licensing.qualifications')}</h3>
              <RowsTable
                testId="qualifications-table"
                headers={[
                  t('licensing.qualificationNo'),
                  t('licensing.enterprise'),
                  t('licensing.equipmentCategory'),
                  t('licensing.activities'),
                  t('licensing.expiresOn'),
                ]}
                rows={p.specialEquipment.qualifications}
                row={(q) => (
                  <tr key={q.qualificationNo} data-testid={`qualification-${q.qualificationNo}`}>
                    <td>
                      {q.qualificationNo}
                      <div className="muted small">
                        {term(q.kind)}
                        {q.derivedFrom ? ` · ${t('licensing.derivedFrom', { no: q.derivedFrom })}` : ''}
                      </div>
                    </td>
                    <td>{q.enterpriseId}</td>
                    <td>{q.equipmentCategory}</td>
                    <td>{q.activities.map((a) => term(a)).join('、')}</td>
                    <td>
                      {q.expiresOn}
                      {role === 'enterprise' &&
                      actor?.org === q.enterpriseId &&
                      q.kind === 'manufacturing' ? (
                        <DeriveQualification
                          enterpriseId={q.enterpriseId}
                          qualificationNo={q.qualificationNo}
                        />
                      ) : null}
                    </td>
                  </tr>
                )}
              />
            </section>
          </>
        )}
      </QueryView>
    </>
  )
}
