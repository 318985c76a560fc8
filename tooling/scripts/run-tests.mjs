#!/usr/bin/env node
// Runs every test (vitest projects across the workspace) and ends with one plain line
// "N passed, N failed[, N skipped]" that CI reads. Exits non-zero on any failure or when no test ran.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const report = join(root, '.vitest-report.json')
rmSync(report, { force: true })

// Browser end-to-end tests drive Debian's Chromium (no browser download is possible here).
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
if (!existsSync(CHROMIUM)) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  if (isRoot) {
    console.log('Installing Chromium from Debian for the browser tests (apt-get, about a minute)…')
    const apt = (args) =>
      spawnSync('apt-get', args, {
        stdio: 'inherit',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      })
    if (apt(['update', '-qq']).status !== 0 || apt(['install', '-y', '-qq', 'chromium']).status !== 0) {
      console.error('Could not install chromium with apt-get; the browser tests will fail.')
    }
  } else {
    console.error(
      `No Chromium at ${CHROMIUM} and not root: install it (sudo apt-get install chromium) or set CHROMIUM_PATH; the browser tests will fail.`,
    )
  }
}

// The browser tests load the built web app, served by the API as in production.
if (existsSync(join(root, 'apps', 'web', 'package.json'))) {
  const build = spawnSync('npx', ['-y', 'pnpm@12.4.2', '--filter', '@qi/web', 'run', 'build'], {
    cwd: root,
    stdio: 'inherit',
  })
  if (build.status !== 0) console.error('Building the web app failed; the browser tests will fail.')
}

const vitest = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    '-c',
    'vitest.projects.ts',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } },
)

let passed = 0
let failed = 0
let skipped = 0
if (existsSync(report)) {
  const json = JSON.parse(readFileSync(report, 'utf8'))
  passed = json.numPassedTests ?? 0
  failed = json.numFailedTests ?? 0
  skipped = (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0)
  // A file that fails to load has no tests but is a failure all the same.
  const brokenFiles = (json.testResults ?? []).filter(
    (f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0,
  )
  failed += brokenFiles.length
} else {
  failed = 1
  console.error('vitest wrote no report: the run itself failed')
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
const ok = vitest.status === 0 && failed === 0 && passed > 0
process.exit(ok ? 0 : 1)
