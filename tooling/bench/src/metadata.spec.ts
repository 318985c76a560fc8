import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { benchMetadata, gitInfo, isQuickMode } from './metadata'

const here = dirname(fileURLToPath(import.meta.url))

describe('bench metadata', () => {
  it('reads quick mode from BENCH_QUICK or --quick', () => {
    expect(isQuickMode({}, [])).toBe(false)
    expect(isQuickMode({ BENCH_QUICK: '1' }, [])).toBe(true)
    expect(isQuickMode({ BENCH_QUICK: 'true' }, [])).toBe(true)
    expect(isQuickMode({ BENCH_QUICK: '0' }, [])).toBe(false)
    expect(isQuickMode({ BENCH_QUICK: 'false' }, [])).toBe(false)
    expect(isQuickMode({ BENCH_QUICK: '' }, [])).toBe(false)
    expect(isQuickMode({}, ['node', 'main.ts', '--quick'])).toBe(true)
  })

  it('names the commit of the repository it runs in', () => {
    const git = gitInfo(here)
    expect(git.commit).toMatch(/^[0-9a-f]{40}$/)
    expect(typeof git.dirty).toBe('boolean')
  })

  it('says so, with nulls, outside a git work tree', () => {
    const directory = mkdtempSync(join(tmpdir(), 'qi-no-git-'))
    try {
      expect(gitInfo(directory)).toEqual({ commit: null, branch: null, dirty: null })
    } finally {
      rmSync(directory, { recursive: true, force: true })
    }
  })

  it('carries machine, date, commit, mode and the settings given', () => {
    const metadata = benchMetadata(here, { runs: 3 }, true)
    expect(metadata.mode).toBe('quick')
    expect(metadata.settings).toEqual({ runs: 3 })
    expect(new Date(metadata.date).toISOString()).toBe(metadata.date)
    expect(metadata.machine.cpus).toBeGreaterThan(0)
    expect(metadata.machine.node).toBe(process.version)
    expect(metadata.git.commit).toMatch(/^[0-9a-f]{40}$/)
  })
})
