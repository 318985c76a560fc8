/**
 * Every role's main task, driven through the Chinese UI only, picking rather than typing ids:
 * the institute publishes and supersedes a standard, metrology calibrates an instrument, the
 * regulator registers an enterprise and grants it a licence, an enterprise registers a product (on a
 * phone), a lab records a report on it picking product, method and instrument, a certification body
 * issues a certificate from that report, the institute sees its lineage and impact, and the public
 * verifies it from the URL in the QR code. Each page passes axe-core with no serious violation.
 */
import type { TestServer } from '@qi/api/testing'
import { startTestServer } from '@qi/api/testing'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openBrowser, type Session, seriousAxeViolations, signIn, signOut, VIEWPORT } from './browser'

const TEST = { timeout: 240_000 }
const HOOK = 120_000

const isoDay = (date: Date) => date.toISOString().slice(0, 10)
const daysFromToday = (days: number) => isoDay(new Date(Date.now() + days * 86_400_000))

const KETTLE_MAKER = { id: '91420100MA4K0MJ003', name: '武汉美家电器有限公司' }
const NEW_ENTERPRISE = { id: '91420100MA4K0AB007', name: '武汉恒信电器有限公司' }
const PRODUCT_ID = 'MJ-E2E-9'
const REPORT_NO = 'HBQI-ROLES-0001'
const CERTIFICATE_NO = 'CCC-ROLES-0001'

let server: TestServer
let session: Session
let page: Page

beforeAll(async () => {
  server = await startTestServer()
  // The public address QR codes point at (in production the deployment's QI_PUBLIC_URL).
  process.env.QI_PUBLIC_URL = server.url
  session = await openBrowser(server.url, 'zh-CN')
  page = session.page
}, HOOK)

afterAll(async () => {
  delete process.env.QI_PUBLIC_URL
  await session?.close()
  await server?.close()
}, HOOK)

async function expectAccessible(where: string) {
  const found = await seriousAxeViolations(page)
  expect(found.map((v) => `${where}: ${v.id} → ${v.targets.join(' | ')}`)).toEqual([])
}

/**
 * Chooses the option of a picker whose text contains `text` (whatever its value encodes); a
 * server-paged picker is searched for it first, as a person would type it.
 */
async function pick(testId: string, text: string) {
  const search = page.getByTestId(`${testId}-search`)
  if ((await search.count()) > 0) await search.fill(text)
  const select = page.getByTestId(testId)
  const option = select.locator('option', { hasText: text }).first()
  await option.waitFor({ state: 'attached' })
  const value = await option.getAttribute('value')
  await select.selectOption(value ?? '')
}

async function fill(values: Record<string, string>) {
  for (const [testId, value] of Object.entries(values)) await page.getByTestId(testId).fill(value)
}

async function go(navTestId: string) {
  const toggle = page.getByTestId('menu-toggle')
  if (await toggle.isVisible()) await toggle.click()
  await page.getByTestId(navTestId).click()
}

describe('each role does its daily work in the Chinese UI', () => {
  it('institute publishes and supersedes a standard', TEST, async () => {
    await signIn(page, server.keyFor('HBSI'))
    await page.getByTestId('home-standards_institute').locator('.queue').first().waitFor()
    await expectAccessible('institute home')
    await go('nav-standards')
    await page.getByTestId('standards-manage-toggle').locator('summary').click()
    for (const version of ['2025', '2026']) {
      await fill({
        'std-draft-code': 'DB42/T 9999',
        'std-draft-version': version,
        'std-draft-titleZh': '电热水壶能效评价规范',
        'std-draft-ics': '97.040.50',
      })
      await page.getByTestId('std-draft-submit').click()
      await page
        .getByTestId('std-draft-done')
        .filter({ hasText: `DB42/T 9999-${version}` })
        .waitFor()
      await pick('std-publish-key', `DB42/T 9999-${version}`)
      await fill({
        'std-publish-publishedOn': daysFromToday(-2),
        'std-publish-effectiveFrom': daysFromToday(-1),
      })
      await page.getByTestId('std-publish-submit').click()
      await page
        .getByTestId('std-publish-done')
        .filter({ hasText: `DB42/T 9999-${version}` })
        .waitFor()
    }
    await pick('std-supersede-key', 'DB42/T 9999-2025')
    await pick('std-supersede-replacedBy', 'DB42/T 9999-2026')
    await fill({
      'std-supersede-supersededOn': daysFromToday(0),
      'std-supersede-transitionEndsOn': daysFromToday(365),
    })
    await page.getByTestId('std-supersede-submit').click()
    const done = page.getByTestId('std-supersede-done')
    await done.waitFor()
    await expect.poll(() => done.evaluate((el) => el === document.activeElement)).toBe(true)
    await expectAccessible('standards with forms')
    await done.locator('a').click()
    await page.locator('[data-status="superseded"]').first().waitFor()
    await signOut(page)
  })

  it('metrology calibrates an instrument, picked with its calibration state', TEST, async () => {
    await signIn(page, server.keyFor('HBMI'))
    await page.getByTestId('home-metrology_institute').locator('.queue').first().waitFor()
    await go('nav-instruments')
    await pick('calibrate-instrumentId', 'HBQI-FA-02')
    await fill({
      'calibrate-certificateNo': 'HBMI-E2E-0001',
      'calibrate-calibratedOn': daysFromToday(-1),
      'calibrate-dueOn': daysFromToday(365),
      'calibrate-uncertainty': 'U=0.5 N (k=2)',
    })
    await page.getByTestId('calibrate-submit').click()
    await page.getByTestId('calibrate-done').filter({ hasText: 'HBQI-FA-02' }).waitFor()
    await expect
      .poll(() => page.getByTestId('instrument-status-HBQI-FA-02').getAttribute('data-status'))
      .toBe('valid')
    await expectAccessible('instruments')
    await signOut(page)
  })

  it('regulator registers an enterprise and grants it a licence', TEST, async () => {
    await signIn(page, server.keyFor('HBAMR'))
    await page.getByTestId('home-regulator').locator('.queue').first().waitFor()
    await go('nav-registry')
    await fill({
      'enterprise-register-enterpriseId': NEW_ENTERPRISE.id,
      'enterprise-register-name': NEW_ENTERPRISE.name,
    })
    await page.getByTestId('enterprise-register-industry').selectOption('equipment')
    await page.getByTestId('enterprise-register-submit').click()
    await page.getByTestId('enterprise-register-done').filter({ hasText: NEW_ENTERPRISE.name }).waitFor()
    await page.getByTestId('licence-grant-enterpriseId-search').fill('恒信')
    await pick('licence-grant-enterpriseId', NEW_ENTERPRISE.id)
    await fill({
      'licence-grant-licenceNo': 'XK-E2E-0001',
      'licence-grant-productCategory': '家用电器',
      'licence-grant-grantedOn': daysFromToday(-1),
      'licence-grant-expiresOn': daysFromToday(5 * 365),
    })
    await page.getByTestId('licence-grant-submit').click()
    await page.getByTestId('licence-grant-done').filter({ hasText: 'XK-E2E-0001' }).waitFor()
    await expectAccessible('registry (regulator)')
    await signOut(page)
  })

  it('an enterprise registers a product, on a phone', TEST, async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    try {
      await signIn(page, server.keyFor(KETTLE_MAKER.id))
      await page.getByTestId('home-enterprise').locator('.queue').first().waitFor()
      // The top bar keeps the language switch on a phone.
      expect(await page.getByTestId('lang-switch').isVisible()).toBe(true)
      await go('nav-registry')
      await fill({
        'product-register-productId': PRODUCT_ID,
        'product-register-name': '电热水壶',
        'product-register-model': PRODUCT_ID,
        'product-register-standards': 'GB 4706.1-2005',
      })
      await page.getByTestId('product-register-industry').selectOption('equipment')
      await page.getByTestId('product-register-submit').click()
      await page.getByTestId('product-register-done').filter({ hasText: '电热水壶' }).waitFor()
      await expectAccessible('registry (enterprise, phone)')
      await go('nav-home')
      await page.getByTestId('queue-products').filter({ hasText: PRODUCT_ID }).waitFor()
      await signOut(page)
    } finally {
      await page.setViewportSize(VIEWPORT)
    }
  })

  it('a lab records a report picking product, method and instrument', TEST, async () => {
    await signIn(page, server.keyFor('HBQI'))
    await page.getByTestId('home-lab').locator('.queue').first().waitFor()
    await go('nav-lab-portal')
    await page.getByTestId('report-product-pick-search').fill(PRODUCT_ID.toLowerCase())
    await pick('report-product-pick', PRODUCT_ID)
    await expect.poll(() => page.getByTestId('report-customer-name').inputValue()).toBe(KETTLE_MAKER.name)
    await pick('report-results-0-method-pick', 'GB 4706.1-2005')
    await pick('report-instrument-pick', 'HBQI-TH-07')
    await fill({
      'report-reportNo': REPORT_NO,
      'report-signatory': '授权签字人 张伟',
      'report-results-0-value': '0.11',
      'report-results-0-unit': 'mA',
      'report-testedFrom': daysFromToday(-3),
      'report-testedTo': daysFromToday(-2),
      'report-issuedOn': daysFromToday(-1),
    })
    await page.getByTestId('report-submit').click()
    await page.getByTestId('report-issued').filter({ hasText: REPORT_NO }).waitFor()
    await expectAccessible('lab portal')
    // The report's own page prints as an A4 test report.
    await page.getByRole('link', { name: REPORT_NO, exact: true }).click()
    await page.getByTestId('report-results').last().waitFor()
    await expectAccessible('report page')
    await page.emulateMedia({ media: 'print' })
    try {
      await page.getByTestId('report-document').filter({ hasText: '检验检测报告' }).waitFor()
      expect(await page.locator('.topbar').isVisible()).toBe(false)
    } finally {
      await page.emulateMedia({ media: 'screen' })
    }
    await signOut(page)
  })

  it('a certification body issues a certificate from that report', TEST, async () => {
    await signIn(page, server.keyFor('CQC-WH'))
    await page.getByTestId('home-certification_body').locator('.queue').first().waitFor()
    await go('nav-certificates')
    await page.getByTestId('cert-issue-toggle').click()
    await pick('cert-issue-from-report', REPORT_NO)
    // Everything the report holds is filled in; the body adds its certificate number.
    await expect.poll(() => page.getByTestId('cert-issue-productId').inputValue()).toBe(PRODUCT_ID)
    await expect.poll(() => page.getByTestId('cert-issue-standards').inputValue()).toBe('GB 4706.1-2005')
    await expect.poll(() => page.getByTestId('cert-issue-accreditationNo').inputValue()).not.toBe('')
    // Dates as the server's calendar (UTC) has them: the browser runs in Asia/Shanghai.
    await fill({
      'cert-issue-certificateNo': CERTIFICATE_NO,
      'cert-issue-issuedOn': daysFromToday(0),
      'cert-issue-expiresOn': daysFromToday(5 * 365),
    })
    await expectAccessible('certificate issue form')
    await page.getByTestId('cert-issue-submit').click()
    await page.waitForURL(`**/certificates/${CERTIFICATE_NO}`)
    await page.locator('[data-testid="certificate-status"][data-status="valid"]').waitFor()

    // Printed, it is an A4 certificate with its QR code, without the app around it.
    await page.getByTestId('certificate-print').waitFor()
    await page.emulateMedia({ media: 'print' })
    try {
      const document = page.getByTestId('certificate-document')
      await document.filter({ hasText: '产品认证证书' }).waitFor()
      await document.getByTestId('certificate-print-qr').waitFor()
      expect(await page.locator('.topbar').isVisible()).toBe(false)
      expect(await page.getByTestId('certificate-history').isVisible()).toBe(false)
      const pdf = await page.pdf({ format: 'A4', printBackground: true })
      expect(pdf.subarray(0, 4).toString()).toBe('%PDF')
    } finally {
      await page.emulateMedia({ media: 'screen' })
    }
    await signOut(page)
  })

  it('the institute sees the lineage and the impact', TEST, async () => {
    await signIn(page, server.keyFor('HBSI'))
    await go('nav-lineage')
    await page.getByTestId('lineage-kind').selectOption('product')
    await page.getByTestId('lineage-id').fill(PRODUCT_ID)
    await page.getByTestId('lineage-submit').click()
    const graph = page.getByTestId('lineage-graph')
    await graph.locator('.react-flow__node', { hasText: CERTIFICATE_NO }).waitFor()
    await graph.locator('.react-flow__node', { hasText: REPORT_NO }).waitFor()
    // Readable at fit: node labels render at 12 px or more on screen.
    await expect
      .poll(() =>
        graph.evaluate((element) => {
          const viewport = element.querySelector('.react-flow__viewport')
          const label = element.querySelector('.flow-node-label')
          if (!viewport || !label) return 0
          const scale = new DOMMatrix(getComputedStyle(viewport).transform).a
          return Number.parseFloat(getComputedStyle(label).fontSize) * scale
        }),
      )
      .toBeGreaterThanOrEqual(12)
    await page.getByTestId('lineage-legend').waitFor()
    // By keyboard: the list of nodes, arrows to move, Enter to open one.
    const list = page.getByTestId('lineage-list')
    await list.locator('button').first().focus()
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Enter')
    await page.getByTestId('node-panel').getByTestId('node-facts').waitFor()
    // In plain words, not raw JSON.
    expect(await page.getByTestId('node-panel').textContent()).not.toContain('{')
    await expectAccessible('lineage')
    await go('nav-impact')
    await fill({ 'impact-code': 'GB 4706.1', 'impact-version': '2005' })
    await page.getByTestId('impact-submit').click()
    await page.locator('[data-testid^="impact-"]', { hasText: CERTIFICATE_NO }).first().waitFor()
    await expectAccessible('impact')
    await signOut(page)
  })

  it('the public verifies the certificate from the URL in its QR code', TEST, async () => {
    await signIn(page, server.keyFor('CQC-WH'))
    await page.goto(`/certificates/${CERTIFICATE_NO}`)
    const url = await page.getByTestId('certificate-qr').getAttribute('data-url')
    expect(url).toBe(`${server.url}/verify/${CERTIFICATE_NO}`)
    await signOut(page)
    await page.goto(url ?? '')
    await page.locator('[data-testid="verify-status"][data-status="valid"]').waitFor()
    expect(await page.getByTestId('actor').count()).toBe(0)
    await expectAccessible('public verification')
  })
})
