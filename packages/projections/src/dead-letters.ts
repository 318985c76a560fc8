import type { RecordedEvent } from '@qi/eventstore'
import type Database from 'better-sqlite3'

/**
 * What a runner does with an event its projection or policy cannot handle (a "poison" event):
 * - `stop` (the default): the runner stops, and its status names the event and the error, so a
 *   read model never silently skips a fact (read models that commands' rules read must stop);
 * - `park`: the event is recorded in the runner's dead-letter table with the error, the runner
 *   goes on, and an operator lists, retries or skips it (`qi dead-letters`), each decision audited.
 */
export type PoisonPolicy = 'stop' | 'park'

export interface DeadLetter {
  /** Which runner parked it: a projection or policy name. */
  runner: string
  position: bigint
  eventId: string
  streamName: string
  type: string
  error: string
  parkedAt: string
  attempts: number
}

/** The runner stopped on this event; its status shows the message. */
export class PoisonEventError extends Error {
  constructor(
    readonly runner: string,
    readonly event: Pick<RecordedEvent, 'position' | 'type' | 'streamName' | 'id'>,
    override readonly cause: unknown,
  ) {
    super(
      `${runner} stopped at event ${event.position} (${event.type} in ${event.streamName}): ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
    )
    this.name = 'PoisonEventError'
  }
}

export class DeadLetterNotFoundError extends Error {
  constructor(runner: string, position: bigint) {
    super(`${runner} has no parked event at position ${position}`)
    this.name = 'DeadLetterNotFoundError'
  }
}

const TABLE_SQL = `CREATE TABLE IF NOT EXISTS dead_letters (
  position TEXT PRIMARY KEY, event_id TEXT NOT NULL, stream_name TEXT NOT NULL, type TEXT NOT NULL,
  error TEXT NOT NULL, parked_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 1
)`

interface Row {
  position: string
  event_id: string
  stream_name: string
  type: string
  error: string
  parked_at: string
  attempts: number
}

/** The dead-letter table of one runner, kept in the runner's own database. */
export class DeadLetterTable {
  constructor(
    private readonly runner: string,
    private readonly db: Database.Database,
  ) {
    db.exec(TABLE_SQL)
  }

  park(event: RecordedEvent, error: unknown, now = new Date()) {
    this.db
      .prepare(
        `INSERT INTO dead_letters (position, event_id, stream_name, type, error, parked_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (position) DO UPDATE SET error = excluded.error, attempts = attempts + 1`,
      )
      .run(
        event.position.toString(),
        event.id,
        event.streamName,
        event.type,
        error instanceof Error ? error.message : String(error),
        now.toISOString(),
      )
  }

  remove(position: bigint) {
    this.db.prepare('DELETE FROM dead_letters WHERE position = ?').run(position.toString())
  }

  get(position: bigint): DeadLetter | null {
    const row = this.db.prepare('SELECT * FROM dead_letters WHERE position = ?').get(position.toString()) as
      | Row
      | undefined
    return row ? this.toDeadLetter(row) : null
  }

  list(): DeadLetter[] {
    return (
      this.db.prepare('SELECT * FROM dead_letters ORDER BY CAST(position AS INTEGER)').all() as Row[]
    ).map((r) => this.toDeadLetter(r))
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM dead_letters').get() as { n: number }).n
  }

  private toDeadLetter(row: Row): DeadLetter {
    return {
      runner: this.runner,
      position: BigInt(row.position),
      eventId: row.event_id,
      streamName: row.stream_name,
      type: row.type,
      error: row.error,
      parkedAt: row.parked_at,
      attempts: row.attempts,
    }
  }
}
