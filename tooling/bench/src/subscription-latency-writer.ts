/**
 * The other process of the cross-process latency measurement: appends `count` events to the store
 * file one at a time, a seeded pseudo-random 20–80 ms apart (so appends fall anywhere in the
 * subscriber's poll cycle), and prints "<n> <monotonic ns at acknowledgement>" after each.
 * Usage: node --import tsx subscription-latency-writer.ts <db path> <count> <seed>
 */
import { SqliteEventStore } from '@qi/eventstore/sqlite'

async function main() {
  const [path, countText, seedText] = process.argv.slice(2)
  if (!path || !countText) throw new Error('usage: subscription-latency-writer.ts <db path> <count> <seed>')
  const count = Number(countText)
  let seed = Number(seedText ?? 1) >>> 0
  const next = () => {
    seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0
    return seed / 2 ** 32
  }
  const store = new SqliteEventStore({ path })
  try {
    for (let n = 1; n <= count; n++) {
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.floor(next() * 60)))
      await store.appendToStream(`latency-${n % 10}`, [{ type: 'LatencyProbe', data: { n } }])
      // CLOCK_MONOTONIC: the same clock in both processes on one machine.
      process.stdout.write(`${n} ${process.hrtime.bigint()}\n`)
    }
  } finally {
    await store.close()
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
})
