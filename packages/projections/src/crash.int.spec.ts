import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { RecordedEvent } from '@qi/eventstore'
import { SqliteEventStore } from '@qi/eventstore/sqlite'
import { afterAll, describe, expect, it } from 'vitest'
import { type CrashEventData, crashCountsProjection, readCrashReadModel, seededRandom } from './crash-fixture'
import { ProjectionRunner } from './runner'

/**
 * Kills a writer (SIGKILL) at random moments and checks what a user relies on after a crash: every
 * acknowledged append is there, no append is half there, positions have no gaps, and the read model
 * recovered from its checkpoint equals one rebuilt from scratch. The kill happens at an ACK count,
 * never after a delay, so the test does not depend on the machine's speed.
 */

const SEED = Number(process.env.CRASH_TEST_SEED ?? 20261125)
const ROUNDS = Number(process.env.CRASH_TEST_ROUNDS ?? 12)
const ROUND_TIMEOUT_MS = 60_000
const MAX_ACKS_BEFORE_KILL = 400

const packageDirectory = join(dirname(fileURLToPath(import.meta.url)), '..')
const childScript = join(packageDirectory, 'src', 'crash-child.ts')

interface Acknowledgement {
  batch: string
  size: number
  lastPosition: number
}

interface KilledChild {
  acknowledgements: Acknowledgement[]
  stderr: string
}

/** Runs the child until it has acknowledged `killAfterAcks` appends, then SIGKILLs it at once. */
function runChildUntilKilled(
  storePath: string,
  projectionDirectory: string,
  seed: number,
  round: number,
  killAfterAcks: number,
) {
  return new Promise<KilledChild>((resolve, reject) => {
    const child: ChildProcess = spawn(
      process.execPath,
      ['--import', 'tsx', childScript, storePath, projectionDirectory, String(seed), String(round)],
      { cwd: packageDirectory, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    const acknowledgements: Acknowledgement[] = []
    let stderr = ''
    let pendingLine = ''
    let killed = false
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(
        new Error(
          `round ${round}: the child acknowledged ${acknowledgements.length} of ${killAfterAcks} appends within ${ROUND_TIMEOUT_MS} ms; stderr:\n${stderr}`,
        ),
      )
    }, ROUND_TIMEOUT_MS)

    child.stdout!.setEncoding('utf8')
    child.stdout!.on('data', (chunk: string) => {
      if (killed) return
      const lines = (pendingLine + chunk).split('\n')
      pendingLine = lines.pop() ?? ''
      for (const line of lines) {
        const match = /^ACK (\S+) (\d+) (\d+)$/.exec(line)
        if (!match) {
          killed = true
          child.kill('SIGKILL')
          reject(new Error(`round ${round}: unexpected child output ${JSON.stringify(line)}`))
          return
        }
        acknowledgements.push({ batch: match[1]!, size: Number(match[2]), lastPosition: Number(match[3]) })
      }
      if (acknowledgements.length >= killAfterAcks) {
        killed = true
        child.kill('SIGKILL')
      }
    })
    child.stderr!.setEncoding('utf8')
    child.stderr!.on('data', (chunk: string) => {
      stderr += chunk
    })
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      if (killed && signal === 'SIGKILL') resolve({ acknowledgements, stderr })
      else
        reject(
          new Error(
            `round ${round}: the child exited by itself (code ${code}, signal ${signal}); stderr:\n${stderr}`,
          ),
        )
    })
  })
}

async function readEverything(store: SqliteEventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = []
  let from: bigint | 'start' = 'start'
  for (;;) {
    const after = from
    const page = await store.readAll({ fromPosition: after, maxCount: 5000 })
    // readAll forwards is inclusive of its start: drop the event already taken.
    const fresh: RecordedEvent[] = after === 'start' ? page : page.filter((event) => event.position > after)
    if (fresh.length === 0) return events
    events.push(...fresh)
    from = fresh.at(-1)!.position
  }
}

function assertLogIsConsistent(events: RecordedEvent[], acknowledgements: Acknowledgement[]) {
  // Positions are gap-free from 1.
  events.forEach((event, i) => {
    expect(Number(event.position), `position of the ${i}th event`).toBe(i + 1)
  })

  // Every acknowledged append is present, at its acknowledged positions, in order.
  for (const ack of acknowledgements) {
    for (let index = 0; index < ack.size; index++) {
      const position = ack.lastPosition - ack.size + 1 + index
      const event = events[position - 1]
      expect(event, `acknowledged batch ${ack.batch} event ${index} at position ${position}`).toBeDefined()
      expect(event!.data, `event at position ${position}`).toEqual({
        batch: ack.batch,
        size: ack.size,
        index,
      })
    }
  }

  // No partial append: each batch is whole, contiguous, in one stream with consecutive revisions.
  const byBatch = new Map<string, RecordedEvent[]>()
  for (const event of events) {
    const data = event.data as CrashEventData
    const batchEvents = byBatch.get(data.batch) ?? []
    batchEvents.push(event)
    byBatch.set(data.batch, batchEvents)
  }
  for (const [batch, batchEvents] of byBatch) {
    const { size } = batchEvents[0]!.data as CrashEventData
    expect(batchEvents.length, `events of batch ${batch}`).toBe(size)
    batchEvents.forEach((event, index) => {
      expect((event.data as CrashEventData).index, `index in batch ${batch}`).toBe(index)
      expect(event.position - batchEvents[0]!.position, `positions of batch ${batch}`).toBe(BigInt(index))
      expect(event.streamName, `stream of batch ${batch}`).toBe(batchEvents[0]!.streamName)
      expect(event.revision - batchEvents[0]!.revision, `revisions of batch ${batch}`).toBe(BigInt(index))
    })
  }

  // Each stream's revisions are gap-free from 0.
  const nextRevision = new Map<string, bigint>()
  for (const event of events) {
    const expected = nextRevision.get(event.streamName) ?? 0n
    expect(event.revision, `revision in ${event.streamName} at position ${event.position}`).toBe(expected)
    nextRevision.set(event.streamName, expected + 1n)
  }
}

describe('crash safety of the SQLite store and the projection runner (SIGKILL at random ACK counts)', () => {
  const directory = mkdtempSync(join(tmpdir(), 'qi-crash-'))
  afterAll(() => rmSync(directory, { recursive: true, force: true }))

  it(
    `keeps acknowledged appends whole and the read model exact over ${ROUNDS} kills (seed ${SEED})`,
    async () => {
      const storePath = join(directory, 'events.db')
      const projectionDirectory = join(directory, 'projections')
      const random = seededRandom(SEED)
      const allAcknowledgements: Acknowledgement[] = []
      let roundsWithProjectionBehind = 0

      for (let round = 1; round <= ROUNDS; round++) {
        const killAfterAcks = 1 + Math.floor(random() * MAX_ACKS_BEFORE_KILL)
        const childSeed = Math.floor(random() * 2 ** 31)
        try {
          const { acknowledgements } = await runChildUntilKilled(
            storePath,
            projectionDirectory,
            childSeed,
            round,
            killAfterAcks,
          )
          allAcknowledgements.push(...acknowledgements)

          const store = new SqliteEventStore({ path: storePath })
          const recovered = new ProjectionRunner({
            store,
            projection: crashCountsProjection,
            directory: projectionDirectory,
          })
          const fromScratch = new ProjectionRunner({ store, projection: crashCountsProjection })
          try {
            const events = await readEverything(store)
            assertLogIsConsistent(events, allAcknowledgements)

            const head = BigInt(events.length)
            if ((recovered.checkpoint ?? 0n) < head) roundsWithProjectionBehind++
            await recovered.start()
            await recovered.waitFor(head, ROUND_TIMEOUT_MS)
            await fromScratch.start()
            await fromScratch.waitFor(head, ROUND_TIMEOUT_MS)

            const recoveredContents = readCrashReadModel(recovered.db)
            expect(recoveredContents).toEqual(readCrashReadModel(fromScratch.db))
            expect(recoveredContents.totals.events).toBe(events.length)
          } finally {
            await recovered.close()
            await fromScratch.close()
            await store.close()
          }
        } catch (error) {
          if (error instanceof Error) {
            error.message = `[crash test seed ${SEED} (CRASH_TEST_SEED), round ${round}, kill after ${killAfterAcks} ACKs] ${error.message}`
          }
          throw error
        }
      }

      console.info(
        `crash test (seed ${SEED}): ${ROUNDS} rounds, ${allAcknowledgements.length} acknowledged appends; ` +
          `the read model was behind the log at the kill in ${roundsWithProjectionBehind} rounds`,
      )
      expect(allAcknowledgements.length).toBeGreaterThanOrEqual(ROUNDS)
    },
    15 * 60_000,
  )
})
