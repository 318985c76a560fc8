/**
 * The lineage graph at every size and by keyboard, and the public verify page in its own small
 * bundle: labels at 12 px or more at fit (desktop and phone), many reports collapsed into one group
 * that expands with Enter, arrow keys between nodes, Enter opens the panel; axe finds nothing serious.
 */
import type { TestServer } from '@qi/api/testing'
import { startTestServer } from '@qi/api/testing'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openBrowser, type Session, seriousAxeViolations, signIn, signOut, VIEWPORT } from './browser'

const TEST = { timeout: 180_000 }
const HOOK = 120_000
const PRODUCT = 'MJ-17'
const EXTRA_REPORTS = 5

let server: TestServer
let session: Session
let page: Page

const daysAgo = (n: number) => {
  const d = new Date()
  d.setUTCDate(d.getUTCDate() - n)
  return d.toISOString().slice(0, 10)
}

/** A tRPC mutation over HTTP as an organisation (superjson envelope), as a script would send it. */
async function mutate(orgId: string, path: string, input: unknown): Promise<void> {
  const response = await fetch(`${server.url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': server.keyFor(orgId) },
    body: JSON.stringify({ json: input }),
  })
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`)
}

beforeAll(async () => {
  server = await startTestServer()
  // More reports on the product than a column shows readably: the graph groups them.
  for (let i = 1; i <= EXTRA_REPORTS; i++) {
    await mutate('HBQI', 'testing.issueReport', {
      reportNo: `HBQI-E2E-GROUP-${i}`,
      labId: 'HBQI',
      accreditationNo: 'CNAS L0586',
      customer: { name: '武汉美家电器有限公司', enterpriseId: '91420100MA4K0MJ003' },
      sample: { productId: PRODUCT, productName: '电热水壶', model: PRODUCT },
      testedFrom: daysAgo(3),
      testedTo: daysAgo(2),
      results: [
        {
          method: { standardCode: 'GB 4706.1', standardVersion: '2005', clause: '13' },
          parameter: '泄漏电流',
          value: '0.1',
          unit: 'mA',
          verdict: 'pass',
        },
      ],
      decisionRule: 'simple_acceptance',
      conformity: 'conforms',
      instrumentIds: ['HBQI-TH-07'],
      signatory: '张伟',
      issuedOn: daysAgo(1),
    })
  }
  await server.platform.settle()
  session = await openBrowser(server.url, 'zh-CN')
  page = session.page
}, HOOK)

afterAll(async () => {
  await session?.close()
  await server?.close()
}, HOOK)

/** The smallest text in the graph as drawn on screen: computed font size × the viewport's zoom. */
function smallestGraphText(p: Page): Promise<number> {
  return p.getByTestId('lineage-graph').evaluate((graph) => {
    const viewport = graph.querySelector('.react-flow__viewport')
    if (!viewport) return 0
    const zoom = new DOMMatrix(getComputedStyle(viewport).transform).a
    const texts = [
      ...graph.querySelectorAll(
        '.flow-node-kind, .flow-node-label, .flow-node-status, .react-flow__edge-text',
      ),
    ]
    if (texts.length === 0) return 0
    return Math.min(...texts.map((element) => Number.parseFloat(getComputedStyle(element).fontSize) * zoom))
  })
}

const focusedNode = (p: Page) =>
  p.evaluate(() => document.activeElement?.getAttribute('data-node-id') ?? null)

async function openLineage(p: Page) {
  await p.goto(`/lineage?kind=product&id=${PRODUCT}`)
  await p.getByTestId('lineage-group-report').waitFor()
  // Fitted (React Flow animates the fit): wait until the zoom stops changing.
  await expect.poll(() => smallestGraphText(p), { timeout: 10_000 }).toBeGreaterThan(0)
}

describe('lineage graph', () => {
  it('is readable at fit on a desktop: labels ≥ 12 px, many reports in one group', TEST, async () => {
    await signIn(page, server.keyFor('HBSI'))
    await openLineage(page)
    await expect.poll(() => smallestGraphText(page)).toBeGreaterThanOrEqual(12)
    const group = page.getByTestId('lineage-group-report')
    expect(await group.textContent()).toMatch(/\d+/)
    // The group stands for every report that needs no attention; the list below still names them all.
    await page.getByTestId('lineage-list').getByText('HBQI-E2E-GROUP-1').waitFor()
    expect(await page.getByTestId('lineage-graph').getByText('HBQI-E2E-GROUP-1').count()).toBe(0)
    await page.getByTestId('lineage-legend').waitFor()
    // Reasons in Chinese, from codes: no English wording left (identifiers are upper case).
    const problems = await page.getByTestId('lineage-problems').textContent()
    expect(problems).toMatch(/[\u4e00-\u9fff]/)
    expect(problems).not.toMatch(/\b[a-z]{3,}\b/)
  })

  it(
    'is driven by keyboard: one Tab stop, arrows between nodes, Enter expands a group and opens a node',
    TEST,
    async () => {
      await openLineage(page)
      // From the form's button, a few Tabs reach the graph (not one stop per node).
      await page.getByTestId('lineage-submit').focus()
      let tabs = 0
      while ((await focusedNode(page)) === null && tabs < 8) {
        await page.keyboard.press('Tab')
        tabs++
      }
      expect(await focusedNode(page)).toBe(`product:${PRODUCT}`)
      // Right: to the certificate column; right again: to the reports (the group among them).
      await page.keyboard.press('ArrowRight')
      expect(await focusedNode(page)).toMatch(/^certificate:/)
      await page.keyboard.press('ArrowRight')
      const seen: string[] = []
      for (let step = 0; step < 6 && (await focusedNode(page)) !== 'group:report'; step++) {
        seen.push(String(await focusedNode(page)))
        await page.keyboard.press(step < 3 ? 'ArrowDown' : 'ArrowUp')
      }
      expect(await focusedNode(page), `visited ${seen.join(', ')}`).toBe('group:report')
      await page.keyboard.press('Enter')
      await page.getByTestId('lineage-collapse-report').waitFor()
      await page.getByTestId('lineage-graph').getByText('HBQI-E2E-GROUP-1').waitFor()
      expect(await page.getByTestId('lineage-group-report').count()).toBe(0)
      // Expanded, the graph still fits with readable labels.
      await expect.poll(() => smallestGraphText(page)).toBeGreaterThanOrEqual(12)
      // Focus returns to the graph's start; Enter on a node opens its panel in plain words.
      await page.locator(`[data-node-id="product:${PRODUCT}"]`).focus()
      await page.keyboard.press('ArrowRight')
      const certificate = await focusedNode(page)
      await page.keyboard.press('Enter')
      const panel = page.getByTestId('node-panel')
      await panel.getByTestId('node-facts').waitFor()
      expect(await panel.locator('strong').first().textContent()).toBe(certificate)
      expect(await panel.textContent()).not.toContain('{')
      const reasons = await panel.getByTestId('history-reason').allTextContents()
      expect(reasons.length).toBeGreaterThan(0)
      for (const reason of reasons) expect(reason).not.toMatch(/\b[a-z]{3,}\b/)
      const violations = await seriousAxeViolations(page)
      expect(violations.map((v) => `${v.id}: ${v.targets.join(' | ')}`)).toEqual([])
      // Collapsing again brings the group back.
      await page.getByTestId('lineage-collapse-report').click()
      await page.getByTestId('lineage-group-report').waitFor()
    },
  )

  it('shows a change after today as scheduled, not as history', TEST, async () => {
    await page.goto('/lineage?kind=certificate&id=CCC-2024-0107044&asOf=2099-12-31')
    await page.locator('[data-node-id="certificate:CCC-2024-0107044"]').click()
    const panel = page.getByTestId('node-panel')
    await panel.getByTestId('node-facts').waitFor()
    await panel.getByTestId('scheduled').first().waitFor()
    // As of today the same panel has nothing scheduled: a future change is not history yet.
    await page.goto('/lineage?kind=certificate&id=CCC-2024-0107044')
    await page.locator('[data-node-id="certificate:CCC-2024-0107044"]').click()
    await panel.getByTestId('node-facts').waitFor()
    expect(await panel.getByTestId('scheduled').count()).toBe(0)
  })

  it('is readable at fit on a phone: labels ≥ 12 px (the graph pans rather than shrinks)', TEST, async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    try {
      await openLineage(page)
      await expect.poll(() => smallestGraphText(page)).toBeGreaterThanOrEqual(12)
      expect((await seriousAxeViolations(page)).map((v) => v.id)).toEqual([])
    } finally {
      await page.setViewportSize(VIEWPORT)
    }
    await signOut(page)
  })
})

describe('public verify page', () => {
  it('works without a key and loads neither the signed-in app nor the API client', TEST, async () => {
    const scripts: string[] = []
    const onResponse = (response: { url(): string; request(): { resourceType(): string } }) => {
      if (response.request().resourceType() === 'script') scripts.push(response.url())
    }
    page.on('response', onResponse)
    try {
      await page.goto('/verify/ccc-2024-0107044')
      await page.locator('[data-testid="verify-status"][data-status="suspended"]').waitFor()
      await page.getByTestId('verify-result').filter({ hasText: 'CCC-2024-0107044' }).waitFor()
      // A report number: looked up as a report once it is known not to be a certificate.
      await page.getByTestId('verify-number').fill('HBQI-E2E-GROUP-1')
      await page.getByTestId('verify-submit').click()
      await page.getByTestId('verify-result').filter({ hasText: 'HBQI-E2E-GROUP-1' }).waitFor()
      await page.getByTestId('verify-number').fill('NO-SUCH-NUMBER')
      await page.getByTestId('verify-submit').click()
      await page.locator('[data-testid="verify-status"][data-status="not_found"]').waitFor()
      expect((await seriousAxeViolations(page)).map((v) => v.id)).toEqual([])
    } finally {
      page.off('response', onResponse)
    }
    expect(scripts.length).toBeGreaterThan(0)
    expect(scripts.filter((url) => /\/assets\/(Root|trpc|LineagePage|report-form)-/.test(url))).toEqual([])
  })
})
