import { resolve } from 'node:path'
import { z } from 'zod'

export const DEFAULT_PORT = 3000

const REPO_DATA_DIR = resolve(import.meta.dirname, '..', '..', '..', 'data')

/** Where the embedded store, read models and keys live: `QI_DATA_DIR`, else `<repo>/data`. */
export function dataDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.QI_DATA_DIR ?? REPO_DATA_DIR)
}

const flag = z.enum(['0', '1'], { error: 'expected 0 or 1' })

/**
 * Every setting the server reads, validated once at start. The README's configuration table lists
 * the same variables; a bad value stops the start with one message per variable.
 */
const ConfigSchema = z.object({
  PORT: z.coerce
    .number({ error: 'expected a port number' })
    .int('expected a whole port number')
    .min(0, 'expected a port from 0 to 65535')
    .max(65535, 'expected a port from 0 to 65535')
    .default(DEFAULT_PORT),
  HOST: z.string().min(1, 'expected a host name or address').default('127.0.0.1'),
  QI_DATA_DIR: z
    .string()
    .min(1, 'expected a folder path')
    .default(REPO_DATA_DIR)
    .transform((dir) => resolve(dir)),
  QI_DURABILITY: z.enum(['normal', 'full'], { error: "expected 'normal' or 'full'" }).default('normal'),
  EVENTSTORE_CONNECTION_STRING: z
    .string()
    .regex(/^(esdb|kurrentdb|kdb)(\+discover)?:\/\/\S+$/, 'expected esdb://host:port?tls=… (or kurrentdb://)')
    .optional(),
  QI_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'expected the public base URL, e.g. https://qi.example.org' })
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  QI_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'expected fatal, error, warn, info, debug, trace or silent',
    })
    .default('info'),
  QI_DEMO: flag.default('1'),
  QI_POLICIES: z
    .enum(['owner', 'off'], {
      error: "expected 'owner' (this process runs the policies and timers) or 'off'",
    })
    .default('owner'),
  QI_METRICS_PUBLIC: flag.default('0'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ error: 'expected the OTLP/HTTP collector URL' }).optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('qi-ledger'),
})

export type Config = z.infer<typeof ConfigSchema>

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

/** Reads and validates the environment; empty values count as unset. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input = Object.fromEntries(
    Object.keys(ConfigSchema.shape)
      .map((key) => [key, env[key]?.trim()])
      .filter(([, value]) => value !== undefined && value !== ''),
  )
  const parsed = ConfigSchema.safeParse(input)
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const key = String(issue.path[0])
        return `${key}=${JSON.stringify(env[key] ?? '')}: ${issue.message}`
      }),
    )
  }
  return parsed.data
}
