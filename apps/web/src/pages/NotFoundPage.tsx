import { Link } from 'react-router'
import { useI18n } from '../i18n/context'

export function NotFoundPage() {
  const { t } = useI18n()
  return (
    <section className="card narrow">
      <h1>{t('notFound.title')}</h1>
      <Link to="/">{t('nav.dashboard')}</Link>
    </section>
  )
}
