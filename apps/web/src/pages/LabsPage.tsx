import { accreditation } from '@qi/contracts'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { Link } from 'react-router'
import { useAuth } from '../auth'
import { CommandForm } from '../components/CommandForm'
import { DataTable } from '../components/DataTable'
import { ListTools, useListState } from '../components/ListTools'
import { PageHeader, QueryView, StatusBadge } from '../components/ui'
import { useI18n } from '../i18n/context'
import { can } from '../lib/permissions'
import { type RouterInputs, type RouterOutputs, useTRPC, useTRPCClient } from '../trpc'

type LabSort = NonNullable<RouterInputs['accreditation']['listLabs']['sort']>
type LabItem = RouterOutputs['accreditation']['listLabs']['items'][number]
export const labPath = (labId: string) => `/labs/${encodeURIComponent(labId)}`

/** The regulator registers a lab, certification or inspection body (then accredits it on its page). */
function RegisterLabForm() {
  const { t, term } = useI18n()
  const client = useTRPCClient()
  return (
    <details className="card manage" data-testid="lab-register-toggle">
      <summary>{t('labs.register')}</summary>
      <CommandForm
        id="lab-register"
        title={t('labs.register')}
        schema={accreditation.RegisterLab}
        fields={[
          { path: 'labId', label: 'labs.labId', placeholder: 'HBQI-09' },
          { path: 'name', label: 'labs.name' },
          {
            path: 'kind',
            label: 'labs.kind',
            kind: 'select',
            options: accreditation.OrgKind.options.map((v) => ({ value: v, label: term(v) })),
          },
          { path: 'region', label: 'labs.region', initial: '湖北省' },
          {
            path: 'centreLevel',
            label: 'labs.centreLevel',
            kind: 'select',
            options: accreditation.CentreLevel.options.map((v) => ({ value: v, label: term(v) })),
          },
        ]}
        run={(input) => client.accreditation.registerLab.mutate(input as never)}
        submitLabel={t('labs.register')}
        done={(input) => (
          <>
            {t('labs.registered', { name: String(input.name) })}{' '}
            <Link to={labPath(String(input.labId))} data-testid="lab-register-link">
              {t('labs.openToAccredit')}
            </Link>
          </>
        )}
      />
    </details>
  )
}

export function LabsPage() {
  const { t, term } = useI18n()
  const { role } = useAuth()
  const trpc = useTRPC()
  const list = useListState('labs', 25, 'lab')
  const labs = useQuery({
    ...trpc.accreditation.listLabs.queryOptions({
      search: list.search || undefined,
      sort: list.sort as LabSort,
      limit: list.limit,
      offset: list.offset,
    }),
    placeholderData: keepPreviousData,
  })
  return (
    <>
      <PageHeader title={t('labs.title')} />
      {can(role, 'lab.register') ? <RegisterLabForm /> : null}
      <section className="card">
        <ListTools
          list={list}
          total={labs.data?.total}
          searchLabel={t('labs.search')}
          sorts={[
            { value: 'lab', label: t('labs.sortId') },
            { value: 'name', label: t('labs.sortName') },
            { value: 'valid_until', label: t('labs.sortValidUntil') },
            { value: 'scope_desc', label: t('labs.sortScope') },
          ]}
          csv={() =>
            (labs.data?.items ?? []).map((lab) => ({
              lab: lab.labId,
              name: lab.name,
              kind: term(lab.kind),
              region: lab.region,
              accreditationNo: lab.accreditationNo ?? '',
              validUntil: lab.validUntil ?? '',
              scopeLines: lab.scopeLines,
              status: term(lab.status),
            }))
          }
        />
        <QueryView query={labs} isEmpty={(data) => data.items.length === 0}>
          {(data) => (
            <DataTable<LabItem>
              testId="labs-table"
              rows={data.items}
              rowKey={(lab) => lab.labId}
              columns={[
                {
                  header: t('labs.lab'),
                  cell: (lab) => (
                    <>
                      <Link to={labPath(lab.labId)}>{lab.name}</Link>
                      <div className="muted small">{lab.labId}</div>
                    </>
                  ),
                },
                {
                  header: t('labs.kind'),
                  cell: (lab) =>
                    `${term(lab.kind)}${lab.centreLevel && lab.centreLevel !== 'none' ? ` · ${term(lab.centreLevel)}` : ''}`,
                },
                { header: t('labs.region'), cell: (lab) => lab.region },
                { header: t('labs.accreditationNo'), cell: (lab) => lab.accreditationNo ?? '—' },
                { header: t('labs.validUntil'), cell: (lab) => lab.validUntil ?? '—' },
                { header: t('labs.scopeLines'), cell: (lab) => lab.scopeLines, className: 'num' },
                { header: t('common.status'), cell: (lab) => <StatusBadge status={lab.status} /> },
              ]}
            />
          )}
        </QueryView>
      </section>
    </>
  )
}
