/**
 * Each role's home: the work that waits for it today, every row a link to where it is done.
 * The raw event log is not a home; admins and regulators reach it from the menu.
 */
import { useQuery } from '@tanstack/react-query'
import type { ReactNode } from 'react'
import { Link } from 'react-router'
import { useAuth } from '../auth'
import { PageHeader, QueryView, StatusBadge } from '../components/ui'
import { useI18n } from '../i18n/context'
import type { MessageKey } from '../i18n/messages'
import { todayIso } from '../lib/dates'
import { useTRPC } from '../trpc'
import { certificatePath } from './CertificatesPage'
import { standardPath } from './StandardsPage'

const addDays = (iso: string, days: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)

interface Row {
  key: string
  to: string
  label: string
  detail?: ReactNode
  status?: string | null
}

/** One queue: a titled card with its count and rows, or a sentence when nothing waits. */
function Queue({
  id,
  title,
  query,
  rows,
  action,
}: {
  id: string
  title: MessageKey
  // biome-ignore lint/suspicious/noExplicitAny: any query whose data the rows function reads
  query: any
  rows(data: never): { total: number; rows: Row[] }
  action?: ReactNode
}) {
  const { t, num } = useI18n()
  return (
    <section className="card queue" data-testid={`queue-${id}`}>
      <h2>{t(title)}</h2>
      <QueryView query={query}>
        {(data) => {
          const { total, rows: items } = rows(data as never)
          return (
            <>
              <p className="muted small" data-testid={`queue-${id}-total`}>
                {t('common.total', { n: num(total) })}
              </p>
              {items.length === 0 ? (
                <p className="empty">{t('home.nothingWaiting')}</p>
              ) : (
                <ul className="queue-list">
                  {items.map((row) => (
                    <li key={row.key}>
                      <Link to={row.to}>{row.label}</Link>
                      {row.detail ? <span className="muted small"> · {row.detail}</span> : null}
                      {row.status ? <StatusBadge status={row.status} /> : null}
                    </li>
                  ))}
                </ul>
              )}
            </>
          )
        }}
      </QueryView>
      {action ? <div className="queue-action">{action}</div> : null}
    </section>
  )
}

const LIMIT = 8

function LabHome({ labId }: { labId: string }) {
  const trpc = useTRPC()
  const { t } = useI18n()
  const today = todayIso()
  const reports = useQuery(trpc.testing.listReports.queryOptions({ labId, status: 'valid', limit: LIMIT }))
  const due = useQuery(
    trpc.metrology.listInstruments.queryOptions({
      ownerLabId: labId,
      dueBefore: addDays(today, 30),
      limit: LIMIT,
    }),
  )
  const lab = useQuery(trpc.accreditation.getLab.queryOptions({ labId }))
  return (
    <div className="queues">
      <Queue
        id="reports"
        title="home.lab.reports"
        query={reports}
        rows={(data: {
          total: number
          items: Array<{ reportNo: string; productName: string; issuedOn: string; status: string }>
        }) => ({
          total: data.total,
          rows: data.items.map((r) => ({
            key: r.reportNo,
            to: `/lab-portal?amend=${encodeURIComponent(r.reportNo)}`,
            label: r.reportNo,
            detail: `${r.productName} · ${r.issuedOn}`,
            status: r.status,
          })),
        })}
        action={<Link to="/lab-portal">{t('home.lab.newReport')}</Link>}
      />
      <Queue
        id="calibrations"
        title="home.calibrationsDue"
        query={due}
        rows={(data: {
          total: number
          items: Array<{ instrumentId: string; name: string; dueOn: string | null; status: string }>
        }) => ({
          total: data.total,
          rows: data.items.map((i) => ({
            key: i.instrumentId,
            to: `/instruments?q=${encodeURIComponent(i.instrumentId)}`,
            label: `${i.instrumentId} ${i.name}`,
            detail: t('home.dueOn', { date: i.dueOn ?? '—' }),
            status: i.status,
          })),
        })}
      />
      <Queue
        id="scope"
        title="home.lab.scope"
        query={lab}
        rows={(data: {
          accreditation: { accreditationNo: string; validUntil: string; status: string } | null
        }) => {
          const a = data.accreditation
          const soon = a !== null && a.validUntil <= addDays(today, 180)
          return {
            total: soon ? 1 : 0,
            rows:
              soon && a
                ? [
                    {
                      key: a.accreditationNo,
                      to: `/labs/${encodeURIComponent(labId)}`,
                      label: a.accreditationNo,
                      detail: t('home.validUntil', { date: a.validUntil }),
                      status: a.status,
                    },
                  ]
                : [],
          }
        }}
      />
    </div>
  )
}

type CertRow = {
  certificateNo: string
  product: { name: string }
  holder: { name: string }
  status: string
  expiresOn: string
}
const certRows = (data: { total: number; items: CertRow[] }) => ({
  total: data.total,
  rows: data.items.map((c) => ({
    key: c.certificateNo,
    to: certificatePath(c.certificateNo),
    label: c.certificateNo,
    detail: `${c.product.name} · ${c.holder.name}`,
    status: c.status,
  })),
})

function CertificationBodyHome({ bodyId }: { bodyId: string }) {
  const trpc = useTRPC()
  const { t } = useI18n()
  const reports = useQuery(trpc.testing.listReports.queryOptions({ status: 'valid', limit: LIMIT }))
  const review = useQuery(
    trpc.certification.list.queryOptions({ bodyId, status: 'under_review', limit: LIMIT }),
  )
  const suspended = useQuery(
    trpc.certification.list.queryOptions({ bodyId, status: 'suspended', limit: LIMIT }),
  )
  return (
    <div className="queues">
      <Queue
        id="awaiting"
        title="home.cb.awaiting"
        query={reports}
        rows={(data: {
          total: number
          items: Array<{ reportNo: string; productName: string; labId: string; conformity: string }>
        }) => ({
          total: data.total,
          rows: data.items.map((r) => ({
            key: r.reportNo,
            to: `/certificates?issueFrom=${encodeURIComponent(r.reportNo)}`,
            label: r.reportNo,
            detail: `${r.productName} · ${r.labId}`,
          })),
        })}
        action={<Link to="/certificates?issue=1">{t('certs.issue')}</Link>}
      />
      <Queue id="review" title="home.cb.review" query={review} rows={certRows} />
      <Queue id="suspended" title="home.cb.suspended" query={suspended} rows={certRows} />
    </div>
  )
}

type StandardRow = { key: string; code: string; version: string; titleZh: string; status: string }
const standardRows = (data: { total: number; items: StandardRow[] }) => ({
  total: data.total,
  rows: data.items.map((s) => ({
    key: s.key,
    to: standardPath(s.code, s.version),
    label: s.key,
    detail: s.titleZh,
    status: s.status,
  })),
})

function InstituteHome() {
  const trpc = useTRPC()
  const { t } = useI18n()
  const drafts = useQuery(trpc.standards.list.queryOptions({ status: 'draft', limit: LIMIT }))
  const published = useQuery(trpc.standards.list.queryOptions({ status: 'published', limit: LIMIT }))
  const superseded = useQuery(trpc.standards.list.queryOptions({ status: 'superseded', limit: LIMIT }))
  return (
    <div className="queues">
      <Queue
        id="drafts"
        title="home.si.drafts"
        query={drafts}
        rows={standardRows}
        action={<Link to="/standards?new=1">{t('home.si.draftNew')}</Link>}
      />
      <Queue id="published" title="home.si.published" query={published} rows={standardRows} />
      <Queue id="superseded" title="home.si.superseded" query={superseded} rows={standardRows} />
    </div>
  )
}

function RegulatorHome() {
  const trpc = useTRPC()
  const { t } = useI18n()
  const recalls = useQuery(trpc.industrialization.listRecalls.queryOptions({ limit: LIMIT }))
  const labs = useQuery(trpc.accreditation.listLabs.queryOptions({ limit: 200 }))
  const review = useQuery(trpc.certification.list.queryOptions({ status: 'under_review', limit: LIMIT }))
  const licences = useQuery(
    trpc.industrialization.listLicences.queryOptions({
      expiresBefore: addDays(todayIso(), 90),
      limit: LIMIT,
    }),
  )
  return (
    <div className="queues">
      <Queue
        id="licences"
        title="home.reg.licences"
        query={licences}
        rows={(data: {
          total: number
          items: Array<{
            licenceNo: string
            enterpriseName: string | null
            enterpriseId: string
            productCategory: string
            expiresOn: string
            status: string
          }>
        }) => ({
          total: data.total,
          rows: data.items.map((l) => ({
            key: l.licenceNo,
            to: `/registry?enterprises.q=${encodeURIComponent(l.enterpriseId)}`,
            label: `${l.licenceNo} · ${l.enterpriseName ?? l.enterpriseId}`,
            detail: `${l.productCategory} · ${t('home.dueOn', { date: l.expiresOn })}`,
            status: l.status,
          })),
        })}
      />
      <Queue
        id="recalls"
        title="home.reg.recalls"
        query={recalls}
        rows={(data: {
          total: number
          items: Array<{ recallId: string; productId: string; reason: string; announcedOn: string }>
        }) => ({
          total: data.total,
          rows: data.items.map((r) => ({
            key: r.recallId,
            to: `/lineage?kind=product&id=${encodeURIComponent(r.productId)}`,
            label: `${r.recallId} · ${r.productId}`,
            detail: `${r.announcedOn} · ${r.reason}`,
          })),
        })}
        action={<Link to="/registry">{t('home.reg.registry')}</Link>}
      />
      <Queue
        id="labs"
        title="home.reg.flaggedLabs"
        query={labs}
        rows={(data: {
          items: Array<{ labId: string; name: string; status: string; validUntil: string | null }>
        }) => {
          const flagged = data.items.filter((l) => l.status !== 'active' && l.status !== 'not_accredited')
          return {
            total: flagged.length,
            rows: flagged.slice(0, LIMIT).map((l) => ({
              key: l.labId,
              to: `/labs/${encodeURIComponent(l.labId)}`,
              label: l.name,
              detail: l.labId,
              status: l.status,
            })),
          }
        }}
      />
      <Queue id="review" title="home.cb.review" query={review} rows={certRows} />
    </div>
  )
}

function MetrologyHome() {
  const trpc = useTRPC()
  const { t } = useI18n()
  const due = useQuery(
    trpc.metrology.listInstruments.queryOptions({ dueBefore: addDays(todayIso(), 30), limit: LIMIT }),
  )
  return (
    <div className="queues">
      <Queue
        id="calibrations"
        title="home.calibrationsDue"
        query={due}
        rows={(data: {
          total: number
          items: Array<{
            instrumentId: string
            name: string
            ownerLabId: string
            dueOn: string | null
            status: string
          }>
        }) => ({
          total: data.total,
          rows: data.items.map((i) => ({
            key: i.instrumentId,
            to: `/instruments?q=${encodeURIComponent(i.instrumentId)}`,
            label: `${i.instrumentId} ${i.name}`,
            detail: `${i.ownerLabId} · ${t('home.dueOn', { date: i.dueOn ?? '—' })}`,
            status: i.status,
          })),
        })}
        action={<Link to="/instruments">{t('home.met.instruments')}</Link>}
      />
    </div>
  )
}

function EnterpriseHome({ enterpriseId }: { enterpriseId: string }) {
  const trpc = useTRPC()
  const { t } = useI18n()
  const products = useQuery(trpc.industrialization.listProducts.queryOptions({ enterpriseId, limit: LIMIT }))
  const certificates = useQuery(
    trpc.certification.list.queryOptions({ holderId: enterpriseId, limit: LIMIT }),
  )
  const recalls = useQuery(trpc.industrialization.listRecalls.queryOptions({ enterpriseId, limit: LIMIT }))
  return (
    <div className="queues">
      <Queue
        id="products"
        title="home.ent.products"
        query={products}
        rows={(data: {
          total: number
          items: Array<{ productId: string; name: string; model: string }>
        }) => ({
          total: data.total,
          rows: data.items.map((p) => ({
            key: p.productId,
            to: `/lineage?kind=product&id=${encodeURIComponent(p.productId)}`,
            label: `${p.productId} ${p.name}`,
            detail: p.model,
          })),
        })}
        action={<Link to="/registry">{t('home.ent.register')}</Link>}
      />
      <Queue id="certificates" title="home.ent.certificates" query={certificates} rows={certRows} />
      <Queue
        id="recalls"
        title="home.reg.recalls"
        query={recalls}
        rows={(data: {
          total: number
          items: Array<{ recallId: string; productId: string; announcedOn: string }>
        }) => ({
          total: data.total,
          rows: data.items.map((r) => ({
            key: r.recallId,
            to: `/lineage?kind=product&id=${encodeURIComponent(r.productId)}`,
            label: `${r.recallId} · ${r.productId}`,
            detail: r.announcedOn,
          })),
        })}
      />
    </div>
  )
}

export function HomePage() {
  const { t, term } = useI18n()
  const { actor } = useAuth()
  if (!actor) return null
  let body: ReactNode
  switch (actor.role) {
    case 'lab':
      body = <LabHome labId={actor.org} />
      break
    case 'certification_body':
      body = <CertificationBodyHome bodyId={actor.org} />
      break
    case 'standards_institute':
      body = <InstituteHome />
      break
    case 'regulator':
    case 'admin':
      body = <RegulatorHome />
      break
    case 'metrology_institute':
      body = <MetrologyHome />
      break
    case 'enterprise':
      body = <EnterpriseHome enterpriseId={actor.org} />
      break
  }
  return (
    <>
      <PageHeader title={t('home.title', { org: actor.orgName })}>
        <span className="muted">{term(actor.role)}</span>
      </PageHeader>
      <div data-testid={`home-${actor.role}`}>{body}</div>
    </>
  )
}
