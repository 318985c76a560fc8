/**
 * The servers the API benchmark (main.ts) and its diagnostics (issue-report-cpu.ts,
 * policy-split.ts) start: the built API and the bare baseline, each a Node process whose output
 * goes to a file, ready once a line of it matches.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'

/** The API's line once it listens (its URL in group 1). */
export const API_READY = /QI Ledger API on (http:\/\/[^\s]+)/
/** The baseline server's line once it listens (its URL in group 1). */
export const BASELINE_READY = /baseline listening on (http:\/\/[^\s]+)/

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

/** Arguments to run an API bundle (relative to apps/api) with the demo data, optionally profiled. */
export const apiArguments = (bundle: string, cpuProfileDir?: string) => [
  '--enable-source-maps',
  ...(cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : []),
  bundle,
  '--demo',
]

/**
 * The API's environment in a benchmark: production, a free port on 127.0.0.1, its own data folder,
 * no trace export unless `extra` sets one.
 */
export const apiEnvironment = (dataDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  NODE_ENV: 'production',
  PORT: '0',
  HOST: '127.0.0.1',
  QI_DATA_DIR: dataDir,
  OTEL_EXPORTER_OTLP_ENDPOINT: '',
  ...extra,
})

/**
 * Starts a Node process whose output goes to `logFile`; resolves with the process, the first match
 * of `ready` in its output, its output so far, and when it was started (performance.now()).
 */
export async function startProcess(
  name: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; logFile: string; ready: RegExp; timeoutMs: number },
): Promise<{ child: ChildProcess; match: RegExpMatchArray; output: () => string; startedAt: number }> {
  const fd = openSync(options.logFile, 'w')
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', fd, fd],
  })
  const startedAt = performance.now()
  closeSync(fd)
  const output = () => readFileSync(options.logFile, 'utf8')
  const deadline = Date.now() + options.timeoutMs
  while (Date.now() < deadline) {
    const match = output().match(options.ready)
    if (match) return { child, match, output, startedAt }
    if (child.exitCode !== null) break
    await sleep(100)
  }
  child.kill('SIGKILL')
  throw new Error(`${name} did not start:\n${output().slice(-3000)}`)
}

/** Stops a process: SIGTERM, then SIGKILL if it has not exited within 15 s. */
export async function stopProcess(child: ChildProcess) {
  if (child.exitCode !== null) return
  const exited = new Promise((done) => child.once('exit', done))
  child.kill('SIGTERM')
  await Promise.race([exited, sleep(15_000)])
  if (child.exitCode === null) child.kill('SIGKILL')
}

/** The demo organisations' API keys the API printed on its first start: org id → key. */
export function demoKeys(output: string): Map<string, string> {
  const keys = new Map<string, string>()
  for (const match of output.matchAll(/^ {2}\S+\s+(\S+)\s+(qi_\S+)/gm)) keys.set(match[1]!, match[2]!)
  return keys
}
