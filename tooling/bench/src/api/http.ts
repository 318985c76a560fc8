import http from 'node:http'
import { performance } from 'node:perf_hooks'
import { type LevelSummary, summarize } from './stats'

/**
 * A keep-alive HTTP client: one pooled socket per concurrent client, as N browser tabs or
 * services calling the API would hold.
 */
export class HttpClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1024 })

  constructor(private readonly base: URL) {}

  request(
    method: 'GET' | 'POST',
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; body: string }> {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body)
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: this.base.hostname,
          port: this.base.port,
          method,
          path,
          agent: this.agent,
          headers: {
            ...options.headers,
            ...(payload === undefined
              ? {}
              : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          },
        },
        (response) => {
          const chunks: Buffer[] = []
          response.on('data', (chunk: Buffer) => chunks.push(chunk))
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          )
          response.on('error', reject)
        },
      )
      request.on('error', reject)
      request.end(payload)
    })
  }

  close() {
    this.agent.destroy()
  }
}

/**
 * tRPC over HTTP without the client library: a query is a GET with `?input=`, a mutation a POST,
 * both carrying superjson's envelope (`{ json }`; the bench's inputs hold no bigint or Date).
 * Returns the result's `json`; throws with the status and body on an error.
 */
export class TrpcHttp {
  constructor(
    private readonly client: HttpClient,
    private readonly apiKey: string,
  ) {}

  async query<T = unknown>(path: string, input: unknown, extraMeta?: unknown): Promise<T> {
    const envelope = extraMeta ? { json: input, meta: extraMeta } : { json: input }
    const response = await this.client.request(
      'GET',
      `/trpc/${path}?input=${encodeURIComponent(JSON.stringify(envelope))}`,
      { headers: { 'x-api-key': this.apiKey } },
    )
    return unwrap<T>(path, response)
  }

  async mutation<T = unknown>(path: string, input: unknown): Promise<T> {
    const response = await this.client.request('POST', `/trpc/${path}`, {
      body: { json: input },
      headers: { 'x-api-key': this.apiKey },
    })
    return unwrap<T>(path, response)
  }
}

function unwrap<T>(path: string, response: { status: number; body: string }): T {
  if (response.status !== 200)
    throw new Error(`${path}: HTTP ${response.status} ${response.body.slice(0, 300)}`)
  return (JSON.parse(response.body) as { result: { data: { json: T } } }).result.data.json
}

/**
 * Runs `count` calls of `operation` (each given a distinct index from `firstIndex` on) from
 * `clients` concurrent loops and times each call. A failed call counts as an error, not a latency.
 */
export async function runLevel(
  clients: number,
  count: number,
  operation: (index: number) => Promise<unknown>,
  firstIndex = 0,
): Promise<LevelSummary & { firstError: string | null }> {
  const latencies: number[] = []
  let errors = 0
  let firstError: string | null = null
  let next = 0
  const started = performance.now()
  const loop = async () => {
    for (;;) {
      const index = next++
      if (index >= count) return
      const callStarted = performance.now()
      try {
        await operation(firstIndex + index)
        latencies.push(performance.now() - callStarted)
      } catch (error) {
        errors += 1
        firstError ??= error instanceof Error ? error.message : String(error)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(clients, count) }, loop))
  return { ...summarize(clients, latencies, errors, performance.now() - started), firstError }
}
