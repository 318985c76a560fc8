import { performance } from 'node:perf_hooks'

/** One timed run: how many events it handled in how many milliseconds. */
export interface RunSample {
  events: number
  elapsedMs: number
}

export function eventsPerSecond(sample: RunSample): number {
  return sample.events / (sample.elapsedMs / 1000)
}

export function median(values: number[]): number {
  if (values.length === 0) throw new Error('median of no values')
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

export async function timed(run: () => Promise<number> | number): Promise<RunSample> {
  const started = performance.now()
  const events = await run()
  return { events, elapsedMs: performance.now() - started }
}

/**
 * Calls `step` (which handles some events and returns how many) until `budgetMs` has passed.
 * A time box rather than a fixed count keeps the total runtime bounded on slow disks, where an
 * fsync per commit can be 100× slower than on a fast one.
 */
export async function forDuration(
  budgetMs: number,
  step: () => Promise<number> | number,
): Promise<RunSample> {
  const started = performance.now()
  const deadline = started + budgetMs
  let events = 0
  while (performance.now() < deadline) events += await step()
  return { events, elapsedMs: performance.now() - started }
}

export interface PairedResult {
  store: number[]
  baseline: number[]
}

/**
 * Runs the store and its raw baseline alternately (store, baseline, store, …) so that drift on a
 * busy machine (other processes, page cache, CPU frequency) affects both sides alike. The first
 * pair is a warm-up and is not recorded.
 */
export async function paired(
  runs: number,
  storeRun: () => Promise<RunSample>,
  baselineRun: () => Promise<RunSample>,
): Promise<PairedResult> {
  await storeRun()
  await baselineRun()
  const result: PairedResult = { store: [], baseline: [] }
  for (let i = 0; i < runs; i++) {
    result.store.push(eventsPerSecond(await storeRun()))
    result.baseline.push(eventsPerSecond(await baselineRun()))
  }
  return result
}
