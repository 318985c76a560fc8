import http from 'node:http'
import { performance } from 'node:perf_hooks'
import { type LevelSummary, type RequestPhases, summarize } from './stats'

/**
 * A keep-alive HTTP client: one pooled socket per concurrent client, as N browser tabs or
 * services calling the API would hold.
 */
export class HttpClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1024 })
  /** While not null, every request's phases are appended here (see `observe`). */
  private observations: RequestPhases[] | null = null

  constructor(private readonly base: URL) {}

  /** Records the phases of every request made until the returned function is called; it returns them. */
  observe(): () => RequestPhases[] {
    const observations: RequestPhases[] = []
    this.observations = observations
    return () => {
      if (this.observations === observations) this.observations = null
      return observations
    }
  }

  /**
   * Makes sure `count` keep-alive sockets are open: `count` concurrent GETs of `path` (a cheap route)
   * each hold one socket until answered, the pool's idle ones first, new connections for the rest.
   * Returns the sockets open afterwards.
   */
  async open(count: number, path: string): Promise<number> {
    const answers = await Promise.all(Array.from({ length: count }, () => this.request('GET', path)))
    const failed = answers.find((answer) => answer.status !== 200)
    if (failed) throw new Error(`GET ${path} while opening connections: HTTP ${failed.status}`)
    return this.openSockets()
  }

  /** Sockets open to the server (busy or idle in the keep-alive pool). */
  openSockets(): number {
    let count = 0
    for (const list of [...Object.values(this.agent.sockets), ...Object.values(this.agent.freeSockets)])
      count += list?.length ?? 0
    return count
  }

  request(
    method: 'GET' | 'POST',
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; body: string }> {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body)
    const observations = this.observations
    const started = performance.now()
    let socketAt = Number.NaN
    let connectedAt = Number.NaN
    let newSocket = false
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
          const headersAt = performance.now()
          const chunks: Buffer[] = []
          response.on('data', (chunk: Buffer) => chunks.push(chunk))
          response.on('end', () => {
            if (observations) {
              const ended = performance.now()
              observations.push({
                newSocket,
                startedMs: started,
                waitSocketMs: socketAt - started,
                connectMs: newSocket ? connectedAt - socketAt : 0,
                // From the request on an open socket to the response's headers: the server's share.
                serverMs: headersAt - (newSocket ? connectedAt : socketAt),
                totalMs: ended - started,
              })
            }
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') })
          })
          response.on('error', reject)
        },
      )
      request.on('socket', (socket) => {
        socketAt = performance.now()
        // A socket the pool had open (keep-alive) or one this request opens now.
        newSocket = !request.reusedSocket
        if (newSocket) {
          if (socket.connecting) socket.once('connect', () => (connectedAt = performance.now()))
          else connectedAt = socketAt
        }
      })
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
