/**
 * Reading V8 CPU profiles (`node --cpu-prof`) for the profile scripts beside it (profile-top,
 * profile-window, profile-buckets): frames named "function path:line" with the workspace's and
 * pnpm's folders cut, and time per frame, self and inclusive, over a window of the profile.
 */
import { readFileSync } from 'node:fs'

export interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

export interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
  byId: Map<number, ProfileNode>
  parent: Map<number, number>
}

export function readProfile(file: string): CpuProfile {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Omit<CpuProfile, 'byId' | 'parent'>
  const parent = new Map<number, number>()
  for (const node of raw.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  return { ...raw, byId: new Map(raw.nodes.map((n) => [n.id, n])), parent }
}

/** "function path:line", the path from the package (or pnpm's package folder) down. */
export function frameLabel(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame
  const where = url
    ? `${url.replace(/^.*\/(node_modules\/\.pnpm\/[^/]+\/node_modules\/|apps\/|packages\/|services\/)/, '$1')}:${lineNumber + 1}`
    : ''
  return `${functionName || '(anonymous)'} ${where}`.trim()
}

/** Calls `visit` with each sample's leaf node and its time (µs) taken from `fromMs` to `toMs` after the start. */
export function forEachSample(
  profile: CpuProfile,
  fromMs: number,
  toMs: number,
  visit: (leaf: number, micros: number) => void,
) {
  let at = 0
  profile.samples.forEach((id, i) => {
    const micros = profile.timeDeltas[i] ?? 0
    at += micros
    if (at >= fromMs * 1000 && at <= toMs * 1000) visit(id, micros)
  })
}

/** Self and inclusive time per frame label over the window, and the time sampled in it (µs). */
export function frameTimes(profile: CpuProfile, fromMs = 0, toMs = Number.POSITIVE_INFINITY) {
  const self = new Map<string, number>()
  const inclusive = new Map<string, number>()
  let total = 0
  forEachSample(profile, fromMs, toMs, (leaf, micros) => {
    total += micros
    const name = frameLabel(profile.byId.get(leaf)!)
    self.set(name, (self.get(name) ?? 0) + micros)
    const seen = new Set<string>()
    for (let at: number | undefined = leaf; at !== undefined; at = profile.parent.get(at)) {
      const frame = frameLabel(profile.byId.get(at)!)
      if (seen.has(frame)) continue
      seen.add(frame)
      inclusive.set(frame, (inclusive.get(frame) ?? 0) + micros)
    }
  })
  return { self, inclusive, total }
}

/** Prints the `count` largest entries of `table` (µs) as shares of `total`, optionally filtered by name. */
export function printShares(
  title: string,
  table: Map<string, number>,
  total: number,
  count: number,
  filter?: RegExp,
) {
  console.log(`\n${title} (of ${(total / 1e6).toFixed(2)} s sampled)`)
  for (const [name, micros] of [...table]
    .filter(([n]) => !filter || filter.test(n))
    .sort((a, b) => b[1] - a[1])
    .slice(0, count))
    console.log(
      `${((100 * micros) / total).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(7)} ms  ${name}`,
    )
}
