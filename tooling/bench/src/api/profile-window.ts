// profile-top.ts restricted to a window (ms since the profile started, e.g. from issue-report-cpu.ts).
// Usage: tsx src/api/profile-window.ts <file.cpuprofile> <fromMs> <toMs> [count] [name filter regex]
import { readFileSync } from 'node:fs'

interface N {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
const [file, fromArg, toArg, countArg, filterArg] = process.argv.slice(2)
const p = JSON.parse(readFileSync(file!, 'utf8')) as { nodes: N[]; samples: number[]; timeDeltas: number[] }
const from = Number(fromArg) * 1000,
  to = Number(toArg) * 1000,
  count = Number(countArg ?? 40)
const byId = new Map(p.nodes.map((n) => [n.id, n]))
const parent = new Map<number, number>()
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
const label = (n: N) => {
  const { functionName, url, lineNumber } = n.callFrame
  return `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*\/(node_modules\/\.pnpm\/[^/]+\/node_modules\/|apps\/|packages\/|services\/)/, '$1')}:${lineNumber + 1}` : ''}`.trim()
}
const self = new Map<string, number>(),
  incl = new Map<string, number>()
let t = 0,
  total = 0
p.samples.forEach((id, i) => {
  t += p.timeDeltas[i] ?? 0
  if (t < from || t > to) return
  const d = p.timeDeltas[i] ?? 0
  total += d
  const n = byId.get(id)!
  self.set(label(n), (self.get(label(n)) ?? 0) + d)
  const seen = new Set<string>()
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const name = label(byId.get(at)!)
    if (seen.has(name)) continue
    seen.add(name)
    incl.set(name, (incl.get(name) ?? 0) + d)
  }
})
const print = (title: string, m: Map<string, number>) => {
  console.log(`\n${title} (of ${(total / 1e6).toFixed(2)} s sampled)`)
  for (const [name, us] of [...m]
    .filter(([n]) => !filterArg || new RegExp(filterArg).test(n))
    .sort((a, b) => b[1] - a[1])
    .slice(0, count))
    console.log(
      `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`,
    )
}
print('self', self)
print('inclusive', incl)
