import { join } from 'node:path'
import type { EventStore } from '@qi/eventstore'
import { SqliteEventStore } from '@qi/eventstore/sqlite'
import { type Projection, ProjectionRunner } from '@qi/projections'
import type { ServiceDeps } from '@qi/trpc'
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
}

/** The composition root: one event store, one projection runner per read model. */
export class Platform implements ServiceDeps {
  private readonly runnerMap = new Map<string, ProjectionRunner>()

  private constructor(
    readonly store: EventStore,
    readonly dataDir: string | undefined,
    private readonly clock: () => Date,
  ) {}

  static async start(options: PlatformOptions = {}): Promise<Platform> {
    const store =
      options.store ??
      new SqliteEventStore({
        path: options.dataDir ? join(options.dataDir, 'events.db') : ':memory:',
        durability: options.durability,
      })
    const platform = new Platform(store, options.dataDir, options.now ?? (() => new Date()))
    const projections = [storeStatsProjection, ...serviceModules.flatMap((m) => m.projections)]
    for (const projection of projections) platform.register(projection)
    await Promise.all(platform.runners().map((runner) => runner.start()))
    return platform
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

  runner(name: string): ProjectionRunner {
    const runner = this.runnerMap.get(name)
    if (!runner) throw new Error(`no projection named '${name}'`)
    return runner
  }

  async close() {
    for (const runner of this.runners()) await runner.close()
    await this.store.close()
  }
}
