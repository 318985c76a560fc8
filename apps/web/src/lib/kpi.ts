/** How a KPI compares with its 2020 target, for a progress bar. */
export interface KpiTarget {
  min: number
  max?: number
}

export interface KpiProgress {
  /** Fill of the bar, 0..1 (value / the lower bound of the target). */
  fill: number
  /** `1234 / 1500` or `5 / 5–6`; percent units carry a `%`. */
  text: string
  met: boolean | null
}

export function targetText(target: KpiTarget, unit: 'count' | 'percent' = 'count'): string {
  const suffix = unit === 'percent' ? ' %' : ''
  return target.max !== undefined && target.max !== target.min
    ? `${target.min}–${target.max}${suffix}`
    : `${target.min}${suffix}`
}

export function kpiProgress(
  value: number,
  target: KpiTarget | null,
  unit: 'count' | 'percent' = 'count',
): KpiProgress {
  const suffix = unit === 'percent' ? ' %' : ''
  if (!target) return { fill: 0, text: `${value}${suffix}`, met: null }
  const fill = target.min <= 0 ? 1 : Math.max(0, Math.min(1, value / target.min))
  return { fill, text: `${value}${suffix} / ${targetText(target, unit)}`, met: value >= target.min }
}
