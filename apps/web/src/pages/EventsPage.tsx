import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useEffect, useRef, useState } from 'react'
import { useSearchParams } from 'react-router'
import { useAuth } from '../auth'
import { downloadCsv } from '../components/ListTools'
import { Empty, ErrorBox, PageHeader, QueryView } from '../components/ui'
import { useI18n } from '../i18n/context'
import { type RouterInputs, type RouterOutputs, useTRPC, useTRPCClient } from '../trpc'

type RecordedEvent = RouterOutputs['system']['events']['all'][number]
type StreamSort = NonNullable<RouterInputs['system']['events']['streams']['sort']>
const TAIL_INTERVAL_MS = 2_000
const TAIL_KEEP = 300

function EventRow({ event }: { event: RecordedEvent }) {
  const { term, moment } = useI18n()
  const [open, setOpen] = useState(false)
  return (
    <>
      <tr className="clickable" onClick={() => setOpen((o) => !o)}>
        <td className="num">{String(event.position)}</td>
        <td className="num">{String(event.revision)}</td>
        <td title={event.type}>{term(event.type)}</td>
        <td>{event.streamName}</td>
        <td>{moment(event.recordedAt)}</td>
      </tr>
      {open ? (
        <tr>
          <td colSpan={5}>
            <div className="grid-2">
              <pre className="json">{JSON.stringify(event.data, null, 2)}</pre>
              <pre className="json">{JSON.stringify(event.metadata, null, 2)}</pre>
            </div>
          </td>
        </tr>
      ) : null}
    </>
  )
}

function EventTable({ events }: { events: RecordedEvent[] }) {
  const { t } = useI18n()
  if (events.length === 0) return <Empty />
  return (
    <div className="table-wrap">
      <table className="events">
        <thead>
          <tr>
            <th>{t('events.position')}</th>
            <th>{t('events.revision')}</th>
            <th>{t('events.type')}</th>
            <th>{t('events.stream')}</th>
            <th>{t('events.recordedAt')}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <EventRow key={event.id} event={event} />
          ))}
        </tbody>
      </table>
      <p className="muted small">{t('events.clickForData')}</p>
    </div>
  )
}

/** Polls `$all` forwards after the last position seen, every 2 s, while on. */
function LiveTail() {
  const { t } = useI18n()
  const client = useTRPCClient()
  const [on, setOn] = useState(false)
  const [events, setEvents] = useState<RecordedEvent[]>([])
  const [error, setError] = useState<unknown>(null)
  const after = useRef<bigint | undefined>(undefined)

  useEffect(() => {
    if (!on) return
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const poll = async () => {
      try {
        if (after.current === undefined) {
          // Start from the newest events rather than replaying the whole store.
          const newest = await client.system.events.all.query({ direction: 'backwards', limit: 20 })
          if (stopped) return
          setEvents([...newest].reverse())
          after.current = newest[0]?.position ?? -1n
        } else {
          const page = await client.system.events.all.query({
            direction: 'forwards',
            after: after.current < 0n ? undefined : after.current,
            limit: 200,
          })
          if (stopped) return
          const fresh = after.current < 0n ? page : page.filter((e) => e.position > (after.current ?? -1n))
          const last = fresh.at(-1)
          if (last) {
            after.current = last.position
            setEvents((current) => [...current, ...fresh].slice(-TAIL_KEEP))
          }
        }
        setError(null)
      } catch (caught) {
        if (!stopped) setError(caught)
      }
      if (!stopped) timer = setTimeout(poll, TAIL_INTERVAL_MS)
    }
    void poll()
    return () => {
      stopped = true
      if (timer) clearTimeout(timer)
    }
  }, [on, client])

  return (
    <section className="card">
      <div className="section-head">
        <h2>{t('events.liveTail')}</h2>
        <button
          type="button"
          className={on ? 'primary' : ''}
          onClick={() => setOn((value) => !value)}
          data-testid="events-tail-toggle"
        >
          {on ? `■ ${t('events.stopTail')}` : `▶ ${t('events.startTail')}`}
        </button>
      </div>
      {on ? <p className="muted small">{t('events.tailHelp')}</p> : null}
      {error ? <ErrorBox error={error} /> : null}
      {on || events.length > 0 ? <EventTable events={[...events].reverse()} /> : null}
    </section>
  )
}

/** The raw event log is an audit tool: administrators and regulators only. */
export function EventsPage() {
  const { t } = useI18n()
  const { role } = useAuth()
  if (role !== 'admin' && role !== 'regulator') return <ErrorBox error={new Error(t('events.onlyAudit'))} />
  return <EventBrowser />
}

function EventBrowser() {
  const { t } = useI18n()
  const trpc = useTRPC()
  const [params, setParams] = useSearchParams()
  const selected = params.get('stream') ?? ''
  const [search, setSearch] = useState('')
  const sort = (params.get('events.sort') ?? 'recent') as StreamSort
  const streams = useQuery({
    ...trpc.system.events.streams.queryOptions({ search: search || undefined, sort, limit: 200 }),
    placeholderData: keepPreviousData,
  })
  const stream = useQuery({
    ...trpc.system.events.stream.queryOptions({ streamName: selected, limit: 500 }),
    enabled: selected !== '',
  })
  return (
    <>
      <PageHeader title={t('events.title')} />
      <div className="grid-sidebar">
        <section className="card">
          <h2>{t('events.streams')}</h2>
          <label className="field">
            <span>{t('events.searchStreams')}</span>
            <input
              value={search}
              onChange={(event) => setSearch(event.target.value)}
              data-testid="events-search"
            />
          </label>
          <div className="list-tools">
            <label className="inline-field">
              <span>{t('common.sort')}</span>
              <select
                value={sort}
                onChange={(event) => {
                  const next = new URLSearchParams(params)
                  next.set('events.sort', event.target.value)
                  setParams(next, { replace: true })
                }}
                data-testid="events-sort"
              >
                <option value="recent">{t('events.sortRecent')}</option>
                <option value="name">{t('events.sortName')}</option>
                <option value="events">{t('events.sortEvents')}</option>
              </select>
            </label>
            <button
              type="button"
              onClick={() =>
                downloadCsv(
                  'streams.csv',
                  (streams.data ?? []).map((s) => ({
                    stream: s.name,
                    category: s.category,
                    events: s.events,
                    lastType: s.lastType,
                    lastRecordedAt: s.lastRecordedAt,
                  })),
                )
              }
              data-testid="events-csv"
            >
              {t('common.csv')}
            </button>
          </div>
          <QueryView query={streams} isEmpty={(data) => data.length === 0}>
            {(data) => (
              <ul className="stream-list">
                {data.map((s) => (
                  <li key={s.name}>
                    <button
                      type="button"
                      className={s.name === selected ? 'stream active' : 'stream'}
                      onClick={() => {
                        const next = new URLSearchParams(params)
                        next.set('stream', s.name)
                        setParams(next)
                      }}
                      data-testid="events-stream"
                    >
                      <span className="stream-name">{s.name}</span>
                      <span className="muted small">
                        {s.events} · {s.lastType}
                      </span>
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </QueryView>
        </section>
        <section className="card">
          <h2>{selected || t('events.pickStream')}</h2>
          {selected === '' ? (
            <Empty>{t('events.pickStream')}</Empty>
          ) : (
            <QueryView query={stream}>{(events) => <EventTable events={events} />}</QueryView>
          )}
        </section>
      </div>
      <LiveTail />
    </>
  )
}
