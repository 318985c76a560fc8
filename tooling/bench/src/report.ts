import type { Durability } from './raw-sqlite'
import type { Target } from './scenarios'
import type { LatencyResult } from './subscription-latency'

export interface MetricResult {
  id: string
  name: string
  durability: Durability | null
  /** Set on a peer's rows (another event store measured against ours): value is the peer's. */
  peer?: 'emmett-sqlite'
  /** null when the run failed (see `error`) or did not finish in time (`timeout`). */
  value: number | null
  unit: 'events/s'
  baseline: number | null
  baselineDescription: string
  /**
   * store / baseline, the median of per-pair ratios: above 1 the store is faster than raw
   * better-sqlite3. On a peer's row: peer / our store.
   */
  ratio: number | null
  /** What went wrong, on a row whose runs failed. */
  error?: string
  /** True when the scenario did not finish within its time limit. */
  timeout?: boolean
  pairRatios: number[]
  target: Target | null
  met: boolean | null
  runs: number[]
  baselineRuns: number[]
}

function formatRate(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(0)}k` : value.toFixed(0)
}

function describeTarget(target: Target | null): string {
  if (!target) return '—'
  return target.kind === 'ratio' ? `≥ ${target.min}× raw` : `≥ ${formatRate(target.min)}/s`
}

export function formatTable(results: MetricResult[]): string {
  const header = ['metric', 'store ev/s', 'base ev/s', 'ratio', 'target', 'met']
  const rows = results.map((result) => [
    result.name,
    result.timeout ? 'timeout' : result.value === null ? 'error' : formatRate(result.value),
    result.baseline === null ? '—' : formatRate(result.baseline),
    result.ratio === null ? '—' : `${result.ratio.toFixed(2)}×`,
    describeTarget(result.target),
    result.met === null ? '' : result.met ? 'yes' : 'NO',
  ])
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  )
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ')
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n')
}

export function formatLatency(result: LatencyResult): string {
  const show = (summary: LatencyResult['after']) =>
    `median ${summary.medianMs ?? '—'} ms, p95 ${summary.p95Ms ?? '—'} ms, max ${summary.maxMs ?? '—'} ms (${summary.delivered}/${summary.probes} delivered)`
  return [
    result.name,
    `  before (250 ms poll):       ${show(result.before)}`,
    `  after (watcher + adaptive): ${show(result.after)}`,
    `  improvement: ${result.improvement ?? '—'}× sooner (median)`,
  ].join('\n')
}
