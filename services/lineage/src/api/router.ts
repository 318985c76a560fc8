import { IsoDate, StandardCode, StandardVersion, standardKey } from '@qi/contracts'
import { NotFoundError } from '@qi/decider'
import { authedProcedure, type QiContext, readModel, router } from '@qi/trpc'
import type Database from 'better-sqlite3'
import { z } from 'zod'
import { LINEAGE_GRAPH } from '../projections/graph'
import { nodeId, standardNode } from '../projections/ids'
import { LINEAGE_KPI } from '../projections/kpi'
import { GraphReader } from '../queries/graph-reader'
import { impactOf } from '../queries/impact'
import { kpiSummary } from '../queries/kpi'
import { lineageOf } from '../queries/lineage'
import { nodeDetail } from '../queries/node-detail'
import { whatIfSupersede, whatIfSuspendLab } from '../queries/what-if'

/** Every query: a business date (default today) and, for audits, a store position. */
const TimeInput = z.object({
  asOf: IsoDate.optional(),
  atPosition: z.bigint().nonnegative().optional(),
  minPosition: z.bigint().nonnegative().optional(),
})
type TimeInput = z.infer<typeof TimeInput>

async function reader(ctx: QiContext, input: TimeInput) {
  const db = await readModel(ctx, LINEAGE_GRAPH, input.minPosition)
  const asOf = input.asOf ?? ctx.deps.now().toISOString().slice(0, 10)
  return new GraphReader(db, { asOf, atPosition: input.atPosition })
}

/**
 * The graph's id for a thing as people type it: exact when it exists, else trimmed, NFKC-folded and
 * case-insensitive (`mj-30` traces MJ-30).
 */
async function forgivingId(ctx: QiContext, input: TimeInput, kind: string, typed: string): Promise<string> {
  const exact = nodeId(kind as Parameters<typeof nodeId>[0], typed)
  const statements = idStatements(await readModel(ctx, LINEAGE_GRAPH, input.minPosition))
  if (statements.exact.get(exact)) return exact
  const folded = nodeId(kind as Parameters<typeof nodeId>[0], typed.normalize('NFKC').trim())
  return statements.folded.get(folded)?.id ?? exact
}

/** Prepared once per database (preparing them per request cost about as much as a small lineage). */
const idStatementsByDatabase = new WeakMap<
  Database.Database,
  { exact: Database.Statement<[string], unknown>; folded: Database.Statement<[string], { id: string }> }
>()

function idStatements(db: Database.Database) {
  let statements = idStatementsByDatabase.get(db)
  if (!statements) {
    statements = {
      exact: db.prepare('SELECT 1 FROM nodes WHERE id = ?'),
      folded: db.prepare('SELECT id FROM nodes WHERE id = ? COLLATE NOCASE ORDER BY id LIMIT 1'),
    }
    idStatementsByDatabase.set(db, statements)
  }
  return statements
}

function found<T>(value: T | null, entity: string, id: string): T {
  if (value === null) throw new NotFoundError(entity, id)
  return value
}

const Standard = { code: StandardCode, version: StandardVersion }

/**
 * Paging of an impact's groups (optional: the first 200 of each by default). Totals and active
 * counts are always exact; `cursor` is the index of the first item listed, `nextCursor` in each
 * group says where the next page starts.
 */
const ImpactPage = {
  limit: z.number().int().min(1).max(1000).optional(),
  cursor: z.number().int().nonnegative().optional(),
}
const page = (input: { limit?: number; cursor?: number }) => ({ limit: input.limit, cursor: input.cursor })

export const lineageRouter = router({
  ofProduct: authedProcedure
    .input(TimeInput.extend({ productId: z.string().min(1) }))
    .query(async ({ ctx, input }) =>
      found(
        lineageOf(await reader(ctx, input), await forgivingId(ctx, input, 'product', input.productId)),
        'product',
        input.productId,
      ),
    ),
  ofCertificate: authedProcedure
    .input(TimeInput.extend({ certificateNo: z.string().min(1) }))
    .query(async ({ ctx, input }) =>
      found(
        lineageOf(
          await reader(ctx, input),
          await forgivingId(ctx, input, 'certificate', input.certificateNo),
        ),
        'certificate',
        input.certificateNo,
      ),
    ),
  ofReport: authedProcedure
    .input(TimeInput.extend({ reportNo: z.string().min(1) }))
    .query(async ({ ctx, input }) =>
      found(
        lineageOf(await reader(ctx, input), await forgivingId(ctx, input, 'report', input.reportNo)),
        'report',
        input.reportNo,
      ),
    ),
  node: authedProcedure
    .input(TimeInput.extend({ id: z.string().min(3) }))
    .query(async ({ ctx, input }) => found(nodeDetail(await reader(ctx, input), input.id), 'node', input.id)),
  impact: router({
    ofStandard: authedProcedure
      .input(TimeInput.extend({ ...Standard, ...ImpactPage }))
      .query(async ({ ctx, input }) =>
        found(
          impactOf(await reader(ctx, input), standardNode(input), page(input)),
          'standard',
          standardKey(input),
        ),
      ),
    ofAccreditation: authedProcedure
      .input(TimeInput.extend({ labId: z.string().min(1), ...ImpactPage }))
      .query(async ({ ctx, input }) =>
        found(
          impactOf(await reader(ctx, input), nodeId('lab', input.labId), page(input)),
          'lab',
          input.labId,
        ),
      ),
    ofCalibration: authedProcedure
      .input(TimeInput.extend({ instrumentId: z.string().min(1), ...ImpactPage }))
      .query(async ({ ctx, input }) =>
        found(
          impactOf(await reader(ctx, input), nodeId('instrument', input.instrumentId), page(input)),
          'instrument',
          input.instrumentId,
        ),
      ),
    ofReport: authedProcedure
      .input(TimeInput.extend({ reportNo: z.string().min(1), ...ImpactPage }))
      .query(async ({ ctx, input }) =>
        found(
          impactOf(await reader(ctx, input), nodeId('report', input.reportNo), page(input)),
          'report',
          input.reportNo,
        ),
      ),
    /** Products (and their certificates and makers) resting on an enterprise licence (先证后核). */
    ofLicence: authedProcedure
      .input(TimeInput.extend({ licenceNo: z.string().min(1) }))
      .query(async ({ ctx, input }) =>
        found(
          impactOf(await reader(ctx, input), await forgivingId(ctx, input, 'licence', input.licenceNo)),
          'licence',
          input.licenceNo,
        ),
      ),
  }),
  whatIf: router({
    /** Certificates that would have to be re-certified by the transition deadline. Emits nothing. */
    supersedeStandard: authedProcedure
      .input(TimeInput.extend({ ...Standard, transitionEndsOn: IsoDate }))
      .query(async ({ ctx, input }) =>
        found(
          whatIfSupersede(await reader(ctx, input), standardNode(input), input.transitionEndsOn),
          'standard',
          standardKey(input),
        ),
      ),
    /** Reports issued on or after `from` would be flagged, certificates on them put under review. */
    suspendLab: authedProcedure
      .input(TimeInput.extend({ labId: z.string().min(1), from: IsoDate }))
      .query(async ({ ctx, input }) =>
        found(whatIfSuspendLab(await reader(ctx, input), input.labId, input.from), 'lab', input.labId),
      ),
  }),
  kpi: authedProcedure
    .input(z.object({ asOf: IsoDate.optional(), minPosition: z.bigint().nonnegative().optional() }))
    .query(async ({ ctx, input }) => {
      const db = await readModel(ctx, LINEAGE_KPI, input.minPosition)
      return kpiSummary(db, input.asOf ?? ctx.deps.now().toISOString().slice(0, 10))
    }),
})

export type LineageRouter = typeof lineageRouter
