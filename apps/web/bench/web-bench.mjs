// @ts-check
/**
 * Web performance bench (not a test): what the public verify page and the dashboard cost a browser.
 *
 * 1. Bundle sizes from the production build (Vite's manifest): the JavaScript a page loads before it
 *    can render — its entry chunk and everything that chunk imports statically, gzipped.
 * 2. The dashboard's time to usable in Debian's Chromium (playwright-core) against the production
 *    server (`node apps/api/dist/main.js --demo`, NODE_ENV=production, a fresh data folder): from
 *    navigation start until a KPI row with its data is on screen, with 4× CPU throttling
 *    (CDP Emulation.setCPUThrottlingRate), median of N runs, cold (empty browser cache) and warm
 *    (cache from the run before). The same runs unthrottled are the in-run baseline: results are
 *    also given as ratios to it, since absolute times on a shared 2-core machine are noisy.
 *
 * Writes bench-results/web.json. Run: `pnpm bench:web` (root) or `pnpm --filter @qi/web bench`.
 * Environment: QI_BENCH_RUNS (default 7), CHROMIUM_PATH, QI_BENCH_SKIP_BUILD=1.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { chromium } from 'playwright-core'

const web = join(dirname(fileURLToPath(import.meta.url)), '..')
const root = join(web, '..', '..')
const RUNS = Number(process.env.QI_BENCH_RUNS ?? 7)
const THROTTLE = 4
const TARGETS = { verifyEntryGzipKB: 120, dashboardUsableMs: 1500 }
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
/** "Usable": the dashboard's first KPI row, drawn with its numbers. */
const USABLE = '[data-testid^="kpi-"]'

const pnpm = (/** @type {string[]} */ args) => {
  const run = spawnSync('npx', ['-y', 'pnpm@12.4.2', ...args], { cwd: root, stdio: 'inherit' })
  if (run.status !== 0) throw new Error(`pnpm ${args.join(' ')} failed`)
}

// ---- 1. build and bundle sizes ----
if (process.env.QI_BENCH_SKIP_BUILD !== '1') {
  pnpm(['--filter', '@qi/web', 'exec', 'vite', 'build', '--manifest'])
  pnpm(['--filter', '@qi/api', 'run', 'build'])
}
/** @type {Record<string, {file: string, imports?: string[], dynamicImports?: string[], isEntry?: boolean, src?: string}>} */
const manifest = JSON.parse(readFileSync(join(web, 'dist', '.vite', 'manifest.json'), 'utf8'))
// The manifest is the bench's, not the app's: the server does not need to serve it.
rmSync(join(web, 'dist', '.vite'), { recursive: true, force: true })
const gzipBytes = (/** @type {string} */ file) => gzipSync(readFileSync(join(web, 'dist', file))).length
const rawBytes = (/** @type {string} */ file) => readFileSync(join(web, 'dist', file)).length

/** The chunks a manifest entry loads before it runs: itself and its static imports, transitively. */
function closure(/** @type {string[]} */ keys) {
  const seen = new Set()
  const visit = (/** @type {string} */ key) => {
    if (seen.has(key)) return
    seen.add(key)
    for (const next of manifest[key]?.imports ?? []) visit(next)
  }
  for (const key of keys) visit(key)
  return [...seen].map((key) => manifest[key]?.file ?? key).filter((file) => file.endsWith('.js'))
}
const keyOf = (/** @type {string} */ source) => {
  const key = Object.keys(manifest).find((k) => k === source || manifest[k]?.src === source)
  if (!key) throw new Error(`${source} is not in the build manifest`)
  return key
}
/** kB as Vite's build report gives them (1000 bytes). */
const kb = (/** @type {number} */ bytes) => Math.round(bytes / 100) / 10
function bundle(/** @type {string[]} */ sources) {
  const files = closure(sources.map(keyOf))
  return {
    chunks: files,
    rawKB: kb(files.reduce((sum, file) => sum + rawBytes(file), 0)),
    gzipKB: kb(files.reduce((sum, file) => sum + gzipBytes(file), 0)),
  }
}
const bundles = {
  // A visitor without a key on /verify/<number> (the QR code): the entry only (main.tsx → PublicApp).
  verifyEntry: bundle(['index.html']),
  // A signed-in user on /dashboard: the entry, the full app (Root) and the dashboard page.
  dashboard: bundle(['index.html', 'src/Root.tsx', 'src/pages/DashboardPage.tsx']),
}
console.log(
  `bundles: verify entry ${bundles.verifyEntry.gzipKB} kB gzipped, dashboard ${bundles.dashboard.gzipKB} kB`,
)

// ---- 2. the production server with the demo data ----
const freePort = () =>
  new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
const port = await freePort()
const dataDir = mkdtempSync(join(os.tmpdir(), 'qi-web-bench-'))
const server = spawn(
  'node',
  ['--enable-source-maps', join(root, 'apps', 'api', 'dist', 'main.js'), '--demo'],
  {
    cwd: join(root, 'apps', 'api'),
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      QI_DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
)
const baseUrl = `http://127.0.0.1:${port}`
let output = ''
const apiKey = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 300_000)
  server.on('exit', (code) => reject(new Error(`server exited (${code}):\n${output}`)))
  server.stdout?.on('data', (chunk) => {
    output += String(chunk)
    const key = /^\s+standards_institute\s+HBSI\s+(\S+)/m.exec(output)?.[1]
    if (key && output.includes(`on ${baseUrl}`)) {
      clearTimeout(timer)
      resolve(key)
    }
  })
})

// ---- 3. the dashboard in Chromium ----
const browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
})

/**
 * One load of /dashboard in `context`: milliseconds from navigation start until the first KPI row
 * is visible, read inside the page (performance.now() when a MutationObserver first sees it).
 */
async function loadDashboard(
  /** @type {import('playwright-core').BrowserContext} */ context,
  /** @type {number} */ rate,
) {
  const page = await context.newPage()
  const cdp = await context.newCDPSession(page)
  await cdp.send('Emulation.setCPUThrottlingRate', { rate })
  await page.goto(`${baseUrl}/dashboard`)
  const usableMs = await page.evaluate(() => /** @type {any} */ (window).__usable)
  await page.close()
  return Math.round(usableMs)
}

async function newContext() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' })
  await context.addInitScript(
    ({ key, selector }) => {
      localStorage.setItem('qi.apiKey', key)
      localStorage.setItem('qi.lang', 'zh-CN')
      const w = /** @type {any} */ (window)
      w.__usable = new Promise((resolve) => {
        const check = () => {
          const element = document.querySelector(selector)
          if (element && element.getBoundingClientRect().height > 0 && /\d/.test(element.textContent ?? '')) {
            observer.disconnect()
            resolve(performance.now())
          }
        }
        const observer = new MutationObserver(check)
        observer.observe(document, { childList: true, subtree: true, characterData: true })
      })
    },
    { key: apiKey, selector: USABLE },
  )
  return context
}

const median = (/** @type {number[]} */ values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2
    ? (sorted[middle] ?? 0)
    : Math.round(((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2)
}

/** Cold: a fresh context (empty cache) per run. Warm: one context, its cache filled by a first load. */
async function measure(/** @type {number} */ rate) {
  const cold = []
  for (let run = 0; run < RUNS; run++) {
    const context = await newContext()
    cold.push(await loadDashboard(context, rate))
    await context.close()
  }
  const warm = []
  const context = await newContext()
  await loadDashboard(context, rate)
  for (let run = 0; run < RUNS; run++) warm.push(await loadDashboard(context, rate))
  await context.close()
  return { coldMs: cold, warmMs: warm, coldMedianMs: median(cold), warmMedianMs: median(warm) }
}

let timings
try {
  // One load first so the server's read models and caches are warm for every measured run.
  const warmup = await newContext()
  await loadDashboard(warmup, 1)
  await warmup.close()
  // Interleaved order would be fairer still; the baseline runs first, then the throttled ones.
  const baseline = await measure(1)
  const throttled = await measure(THROTTLE)
  timings = { baseline, throttled }
} finally {
  await browser.close()
  server.kill('SIGTERM')
  await new Promise((resolve) => server.once('exit', resolve))
  rmSync(dataDir, { recursive: true, force: true })
}

const commit = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim()
// Uncommitted changes, bench-results aside (the same rule as tooling/bench/src/metadata.ts).
const dirty =
  spawnSync('git', ['status', '--porcelain', '--untracked-files=no', '--', '.', ':(exclude)bench-results'], {
    cwd: root,
    encoding: 'utf8',
  }).stdout.trim() !== ''
const chromiumVersion = spawnSync(CHROMIUM_PATH, ['--version'], { encoding: 'utf8' }).stdout.trim()
const ratio = (/** @type {number} */ a, /** @type {number} */ b) => Math.round((a / b) * 100) / 100
const result = {
  date: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    chromium: chromiumVersion,
    /** The machine is shared: its load when the run ended (1, 5, 15 min) says how noisy the times are. */
    loadAverage: os.loadavg().map((n) => Math.round(n * 10) / 10),
  },
  git: { commit, dirty },
  settings: {
    command: 'pnpm bench:web',
    runs: RUNS,
    cpuThrottlingRate: THROTTLE,
    viewport: '1280x800',
    language: 'zh-CN',
    server: 'node apps/api/dist/main.js --demo (NODE_ENV=production, fresh data folder, 127.0.0.1)',
    page: '/dashboard signed in as HBSI (standards institute)',
    usable: `first ${USABLE} visible with digits in it, ms from navigation start (performance.now())`,
    gzip: 'node:zlib gzipSync default level, per chunk, summed',
  },
  bundles,
  timings: {
    ...timings,
    throttledToBaseline: {
      cold: ratio(timings.throttled.coldMedianMs, timings.baseline.coldMedianMs),
      warm: ratio(timings.throttled.warmMedianMs, timings.baseline.warmMedianMs),
    },
  },
  targets: {
    verifyEntryGzipKB: {
      target: TARGETS.verifyEntryGzipKB,
      measured: bundles.verifyEntry.gzipKB,
      met: bundles.verifyEntry.gzipKB <= TARGETS.verifyEntryGzipKB,
    },
    dashboardUsableThrottledColdMs: {
      target: TARGETS.dashboardUsableMs,
      measured: timings.throttled.coldMedianMs,
      met: timings.throttled.coldMedianMs <= TARGETS.dashboardUsableMs,
    },
    dashboardUsableThrottledWarmMs: {
      target: TARGETS.dashboardUsableMs,
      measured: timings.throttled.warmMedianMs,
      met: timings.throttled.warmMedianMs <= TARGETS.dashboardUsableMs,
    },
  },
}
mkdirSync(join(root, 'bench-results'), { recursive: true })
writeFileSync(join(root, 'bench-results', 'web.json'), `${JSON.stringify(result, null, 2)}\n`)
console.log(
  JSON.stringify(
    {
      bundles: { verify: bundles.verifyEntry.gzipKB, dashboard: bundles.dashboard.gzipKB },
      timings: result.timings,
      targets: result.targets,
    },
    null,
    2,
  ),
)
