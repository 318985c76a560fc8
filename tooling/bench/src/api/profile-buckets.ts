// Shares of a CPU profile window by the part of the server the time went to: each sample goes to
// the nearest frame (leaf to root) matching a bucket (read-model batches, command, store, tRPC,
// Fastify, HTTP, GC, idle). DETAIL=n also prints each bucket's top n self frames.
// Usage: [DETAIL=n] tsx src/api/profile-buckets.ts <file.cpuprofile> <fromMs> <toMs>
import { readFileSync } from 'node:fs'

interface N {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
const [file, fromArg, toArg] = process.argv.slice(2)
const p = JSON.parse(readFileSync(file!, 'utf8')) as { nodes: N[]; samples: number[]; timeDeltas: number[] }
const from = Number(fromArg) * 1000,
  to = Number(toArg) * 1000
const byId = new Map(p.nodes.map((n) => [n.id, n]))
const parent = new Map<number, number>()
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
// [bucket, regex on "function url:line"]: the first frame matching any of them, from the leaf up
const outer: Array<[string, RegExp]> = [
  ['read models: applyBatch (runner)', /^applyBatch |^applyEvents /],
  ['policy runner', /PolicyRunner|reactWithRetry|^policy/],
  ['runner live loop (subscription, batching)', /^run apps\/api\/dist\/main\.js/],
  ['store append (group commit)', /^(flush|applyAppend|prepareAppend|commitBatch|appendToStream)\b/],
  [
    'store reads (subscriptions page, readStream, head)',
    /^(PagedSubscription|readPage|readAll|readStream|headPosition|pageAfter)\b/,
  ],
  ['command: enrich (facts)', /^(enrich|loadReportFacts)\b/],
  ['command: handleCommand (fold, decide, encode)', /^(handleCommand|decideAndAppend)\b/],
  ['command: runCommand (wait etc.)', /^(decideAndAppend2|runCommand|waitFor)\b/],
  ['auth: key resolve', /^resolve apps/],
  ['trpc: procedure/middlewares', /initTRPC|^observeCall|^inSpan/],
  [
    'trpc: fetch adapter / resolveResponse',
    /resolveResponse|adapters\/fastify|undici|abort_controller|node-http/,
  ],
  ['fastify', /node_modules\/fastify\//],
  ['http/net', /node:_http|node:net|node:internal\/stream|writev|writeString|node:internal\/http/],
]
const buckets = new Map<string, number>()
const selfBy = new Map<string, Map<string, number>>()
let t = 0,
  total = 0
p.samples.forEach((id, i) => {
  t += p.timeDeltas[i] ?? 0
  if (t < from || t > to) return
  const d = p.timeDeltas[i] ?? 0
  total += d
  const leaf = byId.get(id)!
  let bucket: string | null = null
  if (leaf.callFrame.functionName === '(garbage collector)') bucket = 'GC'
  else if (leaf.callFrame.functionName === '(idle)') bucket = 'idle'
  else {
    for (let at: number | undefined = id; at !== undefined && !bucket; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame
      const name = `${f.functionName} ${f.url.replace(/^.*\/(node_modules\/\.pnpm\/[^/]+\/node_modules\/|apps\/|packages\/)/, '$1')}:${f.lineNumber + 1}`
      for (const [b, re] of outer)
        if (re.test(name)) {
          bucket = b
          break
        }
    }
  }
  bucket ??= 'other'
  buckets.set(bucket, (buckets.get(bucket) ?? 0) + d)
  const lf = leaf.callFrame
  const ln = `${lf.functionName || '(anon)'} ${lf.url.replace(/^.*\/(node_modules\/\.pnpm\/[^/]+\/node_modules\/|apps\/|packages\/)/, '$1')}:${lf.lineNumber + 1}`
  const m = selfBy.get(bucket) ?? new Map()
  selfBy.set(bucket, m)
  m.set(ln, (m.get(ln) ?? 0) + d)
})
console.log(`window ${fromArg}-${toArg} ms: ${(total / 1e6).toFixed(2)} s sampled`)
for (const [b, us] of [...buckets].sort((a, b) => b[1] - a[1]))
  console.log(
    `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${b}`,
  )
if (process.env.DETAIL)
  for (const [b] of [...buckets].sort((a, b) => b[1] - a[1])) {
    console.log(`\n== ${b}`)
    for (const [n, us] of [...selfBy.get(b)!]
      .sort((a, b) => b[1] - a[1])
      .slice(0, Number(process.env.DETAIL)))
      console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${n}`)
  }
