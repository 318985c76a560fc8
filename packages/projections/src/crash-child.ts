/**
 * The process the crash test kills. It appends forever (several appends per tick, so group commit
 * batches them) while a file-backed ProjectionRunner follows the store, and prints
 * `ACK <batchId> <size> <lastPosition>` once each append is acknowledged.
 *
 * Usage: node --import tsx crash-child.ts <storePath> <projectionDir> <seed> <round>
 */
import { SqliteEventStore } from '@qi/eventstore/sqlite'
import { type CrashEventData, crashCountsProjection, seededRandom } from './crash-fixture'
import { ProjectionRunner } from './runner'

const [storePath, projectionDirectory, seedArgument, roundArgument] = process.argv.slice(2)
if (!storePath || !projectionDirectory || !seedArgument || !roundArgument) {
  process.stderr.write('usage: crash-child.ts <storePath> <projectionDir> <seed> <round>\n')
  process.exit(2)
}

const random = seededRandom(Number(seedArgument))
const randomInt = (min: number, max: number) => min + Math.floor(random() * (max - min + 1))
const STREAM_COUNT = 25

const store = new SqliteEventStore({ path: storePath })
const runner = new ProjectionRunner({
  store,
  projection: crashCountsProjection,
  directory: projectionDirectory,
  batchSize: 50,
})

function die(error: unknown): never {
  process.stderr.write(
    `crash child failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  )
  process.exit(1)
}

// Not awaited: appends start while the runner still catches up on earlier rounds, so a kill can
// land in its catch-up as well as in its live batches.
runner.start().catch(die)

let appendCounter = 0

async function appendOneBatch() {
  const batch = `r${roundArgument}-${appendCounter++}`
  const size = randomInt(1, 5)
  const streamName = `crash-${randomInt(1, STREAM_COUNT)}`
  const events = Array.from({ length: size }, (_, index) => {
    const data: CrashEventData = { batch, size, index }
    return { type: 'CrashTestEventAppended', data }
  })
  const result = await store.appendToStream(streamName, events)
  // stdout to a pipe is synchronous on Linux: once written, the line reaches the parent even if
  // the next instruction is the SIGKILL.
  process.stdout.write(`ACK ${batch} ${size} ${result.position}\n`)
}

async function appendForever() {
  for (;;) {
    // Issued in the same tick, these land in one group-commit transaction.
    const concurrent = randomInt(2, 6)
    await Promise.all(Array.from({ length: concurrent }, appendOneBatch))
    // Yield a macrotask so the runner's batching (setImmediate) interleaves with the appends.
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
}

appendForever().catch(die)
