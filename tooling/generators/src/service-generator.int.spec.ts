import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const repo = join(import.meta.dirname, '..', '..', '..')
const PNPM = ['-y', 'pnpm@12.4.2']

/** The environment of a fresh shell: no vitest worker variables leak into the nested runs. */
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST') && key !== 'NODE_OPTIONS'),
)

function run(cwd: string, command: string, args: string[]) {
  const result = spawnSync(command, args, { cwd, env: cleanEnv, encoding: 'utf8', timeout: 300_000 })
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips the colour codes of the nested runs
  const output = `${result.stdout}\n${result.stderr}`.replace(/\u001b\[[0-9;]*m/g, '')
  return { code: result.status, output }
}

/**
 * The generator as a developer uses it: into a copy of the repository (every tracked and
 * untracked-but-not-ignored file), then the new service's typecheck, lint and tests.
 */
describe('pnpm turbo gen service', () => {
  let copy: string
  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), 'qi-gen-'))
    const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], {
      cwd: repo,
      encoding: 'utf8',
    })
      .split('\0')
      .filter((file) => file && !file.startsWith('bench-results/') && !file.startsWith('docs/screenshots/'))
    for (const file of files) {
      mkdirSync(dirname(join(copy, file)), { recursive: true })
      try {
        cpSync(join(repo, file), join(copy, file))
      } catch {
        // a file deleted in the work tree but not yet in the index
      }
    }
    const install = run(copy, 'npx', [...PNPM, 'install', '--offline', '--frozen-lockfile'])
    expect(install.code, install.output).toBe(0)
  }, 600_000)
  afterAll(() => rmSync(copy, { recursive: true, force: true }))

  it('scaffolds a service that passes typecheck, lint and its tests as generated, registered in the API', () => {
    const generated = run(copy, 'npx', [
      ...PNPM,
      'turbo',
      'gen',
      'service',
      '--args',
      'site-visits',
      'site-visit',
      'regulator',
      '现场检查',
    ])
    expect(generated.code, generated.output).toBe(0)
    // turbo gen exits 0 even when an action failed: read what it said
    expect(generated.output, generated.output).not.toMatch(/Failed to run|>>> Error/)
    expect(generated.output).toMatch(/Success/)

    const lint = run(copy, 'npx', [
      'biome',
      'check',
      '--error-on-warnings',
      'services/site-visits',
      'packages/contracts',
      'apps/api',
      'apps/web',
      'turbo',
    ])
    expect(lint.code, lint.output).toBe(0)

    const typecheck = run(copy, 'npx', [
      ...PNPM,
      'turbo',
      'run',
      'typecheck',
      '--filter',
      '@qi/site-visits',
      '--filter',
      '@qi/api',
      '--filter',
      '@qi/web',
    ])
    expect(typecheck.code, typecheck.output).toBe(0)

    const tests = run(copy, 'npx', [
      'vitest',
      'run',
      '-c',
      'vitest.projects.ts',
      '--project',
      'services/site-visits',
      '--project',
      'packages/contracts',
    ])
    expect(tests.code, tests.output).toBe(0)

    // the page's text in both languages, and the rule's message
    const web = run(copy, 'npx', [
      'vitest',
      'run',
      '-c',
      'vitest.projects.ts',
      '--project',
      'apps/web',
      'src/i18n',
    ])
    expect(web.code, web.output).toBe(0)
    expect(readFileSync(join(copy, 'apps', 'web', 'src', 'App.tsx'), 'utf8')).toContain("to: '/site-visits'")
    expect(tests.code, tests.output).toBe(0)
    expect(tests.output).toMatch(/Tests\s+\d+ passed/)

    // every procedure as every role, the new ones included
    const matrix = run(copy, 'npx', [
      'vitest',
      'run',
      '-c',
      'vitest.projects.ts',
      '--project',
      'apps/api',
      'authorization-matrix',
    ])
    expect(matrix.code, matrix.output).toBe(0)
    expect(matrix.output).toMatch(/\d+ procedures × 9 callers/)

    // wired into the platform: its procedures are in the API, its event in the catalogue
    expect(readFileSync(join(copy, 'docs', 'HTTP-API.md'), 'utf8')).toContain('`siteVisits.record`')
    expect(readFileSync(join(copy, 'docs', 'EVENT-CATALOGUE.md'), 'utf8')).toContain('SiteVisitRecorded')
    expect(readFileSync(join(copy, 'ARCHITECTURE.md'), 'utf8')).toContain('`services/site-visits`')
  }, 900_000)
})
