import { execFileSync } from 'node:child_process'
import os from 'node:os'

/** The machine a benchmark ran on. */
export function machine() {
  const cpus = os.cpus()
  return {
    cpus: cpus.length,
    model: cpus[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    memoryBytes: os.totalmem(),
  }
}

/** The commit measured, and whether the work tree had uncommitted changes. */
export function gitState(cwd: string): { commit: string; dirty: boolean } {
  const git = (...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim()
  return { commit: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain').length > 0 }
}
