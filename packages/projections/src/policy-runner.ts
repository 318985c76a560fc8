import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { EventStore, RecordedEvent, Subscription } from '@qi/eventstore'
import Database from 'better-sqlite3'
import {
  type DeadLetter,
  DeadLetterNotFoundError,
  DeadLetterTable,
  PoisonEventError,
  type PoisonPolicy,
} from './dead-letters'
import { afterMicrotasks, gatherBatch } from './drain'
import { PositionWaiters } from './position-waiters'
import { inSpan, linkToWriter } from './tracing'

/**
 * A process manager: reacts to events by issuing commands. `react` must be idempotent — the
 * follow-up commands carry a commandId derived from the triggering event, so that an event handled
 * again after a crash (between the command and the checkpoint) issues nothing new.
 */
export interface Policy {
  readonly name: string
  /** Event types it reacts to (others are skipped without being read by `react`). */
  readonly handles: readonly string[]
  react(event: RecordedEvent): Promise<void>
  /**
   * Optional: reacts to several events at once, in position order (what arrived while the runner
   * was busy). It must have the effect of `react` on each in turn (idempotent, commandIds derived
   * from each trigger), and may share work among them: one wait for read models, follow-ups on
   * different streams appended together. When it fails, the runner handles the same events again
   * one at a time with `react` (retries, then `onPoison`), so a poison event stays one event.
   */
  reactAll?(events: RecordedEvent[]): Promise<void>
  /**
   * After `maxAttempts` failures on one event: `stop` (default) stops the runner with the event in
   * its status; `park` records it in the dead-letter table and goes on to the next event.
   */
  readonly onPoison?: PoisonPolicy
}

export interface PolicyStatus {
  name: string
  state: 'idle' | 'running' | 'stopped' | 'failed'
  checkpoint: bigint | null
  handled: number
  lastError: string | null
  /** Events parked in the dead-letter table. */
  parked: number
}

export interface PolicyRunnerOptions {
  store: EventStore
  policy: Policy
  /** Folder for the checkpoint database; in memory when absent. */
  directory?: string
  /** How many times one event is retried (with a growing pause) before the runner stops failed. */
  maxAttempts?: number
  /** Most events given to one `reactAll` (default 100). */
  batchSize?: number
}

/**
 * Feeds one policy from `$all` (filtered to its event types), at least once per event: the
 * checkpoint is saved after `react` succeeded, and `react` is idempotent, so the effect is once.
 * Events that arrived while the policy was busy are handled together (`reactAll`, one checkpoint
 * write), so a burst of triggers costs one wake-up and one read-model wait, not one per event.
 */
export class PolicyRunner {
  private readonly db: Database.Database
  private checkpoint: bigint | null
  private state: PolicyStatus['state'] = 'idle'
  private handled = 0
  private lastError: Error | null = null
  private subscription: Subscription | null = null
  private running: Promise<void> | null = null
  private stopping = false
  private readonly maxAttempts: number
  private readonly batchSize: number
  private waiters = new PositionWaiters()
  private readonly deadLetterTable: DeadLetterTable
  private readonly saveCheckpointStatement: Database.Statement<[string]>

  constructor(private readonly options: PolicyRunnerOptions) {
    if (options.directory) mkdirSync(options.directory, { recursive: true })
    this.db = new Database(
      options.directory ? join(options.directory, `${options.policy.name}.policy.db`) : ':memory:',
    )
    // The checkpoint is written after every event handled. WAL with synchronous=NORMAL (as the read
    // models) survives a process crash without an fsync per write; after a power loss the last
    // checkpoints may be lost and their events handled again, which `react`'s idempotence absorbs.
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = NORMAL')
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS policy_checkpoint (id INTEGER PRIMARY KEY CHECK (id = 1), position TEXT NOT NULL)',
    )
    const row = this.db.prepare('SELECT position FROM policy_checkpoint WHERE id = 1').get() as
      | { position: string }
      | undefined
    this.checkpoint = row ? BigInt(row.position) : null
    this.maxAttempts = options.maxAttempts ?? 5
    this.batchSize = Math.max(1, options.batchSize ?? 100)
    this.deadLetterTable = new DeadLetterTable(options.policy.name, this.db)
    this.saveCheckpointStatement = this.db.prepare(
      'INSERT INTO policy_checkpoint (id, position) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET position = excluded.position',
    )
  }

  get policy() {
    return this.options.policy
  }

  status(): PolicyStatus {
    return {
      name: this.options.policy.name,
      state: this.state,
      checkpoint: this.checkpoint,
      handled: this.handled,
      lastError: this.lastError?.message ?? null,
      parked: this.deadLetterTable.count(),
    }
  }

  deadLetters(): DeadLetter[] {
    return this.deadLetterTable.list()
  }

  /** Reacts to a parked event again; on success it leaves the table, else it stays (error thrown). */
  async retryDeadLetter(position: bigint): Promise<DeadLetter> {
    const letter = this.deadLetterTable.get(position)
    if (!letter) throw new DeadLetterNotFoundError(this.options.policy.name, position)
    const [event] = await this.options.store.readAll({ fromPosition: position, maxCount: 1 })
    if (!event || event.position !== position)
      throw new DeadLetterNotFoundError(this.options.policy.name, position)
    try {
      await this.options.policy.react(event)
      this.handled += 1
      this.deadLetterTable.remove(position)
      return letter
    } catch (error) {
      this.deadLetterTable.park(event, error)
      throw new PoisonEventError(this.options.policy.name, event, error)
    }
  }

  skipDeadLetter(position: bigint): DeadLetter {
    const letter = this.deadLetterTable.get(position)
    if (!letter) throw new DeadLetterNotFoundError(this.options.policy.name, position)
    this.deadLetterTable.remove(position)
    return letter
  }

  /** Starts following `$all` from the checkpoint in the background. */
  start() {
    if (this.running) return
    this.stopping = false
    this.state = 'running'
    this.running = this.run().catch((error: Error) => {
      this.state = 'failed'
      this.lastError = error
      this.waiters.rejectAll(error)
      console.error(`[policy ${this.options.policy.name}] stopped:`, error)
    })
  }

  private async run() {
    const { store, policy } = this.options
    const subscription = store.subscribeToAll({
      fromPosition: this.checkpoint ?? 'start',
      filter: { kind: 'eventType', prefixes: [...policy.handles] },
    })
    this.subscription = subscription
    const iterator = subscription[Symbol.asyncIterator]()
    let pending = iterator.next()
    for (;;) {
      const first = await pending
      if (first.done || this.stopping) break
      // What the subscription already holds joins this batch: the triggers that arrived while
      // the previous batch was being handled. It hands them over within a few microtasks; a wait
      // for news (a timer, I/O) ends the batch. No turn of the event loop is waited for.
      const gathered = await gatherBatch(iterator, first.value, this.batchSize, afterMicrotasks)
      const batch = gathered.batch
      pending = gathered.pending
      if (this.stopping) break
      // A prefix filter may let through longer type names: react only to the exact types.
      const triggers = batch.filter((event) => policy.handles.includes(event.type))
      await this.handle(triggers)
      this.saveCheckpoint(batch.at(-1)!.position)
    }
    await subscription.close()
  }

  /**
   * One `reactAll` for the batch when the policy has it; else, or when it fails, one event at a
   * time, each checkpointed once handled (a poison event then stops the runner right before it).
   */
  private async handle(events: RecordedEvent[]) {
    const { policy } = this.options
    if (events.length > 1 && policy.reactAll) {
      try {
        await this.inPolicySpan(events, () => policy.reactAll!(events))
        this.handled += events.length
        return
      } catch (error) {
        if (this.stopping) throw error
        this.lastError = error as Error
      }
    }
    for (const event of events) {
      await this.reactWithRetry(event)
      this.saveCheckpoint(event.position)
    }
  }

  private inPolicySpan(events: RecordedEvent[], react: () => Promise<void>) {
    const links = []
    for (const event of events) {
      const link = linkToWriter(event.metadata)
      if (link) links.push(link)
      if (links.length >= 32) break
    }
    // The follow-up commands run inside this span, linked to the commands that wrote the triggers.
    return inSpan(
      `policy ${this.options.policy.name}`,
      {
        links,
        attributes: {
          'qi.policy': this.options.policy.name,
          'qi.event.type': events[0]!.type,
          'qi.position': Number(events[0]!.position),
          'qi.last_position': Number(events.at(-1)!.position),
          'qi.events': events.length,
        },
      },
      react,
    )
  }

  private async reactWithRetry(event: RecordedEvent) {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.inPolicySpan([event], () => this.options.policy.react(event))
        this.handled += 1
        return
      } catch (error) {
        if (attempt >= this.maxAttempts && !this.stopping) {
          if (this.options.policy.onPoison === 'park') {
            this.deadLetterTable.park(event, error)
            return
          }
          throw new PoisonEventError(this.options.policy.name, event, error)
        }
        if (this.stopping) throw error
        this.lastError = error as Error
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt))
      }
    }
  }

  private saveCheckpoint(position: bigint) {
    this.saveCheckpointStatement.run(position.toString())
    this.checkpoint = position
    this.waiters.reached(position)
  }

  /**
   * Resolves once the policy has handled everything up to `position` (bounded wait). The runner's
   * checkpoint moves only over events of its types: wait for the position of such an event.
   */
  waitFor(position: bigint | null, timeoutMs = 30_000): Promise<void> {
    if (position === null) return Promise.resolve()
    if (this.checkpoint !== null && this.checkpoint >= position) return Promise.resolve()
    if (this.state === 'failed')
      return Promise.reject(this.lastError ?? new Error(`policy ${this.options.policy.name} failed`))
    return this.waiters.wait(
      position,
      timeoutMs,
      () =>
        new Error(
          `policy ${this.options.policy.name} reached ${this.checkpoint ?? 'nothing'}, not ${position}, within ${timeoutMs} ms`,
        ),
    )
  }

  async stop() {
    this.stopping = true
    await this.subscription?.close()
    await this.running
    this.running = null
    if (this.state !== 'failed') this.state = 'stopped'
    this.waiters.rejectAll(new Error(`policy ${this.options.policy.name} stopped`))
  }

  async close() {
    await this.stop()
    this.db.close()
  }
}

/**
 * Read-your-writes across policies: resolves once each of `runners` whose policy reacts to the
 * event at `position` has handled it, so that the follow-up commands it issued are in the store
 * (a read model that then reaches the store's head shows them). Only the runners given count: a
 * replica that runs no policies waits for nothing. One level: follow-ups that trigger further
 * policies are not waited for.
 */
export async function waitForReactions(
  store: EventStore,
  runners: readonly PolicyRunner[],
  position: bigint,
  timeoutMs?: number,
): Promise<void> {
  const [event] = await store.readAll({ fromPosition: position, maxCount: 1 })
  if (!event || event.position !== position) return
  await Promise.all(
    runners
      .filter((runner) => runner.policy.handles.includes(event.type))
      .map((runner) => runner.waitFor(position, timeoutMs)),
  )
}
