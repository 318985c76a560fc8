/**
 * Browser end-to-end tests: the built web app, served by the whole platform in memory with the
 * demo data, driven in Debian's Chromium. Text assertions use the English UI or data attributes.
 */
import type { TestServer } from '@qi/api/testing'
import { startTestServer } from '@qi/api/testing'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openBrowser, type Session, screenshot, setLanguage, signIn, signOut, UI_TIMEOUT } from './browser'

const TEST = { timeout: 180_000 }
const HOOK = 120_000

const KETTLE_MAKER = { id: '91420100MA4K0MJ003', name: '武汉美家电器有限公司' }
const REPORT_NO = 'HBQI-E2E-0001'
const CERTIFICATE_NO = 'CCC-E2E-0001'

const isoDay = (date: Date) => date.toISOString().slice(0, 10)
const daysFromToday = (days: number) => isoDay(new Date(Date.now() + days * 86_400_000))

let server: TestServer
let session: Session
let page: Page

beforeAll(async () => {
  server = await startTestServer()
  // The public address certificates' QR codes point at (QI_PUBLIC_URL in a deployment).
  process.env.QI_PUBLIC_URL = server.url
  session = await openBrowser(server.url, 'en')
  page = session.page
}, HOOK)

afterAll(async () => {
  await session?.close()
  await server?.close()
}, HOOK)

/** Waits until an element's data-status is the given one (the badge of a status). */
async function expectStatus(testId: string, status: string) {
  await page.locator(`[data-testid="${testId}"][data-status="${status}"]`).waitFor()
}

/** Fills the lab portal's form with a report HBQI may issue (the caller may override fields). */
async function fillReport(fields: Record<string, string> = {}) {
  const values: Record<string, string> = {
    'report-reportNo': REPORT_NO,
    'report-accreditationNo': 'CNAS L0586',
    'report-signatory': '授权签字人 张伟',
    'report-customer-name': KETTLE_MAKER.name,
    'report-customer-enterpriseId': KETTLE_MAKER.id,
    'report-sample-productName': '电热水壶',
    'report-sample-productId': 'MJ-17',
    'report-sample-model': 'MJ-17',
    'report-testedFrom': daysFromToday(-3),
    'report-testedTo': daysFromToday(-2),
    'report-issuedOn': daysFromToday(-1),
    'report-results-0-method-standardCode': 'GB 4706.1',
    'report-results-0-method-standardVersion': '2005',
    'report-results-0-method-clause': '13',
    'report-results-0-parameter': '泄漏电流',
    'report-results-0-value': '0.11',
    'report-results-0-unit': 'mA',
    'report-results-0-limit': '≤0.75',
    'report-instrumentIds-0': 'HBQI-TH-07',
    ...fields,
  }
  for (const [testId, value] of Object.entries(values)) {
    await page.getByTestId(testId).fill(value)
  }
}

async function openLabPortal() {
  await page.getByTestId('nav-lab-portal').click()
  await page.getByTestId('report-form').waitFor()
  // The lab's own id is filled in from the signed-in actor.
  await expect.poll(() => page.getByTestId('report-labId').inputValue(), { timeout: UI_TIMEOUT }).toBe('HBQI')
}

describe('the quality chain in the browser', () => {
  it(
    'a lab report becomes a certificate, shows in the lineage, and its revocation suspends the certificate, also on public verification',
    TEST,
    async () => {
      await setLanguage(page, 'en')
      // 1. The lab HBQI records a test report in the lab portal.
      await signIn(page, server.keyFor('HBQI'), '湖北省产品质量监督检验研究院')
      await openLabPortal()
      await fillReport()
      await page.getByTestId('report-submit').click()
      await page.getByTestId('report-issued').filter({ hasText: REPORT_NO }).waitFor()
      await expectStatus(`report-status-${REPORT_NO}`, 'valid')
      await signOut(page)

      // 2. The certification body CQC-WH issues a CCC certificate on that report.
      await signIn(page, server.keyFor('CQC-WH'), '中国质量认证中心武汉分中心')
      await page.getByTestId('nav-certificates').click()
      await page.getByTestId('cert-issue-toggle').click()
      const certificate: Record<string, string> = {
        'cert-issue-certificateNo': CERTIFICATE_NO,
        'cert-issue-accreditationNo': 'CNAS C001-M',
        'cert-issue-holderId': KETTLE_MAKER.id,
        'cert-issue-holderName': KETTLE_MAKER.name,
        'cert-issue-manufacturerId': KETTLE_MAKER.id,
        'cert-issue-manufacturerName': KETTLE_MAKER.name,
        'cert-issue-productionLineId': 'MJ-A1',
        'cert-issue-productId': 'MJ-17',
        'cert-issue-productName': '电热水壶',
        'cert-issue-models': 'MJ-17',
        'cert-issue-standards': 'GB 4706.1-2005',
        'cert-issue-basisReports': REPORT_NO,
        'cert-issue-issuedOn': daysFromToday(0),
        'cert-issue-expiresOn': daysFromToday(5 * 365),
      }
      for (const [testId, value] of Object.entries(certificate)) await page.getByTestId(testId).fill(value)
      await page.getByTestId('cert-issue-scheme').selectOption('CCC')
      await page.getByTestId('cert-issue-submit').click()
      // Issuing opens the new certificate's page.
      await page.waitForURL(`**/certificates/${CERTIFICATE_NO}`)
      await expectStatus('certificate-status', 'valid')
      await page.getByTestId('certificate-qr').waitFor()
      await signOut(page)

      // 3. The standardization institute HBSI traces product MJ-17: the report and the certificate.
      await signIn(page, server.keyFor('HBSI'), '湖北省标准化与质量研究院')
      await page.getByTestId('nav-lineage').click()
      await page.getByTestId('lineage-kind').selectOption('product')
      await page.getByTestId('lineage-id').fill('MJ-17')
      await page.getByTestId('lineage-submit').click()
      const graph = page.getByTestId('lineage-graph')
      await graph.locator('.react-flow__node', { hasText: CERTIFICATE_NO }).waitFor()
      await graph.locator('.react-flow__node', { hasText: REPORT_NO }).waitFor()
      await signOut(page)

      // 4. The lab revokes the report from its portal.
      await signIn(page, server.keyFor('HBQI'), '湖北省产品质量监督检验研究院')
      await openLabPortal()
      await page.getByTestId(`report-revoke-${REPORT_NO}`).click()
      await page.getByTestId('report-revoke-reason').fill('复核发现样品与委托不符')
      await page.getByTestId('report-revoke-submit').click()
      await expectStatus(`report-status-${REPORT_NO}`, 'revoked')

      // 5. Once the policies have run, the certificate is suspended, caused by the report.
      await server.platform.settle()
      await page.goto(`/certificates/${CERTIFICATE_NO}`)
      await expectStatus('certificate-status', 'suspended')
      await page
        .getByTestId('certificate-history')
        .locator('li', { has: page.locator('[data-status="suspended"]') })
        .filter({ hasText: REPORT_NO })
        .waitFor()
      await signOut(page)

      // 6. The public verification page, without signing in, shows it suspended.
      await page.goto(`/verify/${CERTIFICATE_NO}`)
      await expectStatus('verify-status', 'suspended')
      expect(await page.getByTestId('actor').count()).toBe(0)
    },
  )

  it('shows a broken rule next to the field it concerns and writes nothing', TEST, async () => {
    await setLanguage(page, 'en')
    await signIn(page, server.keyFor('HBQI'))
    await openLabPortal()
    await server.platform.settle()
    const head = await server.platform.store.headPosition()

    // A method outside HBQI's scope: the scope covers GB/T 1591-2018, not 2008.
    await fillReport({
      'report-reportNo': 'HBQI-E2E-0002',
      'report-results-0-method-standardCode': 'GB/T 1591',
      'report-results-0-method-standardVersion': '2008',
      'report-results-0-method-clause': '6.4',
    })
    await page.getByTestId('report-submit').click()
    const methodErrors = page.getByTestId('report-results-0-method-errors')
    await methodErrors.filter({ hasText: 'is not in the scope of the lab’s accreditation' }).waitFor()
    // The English UI adds the server's own explanation under the message.
    await page
      .locator('[data-testid="report-error"][data-rule="method-in-scope"]', { hasText: 'CNAS L0586' })
      .waitFor()
    await methodErrors.evaluate((element) => element.scrollIntoView({ block: 'center' }))
    await screenshot(page, 'lab-portal-field-error')

    // An instrument whose calibration has expired.
    await fillReport({
      'report-reportNo': 'HBQI-E2E-0002',
      'report-instrumentIds-0': 'NCTE-ENV-03',
    })
    await page.getByTestId('report-submit').click()
    await page.locator('[data-testid="report-error"][data-rule="instrument-calibrated"]').waitFor()
    await page.getByTestId('report-instrumentIds-0-errors').filter({ hasText: 'NCTE-ENV-03' }).waitFor()
    expect(await methodErrors.count()).toBe(0)

    await server.platform.settle()
    expect(await server.platform.store.headPosition()).toBe(head)
    expect(await page.getByTestId('report-issued').count()).toBe(0)
    await signOut(page)
  })

  it('shows each role only the actions it may take', TEST, async () => {
    await setLanguage(page, 'en')
    // The public: only verification, no sign-in needed, no actions.
    await page.goto('/verify/CCC-2023-0107001')
    await page.getByTestId('verify-result').waitFor()
    await page.getByTestId('nav-verify').waitFor()
    expect(await page.getByTestId('nav-lab-portal').count()).toBe(0)
    expect(await page.getByTestId('nav-certificates').count()).toBe(0)

    // An enterprise: no lab portal, no certificate issuing, no status changes.
    await signIn(page, server.keyFor(KETTLE_MAKER.id), KETTLE_MAKER.name)
    await page.getByTestId('nav-certificates').waitFor()
    expect(await page.getByTestId('nav-lab-portal').count()).toBe(0)
    await page.getByTestId('nav-certificates').click()
    await page.getByTestId('certs-search').waitFor()
    expect(await page.getByTestId('cert-issue-toggle').count()).toBe(0)
    await page.goto('/certificates/CCC-2023-0107001')
    await page.getByTestId('certificate-status').waitFor()
    expect(await page.locator('[data-testid^="cert-action-"]').count()).toBe(0)
    await page.goto('/lab-portal')
    await page.getByTestId('error').waitFor()
    expect(await page.getByTestId('report-form').count()).toBe(0)
    await signOut(page)

    // A certification body: status changes on its own certificates only.
    await signIn(page, server.keyFor('HBCC'), '湖北中南认证有限公司')
    expect(await page.getByTestId('nav-lab-portal').count()).toBe(0)
    await page.goto('/certificates/HBCC-P-2024-0420')
    await page.getByTestId('certificate-status').waitFor()
    await page.getByTestId('cert-action-suspend').waitFor()
    await page.getByTestId('cert-action-withdraw').waitFor()
    await page.goto('/certificates/CCC-2023-0107001')
    await page.getByTestId('certificate-status').waitFor()
    expect(await page.locator('[data-testid^="cert-action-"]').count()).toBe(0)
    await signOut(page)
  })

  it('tours the main pages in Chinese for the README screenshots', TEST, async () => {
    await setLanguage(page, 'zh-CN')
    await signIn(page, server.keyFor('HBSI'), '湖北省标准化与质量研究院')

    // The institute's home: its work queues.
    await page.getByTestId('home-standards_institute').locator('.queue-list li').first().waitFor()
    await screenshot(page, 'home')

    await page.getByTestId('nav-dashboard').click()
    await page.locator('[data-testid^="kpi-"]').first().waitFor()
    await page.getByTestId('adoption-chart').waitFor()
    // Reports and certificates per year, and each target's value year by year, in Chinese.
    const issued = await page.getByTestId('issued-by-year').textContent()
    expect(issued).toContain('检测报告')
    expect(issued).toMatch(/20\d\d/)
    const progress = page.getByTestId('kpi-progress')
    await expect.poll(() => progress.locator('tbody tr').count()).toBeGreaterThan(5)
    expect(await progress.locator('thead').textContent()).toContain('目标')
    await screenshot(page, 'dashboard')

    await page.goto(`/standards/${encodeURIComponent('GB/T 1591')}/2018`)
    await page.getByTestId('supersession-chain').waitFor()
    await screenshot(page, 'standard')
    // What was valid on a date: the 2008 edition was in force in 2010 and superseded in mid-2018.
    await page.goto(`/standards/${encodeURIComponent('GB/T 1591')}/2008?asOf=2010-06-01`)
    await expectStatus('standard-status', 'effective')
    await page.getByTestId('standard-as-of').fill('2018-06-01')
    await expectStatus('standard-status', 'superseded')

    await page.goto('/labs/HBQI')
    await page.getByTestId('scope-table').waitFor()
    await screenshot(page, 'lab')

    await page.goto('/lineage?kind=product&id=MJ-17')
    await page.getByTestId('lineage-graph').locator('.react-flow__node').first().waitFor()
    await screenshot(page, 'lineage')

    await page.goto(`/impact?kind=standard&code=${encodeURIComponent('GB 4706.1')}&version=2005`)
    await page.locator('[data-testid^="impact-"] li, [data-testid^="impact-"] tr').first().waitFor()
    await screenshot(page, 'impact')

    // A demo certificate suspended because the report it rests on was revoked.
    await page.goto('/certificates/CCC-2024-0107044')
    await page.getByTestId('certificate-qr').waitFor()
    await page.getByTestId('certificate-history').waitFor()
    await screenshot(page, 'certificate')

    await signOut(page)

    // The event log is the regulator's (and admin's) audit tool.
    await signIn(page, server.keyFor('HBAMR'), '湖北省市场监督管理局')
    await page.getByTestId('nav-events').click()
    await page.getByTestId('events-search').fill('CCC-2024-0107044')
    await page.locator('.stream-list .stream', { hasText: 'CCC-2024-0107044' }).first().click()
    await page.locator('table tbody tr').first().waitFor()
    await screenshot(page, 'events')
    await signOut(page)

    await page.goto('/verify/CCC-2024-0107044')
    await page.getByTestId('verify-status').waitFor()
    await screenshot(page, 'verify')
    // Every page of the tour (QR code, lineage graph, fonts, styles) ran under the API's CSP.
    expect(session.cspViolations).toEqual([])
  })
})
