import superjson, { type SuperJSONResult } from 'superjson'

/** Deeper than this, the fast path gives up and superjson decides (it also detects cycles). */
const MAX_DEPTH = 200

/**
 * Whether superjson would send `value` as it is, with no `meta`: only null, booleans, strings,
 * finite numbers other than -0, dense arrays and plain objects of those (no undefined, bigint,
 * Date, Map, Set, class instance…).
 */
export function isPlainJson(value: unknown, depth = 0): boolean {
  if (value === null) return true
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0)
    case 'object': {
      if (depth > MAX_DEPTH) return false
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          if (!(i in value) || !isPlainJson(value[i], depth + 1)) return false
        }
        return true
      }
      const prototype = Object.getPrototypeOf(value)
      if (prototype !== Object.prototype && prototype !== null) return false
      for (const key in value) {
        // superjson refuses these keys (prototype pollution): let it.
        if (key === '__proto__' || key === 'constructor' || key === 'prototype') return false
        if (!isPlainJson((value as Record<string, unknown>)[key], depth + 1)) return false
      }
      return true
    }
    default:
      return false
  }
}

/**
 * superjson's wire format, cheaper to produce: an answer that is plain JSON (most are: lineage
 * graphs, pages of rows) is sent as `{ json: value }` after one type check per value, which is
 * exactly what superjson.serialize returns for it; anything else (bigint positions, Dates, …) goes
 * through superjson. superjson's own walk built a path per value and was a third of a lineage
 * query's server time. Clients keep using superjson to read it.
 */
export const wireTransformer = {
  serialize(value: unknown): SuperJSONResult {
    return isPlainJson(value) ? { json: value as SuperJSONResult['json'] } : superjson.serialize(value)
  },
  /**
   * A request's input arrives freshly parsed (nobody else holds it): without `meta` and when it is
   * plain JSON (no `__proto__`/`constructor`/`prototype` key) it is used as it is — what superjson
   * returns, less its defensive deep copy (copy-anything, ~1% of the server's CPU per mutation).
   * With `meta` (a bigint `minPosition`, a Date) superjson reads it.
   */
  deserialize<T = unknown>(payload: SuperJSONResult): T {
    if (
      typeof payload === 'object' &&
      payload !== null &&
      payload.meta === undefined &&
      isPlainJson(payload.json)
    )
      return payload.json as T
    return superjson.deserialize<T>(payload)
  },
}
