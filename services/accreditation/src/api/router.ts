import { accreditation, IsoDate, likeContains, reservations, SearchText } from '@qi/contracts'
import { NotFoundError, type Reservation } from '@qi/decider'
import { authedProcedure, commandProcedure, readModel, router } from '@qi/trpc'
import type Database from 'better-sqlite3'
import { z } from 'zod'
import { labDecider } from '../domain/lab'
import { LABS_PROJECTION } from '../projections/labs'

const { labStream } = accreditation
const MinPosition = { minPosition: z.bigint().nonnegative().optional() }
const isoDay = (date: Date) => date.toISOString().slice(0, 10)

interface AccreditationRow {
  accreditation_no: string
  accrediting_body: string
  base_standard: string
  valid_from: string
  valid_until: string
  schemes: string
  status: string
}

/** The status as of a day: an active accreditation past its validity reads as expired. */
function effectiveStatus(row: Pick<AccreditationRow, 'status' | 'valid_until'>, day: string): string {
  return row.status === 'active' && day > row.valid_until ? 'expired' : row.status
}

/** "Status on date X" is a range query over the history rows (valid_to exclusive). */
function statusOn(db: Database.Database, labId: string, day: string): string | null {
  const row = db
    .prepare(
      `SELECT h.status, h.accreditation_valid_until AS valid_until FROM status_history h
       WHERE h.lab_id = ? AND h.valid_from <= ? AND (h.valid_to IS NULL OR ? < h.valid_to)
       ORDER BY h.valid_from DESC, h.rowid DESC LIMIT 1`,
    )
    .get(labId, day, day) as { status: string; valid_until: string } | undefined
  return row ? effectiveStatus(row, day) : null
}

/**
 * An accreditation number belongs to one lab (the other contexts' read models and the lineage
 * graph key accreditations by number): a grant claims the number's key stream before it is written.
 */
const accreditationNumberOwned = (input: { labId: string; accreditationNo: string }): Reservation => ({
  key: reservations.keyStream('accreditation-no', input.accreditationNo),
  rule: 'accreditation.number-unique',
  holder: input.labId,
  field: 'accreditationNo',
  refusal: (existing) =>
    `accreditation number ${input.accreditationNo} belongs to lab ${existing.holder}; check the number on the certificate of accreditation`,
})

const LAB_ORDER = {
  lab: 'l.lab_id',
  name: 'l.name, l.lab_id',
  valid_until: 'a.valid_until IS NULL, a.valid_until, l.lab_id',
  scope_desc: 'scope_lines DESC, l.lab_id',
} as const

/** Every mutation here: one command on the lab's stream by a regulator, dated by the fact it records. */
const onLab = {
  roles: ['regulator'],
  decider: labDecider,
  stream: (input: { labId: string }) => labStream(input.labId),
} as const

export const accreditationRouter = router({
  registerLab: commandProcedure({
    ...onLab,
    input: accreditation.RegisterLab,
    command: (input) => ({ type: 'RegisterLab', input }),
    occurredAt: (_, { deps }) => isoDay(deps.now()),
  }),
  accredit: commandProcedure({
    ...onLab,
    input: accreditation.AccreditLab,
    command: (input) => ({ type: 'AccreditLab', input }),
    occurredAt: (input) => input.validFrom,
    reservations: (input) => [accreditationNumberOwned(input)],
  }),
  extendScope: commandProcedure({
    ...onLab,
    input: accreditation.ExtendScope,
    command: (input) => ({ type: 'ExtendScope', input }),
    occurredAt: (input) => input.on,
  }),
  reduceScope: commandProcedure({
    ...onLab,
    input: accreditation.ReduceScope,
    command: (input) => ({ type: 'ReduceScope', input }),
    occurredAt: (input) => input.on,
  }),
  suspend: commandProcedure({
    ...onLab,
    input: accreditation.SuspendAccreditation,
    command: (input) => ({ type: 'SuspendAccreditation', input }),
    occurredAt: (input) => input.from,
  }),
  restore: commandProcedure({
    ...onLab,
    input: accreditation.RestoreAccreditation,
    command: (input) => ({ type: 'RestoreAccreditation', input }),
    occurredAt: (input) => input.on,
  }),
  withdraw: commandProcedure({
    ...onLab,
    input: accreditation.WithdrawAccreditation,
    command: (input) => ({ type: 'WithdrawAccreditation', input }),
    occurredAt: (input) => input.on,
  }),
  expire: commandProcedure({
    ...onLab,
    input: accreditation.ExpireAccreditation,
    command: (input) => ({ type: 'ExpireAccreditation', input }),
    occurredAt: (input) => input.on,
  }),

  listLabs: authedProcedure
    .input(
      z.object({
        kind: accreditation.OrgKind.optional(),
        /** Lab id, name or accreditation number; trimmed and NFKC-folded, case-insensitive. */
        search: SearchText.optional(),
        sort: z.enum(['lab', 'name', 'valid_until', 'scope_desc']).default('lab'),
        limit: z.number().int().min(1).max(200).default(50),
        offset: z.number().int().min(0).default(0),
        ...MinPosition,
      }),
    )
    .query(async ({ ctx, input }) => {
      const db = await readModel(ctx, LABS_PROJECTION, input.minPosition)
      const today = isoDay(ctx.deps.now())
      const conditions: string[] = []
      const params: Record<string, string | number> = {}
      if (input.kind) {
        conditions.push('l.kind = @kind')
        params.kind = input.kind
      }
      if (input.search) {
        conditions.push(
          "(l.lab_id LIKE @search ESCAPE '\\' OR l.name LIKE @search ESCAPE '\\' OR a.accreditation_no LIKE @search ESCAPE '\\')",
        )
        params.search = likeContains(input.search)
      }
      const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''
      const from = 'FROM labs l LEFT JOIN accreditations a ON a.lab_id = l.lab_id'
      const total = (db.prepare(`SELECT COUNT(*) AS n ${from} ${where}`).get(params) as { n: number }).n
      const rows = db
        .prepare(
          `SELECT l.*, a.accreditation_no, a.valid_until, a.status,
             (SELECT COUNT(*) FROM scope_lines s WHERE s.lab_id = l.lab_id AND s.removed_on IS NULL) AS scope_lines
           ${from} ${where} ORDER BY ${LAB_ORDER[input.sort]} LIMIT @limit OFFSET @offset`,
        )
        .all({ ...params, limit: input.limit, offset: input.offset }) as Array<{
        lab_id: string
        name: string
        kind: string
        region: string
        centre_level: string
        accreditation_no: string | null
        valid_until: string | null
        status: string | null
        scope_lines: number
      }>
      return {
        total,
        items: rows.map((row) => ({
          labId: row.lab_id,
          name: row.name,
          kind: row.kind,
          region: row.region,
          centreLevel: row.centre_level,
          accreditationNo: row.accreditation_no,
          validUntil: row.valid_until,
          status:
            row.status && row.valid_until
              ? effectiveStatus({ status: row.status, valid_until: row.valid_until }, today)
              : 'not_accredited',
          scopeLines: row.scope_lines,
        })),
      }
    }),

  /**
   * One lab's current scope lines, paged and searched (object, parameter, standard code or clause):
   * the methods a lab may report on, for pickers.
   */
  listScope: authedProcedure
    .input(
      z.object({
        labId: z.string().trim().min(1),
        search: SearchText.optional(),
        limit: z.number().int().min(1).max(200).default(50),
        offset: z.number().int().min(0).default(0),
        ...MinPosition,
      }),
    )
    .query(async ({ ctx, input }) => {
      const db = await readModel(ctx, LABS_PROJECTION, input.minPosition)
      const params: Record<string, string | number> = { labId: input.labId }
      let search = ''
      if (input.search) {
        search = `AND (s.object LIKE @search ESCAPE '\\' OR s.parameter LIKE @search ESCAPE '\\'
          OR s.standard_code LIKE @search ESCAPE '\\' OR s.clause LIKE @search ESCAPE '\\'
          OR (s.standard_code || '-' || s.standard_version) LIKE @search ESCAPE '\\')`
        params.search = likeContains(input.search)
      }
      const from = `FROM scope_lines s JOIN accreditations a
          ON a.lab_id = s.lab_id AND a.accreditation_no = s.accreditation_no
        WHERE s.lab_id = @labId AND s.removed_on IS NULL ${search}`
      const total = (db.prepare(`SELECT COUNT(*) AS n ${from}`).get(params) as { n: number }).n
      const rows = db
        .prepare(`SELECT s.* ${from} ORDER BY s.rowid LIMIT @limit OFFSET @offset`)
        .all({ ...params, limit: input.limit, offset: input.offset }) as Array<{
        line_id: string
        object: string
        parameter: string
        standard_code: string
        standard_version: string
        clause: string
        limitation: string | null
      }>
      return {
        total,
        items: rows.map((line) => ({
          lineId: line.line_id,
          object: line.object,
          parameter: line.parameter,
          method: {
            standardCode: line.standard_code,
            standardVersion: line.standard_version,
            clause: line.clause,
          },
          limitation: line.limitation,
        })),
      }
    }),

  getLab: authedProcedure
    .input(z.object({ labId: z.string().trim().min(1), asOf: IsoDate.optional(), ...MinPosition }))
    .query(async ({ ctx, input }) => {
      const db = await readModel(ctx, LABS_PROJECTION, input.minPosition)
      const today = isoDay(ctx.deps.now())
      const lab = db.prepare('SELECT * FROM labs WHERE lab_id = ?').get(input.labId) as
        | {
            lab_id: string
            name: string
            kind: string
            region: string
            centre_level: string
            registered_on: string
          }
        | undefined
      if (!lab) throw new NotFoundError('lab', input.labId)
      const current = db.prepare('SELECT * FROM accreditations WHERE lab_id = ?').get(input.labId) as
        | AccreditationRow
        | undefined
      const scope = (
        db
          .prepare(
            'SELECT * FROM scope_lines WHERE lab_id = ? AND accreditation_no = ? AND removed_on IS NULL ORDER BY rowid',
          )
          .all(input.labId, current?.accreditation_no ?? '') as Array<{
          line_id: string
          object: string
          parameter: string
          standard_code: string
          standard_version: string
          clause: string
          limitation: string | null
          added_on: string
        }>
      ).map((line) => ({
        lineId: line.line_id,
        object: line.object,
        parameter: line.parameter,
        method: {
          standardCode: line.standard_code,
          standardVersion: line.standard_version,
          clause: line.clause,
        },
        limitation: line.limitation,
        addedOn: line.added_on,
      }))
      const history = (
        db
          .prepare(
            'SELECT accreditation_no, status, valid_from, valid_to, reason FROM status_history WHERE lab_id = ? ORDER BY valid_from, rowid',
          )
          .all(input.labId) as Array<{
          accreditation_no: string
          status: string
          valid_from: string
          valid_to: string | null
          reason: string | null
        }>
      ).map((h) => ({
        accreditationNo: h.accreditation_no,
        status: h.status,
        from: h.valid_from,
        to: h.valid_to,
        reason: h.reason,
      }))
      return {
        labId: lab.lab_id,
        name: lab.name,
        kind: lab.kind,
        region: lab.region,
        centreLevel: lab.centre_level,
        registeredOn: lab.registered_on,
        accreditation: current
          ? {
              accreditationNo: current.accreditation_no,
              accreditingBody: current.accrediting_body,
              baseStandard: current.base_standard,
              validFrom: current.valid_from,
              validUntil: current.valid_until,
              status: effectiveStatus(current, today),
              schemes: JSON.parse(current.schemes) as string[],
              scope,
            }
          : null,
        statusHistory: history,
        /** The status on `asOf` (today when absent), from the history ranges. */
        statusAsOf: { date: input.asOf ?? today, status: statusOn(db, input.labId, input.asOf ?? today) },
      }
    }),
})
