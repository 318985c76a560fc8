/**
 * Numbers as people type them: any case, stray spaces, a standard code with its year — the public
 * verification, the lineage and the impact analysis find them; impact results export as CSV.
 */
import { readFileSync } from 'node:fs'
import type { TestServer } from '@qi/api/testing'
import { startTestServer } from '@qi/api/testing'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openBrowser, type Session, signIn, signOut } from './browser'

const TEST = { timeout: 180_000 }
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

describe('forgiving identifiers', () => {
  it('verifies a certificate typed in lower case with spaces', TEST, async () => {
    await page.goto('/verify')
    await page.getByTestId('verify-number').fill('  ccc-2024-0107044 ')
    await page.getByTestId('verify-submit').click()
    await page.locator('[data-testid="verify-status"][data-status="suspended"]').waitFor()
    await page.getByTestId('verify-result').filter({ hasText: 'CCC-2024-0107044' }).waitFor()
  })

  it(
    'traces mj-30, and finds the impact of a standard typed with its year, exported as CSV',
    TEST,
    async () => {
      await signIn(page, server.keyFor('HBSI'))
      await page.getByTestId('nav-lineage').click()
      await page.getByTestId('lineage-kind').selectOption('product')
      await page.getByTestId('lineage-id').fill('mj-30')
      await page.getByTestId('lineage-submit').click()
      await page
        .getByTestId('lineage-graph')
        .locator('.react-flow__node', { hasText: 'MJ-30' })
        .first()
        .waitFor()

      await page.getByTestId('nav-impact').click()
      await page.getByTestId('impact-code').fill('GB 4706.1-2005')
      await page.getByTestId('impact-version').fill('')
      await page.getByTestId('impact-submit').click()
      await page.getByTestId('impact-certificates').locator('li').first().waitFor()
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('impact-csv').click(),
      ])
      const path = await download.path()
      const csv = readFileSync(path, 'utf8')
      expect(csv.split('\r\n')[0]).toBe('\uFEFFgroup,id,label,status')
      expect(csv).toContain('certificates,')

      // Lists page on the server and search width- and case-insensitively.
      await page.getByTestId('nav-certificates').click()
      await page.getByTestId('certs-total').filter({ hasText: '共' }).waitFor()
      await page.getByTestId('certs-search').fill('ｃｃｃ-2024-0107044')
      await page.locator('table tbody tr').filter({ hasText: 'CCC-2024-0107044' }).waitFor()
      await expect.poll(() => page.locator('table tbody tr').count()).toBe(1)
      await signOut(page)
    },
  )

  it('a lab amends a report from its home queue, the form starting from the old one', TEST, async () => {
    await signIn(page, server.keyFor('HBQI'))
    const queue = page.getByTestId('queue-reports')
    const first = queue.locator('.queue-list a').first()
    await first.waitFor()
    const previous = (await first.textContent())?.trim() ?? ''
    await first.click()
    await page.getByTestId('report-amend-reason').waitFor()
    // Everything but the new number comes from the report being replaced.
    await expect.poll(() => page.getByTestId('report-signatory').inputValue()).not.toBe('')
    expect(await page.getByTestId('report-reportNo').inputValue()).toBe('')
    await page.getByTestId('report-reportNo').fill(`${previous}-A1`)
    await page.getByTestId('report-amend-reason').fill('更正样品型号笔误')
    await page.getByTestId('report-submit').click()
    await page
      .getByTestId('report-issued')
      .filter({ hasText: `${previous}-A1` })
      .waitFor()
    await page.locator(`[data-testid="report-status-${previous}"][data-status="amended"]`).waitFor()
    await signOut(page)
  })
})
