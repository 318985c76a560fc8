import os from 'node:os'
import { gitInfo } from '../metadata'

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

/** The commit measured, and whether the work tree had uncommitted changes (bench-results aside). */
export function gitState(cwd: string): { commit: string | null; dirty: boolean | null } {
  const { commit, dirty } = gitInfo(cwd)
  return { commit, dirty }
}
