import { type FormEvent, useState } from 'react'
import { Link } from 'react-router'
import { useAuth } from '../auth'
import { ErrorBox } from '../components/ui'
import { useI18n } from '../i18n/context'

export function SignInPage() {
  const { t } = useI18n()
  const auth = useAuth()
  const [key, setKey] = useState('')
  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (key.trim()) auth.signIn(key)
  }
  return (
    <section className="card narrow">
      <h1>{t('auth.title')}</h1>
      <p className="muted">{t('auth.help')}</p>
      <form onSubmit={submit} className="stack">
        <label className="field">
          <span>{t('auth.apiKey')}</span>
          <input
            type="password"
            autoComplete="off"
            placeholder="qi_lab_…"
            value={key}
            onChange={(event) => setKey(event.target.value)}
            data-testid="signin-key"
          />
        </label>
        <button type="submit" className="primary" disabled={!key.trim()} data-testid="signin-submit">
          {t('auth.signIn')}
        </button>
      </form>
      {auth.apiKey && auth.error ? <ErrorBox error={auth.error} /> : null}
      <p>
        <Link to="/verify">{t('auth.verifyWithoutSignIn')}</Link>
      </p>
    </section>
  )
}
