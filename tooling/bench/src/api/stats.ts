/**
 * The pure parts of the API benchmark: latency percentiles, one level's summary, the targets and
 * the shape of bench-results/api.json (checked by `resultProblems` before the file is written).
 */

/** Nearest-rank percentile of values sorted ascending (p in 0..100); NaN for no values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  if (p <= 0) return sorted[0]!
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, rank) - 1]!
}

export interface LevelSummary {
  clients: number
  requests: number
  errors: number
  /** Successful requests per second over the level's wall time. */
  throughput: number
  /** Latencies in milliseconds (successful requests). */
  p50: number
  p95: number
  p99: number
  max: number
  wallMs: number
  /** Requests on new vs reused connections (HTTP requests, which a scenario's call may make several of). */
  connections?: ConnectionSummary
}

const round = (value: number, digits = 2) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : value)

/** Summarises one run of `clients` concurrent clients: latencies of the successful requests (ms). */
export function summarize(
  clients: number,
  latenciesMs: number[],
  errors: number,
  wallMs: number,
): LevelSummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b)
  return {
    clients,
    requests: sorted.length + errors,
    errors,
    throughput: round(sorted.length / (wallMs / 1000), 1),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? Number.NaN),
    wallMs: round(wallMs, 0),
  }
}

/** One HTTP request's phases as the client saw them (HttpClient.observe), in ms. */
export interface RequestPhases {
  /** The request opened a new connection (no idle keep-alive socket in the pool). */
  newSocket: boolean
  /** performance.now() when the request was made. */
  startedMs: number
  /** Until the pool handed it a socket (new or idle). */
  waitSocketMs: number
  /** A new socket's TCP connect (0 for a reused one). */
  connectMs: number
  /** From the request on a connected socket to the response's headers. */
  serverMs: number
  totalMs: number
}

/** Latencies of one group of requests (ms). */
export interface PhaseSummary {
  requests: number
  p50: number
  p99: number
  max: number
}

function phaseSummary(values: number[]): PhaseSummary {
  const sorted = [...values].sort((a, b) => a - b)
  return {
    requests: sorted.length,
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? Number.NaN),
  }
}

/**
 * Where a level's slow requests spent their time: requests on new connections vs reused ones,
 * the connects themselves and the server's share (request written → response headers).
 */
export interface ConnectionSummary {
  /** Sockets open to the server before the level started (from the warm-up). */
  openBefore: number
  newSockets: number
  reusedSockets: number
  totalOnNew: PhaseSummary
  totalOnReused: PhaseSummary
  connect: PhaseSummary
  serverOnNew: PhaseSummary
  serverOnReused: PhaseSummary
}

export function summarizeConnections(openBefore: number, phases: RequestPhases[]): ConnectionSummary {
  const onNew = phases.filter((p) => p.newSocket)
  const onReused = phases.filter((p) => !p.newSocket)
  return {
    openBefore,
    newSockets: onNew.length,
    reusedSockets: onReused.length,
    totalOnNew: phaseSummary(onNew.map((p) => p.totalMs)),
    totalOnReused: phaseSummary(onReused.map((p) => p.totalMs)),
    connect: phaseSummary(onNew.map((p) => p.connectMs)),
    serverOnNew: phaseSummary(onNew.map((p) => p.serverMs)),
    serverOnReused: phaseSummary(onReused.map((p) => p.serverMs)),
  }
}

export interface ScenarioLevel {
  clients: number
  value: LevelSummary
  baseline: LevelSummary
  /** value.throughput / baseline.throughput. */
  throughputRatio: number
  /** value.p50 / baseline.p50 (how many times slower the median request is). */
  p50Ratio: number
}

export interface ScenarioResult {
  id: string
  name: string
  procedure: string
  baseline: string
  baselineDescription: string
  levels: ScenarioLevel[]
  detail?: Record<string, unknown>
}

export function compareLevel(value: LevelSummary, baseline: LevelSummary): ScenarioLevel {
  return {
    clients: value.clients,
    value,
    baseline,
    throughputRatio: round(value.throughput / baseline.throughput, 3),
    p50Ratio: round(value.p50 / baseline.p50, 2),
  }
}

export interface TargetResult {
  id: string
  description: string
  /** null: not measured in this run (e.g. 256 clients in quick mode). */
  met: boolean | null
  actual: string
}

/** Mutations: ≥ 0.5× bare append at 64 clients and p99 ≤ 100 ms there. */
export const MUTATION_RATIO_MIN = 0.5
export const MUTATION_P99_MAX_MS = 100
/** Lineage on the demo: ≥ 0.5× its bare-SQL baseline. */
export const LINEAGE_RATIO_MIN = 0.5
/** Nothing over 1 s p99 at 256 clients. */
export const P99_MAX_AT_256_MS = 1000

const level = (scenario: ScenarioResult | undefined, clients: number) =>
  scenario?.levels.find((l) => l.clients === clients)

/** The targets, each marked met / not met / not measured. */
export function evaluateTargets(
  scenarios: ScenarioResult[],
  ids: { mutations: string[]; lineage: string },
): TargetResult[] {
  const byId = new Map(scenarios.map((s) => [s.id, s]))
  const targets: TargetResult[] = []
  for (const id of ids.mutations) {
    const at64 = level(byId.get(id), 64)
    targets.push({
      id: `${id}:throughput-vs-append@64`,
      description: `${id} at 64 clients ≥ ${MUTATION_RATIO_MIN}× the bare-append baseline's throughput`,
      met: at64 ? at64.throughputRatio >= MUTATION_RATIO_MIN : null,
      actual: at64 ? `${at64.throughputRatio}×` : 'not measured',
    })
    targets.push({
      id: `${id}:p99@64`,
      description: `${id} at 64 clients p99 ≤ ${MUTATION_P99_MAX_MS} ms`,
      met: at64 ? at64.value.p99 <= MUTATION_P99_MAX_MS : null,
      actual: at64 ? `${at64.value.p99} ms` : 'not measured',
    })
  }
  const lineage = byId.get(ids.lineage)
  for (const l of lineage?.levels ?? []) {
    targets.push({
      id: `${ids.lineage}:throughput-vs-sql@${l.clients}`,
      description: `${ids.lineage} at ${l.clients} clients ≥ ${LINEAGE_RATIO_MIN}× its bare-SQL baseline's throughput`,
      met: l.throughputRatio >= LINEAGE_RATIO_MIN,
      actual: `${l.throughputRatio}×`,
    })
  }
  for (const scenario of scenarios) {
    const at256 = level(scenario, 256)
    targets.push({
      id: `${scenario.id}:p99@256`,
      description: `${scenario.id} at 256 clients p99 ≤ ${P99_MAX_AT_256_MS} ms`,
      met: at256 ? at256.value.p99 <= P99_MAX_AT_256_MS && at256.value.errors === 0 : null,
      actual: at256 ? `${at256.value.p99} ms, ${at256.value.errors} errors` : 'not measured',
    })
  }
  return targets
}

export interface ApiBenchResult {
  benchmark: 'api'
  date: string
  machine: { cpus: number; model: string; node: string; platform: string; arch: string; memoryBytes: number }
  git: { commit: string | null; dirty: boolean | null }
  settings: {
    quick: boolean
    clients: number[]
    requests: Record<string, number>
    dataset: Record<string, unknown>
    server: Record<string, unknown>
  }
  scenarios: ScenarioResult[]
  targets: TargetResult[]
}

const isNumber = (value: unknown) => typeof value === 'number' && !Number.isNaN(value)

/** What is wrong with a result before it is written (empty when nothing). */
export function resultProblems(result: ApiBenchResult): string[] {
  const problems: string[] = []
  if (result.benchmark !== 'api') problems.push('benchmark must be "api"')
  if (Number.isNaN(Date.parse(result.date))) problems.push('date is not a date')
  if (!/^[0-9a-f]{40}$/.test(result.git.commit ?? '')) problems.push('git.commit is not a commit id')
  if (!(result.machine.cpus > 0)) problems.push('machine.cpus must be positive')
  if (result.settings.clients.length === 0) problems.push('settings.clients is empty')
  if (result.scenarios.length === 0) problems.push('no scenarios')
  for (const scenario of result.scenarios) {
    const clients = scenario.levels.map((l) => l.clients)
    if (clients.join() !== result.settings.clients.join())
      problems.push(`${scenario.id}: levels ${clients.join()} differ from settings.clients`)
    for (const l of scenario.levels) {
      for (const side of [l.value, l.baseline]) {
        for (const key of ['throughput', 'p50', 'p95', 'p99'] as const) {
          if (!isNumber(side[key])) problems.push(`${scenario.id}@${l.clients}: ${key} is not a number`)
        }
        if (side.p50 > side.p95 || side.p95 > side.p99)
          problems.push(`${scenario.id}@${l.clients}: percentiles out of order`)
      }
      if (!isNumber(l.throughputRatio)) problems.push(`${scenario.id}@${l.clients}: ratio is not a number`)
    }
  }
  for (const target of result.targets) {
    if (target.met !== true && target.met !== false && target.met !== null)
      problems.push(`target ${target.id}: met must be true, false or null`)
  }
  return problems
}
