import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { SqliteEventStore } from '@qi/eventstore/sqlite'
import { type Projection, ProjectionRunner, storedProjectionState } from '@qi/projections'
import { importCatalogueFile } from '@qi/standards'
import { Role } from '@qi/trpc'
import { createTRPCClient, httpLink } from '@trpc/client'
import Database from 'better-sqlite3'
import superjson from 'superjson'
import { AccessRegistry } from './access'
import { DEFAULT_PORT, dataDirectory } from './config'
import { DataFolderLockedError, lockDataFolder } from './data-lock'
import { backupDataFolder, exportAll, importAll, OperationError, restoreDataFolder } from './operations'
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
  projections status                    each read model's generation, checkpoint and lag behind the store
  backup <file>                         a consistent online backup of the data folder (events, keys, read
                                        models, policy checkpoints) in one file; safe while the API runs
  restore <file> [--force]              restores a backup into QI_DATA_DIR; refuses a non-empty folder
                                        unless --force (which replaces its contents); stop the API first
  export <file> [--from <position>]     writes $all as NDJSON, one event a line, with progress; an existing
                                        file is continued after its last complete line (resumable)
  dead-letters list                     poison events parked by projections and policies (through the API)
  dead-letters retry <runner> <position> [reason]
  dead-letters skip <runner> <position> <reason>
                                        apply a parked event again, or give up on it; each decision is
                                        recorded as an event (DeadLetterRetried / DeadLetterSkipped)
  import events <file>                  appends such an export to the store of QI_DATA_DIR, which must be
                                        empty or hold a prefix of the file (idempotent by event id)
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

/** The running API's address: QI_API_URL, else this machine's PORT. */
const apiUrl = () => process.env.QI_API_URL ?? `http://127.0.0.1:${process.env.PORT ?? DEFAULT_PORT}`

/** A typed client of the running API, signed in with the key given. */
const apiClient = (url: string, key: string) =>
  createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${url}/trpc`, transformer: superjson, headers: { 'x-api-key': key } })],
  })

async function rebuildThroughApi(url: string, names: string[]) {
  const key = process.env.QI_API_KEY
  if (!key)
    throw new UsageError(`the API at ${url} is running: set QI_API_KEY to an admin key to rebuild through it`)
  const client = apiClient(url, key)
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
    const url = apiUrl()
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
  if (group === 'dead-letters') {
    const url = apiUrl()
    const key = process.env.QI_API_KEY
    if (!(await apiAnswers(url)) || !key) {
      throw new UsageError(
        `dead letters live in the running API: start it and set QI_API_KEY to an admin key (${url})`,
      )
    }
    const client = apiClient(url, key)
    if (command === 'list') {
      const letters = await client.operations.deadLetters.list.query()
      if (letters.length === 0) console.log('no parked events')
      for (const d of letters) {
        console.log(
          `${d.runner.padEnd(36)} #${String(d.position).padEnd(9)} ${d.type.padEnd(28)} ×${d.attempts}  ${d.error}`,
        )
      }
      return
    }
    const [runner, positionText, ...reasonWords] = rest
    if ((command !== 'retry' && command !== 'skip') || !runner || !/^\d+$/.test(positionText ?? '')) {
      throw new UsageError('usage: qi dead-letters retry|skip <runner> <position> [reason]')
    }
    const reason = reasonWords.join(' ') || undefined
    if (command === 'skip' && !reason)
      throw new UsageError('say why the event is skipped: qi dead-letters skip <runner> <position> <reason>')
    const input = { runner, position: BigInt(positionText!), reason }
    const result =
      command === 'retry'
        ? await client.operations.deadLetters.retry.mutate(input)
        : await client.operations.deadLetters.skip.mutate({ ...input, reason: reason! })
    console.log(`${command === 'retry' ? 'applied' : 'skipped'}; recorded at position ${result.position}`)
    return
  }
  if (group === 'projections' && command === 'status') {
    await projectionsStatus(dataDir)
    return
  }
  if (group === 'backup') {
    if (!command) throw new UsageError('name the backup file: pnpm qi backup <file>')
    const bar = new ProgressBar('backup')
    const summary = await backupDataFolder(dataDir, resolve(command), (done, total) =>
      bar.update(done, total),
    )
    bar.done(
      `backup: ${summary.files} files, ${(summary.bytes / 1e6).toFixed(1)} MB, store head ${summary.headPosition ?? 'empty'} -> ${summary.file}`,
    )
    return
  }
  if (group === 'restore') {
    if (!command) throw new UsageError('name the backup file: pnpm qi restore <file> [--force]')
    const summary = await asWriter(dataDir, 'qi restore', () =>
      restoreDataFolder(resolve(command), dataDir, { force: rest.includes('--force') }),
    )
    console.error(
      `restored ${summary.files} files (${(summary.bytes / 1e6).toFixed(1)} MB, store head ${summary.headPosition ?? 'empty'}) into ${dataDir}`,
    )
    return
  }
  if (group === 'export') {
    if (!command) throw new UsageError('name the output file: pnpm qi export <file> [--from <position>]')
    const fromIndex = rest.indexOf('--from')
    const fromText = fromIndex >= 0 ? rest[fromIndex + 1] : undefined
    if (fromIndex >= 0 && !/^\d+$/.test(fromText ?? ''))
      throw new UsageError('--from takes a store position (a whole number)')
    const store = new SqliteEventStore({ path: join(dataDir, 'events.db') })
    try {
      const bar = new ProgressBar('export')
      const summary = await exportAll(store, resolve(command), {
        from: fromText === undefined ? undefined : BigInt(fromText),
        progress: (done, total) => bar.update(done, total),
      })
      bar.done(
        `export: ${summary.events.toLocaleString('en')} events after position ${summary.from ?? 'start'}, last ${summary.lastPosition ?? 'none'} -> ${command}`,
      )
    } finally {
      await store.close()
    }
    return
  }
  if (group === 'import' && command === 'events') {
    const file = rest[0]
    if (!file) throw new UsageError('name the export file: pnpm qi import events <file>')
    mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    const lock = lockDataFolder(dataDir, 'qi import events')
    const store = new SqliteEventStore({ path: join(dataDir, 'events.db') })
    try {
      const bar = new ProgressBar('import', process.stderr, 'bytes')
      const summary = await importAll(store, resolve(file), {
        progress: (done, total) => bar.update(done, total),
      })
      bar.done(
        `import: ${summary.events.toLocaleString('en')} events appended, ${summary.skipped.toLocaleString('en')} already present, store head ${summary.lastPosition ?? 'unchanged'}`,
      )
    } finally {
      await store.close()
      lock.release()
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
    await asWriter(dataDir, 'qi orgs create', () => {
      const access = AccessRegistry.open(dataDir)
      try {
        access.createOrg({ orgId, name: name.join(' '), role: parsedRole.data })
        console.log(access.issueKey(orgId, `${orgId.toLowerCase()}-admin`))
      } finally {
        access.close()
      }
    })
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
    await asWriter(dataDir, 'qi import standards', () => importStandards(dataDir, file, orgId))
    return
  }
  throw new UsageError(group ? `unknown command: ${args.join(' ')}` : 'no command given')
}

/** Reads each read model's checkpoint from its files (no runner is started, nothing is written). */
async function projectionsStatus(dataDir: string) {
  const url = apiUrl()
  const key = process.env.QI_API_KEY
  if ((await apiAnswers(url)) && key) {
    const stats = await apiClient(url, key).system.store.stats.query()
    for (const p of stats.projections) {
      console.log(
        `${p.name.padEnd(32)} g${p.generation}  at ${String(p.checkpoint ?? '-').padStart(9)}${p.rebuilding ? '  rebuilding' : ''}${p.lastError ? `  STOPPED: ${p.lastError}` : ''}`,
      )
    }
    return
  }
  const eventsFile = join(dataDir, 'events.db')
  if (!existsSync(eventsFile)) throw new OperationError(`no event store in ${dataDir}`)
  const events = new Database(eventsFile, { readonly: true, fileMustExist: true })
  const head = (events.prepare('SELECT MAX(position) AS head FROM events').get() as { head: number | null })
    .head
  events.close()
  console.log(`store head ${head ?? 'empty'} (${dataDir})`)
  for (const projection of allProjections()) {
    const state = storedProjectionState(join(dataDir, 'readmodels'), projection.name)
    const checkpoint = state?.checkpoint ?? null
    const lag = head === null ? 0 : head - Number(checkpoint ?? 0)
    console.log(
      `${projection.name.padEnd(32)} ${state ? `g${state.generation}` : 'not built'}  at ${String(checkpoint ?? '-').padStart(9)}  lag ${lag}`,
    )
  }
}

// Files the CLI creates in the data folder are the user's alone, as the server's are.
process.umask(0o077)
main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof DataFolderLockedError) {
    console.error(`refused: ${error.message}`)
    process.exit(3)
  }
  if (error instanceof OperationError) {
    console.error(error.message)
    process.exit(3)
  }
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${USAGE}`)
    process.exit(2)
  }
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
