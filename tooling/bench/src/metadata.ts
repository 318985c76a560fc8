/**
 * What every bench result JSON carries so that two files can be compared honestly: the machine,
 * the date, the git commit (and whether the work tree had uncommitted changes) and the settings.
 */
import { execFileSync } from 'node:child_process'
import os from 'node:os'

export interface MachineInfo {
  hostname: string
  cpus: number
  cpuModel: string
  node: string
  platform: string
  totalMemoryGiB: number
  /** 1-minute load average when the run started: a busy shared machine shows here. */
  loadAverage1m: number
}

export interface GitInfo {
  commit: string | null
  branch: string | null
  /**
   * True when tracked files differ from the commit. Untracked files and bench-results/ (which the
   * benches themselves rewrite) are not counted.
   */
  dirty: boolean | null
}

export interface BenchMetadata<Settings> {
  date: string
  machine: MachineInfo
  git: GitInfo
  /** 'quick' (BENCH_QUICK=1: fewer, shorter runs, smaller logs) or 'full'. */
  mode: 'quick' | 'full'
  settings: Settings
}

/** True when BENCH_QUICK is set to anything but '', '0' or 'false', or `--quick` is passed. */
export function isQuickMode(
  environment: NodeJS.ProcessEnv = process.env,
  argv: string[] = process.argv,
): boolean {
  const value = environment.BENCH_QUICK
  if (argv.includes('--quick')) return true
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false'
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus()
  return {
    hostname: os.hostname(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    totalMemoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    loadAverage1m: Number(os.loadavg()[0]!.toFixed(2)),
  }
}

function git(cwd: string, args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return null
  }
}

/** The commit the bench ran from; nulls when `cwd` is not in a git work tree or git is missing. */
export function gitInfo(cwd: string): GitInfo {
  const commit = git(cwd, ['rev-parse', 'HEAD'])
  if (commit === null) return { commit: null, branch: null, dirty: null }
  const root = git(cwd, ['rev-parse', '--show-toplevel'])
  const status =
    root === null
      ? null
      : git(root, ['status', '--porcelain', '--untracked-files=no', '--', '.', ':(exclude)bench-results'])
  return {
    commit,
    branch: git(cwd, ['rev-parse', '--abbrev-ref', 'HEAD']),
    dirty: status === null ? null : status.length > 0,
  }
}

/** Call at the start of a run (the load average and the commit are the run's, not the report's). */
export function benchMetadata<Settings>(
  repositoryRoot: string,
  settings: Settings,
  quick = isQuickMode(),
): BenchMetadata<Settings> {
  return {
    date: new Date().toISOString(),
    machine: machineInfo(),
    git: gitInfo(repositoryRoot),
    mode: quick ? 'quick' : 'full',
    settings,
  }
}
