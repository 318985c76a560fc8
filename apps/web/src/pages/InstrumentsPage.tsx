/**
 * Measuring instruments with their calibration state; the metrology institute (and a lab, for its
 * own) registers instruments and records calibrations, picking the instrument and the reference.
 */
import { metrology as contract } from '@qi/contracts'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useAuth } from '../auth'
import { CommandForm } from '../components/CommandForm'
import { DataTable } from '../components/DataTable'
import { ListTools, useListState } from '../components/ListTools'
import { useInstrumentSource } from '../components/picker-sources'
import { PageHeader, QueryView, StatusBadge } from '../components/ui'
import { useI18n } from '../i18n/context'
import { type RouterOutputs, useTRPC, useTRPCClient } from '../trpc'

type InstrumentItem = RouterOutputs['metrology']['listInstruments']['items'][number]

export function InstrumentsPage() {
  const { t, term } = useI18n()
  const { actor } = useAuth()
  const trpc = useTRPC()
  const client = useTRPCClient()
  const ownerLabId = actor?.role === 'lab' ? actor.org : undefined
  const mayWrite = actor?.role === 'lab' || actor?.role === 'metrology_institute' || actor?.role === 'admin'
  const list = useListState('instruments')
  const all = useQuery({
    ...trpc.metrology.listInstruments.queryOptions({
      ownerLabId,
      search: list.search || undefined,
      limit: list.limit,
      offset: list.offset,
    }),
    placeholderData: keepPreviousData,
  })
  const items = all.data?.items ?? []
  const instruments = useInstrumentSource(ownerLabId)
  return (
    <>
      <PageHeader title={t('instruments.title')} />
      {mayWrite && actor ? (
        <div className="grid-2">
          <CommandForm
            id="calibrate"
            title={t('instruments.calibrate')}
            schema={contract.CalibrateInstrument}
            fixed={{ calibratingLabId: actor.org }}
            fields={[
              { path: 'instrumentId', label: 'portal.instrument', kind: 'select', source: instruments },
              { path: 'certificateNo', label: 'instruments.certificateNo' },
              { path: 'calibratedOn', label: 'instruments.calibratedOn', kind: 'date' },
              { path: 'dueOn', label: 'instruments.dueOn', placeholder: 'YYYY-MM-DD' },
              { path: 'uncertainty', label: 'portal.uncertainty', placeholder: 'U=0.5 mA (k=2)' },
              {
                path: 'referenceInstrumentId',
                label: 'instruments.reference',
                kind: 'select',
                source: instruments,
                optional: true,
              },
              { path: 'passed', label: 'instruments.passed', kind: 'checkbox', initial: 'true' },
            ]}
            run={(input) => client.metrology.calibrate.mutate(input as never)}
            submitLabel={t('instruments.calibrate')}
            done={(input) => t('instruments.calibrated', { id: String(input.instrumentId) })}
          />
          <CommandForm
            id="instrument-retire"
            title={t('instruments.retire')}
            schema={contract.RetireInstrument}
            fields={[
              { path: 'instrumentId', label: 'portal.instrument', kind: 'select', source: instruments },
              { path: 'on', label: 'labs.on', kind: 'date' },
              { path: 'reason', label: 'certs.reason', kind: 'textarea' },
            ]}
            run={(input) => client.metrology.retire.mutate(input as never)}
            submitLabel={t('instruments.retire')}
            done={(input) => t('instruments.retired', { id: String(input.instrumentId) })}
          />
          <CommandForm
            id="instrument-register"
            title={t('instruments.register')}
            schema={contract.RegisterInstrument}
            fixed={{ ownerLabId: actor.org }}
            fields={[
              { path: 'instrumentId', label: 'instruments.id' },
              { path: 'name', label: 'instruments.name' },
              { path: 'quantity', label: 'instruments.quantity' },
              { path: 'model', label: 'portal.model', optional: true },
              { path: 'serialNo', label: 'instruments.serialNo', optional: true },
              {
                path: 'level',
                label: 'instruments.level',
                kind: 'select',
                options: contract.InstrumentLevel.options.map((v) => ({
                  value: v,
                  label: term(`level.${v}`),
                })),
              },
            ]}
            run={(input) => client.metrology.registerInstrument.mutate(input as never)}
            submitLabel={t('instruments.register')}
            done={(input) => t('instruments.registered', { id: String(input.instrumentId) })}
          />
        </div>
      ) : null}
      <section className="card">
        <h2>{t('instruments.list')}</h2>
        <ListTools
          list={list}
          total={all.data?.total}
          csv={() =>
            items.map((i) => ({
              instrument: i.instrumentId,
              name: i.name,
              owner: i.ownerLabId,
              quantity: i.quantity,
              level: i.level,
              certificate: i.certificateNo,
              calibratedOn: i.calibratedOn,
              dueOn: i.dueOn,
              status: i.status,
            }))
          }
        />
        <QueryView query={all} isEmpty={(data) => data.items.length === 0}>
          {(data) => (
            <DataTable<InstrumentItem>
              testId="instrument-table"
              rows={data.items}
              rowKey={(i) => i.instrumentId}
              columns={[
                { header: t('instruments.id'), cell: (i) => i.instrumentId },
                { header: t('instruments.name'), cell: (i) => i.name },
                { header: t('instruments.owner'), cell: (i) => i.ownerLabId },
                { header: t('instruments.level'), cell: (i) => term(`level.${i.level}`) },
                { header: t('instruments.dueOn'), cell: (i) => i.dueOn ?? '—' },
                {
                  header: t('common.status'),
                  cell: (i) => (
                    <StatusBadge status={i.status} testId={`instrument-status-${i.instrumentId}`} />
                  ),
                },
              ]}
            />
          )}
        </QueryView>
      </section>
    </>
  )
}
