import type { EventStore } from '@qi/eventstore'
import type { PolicyRunner, ProjectionRunner } from '@qi/projections'
import { inSpan } from '@qi/projections'
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'

/** What the gauges read at scrape time. */
export interface ObservedPlatform {
  store: EventStore
  runners(): ProjectionRunner[]
  policies(): PolicyRunner[]
  /** Whether this process runs the policies and timers (QI_POLICIES=owner). */
  readonly runsPolicies: boolean
}

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/**
 * The platform's Prometheus metrics, one registry per platform (served at `/metrics`): append
 * latency and group-commit batch size, projection lag in events and seconds, policy backlog,
 * parked poison events, HTTP latency by tRPC procedure, and Node's process metrics.
 */
export class Telemetry {
  readonly registry = new Registry()
  readonly appendSeconds: Histogram<'adapter' | 'outcome'>
  readonly groupCommitAppends: Histogram
  readonly groupCommitSeconds: Histogram
  readonly httpSeconds: Histogram<'procedure' | 'method' | 'status'>
  readonly commands: Counter<'procedure' | 'outcome'>
  readonly timerRuns: Counter<'timer' | 'outcome'>

  constructor(platform: () => ObservedPlatform | null) {
    const registers = [this.registry]
    this.appendSeconds = new Histogram({
      name: 'qi_append_duration_seconds',
      help: 'Time from an append call to its acknowledgement by the event store.',
      labelNames: ['adapter', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    })
    this.groupCommitAppends = new Histogram({
      name: 'qi_group_commit_appends',
      help: 'Appends written in one SQLite write transaction by group commit.',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers,
    })
    this.groupCommitSeconds = new Histogram({
      name: 'qi_group_commit_duration_seconds',
      help: 'Duration of one group-commit write transaction.',
      buckets: LATENCY_BUCKETS,
      registers,
    })
    this.httpSeconds = new Histogram({
      name: 'qi_http_request_duration_seconds',
      help: 'HTTP request latency; procedure is the tRPC path (or "batch", or the route).',
      labelNames: ['procedure', 'method', 'status'],
      buckets: LATENCY_BUCKETS,
      registers,
    })
    this.commands = new Counter({
      name: 'qi_http_requests_total',
      help: 'HTTP requests by tRPC procedure and outcome (ok, client_error, server_error).',
      labelNames: ['procedure', 'outcome'],
      registers,
    })
    this.timerRuns = new Counter({
      name: 'qi_timer_runs_total',
      help: 'Runs of a clock-driven service timer (deadline sweeps) in this process, by outcome.',
      labelNames: ['timer', 'outcome'],
      registers,
    })
    new Gauge({
      name: 'qi_policies_owner',
      help: '1 when this process runs the policies and timers (QI_POLICIES=owner); across replicas the sum must be 1.',
      registers,
      collect() {
        const p = platform()
        if (p) this.set(p.runsPolicies ? 1 : 0)
      },
    })
    new Gauge({
      name: 'qi_store_head_position',
      help: 'The event store head position ($all).',
      registers,
      async collect() {
        const head = await platform()?.store.headPosition()
        this.set(head === null || head === undefined ? 0 : Number(head))
      },
    })
    new Gauge({
      name: 'qi_projection_lag_events',
      help: 'Events in the store not yet applied by a read model.',
      labelNames: ['projection'],
      registers,
      async collect() {
        const p = platform()
        if (!p) return
        const head = (await p.store.headPosition()) ?? 0n
        this.reset()
        for (const runner of p.runners()) {
          const { name, checkpoint } = runner.status()
          this.set({ projection: name }, Number(head - (checkpoint ?? 0n)))
        }
      },
    })
    new Gauge({
      name: 'qi_projection_lag_seconds',
      help: 'Age of the oldest event a read model has not applied yet (0 when caught up).',
      labelNames: ['projection'],
      registers,
      async collect() {
        const p = platform()
        if (!p) return
        const head = await p.store.headPosition()
        this.reset()
        for (const runner of p.runners()) {
          const { name, checkpoint } = runner.status()
          let seconds = 0
          if (head !== null && (checkpoint ?? -1n) < head) {
            const [next] = await p.store.readAll({ fromPosition: (checkpoint ?? -1n) + 1n, maxCount: 1 })
            if (next) seconds = Math.max(0, (Date.now() - next.recordedAt.getTime()) / 1000)
          }
          this.set({ projection: name }, seconds)
        }
      },
    })
    new Gauge({
      name: 'qi_projection_failed',
      help: '1 when a read model stopped on a poison event (its status names the event).',
      labelNames: ['projection'],
      registers,
      collect() {
        this.reset()
        for (const runner of platform()?.runners() ?? []) {
          const { name, state } = runner.status()
          this.set({ projection: name }, state === 'failed' ? 1 : 0)
        }
      },
    })
    new Gauge({
      name: 'qi_policy_backlog_events',
      help: 'Store positions after a policy checkpoint (events it has still to look at).',
      labelNames: ['policy'],
      registers,
      async collect() {
        const p = platform()
        if (!p) return
        const head = (await p.store.headPosition()) ?? 0n
        this.reset()
        for (const policy of p.policies()) {
          const { name, checkpoint } = policy.status()
          this.set({ policy: name }, Number(head - (checkpoint ?? 0n)))
        }
      },
    })
    new Gauge({
      name: 'qi_dead_letters',
      help: 'Poison events parked by a projection or policy, waiting for an operator (alert when > 0).',
      labelNames: ['runner'],
      registers,
      collect() {
        const p = platform()
        if (!p) return
        this.reset()
        for (const runner of p.runners()) this.set({ runner: runner.projection.name }, runner.status().parked)
        for (const policy of p.policies()) this.set({ runner: policy.policy.name }, policy.status().parked)
      },
    })
  }

  private processMetrics = false

  /**
   * Node's process metrics (CPU, memory, event-loop lag, GC). They keep observers running, so the
   * server process turns them on once (main.ts), not every in-process test platform.
   */
  collectProcessMetrics() {
    if (this.processMetrics) return
    this.processMetrics = true
    collectDefaultMetrics({ register: this.registry, prefix: 'qi_process_' })
  }

  /** Wraps a store so every append is timed and traced (a child span of the command). */
  instrumentStore<T extends EventStore>(store: T): T {
    const appendSeconds = this.appendSeconds
    return new Proxy(store, {
      get(target, property, receiver) {
        if (property !== 'appendToStream') {
          const value = Reflect.get(target, property, receiver)
          return typeof value === 'function' ? value.bind(target) : value
        }
        const append: EventStore['appendToStream'] = (streamName, events, options) =>
          inSpan(
            'eventstore.append',
            {
              attributes: {
                'qi.stream': streamName,
                'qi.events': events.length,
                'qi.adapter': target.adapter,
              },
            },
            async (span) => {
              const stop = appendSeconds.startTimer({ adapter: target.adapter })
              try {
                const result = await target.appendToStream(streamName, events, options)
                stop({ outcome: 'ok' })
                span.setAttribute('qi.position', Number(result.position))
                return result
              } catch (error) {
                stop({ outcome: 'error' })
                throw error
              }
            },
          )
        return append
      },
    })
  }
}
