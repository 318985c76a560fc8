import type { Durability } from './raw-sqlite'
import type { Target } from './scenarios'

export interface MetricResult {
  id: string
  name: string
  durability: Durability | null
  value: number
  unit: 'events/s'
  baseline: number
  baselineDescription: string
  /** store / baseline, the median of per-pair ratios: above 1 the store is faster than raw better-sqlite3. */
  ratio: number | null
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
  const header = ['metric', 'store ev/s', 'raw ev/s', 'ratio', 'target', 'met']
  const rows = results.map((result) => [
    result.name,
    formatRate(result.value),
    formatRate(result.baseline),
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
