import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'

/** A server started as its own process (`main.ts`, the start command's server), for process tests. */
export interface ServerProcess {
  child: ChildProcess
  /** Resolves with the URL the server announces once it listens. */
  url: Promise<string>
  exited: Promise<number | null>
  /** Everything it wrote to stdout and stderr so far. */
  output: () => string
}

const apiDir = join(import.meta.dirname, '..')

/** Starts `main.ts` on a free loopback port, in production mode, with `env` over the test's own. */
export function startServerProcess(env: Record<string, string>, args: string[] = []): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'main.ts'), ...args], {
    cwd: apiDir,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  let announce: (url: string) => void = () => {}
  const url = new Promise<string>((resolve) => {
    announce = resolve
  })
  const collect = (chunk: Buffer) => {
    output += chunk.toString()
    const match = /QI Ledger API on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
    if (match) announce(match[1]!)
  }
  child.stdout!.on('data', collect)
  child.stderr!.on('data', collect)
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, url, exited, output: () => output }
}

/** `promise`, or a failure naming `what()` (e.g. the process's output) after `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting: ${what()}`)), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
