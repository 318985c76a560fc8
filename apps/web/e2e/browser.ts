/**
 * Browser helpers for the end-to-end tests: Debian's Chromium through playwright-core (no browser
 * download is possible here), a fresh profile per session, and sign-in by pasting an API key.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type BrowserContext, chromium, type Page } from 'playwright-core'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Flags from STACK.md: without the background-networking ones Chromium floods the closed network. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export const VIEWPORT = { width: 1280, height: 800 }

/** Bounded waits for anything the UI does (the test machine is a busy 2-core box). */
export const UI_TIMEOUT = 30_000

export type Language = 'zh-CN' | 'en'

export interface Session {
  context: BrowserContext
  page: Page
  /** What the browser blocked under the API's content security policy (should stay empty). */
  cspViolations: string[]
  close(): Promise<void>
}

/** A fresh Chromium with its own temporary profile, the UI language fixed before the app loads. */
export async function openBrowser(baseUrl: string, lang: Language = 'en'): Promise<Session> {
  const profile = mkdtempSync(join(tmpdir(), 'qi-e2e-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: VIEWPORT,
    baseURL: baseUrl,
    locale: lang,
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
  })
  context.setDefaultTimeout(UI_TIMEOUT)
  context.setDefaultNavigationTimeout(UI_TIMEOUT)
  await context.addInitScript((language: string) => {
    try {
      if (!localStorage.getItem('qi.lang')) localStorage.setItem('qi.lang', language)
    } catch {
      // no storage on about:blank
    }
  }, lang)
  const cspViolations: string[] = []
  context.on('console', (message) => {
    if (/Content[ -]Security[ -]Policy/i.test(message.text())) cspViolations.push(message.text())
  })
  const page = context.pages()[0] ?? (await context.newPage())
  return {
    context,
    page,
    cspViolations,
    async close() {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

/** Signs in through the sign-in page by pasting a key; resolves once the top bar names the org. */
export async function signIn(page: Page, apiKey: string, orgName?: string): Promise<void> {
  await page.goto('/')
  await page.getByTestId('signin-key').fill(apiKey)
  await page.getByTestId('signin-submit').click()
  const actor = page.getByTestId('actor')
  await actor.waitFor()
  if (orgName) await actor.filter({ hasText: orgName }).waitFor()
}

/** Picks the UI language with the top bar's switch (it is kept in localStorage for later pages). */
export async function setLanguage(page: Page, lang: Language): Promise<void> {
  if (!page.url().startsWith('http')) await page.goto('/')
  await page.getByTestId('lang-switch').selectOption(lang)
  await page.locator(`html[lang="${lang}"]`).waitFor({ state: 'attached' })
}

export async function signOut(page: Page): Promise<void> {
  await page.getByTestId('signout').click()
  await page.getByTestId('signin-key').waitFor()
}

const here = dirname(fileURLToPath(import.meta.url))
/**
 * Every e2e run takes the screenshots; they land in test-results/screenshots (ignored by git), and in
 * docs/screenshots — the ones the README shows — only with QI_UPDATE_SCREENSHOTS=1, so an ordinary
 * test run leaves the work tree clean.
 */
export const SCREENSHOT_DIR =
  process.env.QI_UPDATE_SCREENSHOTS === '1'
    ? join(here, '..', '..', '..', 'docs', 'screenshots')
    : join(here, '..', '..', '..', 'test-results', 'screenshots')

/** Saves the visible page (1280×800) as <SCREENSHOT_DIR>/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  // Let fonts and lazy chunks settle so the picture shows the page, not a half-drawn frame — with
  // Chinese in the shipped font (Noto Sans SC), not whatever the machine has.
  await page.waitForFunction(() =>
    [...document.fonts].some(
      (font) => font.family.replaceAll('"', '') === 'Noto Sans SC' && font.status === 'loaded',
    ),
  )
  await page.evaluate(() => document.fonts.ready.then(() => undefined))
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), type: 'png' })
}

const require = createRequire(import.meta.url)
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  targets: string[]
}

/**
 * Runs axe-core (WCAG 2.x A and AA rules) on the page as it is and returns the serious and critical
 * violations, each with the elements it found.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(() => document.fonts.ready.then(() => undefined))
  // Evaluated through the DevTools protocol, not as an inline <script>: the API's CSP
  // (script-src 'self') rightly refuses inline scripts, and the tests keep it on.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE)
  const violations = await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected at run time
    const axe = (window as any).axe
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    })
    return result.violations.map(
      (v: { id: string; impact: string | null; help: string; nodes: Array<{ target: string[] }> }) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
      }),
    )
  })
  return (violations as AxeViolation[]).filter((v) => v.impact === 'serious' || v.impact === 'critical')
}
