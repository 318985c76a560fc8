import { join } from 'node:path'
import { SqliteEventStore } from '@qi/eventstore/sqlite'
import { type Projection, ProjectionRunner } from '@qi/projections'
import { createTRPCClient, httpLink } from '@trpc/client'
import superjson from 'superjson'
import { AccessRegistry } from './access'
import { DEFAULT_PORT, dataDirectory } from './config'
import { DataFolderLockedError, lockDataFolder } from './data-lock'
import { ProgressBar } from './progress'
import type { AppRouter } from './root'
import { serviceModules } from './services'
import { storeStatsProjection } from './store-stats-projection'

const USAGE = `Usage: pnpm qi <command>

  projections list                      the read models and their versions
  projections rebuild <name|prefix>     rebuild read models from position 0 with a progress bar;
                                        through the running API when it answers (it keeps serving the
                                        old version until the new one has caught up; needs an admin key
                                        in QI_API_KEY), else directly on the data folder (refused
                                        while another process, e.g. a server, holds the folder)
  keys issue <orgId> [userId]           issue a new API key for an existing organisation (shown once;
                                        refused while a server holds the data folder: stop it first)
  orgs list                             organisations and their roles

Environment: QI_DATA_DIR (default <repo>/data), QI_API_URL (default http://127.0.0.1:${DEFAULT_PORT}), QI_API_KEY.`

class UsageError extends Error {}

const allProjections = () => [storeStatsProjection, ...serviceModules.flatMap((m) => m.projections)]

function matching(nameOrPrefix: string | undefined) {
  if (!nameOrPrefix) throw new UsageError('name the projection to rebuild (or a prefix such as "lineage")')
  const found = allProjections().filter(
    (p) => p.name === nameOrPrefix || p.name.startsWith(`${nameOrPrefix}.`),
  )
  if (found.length === 0) {
    throw new UsageError(
      `no projection '${nameOrPrefix}'; known: ${allProjections()
        .map((p) => p.name)
        .join(', ')}`,
    )
  }
  return found
}

async function apiAnswers(url: string) {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1500) })
    return response.ok
  } catch {
    return false
  }
}

async function rebuildThroughApi(url: string, names: string[]) {
  const key = process.env.QI_API_KEY
  if (!key)
    throw new UsageError(`the API at ${url} is running: set QI_API_KEY to an admin key to rebuild through it`)
  const client = createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${url}/trpc`, transformer: superjson, headers: { 'x-api-key': key } })],
  })
  for (const name of names) {
    const before = (await client.system.store.stats.query()).projections.find((p) => p.name === name)
    const started = await client.system.projections.rebuild.mutate({ name })
    if (!started.started) throw new Error(`${name}: ${started.reason}`)
    const bar = new ProgressBar(name)
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 250))
      const status = (await client.system.store.stats.query()).projections.find((p) => p.name === name)!
      if (status.generation !== before?.generation && !status.rebuilding) {
        bar.done(`${name}: now serving generation ${status.generation}`)
        break
      }
      if (status.rebuilding) {
        bar.update(
          Number(status.rebuilding.checkpoint ?? 0n),
          status.rebuilding.target === null ? null : Number(status.rebuilding.target),
        )
      }
      if (status.lastError) throw new Error(`${name}: ${status.lastError}`)
    }
  }
}

/** Runs `work` as the data folder's one writer; refuses while a server (or another qi) holds it. */
async function asWriter<T>(dataDir: string, purpose: string, work: () => Promise<T> | T): Promise<T> {
  const lock = lockDataFolder(dataDir, purpose)
  try {
    return await work()
  } finally {
    lock.release()
  }
}

async function rebuildOffline(dataDir: string, projections: Projection[]) {
  const store = new SqliteEventStore({ path: join(dataDir, 'events.db') })
  try {
    const total = Number((await store.headPosition()) ?? 0n)
    for (const projection of projections) {
      const runner = new ProjectionRunner({ store, projection, directory: join(dataDir, 'readmodels') })
      const bar = new ProgressBar(projection.name)
      const processed = await runner.rebuild((update) => bar.update(update.processed, total))
      bar.done(
        `${projection.name}: rebuilt from ${processed.toLocaleString('en')} events, generation ${runner.status().generation}`,
      )
      await runner.close()
    }
  } finally {
    await store.close()
  }
}

async function main(args: string[]) {
  const [group, command, ...rest] = args
  const dataDir = dataDirectory()
  if (group === 'projections' && command === 'list') {
    for (const p of allProjections()) console.log(`${p.name.padEnd(32)} v${p.version}`)
    return
  }
  if (group === 'projections' && command === 'rebuild') {
    const projections = matching(rest[0])
    const url = process.env.QI_API_URL ?? `http://127.0.0.1:${process.env.PORT ?? DEFAULT_PORT}`
    if (await apiAnswers(url)) {
      await rebuildThroughApi(
        url,
        projections.map((p) => p.name),
      )
    } else {
      await asWriter(dataDir, 'qi projections rebuild', () => rebuildOffline(dataDir, projections))
    }
    return
  }
  if (group === 'keys' && command === 'issue') {
    const [orgId, userId] = rest
    if (!orgId) throw new UsageError('name the organisation: pnpm qi keys issue <orgId>')
    await asWriter(dataDir, 'qi keys issue', () => {
      const access = AccessRegistry.open(dataDir)
      try {
        if (!access.getOrg(orgId)) throw new UsageError(`no organisation '${orgId}' (see: pnpm qi orgs list)`)
        console.log(access.issueKey(orgId, userId ?? `${orgId.toLowerCase()}-cli`))
      } finally {
        access.close()
      }
    })
    return
  }
  if (group === 'orgs' && command === 'list') {
    const access = AccessRegistry.open(dataDir)
    try {
      for (const org of access.listOrgs())
        console.log(`${org.role.padEnd(20)} ${org.orgId.padEnd(20)} ${org.name}`)
    } finally {
      access.close()
    }
    return
  }
  throw new UsageError(group ? `unknown command: ${args.join(' ')}` : 'no command given')
}

// Files the CLI creates in the data folder are the user's alone, as the server's are.
process.umask(0o077)
main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof DataFolderLockedError) {
    console.error(`refused: ${error.message}`)
    process.exit(3)
  }
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${USAGE}`)
    process.exit(2)
  }
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
