/**
 * Prints the top frames of a V8 CPU profile (node --cpu-prof; `BENCH_CPU_PROF=<dir> pnpm bench:api`
 * writes the API server's): self time per function, and inclusive time per function.
 * Usage: tsx src/api/profile-top.ts <file.cpuprofile> [count]
 */
import { readFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

const [file, countArg] = process.argv.slice(2)
if (!file) throw new Error('usage: profile-top.ts <file.cpuprofile> [count]')
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
const count = Number(countArg ?? 25)

const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const parent = new Map<number, number>()
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
const label = (node: ProfileNode) => {
  const { functionName, url, lineNumber } = node.callFrame
  const where = url
    ? `${url.replace(/^.*\/(node_modules\/\.pnpm\/[^/]+\/node_modules\/|apps\/|packages\/|services\/)/, '$1')}:${lineNumber + 1}`
    : ''
  return `${functionName || '(anonymous)'} ${where}`.trim()
}
const self = new Map<string, number>()
const inclusive = new Map<string, number>()
let total = 0
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0
  total += delta
  const node = byId.get(id)!
  self.set(label(node), (self.get(label(node)) ?? 0) + delta)
  const seen = new Set<string>()
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const name = label(byId.get(at)!)
    if (seen.has(name)) continue
    seen.add(name)
    inclusive.set(name, (inclusive.get(name) ?? 0) + delta)
  }
})
const print = (title: string, table: Map<string, number>) => {
  console.log(`\n${title} (of ${(total / 1e6).toFixed(1)} s sampled)`)
  for (const [name, micros] of [...table].sort((a, b) => b[1] - a[1]).slice(0, count))
    console.log(
      `${((100 * micros) / total).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(7)} ms  ${name}`,
    )
}
print('self time', self)
print('inclusive time', inclusive)
