/**
 * Error text in the Chinese UI: every message a user sees after a refused submit is Chinese (no
 * English words, no rule ids or codes), stale messages go once the field is changed, and a
 * successful submit says so where the user is looking and gives a fresh form.
 */
import type { TestServer } from '@qi/api/testing'
import { startTestServer } from '@qi/api/testing'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openBrowser, type Session, signIn, UI_TIMEOUT } from './browser'

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

const isoDay = (date: Date) => date.toISOString().slice(0, 10)
const daysFromToday = (days: number) => isoDay(new Date(Date.now() + days * 86_400_000))

/** Visible error text, minus the identifiers it quotes (standard codes, numbers), which are names. */
async function errorTexts(): Promise<string[]> {
  const texts = await page.locator('.error-box, .field-errors').allInnerTexts()
  return texts.map((text) => text.trim()).filter((text) => text !== '')
}

function withoutIdentifiers(text: string): string {
  return text.replace(/GB\/T \d[\d.]*(-\d{4})?( §?[\d.]+)?/g, '').replace(/CNAS L\d+|HBQI[-\w]*/g, '')
}

describe('errors in the Chinese UI', () => {
  it(
    'words client-side and rule errors in Chinese, clears stale ones, and confirms a report in view',
    TEST,
    async () => {
      await signIn(page, server.keyFor('HBQI'))
      await page.getByTestId('nav-lab-portal').click()
      await page.getByTestId('report-form').waitFor()
      await expect
        .poll(() => page.getByTestId('report-labId').inputValue(), { timeout: UI_TIMEOUT })
        .toBe('HBQI')

      // An empty submit: every field says what is missing, in Chinese.
      await page.getByTestId('report-submit').click()
      await page.getByTestId('report-reportNo-errors').waitFor()
      const empty = await errorTexts()
      expect(empty.length).toBeGreaterThan(3)
      for (const text of empty) expect(text, text).not.toMatch(/[A-Za-z]/)

      // A method outside the scope: refused by the server, worded from the rule id in Chinese.
      const fields: Record<string, string> = {
        'report-reportNo': 'HBQI-ZH-0001',
        'report-signatory': '授权签字人 张伟',
        'report-customer-name': '武汉美家电器有限公司',
        'report-sample-productName': '电热水壶',
        'report-sample-model': 'MJ-17',
        'report-testedFrom': daysFromToday(-3),
        'report-testedTo': daysFromToday(-2),
        'report-issuedOn': daysFromToday(-1),
        'report-results-0-method-standardCode': 'GB/T 1591',
        'report-results-0-method-standardVersion': '2008',
        'report-results-0-method-clause': '6.4',
        'report-results-0-parameter': '屈服强度',
        'report-results-0-value': '355',
        'report-results-0-unit': 'MPa',
        'report-instrumentIds-0': 'HBQI-TH-07',
      }
      for (const [testId, value] of Object.entries(fields)) await page.getByTestId(testId).fill(value)
      await page.getByTestId('report-submit').click()
      const methodErrors = page.getByTestId('report-results-0-method-errors')
      await methodErrors.waitFor()
      await page.locator('[data-testid="report-error"][data-rule="method-in-scope"]').waitFor()
      const refused = await errorTexts()
      expect(refused.length).toBeGreaterThan(0)
      for (const text of refused) {
        expect(text).not.toContain('method-in-scope')
        expect(withoutIdentifiers(text), text).not.toMatch(/[A-Za-z]/)
      }

      // Changing the method makes its message stale: it goes at once.
      await page.getByTestId('report-results-0-method-standardVersion').fill('2018')
      await methodErrors.waitFor({ state: 'detached' })

      // A valid report: the confirmation comes into view with a link, the form starts afresh.
      await page.getByTestId('report-submit').click()
      const issued = page.getByTestId('report-issued')
      await issued.filter({ hasText: 'HBQI-ZH-0001' }).waitFor()
      await expect.poll(() => issued.evaluate((el) => el === document.activeElement)).toBe(true)
      expect(await issued.locator('a').count()).toBe(1)
      expect(await page.getByTestId('report-reportNo').inputValue()).toBe('')
      expect(await page.getByTestId('report-submit').textContent()).toBe('签发报告')
      expect(await page.locator('.error-box').count()).toBe(0)
    },
  )

  it('says a refused key in Chinese, without the code', TEST, async () => {
    await page.getByTestId('signout').click()
    await page.getByTestId('signin-key').fill('qi_lab_not-a-real-key')
    await page.getByTestId('signin-submit').click()
    const box = page.getByTestId('error')
    await box.waitFor()
    const text = (await box.textContent()) ?? ''
    expect(text).not.toContain('UNAUTHORIZED')
    expect(text.replace(/API/g, '')).not.toMatch(/[A-Za-z]/)
  })
})
