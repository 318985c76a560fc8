import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { SqliteEventStore } from '@qi/eventstore/sqlite'
import { type Projection, ProjectionRunner } from '@qi/projections'
import { importCatalogueFile } from '@qi/standards'
import { Role } from '@qi/trpc'
import { createTRPCClient, httpLink } from '@trpc/client'
import superjson from 'superjson'
import { AccessRegistry } from './access'
import { DEFAULT_PORT, dataDirectory } from './config'
import { ProgressBar } from './progress'
import type { AppRouter } from './root'
import { serviceModules } from './services'
import { storeStatsProjection } from './store-stats-projection'

const USAGE = `Usage: pnpm qi <command>

  projections list                      the read models and their versions
  projections rebuild <name|prefix>     rebuild read models from position 0 with a progress bar;
                                        through the running API when it answers (it keeps serving the
                                        old version until the new one has caught up; needs an admin key
                                        in QI_API_KEY), else directly on the data folder
  keys issue <orgId> [userId]           issue a new API key for an existing organisation (shown once)
  orgs list                             organisations and their roles
  orgs create <orgId> <role> <name…>    create an organisation (e.g. a standards institute on an empty
                                        store) and issue its first API key (shown once)
  import standards <file> --org <orgId> import a catalogue (NDJSON, or CSV when the name ends in .csv;
                                        layout: docs/STANDARDS-IMPORT.md) into the data folder: out of
                                        order, idempotent, rejected lines reported with their reasons

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

async function importStandards(dataDir: string, file: string, orgId: string) {
  const store = new SqliteEventStore({ path: join(dataDir, 'events.db') })
  const started = Date.now()
  try {
    const bar = new ProgressBar('import standards', process.stderr, 'bytes')
    const report = await importCatalogueFile(
      {
        store,
        actor: { userId: `${orgId.toLowerCase()}-import`, org: orgId },
        today: new Date().toISOString().slice(0, 10),
      },
      file,
      { batchId: `import-${randomUUID()}`, onProgress: (done, total) => bar.update(done, total) },
    )
    const seconds = (Date.now() - started) / 1000
    bar.done(
      `${report.lines.toLocaleString('en')} lines in ${seconds.toFixed(1)} s: ${report.written.toLocaleString('en')} written, ${report.unchanged.toLocaleString('en')} already recorded, ${report.edges.toLocaleString('en')} replacement links, ${report.rejected.length.toLocaleString('en')} rejected, ${report.pendingEdges.length.toLocaleString('en')} links without their other end`,
    )
    for (const r of report.rejected) console.log(`line ${r.line}\t${r.reference ?? ''}\t${r.reason}`)
    for (const e of report.pendingEdges)
      console.log(`pending\t${e.from} → ${e.to}\tthe other end is not in the catalogue or not published`)
    if (report.rejected.length > 0) process.exitCode = 3
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
      await rebuildOffline(dataDir, projections)
    }
    return
  }
  if (group === 'keys' && command === 'issue') {
    const [orgId, userId] = rest
    if (!orgId) throw new UsageError('name the organisation: pnpm qi keys issue <orgId>')
    const access = AccessRegistry.open(dataDir)
    try {
      if (!access.getOrg(orgId)) throw new UsageError(`no organisation '${orgId}' (see: pnpm qi orgs list)`)
      console.log(access.issueKey(orgId, userId ?? `${orgId.toLowerCase()}-cli`))
    } finally {
      access.close()
    }
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
  if (group === 'orgs' && command === 'create') {
    const [orgId, role, ...name] = rest
    if (!orgId || !role || name.length === 0)
      throw new UsageError(
        'pnpm qi orgs create <orgId> <role> <name…>, e.g. HBSI standards_institute 湖北省标准化研究院',
      )
    const parsedRole = Role.safeParse(role)
    if (!parsedRole.success) throw new UsageError(`unknown role '${role}'; one of ${Role.options.join(', ')}`)
    const access = AccessRegistry.open(dataDir)
    try {
      access.createOrg({ orgId, name: name.join(' '), role: parsedRole.data })
      console.log(access.issueKey(orgId, `${orgId.toLowerCase()}-admin`))
    } finally {
      access.close()
    }
    return
  }
  if (group === 'import' && command === 'standards') {
    const [file, flag, orgId] = rest
    if (!file || flag !== '--org' || !orgId)
      throw new UsageError('pnpm qi import standards <file> --org <orgId of a standards institute>')
    const access = AccessRegistry.open(dataDir)
    const org = access.getOrg(orgId)
    access.close()
    if (!org) throw new UsageError(`no organisation '${orgId}' (create it: pnpm qi orgs create)`)
    if (org.role !== 'standards_institute' && org.role !== 'admin')
      throw new UsageError(`${orgId} is a ${org.role}; only a standards institute imports a catalogue`)
    await importStandards(dataDir, file, orgId)
    return
  }
  throw new UsageError(group ? `unknown command: ${args.join(' ')}` : 'no command given')
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${USAGE}`)
    process.exit(2)
  }
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
