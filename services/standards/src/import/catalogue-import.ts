import {
  domainCatalogue,
  type EventMetadata,
  expandPartialDate,
  formatIdentifier,
  PartialDate,
  parseStandardIdentifier,
  type SupplementRef,
  standardKey,
  standards,
} from '@qi/contracts'
import { DomainError } from '@qi/decider'
import { type EventStore, StreamNotFoundError } from '@qi/eventstore'
import { z } from 'zod'
import {
  type ReplacementFact,
  type StandardCommand,
  type StandardEvent,
  type StandardState,
  standardDecider,
} from '../domain/standard'

/**
 * One edition of a catalogue, in the layout of ISO Open Data "deliverables" metadata (field names
 * as there; `effectiveDate` and `withdrawalDate` added). See docs/STANDARDS-IMPORT.md.
 */
export const ImportRecord = z.object({
  /** `ISO 9001:2015`, `GB/T 19001-2016`, `EN 60335-1:2012`. */
  reference: z.string().trim().min(2).max(120),
  publicationDate: PartialDate.optional(),
  /** Implementation date (GB 实施日期); the publication date when absent. */
  effectiveDate: PartialDate.optional(),
  /** Harmonized stage code: 60.60 published, 90.93 confirmed, 95.99 withdrawn … */
  currentStage: z
    .string()
    .regex(/^\d{2}\.\d{2}$/)
    .optional(),
  /** With stage 95.99 and no replacement: the withdrawal date; absent means not known. */
  withdrawalDate: PartialDate.optional(),
  /** Date of the current stage (e.g. the confirmation). */
  stageDate: PartialDate.optional(),
  edition: z.number().int().positive().optional(),
  icsCode: z.array(z.string().trim()).min(1).max(30).optional(),
  ownerCommittee: z.string().trim().max(80).optional(),
  title: z
    .object({ en: z.string().optional(), fr: z.string().optional(), zh: z.string().optional() })
    .optional(),
  /** References of the editions this one replaces (several for a merge). */
  replaces: z.array(z.string().trim().min(2).max(120)).max(50).optional(),
  /** References of the editions that replaced this one (several for a split). */
  replacedBy: z.array(z.string().trim().min(2).max(120)).max(50).optional(),
  /** Amendments and corrigenda: `ISO 9001:2015/Amd 1:2024`, with their publication dates. */
  supplements: z
    .array(z.object({ reference: z.string().trim().min(2).max(120), publicationDate: PartialDate }))
    .max(50)
    .optional(),
})
export type ImportRecord = z.infer<typeof ImportRecord>

export interface ImportLine {
  line: number
  record: unknown
}

export interface ImportReport {
  lines: number
  /** Streams that got new events (editions of the batch, and earlier editions a link reached). */
  written: number
  /** Lines already fully recorded: nothing written (re-import). */
  unchanged: number
  rejected: Array<{ line: number; reference: string | null; reason: string }>
  /** Replacement links recorded in this batch. */
  edges: number
  /** Links whose other end is not (yet) published: retried by the caller once more lines are in. */
  pendingEdges: Array<{ from: string; to: string }>
  /** Last $all position written (for read-your-writes). */
  position: bigint | null
}

export interface ImportContext {
  store: EventStore
  actor: { userId: string; org: string }
  /** The day of the import: the business date of facts without their own date. */
  today: string
}

interface Edition {
  line: number
  key: { code: string; version: string }
  record: ImportRecord
}

type Ref = { code: string; version: string }

function parseRef(reference: string): (Ref & { supplements: SupplementRef[] }) | null {
  const parsed = parseStandardIdentifier(reference)
  if (!parsed?.version) return null
  return { code: parsed.code, version: parsed.version, supplements: parsed.supplements }
}

function titlesOf(record: ImportRecord) {
  const cut = (text: string | undefined) =>
    text && text.trim().length > 0 ? text.trim().slice(0, 2000) : undefined
  return { titleZh: cut(record.title?.zh), titleEn: cut(record.title?.en), titleOther: cut(record.title?.fr) }
}

/** Reads and folds one standard stream. */
async function load(store: EventStore, key: Ref) {
  let recorded: Awaited<ReturnType<EventStore['readStream']>> = []
  try {
    recorded = await store.readStream(standards.standardStream(key))
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error
  }
  let state = standardDecider.initialState()
  for (const event of recorded) {
    state = standardDecider.evolve(state, domainCatalogue.decode(event) as unknown as StandardEvent)
  }
  return { state, revision: recorded.at(-1)?.revision ?? null }
}

/** Decides the commands in order on a folded state; all or nothing. */
function decideAll(state: StandardState, commands: StandardCommand[]) {
  const events: Array<{ event: StandardEvent; occurredAt: string }> = []
  let current = state
  for (const command of commands) {
    for (const event of standardDecider.decide(command, current)) {
      current = standardDecider.evolve(current, event)
      events.push({ event, occurredAt: occurredAtOf(event) })
    }
  }
  return { events, state: current }
}

function occurredAtOf(event: StandardEvent): string {
  switch (event.type) {
    case 'StandardPublished':
      return event.data.publishedOn
    case 'StandardSuperseded':
      return event.data.supersededOn
    case 'StandardWithdrawn':
      return event.data.withdrawnOn
    case 'StandardSupplementPublished':
      return event.data.publishedOn
    case 'StandardStageReached':
      return event.data.on
    default:
      return ''
  }
}

async function append(
  context: ImportContext,
  key: Ref,
  revision: bigint | null,
  events: Array<{ event: StandardEvent; occurredAt: string }>,
  batchId: string,
) {
  const streamName = standards.standardStream(key)
  const result = await context.store.appendToStream(
    streamName,
    events.map(({ event, occurredAt }, index) => {
      const metadata: EventMetadata = {
        schemaVersion: domainCatalogue.get(event.type)?.version ?? 1,
        actor: context.actor.userId,
        org: context.actor.org,
        correlationId: batchId,
        causationId: null,
        commandId: `${batchId}:${streamName}:${index}`,
        occurredAt: occurredAt || context.today,
      }
      return { type: event.type, data: domainCatalogue.encode(event.type, event.data), metadata }
    }),
    { expectedRevision: revision === null ? 'no_stream' : revision },
  )
  return result.position
}

const reasonOf = (error: unknown) =>
  error instanceof DomainError || error instanceof Error ? error.message : String(error)

/** Runs `work` over `items` with at most `width` in flight (appends of one tick share a commit). */
async function inParallel<T>(items: T[], width: number, work: (item: T) => Promise<void>) {
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++] as T
        await work(item)
      }
    }),
  )
}

/**
 * Imports a batch of catalogue lines: each edition's own facts (draft, publication, supplements,
 * stage, withdrawal) on its stream, then the replacement links whose both ends are published
 * (in this batch or already in the store). Idempotent: what a stream already records is not
 * written again. Every event goes through the standards decider, so the write-side rules hold.
 */
export async function importCatalogueBatch(
  context: ImportContext,
  lines: ImportLine[],
  options: { batchId: string; extraEdges?: Array<{ from: string; to: string }> },
): Promise<ImportReport> {
  const report: ImportReport = {
    lines: lines.length,
    written: 0,
    unchanged: 0,
    rejected: [],
    edges: 0,
    pendingEdges: [],
    position: null,
  }
  const note = (position: bigint) => {
    if (report.position === null || position > report.position) report.position = position
  }
  // Parse; supplement lines (`ISO 9001:2015/Amd 1:2024`) attach to their base edition.
  const byKey = new Map<string, Edition>()
  const supplementLines: Array<{ line: number; base: Ref; supplement: SupplementRef; date: string }> = []
  for (const { line, record: raw } of lines) {
    const parsed = ImportRecord.safeParse(raw)
    const reference =
      typeof (raw as { reference?: unknown })?.reference === 'string'
        ? (raw as { reference: string }).reference
        : null
    if (!parsed.success) {
      report.rejected.push({
        line,
        reference,
        reason: parsed.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; '),
      })
      continue
    }
    const ref = parseRef(parsed.data.reference)
    if (!ref) {
      report.rejected.push({
        line,
        reference,
        reason: `not a standard reference with a year: ${parsed.data.reference}`,
      })
      continue
    }
    if (ref.supplements.length > 0) {
      const supplement = ref.supplements.at(-1) as SupplementRef
      const date = parsed.data.publicationDate ?? supplement.year
      if (!date) {
        report.rejected.push({ line, reference, reason: 'a supplement needs its publication date' })
        continue
      }
      supplementLines.push({ line, base: { code: ref.code, version: ref.version }, supplement, date })
      continue
    }
    const key = { code: ref.code, version: ref.version }
    if (byKey.has(standardKey(key))) {
      report.rejected.push({ line, reference, reason: `${formatIdentifier(key)} appears twice in the batch` })
      continue
    }
    byKey.set(standardKey(key), { line, key, record: parsed.data })
  }

  // Every stream this batch touches is read once; decisions are made in memory in three steps
  // (own facts, replacement links, withdrawals) and each stream gets at most one append.
  const supplementsByBase = new Map<string, typeof supplementLines>()
  for (const s of supplementLines) {
    const k = standardKey(s.base)
    supplementsByBase.set(k, [...(supplementsByBase.get(k) ?? []), s])
  }
  const refs = new Map<string, Ref>()
  const remember = (ref: Ref) => {
    const k = standardKey(ref)
    if (!refs.has(k)) refs.set(k, { code: ref.code, version: ref.version })
    return k
  }
  const edges = new Map<string, Set<string>>()
  const addEdge = (from: Ref, to: Ref) => {
    const f = remember(from)
    edges.set(f, (edges.get(f) ?? new Set()).add(remember(to)))
  }
  for (const { key, record } of byKey.values()) {
    remember(key)
    for (const r of record.replaces ?? []) {
      const from = parseRef(r)
      if (from) addEdge(from, key)
    }
    for (const r of record.replacedBy ?? []) {
      const to = parseRef(r)
      if (to) addEdge(key, to)
    }
  }
  for (const s of supplementLines) remember(s.base)
  // Links left pending by earlier batches are retried only when this batch brings one of their
  // ends (or when the batch has no lines: the final pass); the rest stay pending unread.
  for (const edge of options.extraEdges ?? []) {
    const from = parseRef(edge.from)
    const to = parseRef(edge.to)
    if (!from || !to) continue
    if (lines.length === 0 || byKey.has(standardKey(from)) || byKey.has(standardKey(to))) addEdge(from, to)
    else report.pendingEdges.push(edge)
  }

  interface Stream {
    key: Ref
    state: StandardState
    revision: bigint | null
    events: Array<{ event: StandardEvent; occurredAt: string }>
  }
  const loaded = new Map<string, Stream>()
  await inParallel([...refs.keys()], 1024, async (k) => {
    const key = refs.get(k) as Ref
    const { state, revision } = await load(context.store, key)
    loaded.set(k, { key, state, revision, events: [] })
  })
  const tryDecide = (
    stream: Stream,
    commands: StandardCommand[],
    line: number,
    reference: string | null,
    what = '',
  ) => {
    if (commands.length === 0) return true
    try {
      const decided = decideAll(stream.state, commands)
      stream.state = decided.state
      stream.events.push(...decided.events)
      return true
    } catch (error) {
      report.rejected.push({ line, reference, reason: `${what}${reasonOf(error)}` })
      return false
    }
  }

  // 1. Each edition's own facts: draft, publication, supplements, review stage.
  for (const [k, stream] of loaded) {
    const edition = byKey.get(k)
    const extra = supplementsByBase.get(k) ?? []
    if (!edition && extra.length === 0) continue
    const { key, state } = stream
    const commands: StandardCommand[] = []
    if (edition) {
      const r = edition.record
      if (state.lifecycle === null) {
        commands.push({
          type: 'DraftStandard',
          input: {
            ...key,
            ...titlesOf(r),
            ics: r.icsCode ?? [],
            ...(r.ownerCommittee ? { technicalCommittee: r.ownerCommittee } : {}),
            ledByProvince: false,
          },
        })
      }
      if (r.publicationDate && state.dates.published === null) {
        commands.push({
          type: 'PublishStandard',
          input: {
            ...key,
            publishedOn: r.publicationDate,
            effectiveFrom: r.effectiveDate ?? r.publicationDate,
          },
        })
      }
      const added = new Set(state.supplements)
      for (const s of r.supplements ?? []) {
        const supplement = parseRef(s.reference)?.supplements.at(-1)
        if (!supplement) {
          report.rejected.push({
            line: edition.line,
            reference: r.reference,
            reason: `not a supplement: ${s.reference}`,
          })
          continue
        }
        const label = `${supplement.kind} ${supplement.number}`
        if (added.has(label)) continue
        added.add(label)
        commands.push({
          type: 'PublishSupplement',
          input: { ...key, kind: supplement.kind, number: supplement.number, publishedOn: s.publicationDate },
        })
      }
      const stage = r.currentStage
      if (stage && stage !== '60.60' && stage !== '95.99' && r.stageDate) {
        const on = expandPartialDate(r.stageDate).date
        if (!state.stageCodes.includes(`${stage}@${on}`)) {
          commands.push({ type: 'RecordStandardStage', input: { ...key, stageCode: stage, on: r.stageDate } })
        }
      }
    }
    const added = new Set(stream.state.supplements)
    const extraCommands: StandardCommand[] = []
    for (const s of extra) {
      const label = `${s.supplement.kind} ${s.supplement.number}`
      if (
        added.has(label) ||
        commands.some((c) => c.type === 'PublishSupplement' && `${c.input.kind} ${c.input.number}` === label)
      )
        continue
      added.add(label)
      extraCommands.push({
        type: 'PublishSupplement',
        input: { ...key, kind: s.supplement.kind, number: s.supplement.number, publishedOn: s.date },
      })
    }
    if (edition) tryDecide(stream, commands, edition.line, edition.record.reference)
    for (const command of extraCommands) {
      const line = extra.find(
        (x) => command.type === 'PublishSupplement' && x.supplement.number === command.input.number,
      )
      tryDecide(stream, [command], line?.line ?? 0, formatIdentifier(key))
    }
  }

  // 2. Replacement links whose both ends are published (in this batch or already in the store).
  for (const [fromKey, targets] of edges) {
    const from = loaded.get(fromKey) as Stream
    const commands: StandardCommand[] = []
    for (const toKey of targets) {
      if (from.state.replacements.includes(toKey)) continue
      const to = loaded.get(toKey) as Stream
      if (
        from.state.dates.published === null ||
        to.state.lifecycle === null ||
        to.state.dates.published === null
      ) {
        report.pendingEdges.push({ from: formatIdentifier(from.key), to: formatIdentifier(to.key) })
        continue
      }
      const replacement: ReplacementFact = {
        ...to.key,
        lifecycle: to.state.lifecycle,
        publishedOn: to.state.dates.published,
        supersededOn: to.state.dates.superseded,
        withdrawnOn: to.state.dates.withdrawn,
      }
      // Replaced when the replacement was published, at that date's precision.
      const day = to.state.dates.published
      const precision = to.state.publishedPrecision
      const supersededOn =
        precision === 'year' ? day.slice(0, 4) : precision === 'month' ? day.slice(0, 7) : day
      commands.push({
        type: 'SupersedeStandard',
        input: { ...from.key, replacedBy: to.key, supersededOn },
        facts: { replacement },
      })
    }
    if (
      tryDecide(
        from,
        commands,
        byKey.get(fromKey)?.line ?? 0,
        formatIdentifier(from.key),
        'replacement links: ',
      )
    ) {
      report.edges += commands.length
    }
  }

  // 3. Withdrawals (stage 95.99 without a replacement), after the links so that an edition
  //    replaced by a line of this batch is superseded rather than withdrawn.
  for (const { key, record, line } of byKey.values()) {
    if (record.currentStage !== '95.99' || (record.replacedBy ?? []).length > 0) continue
    const stream = loaded.get(standardKey(key)) as Stream
    if (stream.state.lifecycle !== 'published' || stream.state.replacements.length > 0) continue
    tryDecide(
      stream,
      [
        {
          type: 'WithdrawStandard',
          input: {
            ...key,
            reason: 'withdrawn (95.99)',
            ...(record.withdrawalDate ? { withdrawnOn: record.withdrawalDate } : {}),
          },
          recordedOn: context.today,
        },
      ],
      line,
      record.reference,
    )
  }

  // One append per stream, many in flight so the store's group commit shares transactions.
  await inParallel([...loaded.entries()], 1024, async ([k, stream]) => {
    if (stream.events.length === 0) {
      if (byKey.has(k)) report.unchanged += 1
      return
    }
    note(await append(context, stream.key, stream.revision, stream.events, options.batchId))
    report.written += 1
  })
  report.rejected.sort((a, b) => a.line - b.line)
  return report
}
