import { join } from 'node:path'
import type { EventStore } from '@qi/eventstore'
import { SqliteEventStore } from '@qi/eventstore/sqlite'
import { PolicyRunner, type Projection, ProjectionRunner } from '@qi/projections'
import type { ServiceDeps, ServiceTimer } from '@qi/trpc'
import { Telemetry } from './observability/telemetry'
import { serviceModules } from './services'
import { storeStatsProjection } from './store-stats-projection'

export interface PlatformOptions {
  /** Folder for the embedded store and read models; everything in memory when absent. */
  dataDir?: string
  /** Use this store instead of the embedded one (e.g. the EventStoreDB adapter). */
  store?: EventStore
  durability?: 'normal' | 'full'
  /** The business clock ("today"); tests fix it. */
  now?: () => Date
  /** Start the services' clock-driven work (deadline sweeps). Default true; tests run it by hand. */
  timers?: boolean
  /**
   * Run the policies and the timers in this process (default true). With several API replicas on
   * one EventStoreDB exactly one is the owner (`QI_POLICIES=owner`); the others serve reads and
   * commands only (`off`): no policy runner, no timer.
   */
  policies?: boolean
}

/**
 * The composition root: one event store, one projection runner per read model, one policy runner
 * per process manager, and the services' timers.
 */
export class Platform implements ServiceDeps {
  private readonly runnerMap = new Map<string, ProjectionRunner>()
  private readonly policyRunners: PolicyRunner[] = []
  private readonly intervals: NodeJS.Timeout[] = []
  readonly timers: ServiceTimer[] = []

  private constructor(
    readonly store: EventStore,
    readonly dataDir: string | undefined,
    private readonly clock: () => Date,
    /** Prometheus metrics (served at /metrics) and the store's append instrumentation. */
    readonly telemetry: Telemetry,
    /** Whether this process runs the policies and timers (the policy owner among replicas). */
    readonly runsPolicies: boolean,
  ) {}

  static async start(options: PlatformOptions = {}): Promise<Platform> {
    let platform: Platform | null = null
    const telemetry = new Telemetry(() => platform)
    const store = telemetry.instrumentStore(
      options.store ??
        new SqliteEventStore({
          path: options.dataDir ? join(options.dataDir, 'events.db') : ':memory:',
          durability: options.durability,
          onCommit: ({ appends, durationMs }) => {
            telemetry.groupCommitAppends.observe(appends)
            telemetry.groupCommitSeconds.observe(durationMs / 1000)
          },
        }),
    )
    const runsPolicies = options.policies !== false
    platform = new Platform(
      store,
      options.dataDir,
      options.now ?? (() => new Date()),
      telemetry,
      runsPolicies,
    )
    const projections = [storeStatsProjection, ...serviceModules.flatMap((m) => m.projections)]
    for (const projection of projections) platform.register(projection)
    await Promise.all(platform.runners().map((runner) => runner.start()))
    for (const module of serviceModules) {
      for (const policy of runsPolicies ? (module.policies?.(platform) ?? []) : []) {
        const runner = new PolicyRunner({
          store,
          policy,
          directory: options.dataDir ? join(options.dataDir, 'policies') : undefined,
        })
        platform.policyRunners.push(runner)
        runner.start()
      }
      platform.timers.push(...(module.timers?.(platform) ?? []))
    }
    if (runsPolicies && options.timers !== false) platform.startTimers()
    return platform
  }

  private startTimers() {
    for (const timer of this.timers) {
      const run = () =>
        timer.run().then(
          () => this.telemetry.timerRuns.inc({ timer: timer.name, outcome: 'ok' }),
          (error: unknown) => {
            this.telemetry.timerRuns.inc({ timer: timer.name, outcome: 'error' })
            console.error(`[timer ${timer.name}]`, error)
          },
        )
      void run()
      const interval = setInterval(run, timer.everyMs)
      interval.unref()
      this.intervals.push(interval)
    }
  }

  private register(projection: Projection) {
    const runner = new ProjectionRunner({
      store: this.store,
      projection,
      directory: this.dataDir ? join(this.dataDir, 'readmodels') : undefined,
    })
    this.runnerMap.set(projection.name, runner)
  }

  now(): Date {
    return this.clock()
  }

  runners(): ProjectionRunner[] {
    return [...this.runnerMap.values()]
  }

  policies(): PolicyRunner[] {
    return [...this.policyRunners]
  }

  runner(name: string): ProjectionRunner {
    const runner = this.runnerMap.get(name)
    if (!runner) throw new Error(`no projection named '${name}'`)
    return runner
  }

  /**
   * Waits until the policies have reacted to everything in the store and the read models include
   * their follow-up events (which may trigger further policies): read-your-writes across policies.
   */
  async settle(timeoutMs = 60_000) {
    for (let round = 0; round < 20; round++) {
      const head = await this.store.headPosition()
      for (const policy of this.policyRunners) {
        const [last] = await this.store.readAll({
          direction: 'backwards',
          maxCount: 1,
          filter: { kind: 'eventType', prefixes: [...policy.policy.handles] },
        })
        if (last) await policy.waitFor(last.position, timeoutMs)
      }
      await Promise.all(this.runners().map((r) => r.waitFor(head, timeoutMs)))
      if ((await this.store.headPosition()) === head) return
    }
    throw new Error('policies kept writing follow-up events after 20 rounds')
  }

  async close() {
    for (const interval of this.intervals) clearInterval(interval)
    for (const policy of this.policyRunners) await policy.close()
    for (const runner of this.runners()) await runner.close()
    await this.store.close()
  }
}
