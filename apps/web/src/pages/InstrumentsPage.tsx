/**
 * Measuring instruments with their calibration state; the metrology institute (and a lab, for its
 * own) registers instruments and records calibrations, picking the instrument and the reference.
 */
import { metrology as contract } from '@qi/contracts'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useAuth } from '../auth'
import { CommandForm, type Option } from '../components/CommandForm'
import { ListTools, useListState } from '../components/ListTools'
import { PageHeader, QueryView, StatusBadge } from '../components/ui'
import { useI18n } from '../i18n/context'
import { useTRPC, useTRPCClient } from '../trpc'

const fold = (text: string) => text.normalize('NFKC').trim().toLowerCase()

export function InstrumentsPage() {
  const { t, term } = useI18n()
  const { actor } = useAuth()
  const trpc = useTRPC()
  const client = useTRPCClient()
  const ownerLabId = actor?.role === 'lab' ? actor.org : undefined
  const mayWrite = actor?.role === 'lab' || actor?.role === 'metrology_institute' || actor?.role === 'admin'
  const list = useListState('instruments')
  const all = useQuery({
    ...trpc.metrology.listInstruments.queryOptions({ ownerLabId, limit: 200 }),
    placeholderData: keepPreviousData,
  })
  const items = (all.data?.items ?? []).filter((i) => {
    const q = fold(list.search)
    return q === '' || fold(`${i.instrumentId} ${i.name} ${i.ownerLabId} ${i.quantity}`).includes(q)
  })
  const page = items.slice(list.offset, list.offset + list.limit)
  const options: Option[] = (all.data?.items ?? []).map((i) => ({
    value: i.instrumentId,
    label: `${i.instrumentId} ${i.name} · ${term(i.status)}${i.dueOn ? ` · ${t('home.dueOn', { date: i.dueOn })}` : ''}`,
  }))
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
              { path: 'instrumentId', label: 'portal.instrument', kind: 'select', options },
              { path: 'certificateNo', label: 'instruments.certificateNo' },
              { path: 'calibratedOn', label: 'instruments.calibratedOn', kind: 'date' },
              { path: 'dueOn', label: 'instruments.dueOn', placeholder: 'YYYY-MM-DD' },
              { path: 'uncertainty', label: 'portal.uncertainty', placeholder: 'U=0.5 mA (k=2)' },
              {
                path: 'referenceInstrumentId',
                label: 'instruments.reference',
                kind: 'select',
                options,
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
              { path: 'instrumentId', label: 'portal.instrument', kind: 'select', options },
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
          total={items.length}
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
        <QueryView query={all} isEmpty={() => page.length === 0}>
          {() => (
            <div className="table-wrap">
              <table data-testid="instrument-table">
                <thead>
                  <tr>
                    <th>{t('instruments.id')}</th>
                    <th>{t('instruments.name')}</th>
                    <th>{t('instruments.owner')}</th>
                    <th>{t('instruments.level')}</th>
                    <th>{t('instruments.dueOn')}</th>
                    <th>{t('common.status')}</th>
                  </tr>
                </thead>
                <tbody>
                  {page.map((i) => (
                    <tr key={i.instrumentId}>
                      <td>{i.instrumentId}</td>
                      <td>{i.name}</td>
                      <td>{i.ownerLabId}</td>
                      <td>{term(`level.${i.level}`)}</td>
                      <td>{i.dueOn ?? '—'}</td>
                      <td>
                        <StatusBadge status={i.status} testId={`instrument-status-${i.instrumentId}`} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </QueryView>
      </section>
    </>
  )
}
