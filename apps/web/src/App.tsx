import { lazy, type ReactNode, Suspense } from 'react'
import { Route, Routes, useLocation } from 'react-router'
import { useAuth } from './auth'
import { Shell, type ShellNavItem } from './components/Shell'
import { Loading } from './components/ui'
import { useI18n } from './i18n/context'
import { can } from './lib/permissions'
import { isPublicPath } from './lib/stored-key'
import { SignInPage } from './pages/SignInPage'
import { VerifyPage } from './pages/VerifyPage'

/*
 * Every page but sign-in and public verification loads on demand: the verify page a QR code opens
 * gets neither zod (the forms' schemas) nor React Flow (the lineage graph).
 */
const CertificatePage = lazy(() =>
  import('./pages/CertificatePage').then((m) => ({ default: m.CertificatePage })),
)
const CertificatesPage = lazy(() =>
  import('./pages/CertificatesPage').then((m) => ({ default: m.CertificatesPage })),
)
const DashboardPage = lazy(() => import('./pages/DashboardPage').then((m) => ({ default: m.DashboardPage })))
const EventsPage = lazy(() => import('./pages/EventsPage').then((m) => ({ default: m.EventsPage })))
const HomePage = lazy(() => import('./pages/HomePage').then((m) => ({ default: m.HomePage })))
const ImpactPage = lazy(() => import('./pages/ImpactPage').then((m) => ({ default: m.ImpactPage })))
const InstrumentsPage = lazy(() =>
  import('./pages/InstrumentsPage').then((m) => ({ default: m.InstrumentsPage })),
)
const LabPage = lazy(() => import('./pages/LabPage').then((m) => ({ default: m.LabPage })))
const LabPortalPage = lazy(() => import('./pages/LabPortalPage').then((m) => ({ default: m.LabPortalPage })))
const LabsPage = lazy(() => import('./pages/LabsPage').then((m) => ({ default: m.LabsPage })))
const LicensingPage = lazy(() => import('./pages/LicensingPage').then((m) => ({ default: m.LicensingPage })))
const LineagePage = lazy(() => import('./pages/LineagePage').then((m) => ({ default: m.LineagePage })))
const NotFoundPage = lazy(() => import('./pages/NotFoundPage').then((m) => ({ default: m.NotFoundPage })))
const ReportPage = lazy(() => import('./pages/ReportPage').then((m) => ({ default: m.ReportPage })))
const RegistryPage = lazy(() => import('./pages/RegistryPage').then((m) => ({ default: m.RegistryPage })))
const StandardPage = lazy(() => import('./pages/StandardPage').then((m) => ({ default: m.StandardPage })))
const StandardsPage = lazy(() => import('./pages/StandardsPage').then((m) => ({ default: m.StandardsPage })))

interface NavItem extends ShellNavItem {
  show?: (role: ReturnType<typeof useAuth>['role']) => boolean
}

const NAV: NavItem[] = [
  { to: '/', label: 'nav.home', testId: 'nav-home' },
  { to: '/dashboard', label: 'nav.dashboard', testId: 'nav-dashboard' },
  { to: '/standards', label: 'nav.standards', testId: 'nav-standards' },
  { to: '/labs', label: 'nav.labs', testId: 'nav-labs' },
  {
    to: '/lab-portal',
    label: 'nav.labPortal',
    testId: 'nav-lab-portal',
    show: (role) => can(role, 'report.issue'),
  },
  { to: '/certificates', label: 'nav.certificates', testId: 'nav-certificates' },
  { to: '/registry', label: 'nav.registry', testId: 'nav-registry' },
  { to: '/instruments', label: 'nav.instruments', testId: 'nav-instruments' },
  {
    to: '/licensing',
    label: 'nav.licensing',
    testId: 'nav-licensing',
    show: (role) => ['regulator', 'enterprise', 'lab', 'metrology_institute', 'admin'].includes(role ?? ''),
  },
  { to: '/lineage', label: 'nav.lineage', testId: 'nav-lineage' },
  { to: '/impact', label: 'nav.impact', testId: 'nav-impact' },
  {
    to: '/events',
    label: 'nav.events',
    testId: 'nav-events',
    show: (role) => role === 'admin' || role === 'regulator',
  },
  { to: '/verify', label: 'nav.verify', testId: 'nav-verify' },
]

function TopBarWho() {
  const { t, term } = useI18n()
  const auth = useAuth()
  if (!auth.actor) return null
  return (
    <>
      <span className="actor" data-testid="actor" title={auth.actor.userId}>
        {auth.actor.orgName} · {term(auth.actor.role)}
      </span>
      <button type="button" className="link-button" onClick={auth.signOut} data-testid="signout">
        {t('auth.signOut')}
      </button>
    </>
  )
}

function SignedInRoutes() {
  return (
    <Routes>
      <Route path="/" element={<HomePage />} />
      <Route path="/dashboard" element={<DashboardPage />} />
      <Route path="/standards" element={<StandardsPage />} />
      <Route path="/standards/:code/:version" element={<StandardPage />} />
      <Route path="/labs" element={<LabsPage />} />
      <Route path="/labs/:labId" element={<LabPage />} />
      <Route path="/lab-portal" element={<LabPortalPage />} />
      <Route path="/certificates" element={<CertificatesPage />} />
      <Route path="/registry" element={<RegistryPage />} />
      <Route path="/reports/:reportNo" element={<ReportPage />} />
      <Route path="/instruments" element={<InstrumentsPage />} />
      <Route path="/certificates/:number" element={<CertificatePage />} />
      <Route path="/licensing" element={<LicensingPage />} />
      <Route path="/lineage" element={<LineagePage />} />
      <Route path="/impact" element={<ImpactPage />} />
      <Route path="/events" element={<EventsPage />} />
      <Route path="/verify" element={<VerifyPage />} />
      <Route path="/verify/:number" element={<VerifyPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  )
}

export function App() {
  const auth = useAuth()
  const location = useLocation()
  const isPublic = isPublicPath(location.pathname)
  let content: ReactNode
  if (isPublic && !auth.actor) {
    content = (
      <Routes>
        <Route path="/verify" element={<VerifyPage />} />
        <Route path="/verify/:number" element={<VerifyPage />} />
      </Routes>
    )
  } else if (auth.checking) {
    content = <Loading />
  } else if (!auth.actor) {
    content = <SignInPage />
  } else {
    content = (
      <Suspense fallback={<Loading />}>
        <SignedInRoutes />
      </Suspense>
    )
  }
  const nav = NAV.filter((item) => (auth.actor ? (item.show?.(auth.role) ?? true) : item.to === '/verify'))
  return (
    <Shell nav={nav} who={<TopBarWho />}>
      {content}
    </Shell>
  )
}
