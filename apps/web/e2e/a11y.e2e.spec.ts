/**
 * Accessibility: axe-core on every page, in Chinese, as the role that uses it — no serious or
 * critical violation (contrast, labels, ARIA, names).
 */
import type { TestServer } from '@qi/api/testing'
import { startTestServer } from '@qi/api/testing'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openBrowser, type Session, seriousAxeViolations, signIn, signOut } from './browser'

const TEST = { timeout: 240_000 }
const HOOK = 120_000

let server: TestServer
let session: Session
let page: Page

beforeAll(async () => {
  server = await startTestServer()
  session = await openBrowser(server.url, 'zh-CN')
  page = session.page
}, HOOK)

afterAll(async () => {
  await session?.close()
  await server?.close()
}, HOOK)

/** Opens a page, waits for what shows it has loaded, and returns axe's serious findings. */
async function audit(path: string, ready: string): Promise<string[]> {
  await page.goto(path)
  await page.locator(ready).first().waitFor()
  await page
    .getByTestId('loading')
    .waitFor({ state: 'detached' })
    .catch(() => undefined)
  const found = await seriousAxeViolations(page)
  return found.map((v) => `${path} ${v.id} (${v.impact}): ${v.help} → ${v.targets.join(' | ')}`)
}

describe('accessibility (axe-core, WCAG 2.1 AA)', () => {
  it('finds no serious or critical violation on any page', TEST, async () => {
    const problems: string[] = []
    problems.push(...(await audit('/verify/CCC-2024-0107044', '[data-testid="verify-status"]')))
    problems.push(...(await audit('/', '[data-testid="signin-key"]')))

    await signIn(page, server.keyFor('HBSI'))
    problems.push(...(await audit('/', '[data-testid="home-standards_institute"] .queue')))
    problems.push(...(await audit('/dashboard', '[data-testid^="kpi-"]')))
    problems.push(...(await audit('/standards?new=1', '[data-testid="std-draft-form"]')))
    problems.push(
      ...(await audit(
        `/standards/${encodeURIComponent('GB/T 1591')}/2018`,
        '[data-testid="supersession-chain"]',
      )),
    )
    problems.push(...(await audit('/labs', 'table')))
    problems.push(...(await audit('/labs/HBQI', '[data-testid="scope-table"]')))
    problems.push(...(await audit('/certificates', 'table')))
    problems.push(...(await audit('/certificates/CCC-2024-0107044', '[data-testid="certificate-history"]')))
    problems.push(...(await audit('/lineage?kind=product&id=MJ-17', '.react-flow__node')))
    problems.push(
      ...(await audit(
        `/impact?kind=standard&code=${encodeURIComponent('GB 4706.1')}&version=2005`,
        '[data-testid^="impact-"]',
      )),
    )
    problems.push(...(await audit('/registry', '[data-testid="enterprise-table"]')))
    problems.push(...(await audit('/instruments', '[data-testid="instrument-table"]')))
    await signOut(page)

    await signIn(page, server.keyFor('HBQI'))
    problems.push(...(await audit('/', '[data-testid="home-lab"] .queue')))
    problems.push(...(await audit('/lab-portal', '[data-testid="report-form"]')))
    await page.getByTestId('report-submit').click()
    await page.getByTestId('report-reportNo-errors').waitFor()
    problems.push(
      ...(await seriousAxeViolations(page)).map(
        (v) => `/lab-portal (errors) ${v.id}: ${v.targets.join(' | ')}`,
      ),
    )
    await signOut(page)

    await signIn(page, server.keyFor('CQC-WH'))
    problems.push(...(await audit('/certificates?issue=1', '[data-testid="certificate-issue-form"]')))
    await signOut(page)

    await signIn(page, server.keyFor('HBAMR'))
    problems.push(...(await audit('/', '[data-testid="home-regulator"] .queue')))
    problems.push(...(await audit('/registry', '[data-testid="enterprise-register-form"]')))
    problems.push(...(await audit('/events', '[data-testid="events-search"]')))
    problems.push(...(await audit('/licensing', '[data-testid="licensing-deadlines"]')))
    // The regulator restores a suspended lab's accreditation from the lab's page (WHQT is suspended
    // in the demo data); the date as the server's calendar has it.
    problems.push(...(await audit('/labs/WHQT', '[data-testid="accreditation-actions"]')))
    await page.getByTestId('accreditation-actions').locator('summary').click()
    await page.getByTestId('accreditation-restore-on').fill(new Date().toISOString().slice(0, 10))
    await page.getByTestId('accreditation-restore-reason').fill('整改完成，经评审恢复认可')
    await page.getByTestId('accreditation-restore-submit').click()
    await page.getByTestId('accreditation-restore-done').waitFor()
    problems.push(
      ...(await seriousAxeViolations(page)).map(
        (v) => `/labs/WHQT (restored) ${v.id}: ${v.targets.join(' | ')}`,
      ),
    )
    await signOut(page)

    await signIn(page, server.keyFor('HBMI'))
    problems.push(...(await audit('/instruments', '[data-testid="calibrate-form"]')))
    await signOut(page)

    await signIn(page, server.keyFor('91420100MA4K0MJ003'))
    problems.push(...(await audit('/', '[data-testid="home-enterprise"] .queue')))
    problems.push(...(await audit('/registry', '[data-testid="product-register-form"]')))
    await signOut(page)

    expect(problems).toEqual([])
  })
})
