import {
  acceptingIdentifier,
  type DatePrecision,
  expandPartialDate,
  formatIdentifier,
  IsoDate,
  normalizeIdentifier,
  parseStandardIdentifier,
  StandardKind,
  showDate,
  standardKey,
  standards,
} from '@qi/contracts'
import { NotFoundError } from '@qi/decider'
import { authedProcedure, commandProcedure, readModel, rolesProcedure, router } from '@qi/trpc'
import type Database from 'better-sqlite3'
import { z } from 'zod'
import {
  type Lifecycle,
  type ReplacedFact,
  type ReplacementFact,
  type StandardCommand,
  standardDecider,
} from '../domain/standard'
import { technicalCommitteeDecider } from '../domain/technical-committee'
import { importCatalogueBatch } from '../import/catalogue-import'
import { CATALOGUE_PROJECTION, statusSql, visibleAt } from '../projections/catalogue'

const { standardStream, tcStream } = standards

export const StandardStatus = z.enum(['draft', 'published', 'effective', 'superseded', 'withdrawn'])
const MinPosition = { minPosition: z.bigint().nonnegative().optional() }
/** Record time: answer as the catalogue stood at this store position (what was believed then). */
const AtPosition = { atPosition: z.bigint().nonnegative().optional() }

const isoDay = (date: Date) => date.toISOString().slice(0, 10)

interface StandardRow {
  code: string
  version: string
  kind: string
  mandatory: number
  title_zh: string | null
  title_en: string | null
  title_other: string | null
  published_precision: DatePrecision | null
  effective_precision: DatePrecision | null
  superseded_precision: DatePrecision | null
  withdrawn_precision: DatePrecision | null
  ccs: string | null
  technical_committee: string | null
  led_by_province: number
  lifecycle: Lifecycle
  status: z.infer<typeof StandardStatus> | null
  drafted_at: string
  replaces_code: string | null
  replaces_version: string | null
  published_on: string | null
  effective_from: string | null
  replaced_by_code: string | null
  replaced_by_version: string | null
  superseded_on: string | null
  transition_ends_on: string | null
  withdrawn_on: string | null
  withdrawn_reason: string | null
  adopted_code: string | null
  adopted_version: string | null
  adoption_degree: string | null
}

/** The date a stage began, as believed at the query's position. */
const stageDateSql = (stage: string, withPosition: boolean, column = 'on_date') =>
  `(SELECT st.${column} FROM standard_stages st WHERE st.code = s.code AND st.version = s.version
     AND st.stage = '${stage}' AND ${visibleAt('st', withPosition)} LIMIT 1)`

/**
 * A standard row with its status on `@today` and its stage dates, both as recorded at `@at` when
 * `withPosition` (record time), else as believed now. Status NULL: not in the catalogue that day.
 */
const selectStandard = (withPosition = false) =>
  `SELECT s.*, ${statusSql(withPosition)} AS status,
     ${stageDateSql('published', withPosition)} AS published_on,
     ${stageDateSql('effective', withPosition)} AS effective_from,
     ${stageDateSql('superseded', withPosition)} AS superseded_on,
     ${stageDateSql('withdrawn', withPosition)} AS withdrawn_on,
     ${stageDateSql('published', withPosition, 'precision')} AS published_precision,
     ${stageDateSql('effective', withPosition, 'precision')} AS effective_precision,
     ${stageDateSql('superseded', withPosition, 'precision')} AS superseded_precision,
     ${stageDateSql('withdrawn', withPosition, 'precision')} AS withdrawn_precision
   FROM standards s`

/** List orders; undated editions go last. */
const STANDARD_ORDER = {
  code: 's.code, s.version DESC',
  effective_desc: 'effective_from IS NULL, effective_from DESC, s.code, s.version DESC',
  effective_asc: 'effective_from IS NULL, effective_from, s.code, s.version DESC',
  published_desc: 'published_on IS NULL, published_on DESC, s.code, s.version DESC',
} as const

/** The query's time: business date (`today`) and, for record time, the store position (`at`). */
interface AsOf {
  today: string
  at?: bigint
}
const asOfParams = (asOf: AsOf): Record<string, string | bigint> =>
  asOf.at === undefined ? { today: asOf.today } : { today: asOf.today, at: asOf.at }

function icsOf(db: Database.Database, code: string, version: string): string[] {
  return (
    db
      .prepare('SELECT ics FROM standard_ics WHERE code = ? AND version = ? ORDER BY ics')
      .all(code, version) as Array<{
      ics: string
    }>
  ).map((row) => row.ics)
}

function summary(row: StandardRow, ics: string[]) {
  return {
    code: row.code,
    version: row.version,
    key: standardKey(row),
    kind: row.kind,
    mandatory: row.mandatory === 1,
    titleZh: row.title_zh,
    titleEn: row.title_en,
    titleOther: row.title_other,
    /** The publisher's form, e.g. `ISO 9001:2015`, `GB/T 19001-2016`. */
    identifier: formatIdentifier(row),
    ics,
    technicalCommittee: row.technical_committee,
    status: row.status,
    publishedOn: row.published_on,
    effectiveFrom: row.effective_from,
    /** The dates as the catalogue gives them (`2001-09` for a month-precision date). */
    shown: shownDates(row),
  }
}

function shownDates(row: StandardRow) {
  const show = (date: string | null, precision: DatePrecision | null) =>
    date === null ? null : precision === 'unknown' ? null : showDate(date, precision)
  return {
    publishedOn: show(row.published_on, row.published_precision),
    effectiveFrom: show(row.effective_from, row.effective_precision),
    supersededOn: show(row.superseded_on, row.superseded_precision),
    withdrawnOn: show(row.withdrawn_on, row.withdrawn_precision),
  }
}

function findStandard(
  db: Database.Database,
  code: string,
  version: string,
  asOf: AsOf,
): StandardRow | undefined {
  const withPosition = asOf.at !== undefined
  const row = db
    .prepare(
      `${selectStandard(withPosition)} WHERE s.code = @code AND s.version = @version
         AND EXISTS (SELECT 1 FROM standard_stages v WHERE v.code = s.code AND v.version = s.version AND ${visibleAt('v', withPosition)})`,
    )
    .get({ code, version, ...asOfParams(asOf) }) as StandardRow | undefined
  return row
}

function chainLink(row: StandardRow) {
  return {
    code: row.code,
    version: row.version,
    status: row.status,
    publishedOn: row.published_on,
    effectiveFrom: row.effective_from,
    supersededOn: row.superseded_on,
    transitionEndsOn: row.transition_ends_on,
    withdrawnOn: row.withdrawn_on,
    shown: shownDates(row),
  }
}

/** Walks `replaces` back and `replaced_by` forward from a standard; oldest first, cycles cut. */
function supersessionChain(db: Database.Database, start: StandardRow, today: AsOf) {
  const seen = new Set([standardKey(start)])
  const earlier: StandardRow[] = []
  let cursor = start
  while (cursor.replaces_code && cursor.replaces_version) {
    const previous = findStandard(db, cursor.replaces_code, cursor.replaces_version, today)
    if (!previous || seen.has(standardKey(previous))) break
    seen.add(standardKey(previous))
    earlier.unshift(previous)
    cursor = previous
  }
  const later: StandardRow[] = []
  cursor = start
  while (cursor.replaced_by_code && cursor.replaced_by_version) {
    const next = findStandard(db, cursor.replaced_by_code, cursor.replaced_by_version, today)
    if (!next || seen.has(standardKey(next))) break
    seen.add(standardKey(next))
    later.push(next)
    cursor = next
  }
  return [...earlier, start, ...later].map(chainLink)
}

/** The replacing standard as the catalogue has it now (another stream's facts, for the decider). */
function replacementFact(
  db: Database.Database,
  ref: { code: string; version: string },
): ReplacementFact | null {
  const row = db
    .prepare(
      `SELECT code, version, lifecycle, published_on AS publishedOn, superseded_on AS supersededOn,
         withdrawn_on AS withdrawnOn FROM standards WHERE code = ? AND version = ?`,
    )
    .get(ref.code, ref.version) as ReplacementFact | undefined
  return row ?? null
}

/** Editions with status "effective" on `asOf.today`, per code. */
function editionsInForce(db: Database.Database, codes: string[], asOf: AsOf) {
  const withPosition = asOf.at !== undefined
  const rows = db
    .prepare(
      `${selectStandard(withPosition)} WHERE s.code IN (SELECT value FROM json_each(@codes))
         AND ${statusSql(withPosition)} = 'effective' ORDER BY s.code, s.version DESC`,
    )
    .all({ codes: JSON.stringify(codes), ...asOfParams(asOf) }) as StandardRow[]
  const supplementsOf = db.prepare(
    `SELECT identifier FROM supplements WHERE code = @code AND version = @version AND published_on <= @today
       ${withPosition ? 'AND position <= @at' : ''} ORDER BY published_on, identifier`,
  )
  const byCode = new Map<string, Array<ReturnType<typeof chainLink> & { supplements: string[] }>>()
  for (const row of rows) {
    const supplements = (
      supplementsOf.all({ code: row.code, version: row.version, ...asOfParams(asOf) }) as Array<{
        identifier: string
      }>
    ).map((x) => x.identifier)
    byCode.set(row.code, [...(byCode.get(row.code) ?? []), { ...chainLink(row), supplements }])
  }
  return byCode
}

/** Business date of a fact without its own date (drafting, adoption): today. */
const today = (ctx: { deps: { now(): Date } }) => isoDay(ctx.deps.now())

/** Every edition command: the standards institute, on the edition's stream. */
const onStandard = {
  roles: ['standards_institute'],
  decider: standardDecider,
  stream: (input: { code: string; version: string }) => standardStream(input),
} as const

export const standardsRouter = router({
  draft: commandProcedure({
    ...onStandard,
    input: acceptingIdentifier(standards.DraftStandard),
    command: (input) => ({ type: 'DraftStandard', input }),
    occurredAt: (_input, call) => today(call),
  }),
  publish: commandProcedure({
    ...onStandard,
    input: acceptingIdentifier(standards.PublishStandard),
    command: (input) => ({ type: 'PublishStandard', input }),
    occurredAt: (input) => expandPartialDate(input.publishedOn).date,
  }),
  amend: commandProcedure({
    ...onStandard,
    input: acceptingIdentifier(standards.AmendStandard),
    command: (input) => ({ type: 'AmendStandard', input }),
    occurredAt: (input) => input.effectiveFrom,
  }),
  supersede: commandProcedure({
    ...onStandard,
    input: acceptingIdentifier(standards.SupersedeStandard.extend(MinPosition)),
    command: ({ minPosition: _, ...input }) =>
      ({ type: 'SupersedeStandard', input, facts: { replacement: null } }) as StandardCommand,
    occurredAt: (input) => expandPartialDate(input.supersededOn).date,
    readModels: [CATALOGUE_PROJECTION],
    minPosition: (input) => input.minPosition,
    enrich: (command, input, { deps }) => {
      const replacement = replacementFact(deps.runner(CATALOGUE_PROJECTION).db, input.replacedBy)
      return command.type === 'SupersedeStandard' ? { ...command, facts: { replacement } } : command
    },
  }),
  /** Corrects a recorded business date (a new event; what was believed stays readable at earlier positions). */
  correctDate: commandProcedure({
    ...onStandard,
    input: acceptingIdentifier(standards.CorrectStandardDate.extend(MinPosition)),
    command: ({ minPosition: _, ...input }) =>
      ({ type: 'CorrectStandardDate', input, facts: { replaced: [], replacement: null } }) as StandardCommand,
    occurredAt: (_input, call) => today(call),
    readModels: [CATALOGUE_PROJECTION],
    minPosition: (input) => input.minPosition,
    enrich: (command, input, { deps }) => {
      if (command.type !== 'CorrectStandardDate') return command
      const db = deps.runner(CATALOGUE_PROJECTION).db
      const row = db
        .prepare('SELECT replaced_by_code, replaced_by_version FROM standards WHERE code = ? AND version = ?')
        .get(input.code, input.version) as
        | { replaced_by_code: string | null; replaced_by_version: string | null }
        | undefined
      const replacement =
        row?.replaced_by_code && row.replaced_by_version
          ? replacementFact(db, { code: row.replaced_by_code, version: row.replaced_by_version })
          : null
      const replaced = db
        .prepare(
          `SELECT code, version, superseded_on AS supersededOn FROM standards
           WHERE replaced_by_code = ? AND replaced_by_version = ? AND superseded_on IS NOT NULL`,
        )
        .all(input.code, input.version) as ReplacedFact[]
      return { ...command, facts: { replaced, replacement } }
    },
  }),
  withdraw: commandProcedure({
    ...onStandard,
    input: acceptingIdentifier(standards.WithdrawStandard),
    command: (input, call) => ({ type: 'WithdrawStandard', input, recordedOn: today(call) }),
    occurredAt: (input, call) =>
      input.withdrawnOn ? expandPartialDate(input.withdrawnOn).date : today(call),
  }),
  /** An amendment or corrigendum with its own number and date, in any order (back-filled). */
  publishSupplement: commandProcedure({
    ...onStandard,
    input: acceptingIdentifier(standards.PublishSupplement),
    command: (input) => ({ type: 'PublishSupplement', input }),
    occurredAt: (input) => expandPartialDate(input.publishedOn).date,
  }),
  /**
   * Bulk import of catalogue lines (docs/STANDARDS-IMPORT.md): idempotent, out of order; links whose
   * other end is not yet published come back in `pendingEdges` to resend with a later batch. Many
   * commands on many streams, so not one command declaration.
   */
  importBatch: rolesProcedure('standards_institute')
    .input(
      z.object({
        batchId: z.string().min(8).max(100),
        lines: z.array(z.object({ line: z.number().int().nonnegative(), record: z.unknown() })).max(5000),
        edges: z
          .array(z.object({ from: z.string().max(120), to: z.string().max(120) }))
          .max(50_000)
          .optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      importCatalogueBatch(
        { store: ctx.deps.store, actor: { userId: ctx.actor.userId, org: ctx.actor.org }, today: today(ctx) },
        input.lines,
        { batchId: input.batchId, extraEdges: input.edges },
      ),
    ),
  /** Retracts a replacement link recorded in error (a new event; the link stays visible at earlier positions). */
  retractReplacement: commandProcedure({
    ...onStandard,
    input: acceptingIdentifier(standards.RetractReplacement),
    command: (input) => ({ type: 'RetractReplacement', input }),
    occurredAt: (_input, call) => today(call),
  }),
  /** A review or confirmation stage (harmonized stage code, e.g. 90.93 confirmed). */
  recordStage: commandProcedure({
    ...onStandard,
    input: acceptingIdentifier(standards.RecordStandardStage),
    command: (input) => ({ type: 'RecordStandardStage', input }),
    occurredAt: (input) => expandPartialDate(input.on).date,
  }),
  adoptInternational: commandProcedure({
    ...onStandard,
    input: acceptingIdentifier(standards.AdoptInternationalStandard),
    command: (input) => ({ type: 'AdoptInternationalStandard', input }),
    occurredAt: (_input, call) => today(call),
  }),
  establishTc: commandProcedure({
    roles: ['standards_institute'],
    input: standards.EstablishTechnicalCommittee,
    decider: technicalCommitteeDecider,
    stream: (input) => tcStream(input.tcId),
    command: (input) => ({ type: 'EstablishTechnicalCommittee', input }),
    occurredAt: (input) => input.establishedOn,
  }),

  list: authedProcedure
    .input(
      z.object({
        search: z.string().trim().max(100).optional(),
        /** Exact codes (e.g. every edition of GB/T 19001). */
        codes: z.array(z.string().trim().min(1).max(60)).max(200).optional(),
        kind: StandardKind.optional(),
        /** Status on `asOf`; editions not yet in the catalogue on that date are never listed. */
        status: StandardStatus.optional(),
        ics: z.string().trim().max(20).optional(),
        /** Business date of the status; today when absent. */
        asOf: IsoDate.optional(),
        ...AtPosition,
        sort: z.enum(['code', 'effective_desc', 'effective_asc', 'published_desc']).default('code'),
        limit: z.number().int().min(1).max(200).default(50),
        offset: z.number().int().min(0).default(0),
        ...MinPosition,
      }),
    )
    .query(async ({ ctx, input }) => {
      const db = await readModel(ctx, CATALOGUE_PROJECTION, input.minPosition)
      const asOf: AsOf = { today: input.asOf ?? today(ctx), at: input.atPosition }
      const withPosition = asOf.at !== undefined
      const status = statusSql(withPosition)
      const conditions: string[] = [`${status} IS NOT NULL`]
      const params: Record<string, string | number | bigint> = asOfParams(asOf)
      if (input.search) {
        // Any identifier form (`GB/T 19001-2016`, `ＧＢ／Ｔ 19001`, `iso/iec 27001:2013`), case- and
        // width-insensitive (NFKC), or words of a title.
        const normalized = normalizeIdentifier(input.search)
        const parsed = parseStandardIdentifier(input.search)
        const like = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
        conditions.push(
          `(s.search_key LIKE @searchKey ESCAPE '\\' OR s.title_zh LIKE @search ESCAPE '\\'
            OR s.title_en LIKE @search ESCAPE '\\' OR s.title_other LIKE @search ESCAPE '\\'
            ${parsed?.version ? 'OR (s.code = @parsedCode AND s.version = @parsedVersion)' : ''})`,
        )
        params.search = like(input.search.normalize('NFKC'))
        params.searchKey = like(normalized)
        if (parsed?.version) {
          params.parsedCode = parsed.code
          params.parsedVersion = parsed.version
        }
      }
      if (input.codes) {
        conditions.push(`s.code IN (SELECT value FROM json_each(@codes))`)
        params.codes = JSON.stringify(input.codes)
      }
      if (input.kind) {
        conditions.push('s.kind = @kind')
        params.kind = input.kind
      }
      if (input.status) {
        conditions.push(`${status} = @status`)
        params.status = input.status
      }
      if (input.ics) {
        // An ICS prefix (e.g. 03.120) matches every code under it.
        conditions.push(
          'EXISTS (SELECT 1 FROM standard_ics i WHERE i.code = s.code AND i.version = s.version AND (i.ics = @ics OR i.ics LIKE @icsPrefix))',
        )
        params.ics = input.ics
        params.icsPrefix = `${input.ics}.%`
      }
      const where = `WHERE ${conditions.join(' AND ')}`
      const total = (
        db.prepare(`SELECT COUNT(*) AS n FROM standards s ${where}`).get(params) as { n: number }
      ).n
      const rows = db
        .prepare(
          `${selectStandard(withPosition)} ${where} ORDER BY ${STANDARD_ORDER[input.sort]} LIMIT @limit OFFSET @offset`,
        )
        .all({ ...params, limit: input.limit, offset: input.offset }) as StandardRow[]
      return { total, items: rows.map((row) => summary(row, icsOf(db, row.code, row.version))) }
    }),

  /**
   * The edition(s) of a code in force on a business date: status "effective" on that day (published,
   * implementation date reached, neither superseded nor withdrawn). Usually one; several while a
   * code's editions overlap. With `atPosition`, as the catalogue stood then.
   */
  inForce: authedProcedure
    .input(
      z.object({
        code: z.string().trim().min(1).max(60),
        on: IsoDate,
        ...AtPosition,
        ...MinPosition,
      }),
    )
    .query(async ({ ctx, input }) => {
      const db = await readModel(ctx, CATALOGUE_PROJECTION, input.minPosition)
      const inForce = editionsInForce(db, [input.code], { today: input.on, at: input.atPosition })
      return { code: input.code, on: input.on, editions: inForce.get(input.code) ?? [] }
    }),

  /** `inForce` for many codes at once (e.g. every standard a report or certificate cites). */
  inForceMany: authedProcedure
    .input(
      z.object({
        codes: z.array(z.string().trim().min(1).max(60)).min(1).max(1000),
        on: IsoDate,
        ...AtPosition,
        ...MinPosition,
      }),
    )
    .query(async ({ ctx, input }) => {
      const db = await readModel(ctx, CATALOGUE_PROJECTION, input.minPosition)
      const inForce = editionsInForce(db, input.codes, { today: input.on, at: input.atPosition })
      return {
        on: input.on,
        items: input.codes.map((code) => ({ code, editions: inForce.get(code) ?? [] })),
      }
    }),

  get: authedProcedure
    .input(
      z.object({
        code: z.string().trim().min(1),
        version: z.string().trim().min(1),
        /** Business date of the status and chain; today when absent. */
        asOf: IsoDate.optional(),
        ...AtPosition,
        ...MinPosition,
      }),
    )
    .query(async ({ ctx, input }) => {
      const db = await readModel(ctx, CATALOGUE_PROJECTION, input.minPosition)
      const asOf: AsOf = { today: input.asOf ?? today(ctx), at: input.atPosition }
      const withPosition = asOf.at !== undefined
      const row = findStandard(db, input.code, input.version, asOf)
      if (!row) throw new NotFoundError('standard', standardKey(input))
      const amendments = (
        db
          .prepare(
            'SELECT amendment_no, summary, effective_from FROM amendments WHERE code = ? AND version = ? ORDER BY amendment_no',
          )
          .all(row.code, row.version) as Array<{
          amendment_no: number
          summary: string
          effective_from: string
        }>
      ).map((a) => ({ amendmentNo: a.amendment_no, summary: a.summary, effectiveFrom: a.effective_from }))
      const otherVersions = (
        db
          .prepare(
            `${selectStandard(withPosition)} WHERE s.code = @code AND s.version <> @version ORDER BY s.version`,
          )
          .all({ code: row.code, version: row.version, ...asOfParams(asOf) }) as StandardRow[]
      ).map(chainLink)
      const stages = (
        db
          .prepare(
            `SELECT st.stage, st.on_date, st.dated, st.precision FROM standard_stages st
             WHERE st.code = @code AND st.version = @version AND ${visibleAt('st', withPosition)}
             ORDER BY st.dated, st.on_date, st.rank`,
          )
          .all({ code: row.code, version: row.version, ...asOfParams(asOf) }) as Array<{
          stage: string
          on_date: string
          dated: number
          precision: DatePrecision
        }>
      ).map((st) => ({
        stage: st.stage,
        on: st.on_date,
        dated: st.dated === 1,
        precision: st.precision,
        shownOn: st.precision === 'unknown' ? null : showDate(st.on_date, st.precision),
      }))
      const corrections = (
        db
          .prepare(
            `SELECT stage, previous_date, corrected_date, reason, recorded_on FROM date_corrections
             WHERE code = @code AND version = @version ${withPosition ? 'AND position <= @at' : ''} ORDER BY position`,
          )
          .all({ code: row.code, version: row.version, ...asOfParams(asOf) }) as Array<{
          stage: string
          previous_date: string
          corrected_date: string
          reason: string
          recorded_on: string
        }>
      ).map((c) => ({
        stage: c.stage,
        previousDate: c.previous_date,
        date: c.corrected_date,
        reason: c.reason,
        recordedOn: c.recorded_on,
      }))
      const params = { code: row.code, version: row.version, ...asOfParams(asOf) }
      const recorded = withPosition ? 'AND position <= @at' : ''
      const supplements = (
        db
          .prepare(
            `SELECT kind, number, identifier, published_on, precision, title FROM supplements
             WHERE code = @code AND version = @version ${recorded} ORDER BY published_on, kind, number`,
          )
          .all(params) as Array<{
          kind: string
          number: number
          identifier: string
          published_on: string
          precision: DatePrecision
          title: string | null
        }>
      ).map((x) => ({
        kind: x.kind,
        number: x.number,
        identifier: x.identifier,
        publishedOn: x.published_on,
        shownOn: showDate(x.published_on, x.precision),
        title: x.title,
        /** Part of the consolidated edition on the as-of date. */
        applies: x.published_on <= asOf.today,
      }))
      const edges = (direction: 'from' | 'to') =>
        (
          db
            .prepare(
              `SELECT ${direction === 'from' ? 'to_code AS code, to_version AS version' : 'from_code AS code, from_version AS version'},
                 on_date, precision, kind FROM replacements
               WHERE ${direction}_code = @code AND ${direction}_version = @version ${recorded}
                 AND ${withPosition ? '(retracted_at IS NULL OR retracted_at > @at)' : 'retracted_at IS NULL'}
               ORDER BY on_date, code, version`,
            )
            .all(params) as Array<{
            code: string
            version: string
            on_date: string
            precision: DatePrecision
            kind: string
          }>
        ).map((e) => ({
          code: e.code,
          version: e.version,
          on: e.on_date,
          shownOn: showDate(e.on_date, e.precision),
          kind: e.kind as 'full' | 'partial' | 'withdrawn',
        }))
      const stageCodes = (
        db
          .prepare(
            `SELECT stage_code, on_date, precision FROM stage_codes WHERE code = @code AND version = @version ${recorded}
             ORDER BY on_date, stage_code`,
          )
          .all(params) as Array<{ stage_code: string; on_date: string; precision: DatePrecision }>
      ).map((x) => ({ stageCode: x.stage_code, on: x.on_date, shownOn: showDate(x.on_date, x.precision) }))
      return {
        ...summary(row, icsOf(db, row.code, row.version)),
        asOf: asOf.today,
        supplements,
        /** Editions this one replaced (a merge has several), and those that replaced it (a split). */
        replacesAll: edges('to'),
        replacedByAll: edges('from'),
        stageCodes,
        ccs: row.ccs,
        ledByProvince: row.led_by_province === 1,
        draftedAt: row.drafted_at,
        replaces:
          row.replaces_code && row.replaces_version
            ? { code: row.replaces_code, version: row.replaces_version }
            : null,
        replacedBy:
          row.replaced_by_code && row.replaced_by_version
            ? { code: row.replaced_by_code, version: row.replaced_by_version }
            : null,
        supersededOn: row.superseded_on,
        transitionEndsOn: row.transition_ends_on,
        withdrawnOn: row.withdrawn_on,
        withdrawnReason: row.withdrawn_reason,
        adoption:
          row.adopted_code && row.adopted_version
            ? { code: row.adopted_code, version: row.adopted_version, degree: row.adoption_degree }
            : null,
        amendments,
        stages,
        corrections,
        supersessionChain: supersessionChain(db, row, asOf),
        otherVersions,
      }
    }),

  tcs: authedProcedure.input(z.object({ ...MinPosition }).optional()).query(async ({ ctx, input }) => {
    const db = await readModel(ctx, CATALOGUE_PROJECTION, input?.minPosition)
    const rows = db
      .prepare(
        `SELECT t.tc_id, t.name, t.level, t.established_on,
           (SELECT COUNT(*) FROM standards s WHERE s.technical_committee = t.tc_id) AS standards
         FROM technical_committees t ORDER BY t.level, t.tc_id`,
      )
      .all() as Array<{
      tc_id: string
      name: string
      level: string
      established_on: string
      standards: number
    }>
    return rows.map((r) => ({
      tcId: r.tc_id,
      name: r.name,
      level: r.level,
      establishedOn: r.established_on,
      standards: r.standards,
    }))
  }),
})
