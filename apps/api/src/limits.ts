/** The API's request limits; each can be changed by an environment variable (README, "Limits"). */
export interface ApiLimits {
  /** Largest request body accepted, in bytes (`QI_BODY_LIMIT_BYTES`, default 1 MiB). */
  bodyLimitBytes: number
  /** Most calls in one tRPC batch request (`QI_MAX_BATCH`, default 10). */
  maxBatch: number
  /** Requests per minute per IP address without an API key (`QI_RATE_LIMIT_ANONYMOUS`, default 300). */
  anonymousPerMinute: number
  /** Requests per minute per IP address with a key that is not valid (`QI_RATE_LIMIT_FAILED_KEY`, default 30). */
  failedKeyPerMinute: number
  /** Requests per minute per valid key's user (`QI_RATE_LIMIT_SIGNED_IN`, default 0: unlimited). */
  signedInPerMinute: number
  /**
   * Behind a reverse proxy, which proxies to trust for the caller's address (X-Forwarded-For), so
   * that rate limits apply per client and not to the proxy (`QI_TRUST_PROXY`: `true` for any, or
   * the proxies' addresses/CIDRs separated by commas; default: none).
   */
  trustProxy: boolean | string
}

function trustProxyFromEnv(): boolean | string {
  const raw = process.env.QI_TRUST_PROXY?.trim()
  if (!raw || raw === 'false' || raw === '0') return false
  if (raw === 'true') return true
  return raw
}

const positiveInteger = (name: string, fallback: number, allowZero = false): number => {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new Error(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, not '${raw}'`)
  }
  return value
}

export function limitsFromEnv(): ApiLimits {
  return {
    bodyLimitBytes: positiveInteger('QI_BODY_LIMIT_BYTES', 1024 * 1024),
    maxBatch: positiveInteger('QI_MAX_BATCH', 10),
    anonymousPerMinute: positiveInteger('QI_RATE_LIMIT_ANONYMOUS', 300),
    failedKeyPerMinute: positiveInteger('QI_RATE_LIMIT_FAILED_KEY', 30),
    signedInPerMinute: positiveInteger('QI_RATE_LIMIT_SIGNED_IN', 0, true),
    trustProxy: trustProxyFromEnv(),
  }
}
