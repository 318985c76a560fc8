/**
 * The licensing reforms in the browser: the regulator's queue over the demo data (deadlines "due
 * on …", a verification recorded, KPIs) in both languages; an enterprise filing a parallel
 * application that waits on one branch after the metrology institute decides; special-equipment
 * exams and derived qualifications; a lab approved on a commitment the regulator then finds false;
 * a suspended licence re-verified and restored, with the products resting on it (lineage impact) and
 * the reform KPIs on the dashboard.
 */
import type { TestServer } from '@qi/api/testing'
import { startTestServer } from '@qi/api/testing'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openBrowser, type Session, screenshot, setLanguage, signIn, signOut, UI_TIMEOUT } from './browser'

const TEST = { timeout: 180_000 }
const HOOK = 120_000

const REGULATOR = { id: 'HBAMR', name: '湖北省市场监督管理局' }
const INSTITUTE = { id: 'HBMI', name: '湖北省计量测试技术研究院' }
const ENTERPRISE = { id: '91420100MA4K0DF001', name: '东风汽车零部件(武汉)有限公司' }
const STEEL = { id: '91420100MA4K0WG002', name: '武汉钢铁有限公司' }
const APPLIANCE = { id: '91420100MA4K0MJ003', name: '武汉美家电器有限公司' }
const LAB = { id: 'NCTE', name: '国家汽车质量检验检测中心(襄阳)' }

let server: TestServer
let session: Session
let page: Page

beforeAll(async () => {
  server = await startTestServer()
  session = await openBrowser(server.url, 'en')
  page = session.page
}, HOOK)

afterAll(async () => {
  await session?.close()
  await server?.close()
}, HOOK)

async function openLicensing() {
  await page.getByTestId('nav-licensing').click()
  await page.getByTestId('licensing-deadlines').waitFor()
}

const status = (testId: string, value: string) =>
  page.locator(`[data-testid="${testId}"][data-status="${value}"]`).waitFor()

describe('licensing reforms in the browser', () => {
  it(
    'the regulator sees deadlines and records an on-site verification that confirms a licence issued first',
    TEST,
    async () => {
      await setLanguage(page, 'en')
      await signIn(page, server.keyFor(REGULATOR.id), REGULATOR.name)
      await openLicensing()
      await expect
        .poll(() => page.getByTestId('licensing-view').textContent(), { timeout: UI_TIMEOUT })
        .toContain('Regulator’s queue')
      // The textile maker's new licence was issued three days ago; its verification is due in 27 days.
      await status('application-status-XKSQ-2025-0105', 'awaiting_verification')
      await expect
        .poll(() => page.getByTestId('application-due-XKSQ-2025-0105').textContent(), { timeout: UI_TIMEOUT })
        .toMatch(/^due on \d{4}-\d{2}-\d{2}$/)
      await page.getByTestId('due-verification:XKSQ-2025-0105').waitFor()
      // The missed verification suspended the appliance maker's licence; the failed one revoked petro's.
      await status('application-status-XKSQ-2025-0103', 'verification_missed')
      await status('application-status-XKSQ-2025-0104', 'verification_failed')
      await status('approval-status-CMA-2025-0202', 'revoked')
      await expect
        .poll(() => page.getByTestId('approval-CMA-2025-0202').textContent(), { timeout: UI_TIMEOUT })
        .toContain('Done under it:')
      await screenshot(page, 'licensing-regulator-queue')

      await page.getByTestId('verify-XKSQ-2025-0105-yes').click()
      await status('application-status-XKSQ-2025-0105', 'verified')
      await page.getByTestId('due-verification:XKSQ-2025-0105').waitFor({ state: 'detached' })
      await expect
        .poll(() => page.getByTestId('kpi-in-time').textContent(), { timeout: UI_TIMEOUT })
        .toMatch(/\(5\/6\)/)

      await setLanguage(page, 'zh-CN')
      await expect.poll(() => page.locator('h1').textContent(), { timeout: UI_TIMEOUT }).toBe('行政审批改革')
      await expect
        .poll(() => page.getByTestId('application-status-XKSQ-2025-0105').textContent(), {
          timeout: UI_TIMEOUT,
        })
        .toBe('核查通过')
      await setLanguage(page, 'en')
      await signOut(page)
    },
  )

  it(
    'an enterprise files a parallel application, which waits on the licence branch once type approval is decided',
    TEST,
    async () => {
      await signIn(page, server.keyFor(ENTERPRISE.id), ENTERPRISE.name)
      await openLicensing()
      await expect
        .poll(() => page.getByTestId('licensing-view').textContent(), { timeout: UI_TIMEOUT })
        .toContain('My licences')
      // Only its own processes: its licence, not the others'.
      await status(`licence-status-${ENTERPRISE.id}`, 'valid')
      expect(await page.locator('[data-testid^="licence-status-"]').count()).toBe(1)
      await page.getByTestId('parallel-applicationId').fill('BLSP-E2E-01')
      await page.getByTestId('parallel-instrument').fill('机动车测速仪')
      await page.getByTestId('parallel-submit').click()
      await status('parallel-status-BLSP-E2E-01', 'open')
      await expect
        .poll(() => page.getByTestId('parallel-waiting-BLSP-E2E-01').textContent(), { timeout: UI_TIMEOUT })
        .toBe('type approval、manufacturing licence')
      await signOut(page)

      // The approvals office binds each branch to the organisation that reviews it.
      await signIn(page, server.keyFor(REGULATOR.id), REGULATOR.name)
      await openLicensing()
      for (const [branch, org] of [
        ['type_approval', INSTITUTE.id],
        ['manufacturing_licence', REGULATOR.id],
      ] as const) {
        await page.getByTestId(`assign-BLSP-E2E-01-${branch}-org`).fill(org)
        await page.getByTestId(`assign-BLSP-E2E-01-${branch}-submit`).click()
        await expect
          .poll(() => page.getByTestId(`reviewer-BLSP-E2E-01-${branch}`).textContent(), {
            timeout: UI_TIMEOUT,
          })
          .toBe(`reviewed by ${org}`)
      }
      await signOut(page)

      await signIn(page, server.keyFor(INSTITUTE.id), INSTITUTE.name)
      await openLicensing()
      // The institute reviews only the type-approval branch.
      await page.getByTestId('branch-BLSP-E2E-01-type_approval-yes').waitFor()
      expect(await page.getByTestId('branch-BLSP-E2E-01-manufacturing_licence-yes').count()).toBe(0)
      await page.getByTestId('branch-BLSP-E2E-01-type_approval-yes').click()
      await expect
        .poll(() => page.getByTestId('parallel-waiting-BLSP-E2E-01').textContent(), { timeout: UI_TIMEOUT })
        .toBe('manufacturing licence')
      await signOut(page)

      await signIn(page, server.keyFor(REGULATOR.id), REGULATOR.name)
      await openLicensing()
      await page
        .getByTestId('branch-BLSP-E2E-01-manufacturing_licence-text')
        .fill('生产条件不符合制造许可要求')
      await page.getByTestId('branch-BLSP-E2E-01-manufacturing_licence-no').click()
      await status('parallel-status-BLSP-E2E-01', 'refused')
      await signOut(page)
    },
  )

  it(
    'special equipment: an examination body certifies an operator on the spot, a manufacturer obtains the derived repair qualification',
    TEST,
    async () => {
      await signIn(page, server.keyFor(STEEL.id), STEEL.name)
      await openLicensing()
      await page.getByTestId('exam-id').fill('WG-KS-E2E-01')
      await page.getByTestId('exam-candidate').fill('孙杰')
      await page.getByTestId('exam-category').selectOption('Q2 起重机司机')
      await page.getByTestId('exam-submit').click()
      await expect
        .poll(() => page.getByTestId('exam-certificate-WG-KS-E2E-01').textContent(), { timeout: UI_TIMEOUT })
        .toContain('TZ-WG-KS-E2E-01')
      await signOut(page)

      await signIn(page, server.keyFor(APPLIANCE.id), APPLIANCE.name)
      await openLicensing()
      await page.getByTestId('derive-TS2142033-2029-installation').uncheck()
      await page.getByTestId('derive-TS2142033-2029-repair').check()
      await page.getByTestId('derive-TS2142033-2029-submit').click()
      await page.getByTestId('qualification-TS2142033-2029/repair').waitFor()
      await expect
        .poll(() => page.getByTestId('qualification-TS2142033-2029/repair').textContent(), {
          timeout: UI_TIMEOUT,
        })
        .toContain('derived from TS2142033-2029')
      await signOut(page)
    },
  )

  it(
    'a lab is approved at once on its signed commitment; the regulator finds it false and the period done under it shows',
    TEST,
    async () => {
      await signIn(page, server.keyFor(LAB.id), LAB.name)
      await openLicensing()
      await page.getByTestId('commitment-matter').selectOption('lab_qualification_extension')
      await page.getByTestId('commitment-approvalId').fill('CMA-E2E-01')
      await page.getByTestId('commitment-scope').fill('GB 7258-2017 机动车运行安全技术条件 第 8 章')
      await page
        .getByTestId('commitment-text')
        .fill('本机构承诺已具备扩项所需的设备与人员，如有不实愿承担责任。')
      await page.getByTestId('commitment-signer').fill('赵伟（最高管理者）')
      await page.getByTestId('commitment-submit').click()
      await status('approval-status-CMA-E2E-01', 'approved')
      await expect
        .poll(() => page.getByTestId('approval-CMA-E2E-01').textContent(), { timeout: UI_TIMEOUT })
        .toMatch(/Signed by 赵伟（最高管理者） on .*due on \d{4}-\d{2}-\d{2}/)
      await signOut(page)

      await signIn(page, server.keyFor(REGULATOR.id), REGULATOR.name)
      await openLicensing()
      await page.getByTestId('inspect-CMA-E2E-01-text').fill('扩项所需的制动检验台未配置')
      await page.getByTestId('inspect-CMA-E2E-01-no').click()
      await status('approval-status-CMA-E2E-01', 'revoked')
      await expect
        .poll(() => page.getByTestId('approval-CMA-E2E-01').textContent(), { timeout: UI_TIMEOUT })
        .toContain('Done under it:')
      await signOut(page)
    },
  )

  it(
    'the regulator re-verifies a suspended licence and restores it; the products resting on it show, and the reform KPIs are on the dashboard',
    TEST,
    async () => {
      await signIn(page, server.keyFor(REGULATOR.id), REGULATOR.name)
      await openLicensing()
      // The appliance maker's licence was suspended when its verification was missed.
      await status(`licence-status-${APPLIANCE.id}`, 'suspended')
      // Lineage impact of the licence: the kettle MJ-17 rests on it (its scope line).
      await page.getByTestId('licence-impact-XK42-010-00103').locator('summary').click()
      await page.getByTestId('licence-impact-item-product:MJ-17').waitFor({ timeout: UI_TIMEOUT })
      // The late verification is a re-verification; the licence stays suspended until restored.
      await page.getByTestId('verify-XKSQ-2025-0103-yes').click()
      await status('application-status-XKSQ-2025-0103', 'verified')
      await status(`licence-status-${APPLIANCE.id}`, 'suspended')
      await page.getByTestId(`restore-${APPLIANCE.id}-text`).fill('整改完成，复核通过')
      await expect
        .poll(() => page.getByTestId(`restore-${APPLIANCE.id}-submit`).textContent(), { timeout: UI_TIMEOUT })
        .toBe('Restore on the re-verification of XKSQ-2025-0103')
      await page.getByTestId(`restore-${APPLIANCE.id}-submit`).click()
      await status(`licence-status-${APPLIANCE.id}`, 'valid')
      await expect
        .poll(() => page.getByTestId(`licence-restored-${APPLIANCE.id}`).textContent(), {
          timeout: UI_TIMEOUT,
        })
        .toMatch(/^Restored on \d{4}-\d{2}-\d{2}: 整改完成，复核通过$/)
      // The textile maker's first licence expired (deadline timer) before its new one.
      await page.getByTestId('former-licence-XK42-020-00090').waitFor()
      await screenshot(page, 'licensing-restored')

      await setLanguage(page, 'zh-CN')
      await expect
        .poll(() => page.getByTestId(`licence-restored-${APPLIANCE.id}`).textContent(), {
          timeout: UI_TIMEOUT,
        })
        .toMatch(/恢复：整改完成，复核通过$/)
      await expect
        .poll(() => page.getByTestId('former-licence-XK42-020-00090').textContent(), { timeout: UI_TIMEOUT })
        .toBe('原许可证 XK42-020-00090（过期）')
      // The reforms' KPIs on the dashboard, in Chinese and English.
      await page.getByTestId('nav-dashboard').click()
      await expect
        .poll(() => page.getByTestId('licensing-kpi-card').textContent(), { timeout: UI_TIMEOUT })
        .toContain('从申请到发证的天数（中位数）')
      await setLanguage(page, 'en')
      await expect
        .poll(() => page.getByTestId('licensing-kpi-card').textContent(), { timeout: UI_TIMEOUT })
        .toContain('Parallel applications waiting on')
      await expect
        .poll(() => page.getByTestId('kpi-in-time').textContent(), { timeout: UI_TIMEOUT })
        .toMatch(/\(5\/6\)/)
      await signOut(page)
    },
  )
})
