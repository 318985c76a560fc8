// Shares of a CPU profile window by the part of the server the time went to: each sample goes to
// the nearest frame (leaf to root) matching a bucket (read-model batches, command, store, tRPC,
// Fastify, HTTP, GC, idle). DETAIL=n also prints each bucket's top n self frames.
// Usage: [DETAIL=n] tsx src/api/profile-buckets.ts <file.cpuprofile> <fromMs> <toMs>
import { forEachSample, frameLabel, readProfile } from './cpu-profile'

const [file, fromArg, toArg] = process.argv.slice(2)
if (!file || !fromArg || !toArg)
  throw new Error('usage: profile-buckets.ts <file.cpuprofile> <fromMs> <toMs>')
const profile = readProfile(file)
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
let total = 0
forEachSample(profile, Number(fromArg), Number(toArg), (id, d) => {
  total += d
  const leaf = profile.byId.get(id)!
  let bucket: string | null = null
  if (leaf.callFrame.functionName === '(garbage collector)') bucket = 'GC'
  else if (leaf.callFrame.functionName === '(idle)') bucket = 'idle'
  else {
    for (let at: number | undefined = id; at !== undefined && !bucket; at = profile.parent.get(at)) {
      const name = frameLabel(profile.byId.get(at)!)
      for (const [b, re] of outer)
        if (re.test(name)) {
          bucket = b
          break
        }
    }
  }
  bucket ??= 'other'
  buckets.set(bucket, (buckets.get(bucket) ?? 0) + d)
  const ln = frameLabel(leaf)
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
