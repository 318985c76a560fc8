/**
 * Pickers served page by page, newly reachable writes, server-sorted lists and phone cards:
 * a lab finds a product beyond the first page of the picker by typing it in another case and width;
 * the institute withdraws a standard through the Chinese UI (axe at 0 serious); the regulator
 * registers a lab, accredits it, extends and reduces its scope; the regulator sorts
 * the labs and the event streams on the server; on a phone the labs list shows one card per lab and
 * the top bar keeps the language switch.
 */

import type { AppRouter } from '@qi/api/router'
import type { TestServer } from '@qi/api/testing'
import { startTestServer } from '@qi/api/testing'
import { createTRPCClient, httpBatchLink } from '@trpc/client'
import type { Page } from 'playwright-core'
import superjson from 'superjson'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { openBrowser, type Session, seriousAxeViolations, signIn, signOut, VIEWPORT } from './browser'

const TEST = { timeout: 240_000 }
const HOOK = 180_000

const KETTLE_MAKER = { id: '91420100MA4K0MJ003', name: '武汉美家电器有限公司' }
/** More products than a picker's first page (20): PK-01 … PK-30 sort after the demo's DF-, JH-, MJ-. */
const EXTRA_PRODUCTS = 30
const productId = (n: number) => `PK-${String(n).padStart(2, '0')}`

let server: TestServer
let session: Session
let page: Page

const apiAs = (orgId: string) =>
  createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${server.url}/trpc`,
        transformer: superjson,
        maxItems: 10,
        headers: () => ({ 'x-api-key': server.keyFor(orgId) }),
      }),
    ],
  })

beforeAll(async () => {
  server = await startTestServer()
  const maker = apiAs(KETTLE_MAKER.id)
  for (let n = 1; n <= EXTRA_PRODUCTS; n += 1) {
    await maker.industrialization.registerProduct.mutate({
      productId: productId(n),
      enterpriseId: KETTLE_MAKER.id,
      name: '电热水壶',
      model: `K-${n}`,
      industry: 'equipment',
      standards: [{ code: 'GB 4706.1', version: '2005' }],
    })
  }
  session = await openBrowser(server.url, 'zh-CN')
  page = session.page
}, HOOK)

// A failed test leaves no signed-in session behind for the next one.
afterEach(async () => {
  if (page && (await page.getByTestId('signout').count()) > 0) await signOut(page)
})

afterAll(async () => {
  await session?.close()
  await server?.close()
}, HOOK)

async function expectAccessible(where: string) {
  const found = await seriousAxeViolations(page)
  expect(found.map((v) => `${where}: ${v.id} → ${v.targets.join(' | ')}`)).toEqual([])
}

/** The models of a certificate's last scope change, as the API answers a regulator. */
async function changedModels(certificateNo: string) {
  const certificate = await apiAs('HBAMR').certification.get.query({ certificateNo })
  return certificate.scopeChanges.at(-1)?.changes.models ?? null
}

/** The texts of the options of a select, in order. */
const optionTexts = (testId: string) => page.getByTestId(testId).locator('option').allTextContents()

describe('pickers, writes and lists at scale', () => {
  it('a lab finds a product beyond the first page by typing it in another case and width', TEST, async () => {
    await signIn(page, server.keyFor('HBQI'))
    await page.goto('/lab-portal')
    const picker = 'report-product-pick'
    const total = 8 + EXTRA_PRODUCTS
    // The first page only: 20 of all the products, the rest behind "more…".
    await page
      .getByTestId(`${picker}-count`)
      .filter({ hasText: `20 / 共 ${total}` })
      .waitFor()
    expect((await optionTexts(picker)).some((text) => text.includes(productId(29)))).toBe(false)
    await page.getByTestId(`${picker}-more`).click()
    await page
      .getByTestId(`${picker}-count`)
      .filter({ hasText: `${total} / 共 ${total}` })
      .waitFor()
    expect(await page.getByTestId(`${picker}-more`).count()).toBe(0)

    // Full-width, lower case, spaces around: the server folds it and finds the one product.
    await page.getByTestId(`${picker}-search`).fill('  ｐｋ-２９ ')
    await page.getByTestId(`${picker}-count`).filter({ hasText: '1 / 共 1' }).waitFor()
    const option = page.getByTestId(picker).locator('option', { hasText: productId(29) })
    await option.waitFor({ state: 'attached' })
    await page.getByTestId(picker).selectOption((await option.getAttribute('value')) ?? '')
    await expect.poll(() => page.getByTestId('report-sample-productId').inputValue()).toBe(productId(29))
    await expect.poll(() => page.getByTestId('report-sample-model').inputValue()).toBe('K-29')
    await expect.poll(() => page.getByTestId('report-customer-name').inputValue()).toBe(KETTLE_MAKER.name)

    // Methods come from the lab's own scope, searched on the server.
    await page.getByTestId('report-results-0-method-pick-search').fill('gb 4706.1-2005')
    const method = page
      .getByTestId('report-results-0-method-pick')
      .locator('option', { hasText: 'GB 4706.1-2005' })
    await method.first().waitFor({ state: 'attached' })
    await page
      .getByTestId('report-results-0-method-pick')
      .selectOption((await method.first().getAttribute('value')) ?? '')
    await expect
      .poll(() => page.getByTestId('report-results-0-method-standardCode').inputValue())
      .toBe('GB 4706.1')
    await expectAccessible('lab portal with pickers')
    await signOut(page)
  })

  it('the institute withdraws a standard through the Chinese UI', TEST, async () => {
    await signIn(page, server.keyFor('HBSI'))
    await page.goto('/standards?new=1')
    const form = page.getByTestId('std-withdraw-form')
    await form.waitFor()
    await page.getByTestId('std-withdraw-key-search').fill('ｇｂ/ｔ 2423.1-2008')
    const option = page.getByTestId('std-withdraw-key').locator('option', { hasText: 'GB/T 2423.1-2008' })
    await option.waitFor({ state: 'attached' })
    await page.getByTestId('std-withdraw-key').selectOption((await option.getAttribute('value')) ?? '')
    await page.getByTestId('std-withdraw-reason').fill('技术内容已不适应当前产品，经复审予以废止')
    await page.getByTestId('std-withdraw-submit').click()
    const done = page.getByTestId('std-withdraw-done')
    await done.filter({ hasText: '已废止' }).waitFor()
    await expect.poll(() => done.evaluate((el) => el === document.activeElement)).toBe(true)
    // The form starts afresh for another one.
    expect(await page.getByTestId('std-withdraw-reason').inputValue()).toBe('')
    await expectAccessible('standards manage (withdrawn)')
    await done.getByRole('link', { name: 'GB/T 2423.1-2008' }).click()
    await page.locator('[data-testid="standard-status"][data-status="withdrawn"]').waitFor()
    await expectAccessible('withdrawn standard')
    await signOut(page)
  })

  it('the regulator registers a lab, accredits it and extends and reduces its scope', TEST, async () => {
    await signIn(page, server.keyFor('HBAMR'))
    await page.goto('/labs')
    await page.getByTestId('lab-register-toggle').locator('summary').click()
    await page.getByTestId('lab-register-labId').fill('XYQI-E2E')
    await page.getByTestId('lab-register-name').fill('襄阳市产品质量检验所')
    await page.getByTestId('lab-register-centreLevel').selectOption('municipal')
    await page.getByTestId('lab-register-submit').click()
    await page.getByTestId('lab-register-done').filter({ hasText: '襄阳市产品质量检验所' }).waitFor()
    await page.getByTestId('lab-register-link').click()

    // A lab without an accreditation opens on the regulator's actions.
    await page.getByTestId('accreditation-accredit-form').waitFor()
    await page.getByTestId('accreditation-accredit-accreditationNo').fill('CNAS L9901')
    // At most five years (the accreditation rule); the validity starts today.
    const until = new Date(Date.now() + 4 * 365 * 86_400_000).toISOString().slice(0, 10)
    await page.getByTestId('accreditation-accredit-validUntil').fill(until)
    await page.getByTestId('accreditation-accredit-submit').click()
    await page.getByTestId('accreditation-accredit-done').filter({ hasText: 'CNAS L9901' }).waitFor()

    await page.getByTestId('scope-extend-form').waitFor()
    await page.getByTestId('scope-extend-lines-0-lineId').fill('XY-1')
    await page.getByTestId('scope-extend-lines-0-object').fill('电热水壶')
    await page.getByTestId('scope-extend-lines-0-parameter').fill('泄漏电流')
    await page.getByTestId('scope-extend-lines-0-method-search').fill('gb 4706.1-2005')
    const method = page
      .getByTestId('scope-extend-lines-0-method')
      .locator('option', { hasText: 'GB 4706.1-2005' })
    await method.waitFor({ state: 'attached' })
    await page
      .getByTestId('scope-extend-lines-0-method')
      .selectOption((await method.getAttribute('value')) ?? '')
    await page.getByTestId('scope-extend-lines-0-method-clause').fill('13')
    await page.getByTestId('scope-extend-submit').click()
    await page.getByTestId('scope-extend-done').waitFor()
    const scope = page.getByTestId('scope-table')
    await scope.filter({ hasText: '泄漏电流' }).waitFor()
    await expectAccessible('lab accredited, scope extended')

    // The reduce form picks the line from the lab's own scope (searched on the server).
    await page.getByTestId('scope-reduce-lineIds-0-search').fill('泄漏')
    await page
      .getByTestId('scope-reduce-lineIds-0')
      .locator('option', { hasText: 'GB 4706.1-2005 §13' })
      .waitFor({
        state: 'attached',
      })
    await page.getByTestId('scope-reduce-lineIds-0').selectOption('XY-1')
    await page.getByTestId('scope-reduce-reason').fill('检测设备停用，申请缩小能力范围')
    await page.getByTestId('scope-reduce-submit').click()
    await page.getByTestId('scope-reduce-done').waitFor()
    await expect.poll(() => scope.count()).toBe(0)
    await signOut(page)
  })

  it('a certification body changes the models its certificate covers', TEST, async () => {
    await signIn(page, server.keyFor('CQC-WH'))
    await page.goto('/certificates/CCC-2024-0720015')
    await page.getByTestId('certificate-changes').locator('summary').click()
    await page.getByTestId('cert-scope-models').fill('DF-BR-200，DF-BR-200S')
    await page.getByTestId('cert-scope-reason').fill('新增派生型号 DF-BR-200S，结构与原型号一致')
    await page.getByTestId('cert-scope-submit').click()
    await page.getByTestId('cert-scope-done').filter({ hasText: 'CCC-2024-0720015' }).waitFor()
    await expect.poll(() => changedModels('CCC-2024-0720015')).toEqual(['DF-BR-200', 'DF-BR-200S'])
    await expectAccessible('certificate scope changed')
    await signOut(page)
  })

  it('the regulator sorts the labs and the event streams on the server', TEST, async () => {
    const regulator = apiAs('HBAMR')
    await signIn(page, server.keyFor('HBAMR'))
    await page.goto('/labs')
    const names = () => page.getByTestId('labs-table-row').locator('td:first-child a').allTextContents()
    for (const sort of ['scope_desc', 'valid_until', 'name'] as const) {
      await page.getByTestId('labs-sort').selectOption(sort)
      const expected = (await regulator.accreditation.listLabs.query({ sort, limit: 25 })).items.map(
        (lab) => lab.name,
      )
      await expect.poll(names).toEqual(expected)
    }
    await expectAccessible('labs sorted')

    await page.goto('/events')
    await page.getByTestId('events-sort').selectOption('name')
    const expected = (await regulator.system.events.streams.query({ sort: 'name', limit: 200 })).map(
      (s) => s.name,
    )
    await expect
      .poll(() => page.getByTestId('events-stream').locator('.stream-name').allTextContents())
      .toEqual(expected)
    await signOut(page)
  })

  it('on a phone the labs list shows one card per lab and keeps the language switch', TEST, async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    try {
      await signIn(page, server.keyFor('HBAMR'))
      await page.goto('/labs')
      expect(await page.getByTestId('lang-switch').isVisible()).toBe(true)
      const firstRow = page.getByTestId('labs-table-row').first()
      await firstRow.waitFor()
      const card = await firstRow.evaluate((row) => {
        const cell = row.querySelector('td') as HTMLElement
        const head = row.closest('table')?.querySelector('thead') as HTMLElement
        return {
          display: getComputedStyle(row).display,
          width: row.getBoundingClientRect().width,
          label: getComputedStyle(cell, '::before').content,
          headHeight: head.getBoundingClientRect().height,
        }
      })
      expect(card.display).toBe('block')
      expect(card.width).toBeLessThanOrEqual(390)
      expect(card.label).toBe('"机构"')
      expect(card.headHeight).toBeLessThanOrEqual(1)
      await expectAccessible('labs on a phone')
      await signOut(page)
    } finally {
      await page.setViewportSize(VIEWPORT)
    }
  })
})
