import { IsoDate, likeContains, metrology, reservations, SearchText } from '@qi/contracts'
import { ForbiddenError, NotFoundError, type Reservation } from '@qi/decider'
import { type Actor, authedProcedure, type CommandCall, commandProcedure, readModel, router } from '@qi/trpc'
import type Database from 'better-sqlite3'
import { z } from 'zod'
import { type InstrumentLevel, instrumentDecider, type ReferenceFact } from '../domain/instrument'
import { INSTRUMENTS_PROJECTION } from '../projections/instruments'
import { loadCalibratorFact, METROLOGY_REFS } from '../projections/refs'

const { instrumentStream } = metrology
const MinPosition = { minPosition: z.bigint().nonnegative().optional() }
const isoDay = (date: Date) => date.toISOString().slice(0, 10)

/** A calibration falling due within this many days shows as due soon. */
export const DUE_SOON_DAYS = 30

export const CalibrationStatus = z.enum(['valid', 'due_soon', 'expired', 'never', 'retired'])
export type CalibrationStatus = z.infer<typeof CalibrationStatus>

interface InstrumentRow {
  instrument_id: string
  owner_lab_id: string
  name: string
  quantity: string
  model: string | null
  serial_no: string | null
  level: InstrumentLevel
  registered_on: string
  retired_on: string | null
  retired_reason: string | null
}

interface CalibrationRow {
  instrument_id: string
  certificate_no: string
  calibrating_lab_id: string
  calibrated_on: string
  due_on: string
  uncertainty: string
  reference_instrument_id: string | null
  passed: number
  expired_on: string | null
}

const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000)

/** The passed calibration with the latest date on or before `day`: the one an instrument relies on. */
function currentCalibration(
  db: Database.Database,
  instrumentId: string,
  day: string,
): CalibrationRow | undefined {
  return db
    .prepare(
      `SELECT * FROM calibrations WHERE instrument_id = ? AND passed = 1 AND calibrated_on <= ?
       ORDER BY calibrated_on DESC, rowid DESC LIMIT 1`,
    )
    .get(instrumentId, day) as CalibrationRow | undefined
}

export function calibrationStatus(
  instrument: Pick<InstrumentRow, 'retired_on'>,
  calibration: Pick<CalibrationRow, 'due_on' | 'expired_on'> | undefined,
  day: string,
): CalibrationStatus {
  if (instrument.retired_on !== null && instrument.retired_on <= day) return 'retired'
  if (!calibration) return 'never'
  if (calibration.due_on <= day || (calibration.expired_on !== null && calibration.expired_on <= day))
    return 'expired'
  return daysBetween(day, calibration.due_on) <= DUE_SOON_DAYS ? 'due_soon' : 'valid'
}

function findInstrument(db: Database.Database, instrumentId: string): InstrumentRow | undefined {
  return db.prepare('SELECT * FROM instruments WHERE instrument_id = ?').get(instrumentId) as
    | InstrumentRow
    | undefined
}

/** Labs act only on instruments they own; the metrology institute (and admin) on any. */
function requireOwnerOrInstitute(actor: Actor, ownerLabId: string, instrumentId: string) {
  if (actor.role === 'lab' && actor.org !== ownerLabId) {
    throw new ForbiddenError(`instrument ${instrumentId} belongs to lab ${ownerLabId}, not to ${actor.org}`)
  }
}

/** The owner check needs the read model: it runs in `enrich`, after the model caught up. */
function ownerChecked<C>(command: C, input: { instrumentId: string }, { deps, actor }: CommandCall): C {
  const instrument = findInstrument(deps.runner(INSTRUMENTS_PROJECTION).db, input.instrumentId)
  if (!instrument) throw new NotFoundError('instrument', input.instrumentId)
  requireOwnerOrInstitute(actor, instrument.owner_lab_id, input.instrumentId)
  return command
}

function referenceFact(
  db: Database.Database,
  referenceId: string,
  calibratedOn: string,
): ReferenceFact | null {
  const reference = findInstrument(db, referenceId)
  if (!reference) return null
  const calibration = db
    .prepare(
      `SELECT * FROM calibrations WHERE instrument_id = ? AND calibrated_on <= ?
       ORDER BY calibrated_on DESC, rowid DESC LIMIT 1`,
    )
    .get(referenceId, calibratedOn) as CalibrationRow | undefined
  return {
    instrumentId: reference.instrument_id,
    level: reference.level,
    retiredOn: reference.retired_on,
    calibration: calibration
      ? {
          certificateNo: calibration.certificate_no,
          calibratedOn: calibration.calibrated_on,
          dueOn: calibration.due_on,
          expiredOn: calibration.expired_on,
          passed: calibration.passed === 1,
        }
      : null,
  }
}

function calibrationView(c: CalibrationRow) {
  return {
    certificateNo: c.certificate_no,
    calibratingLabId: c.calibrating_lab_id,
    calibratedOn: c.calibrated_on,
    dueOn: c.due_on,
    uncertainty: c.uncertainty,
    referenceInstrumentId: c.reference_instrument_id,
    passed: c.passed === 1,
    expiredOn: c.expired_on,
  }
}

/** Climbs from an instrument through the references of its current calibrations; cycles cut. */
function traceabilityChain(db: Database.Database, start: InstrumentRow, day: string) {
  const chain = []
  const seen = new Set<string>()
  let cursor: InstrumentRow | undefined = start
  while (cursor && !seen.has(cursor.instrument_id)) {
    seen.add(cursor.instrument_id)
    const calibration = currentCalibration(db, cursor.instrument_id, day)
    chain.push({
      instrumentId: cursor.instrument_id,
      name: cursor.name,
      level: cursor.level,
      ownerLabId: cursor.owner_lab_id,
      status: calibrationStatus(cursor, calibration, day),
      calibration: calibration ? calibrationView(calibration) : null,
    })
    if (cursor.level === 'national' || !calibration?.reference_instrument_id) break
    cursor = findInstrument(db, calibration.reference_instrument_id)
  }
  return { links: chain, reachesNational: chain.at(-1)?.level === 'national' }
}

/**
 * A calibration certificate number identifies one certificate platform-wide (the lineage graph keys
 * calibrations by it): recording one claims the number's key stream before the instrument's stream.
 */
const certificateNumberUnique = (input: { instrumentId: string; certificateNo: string }): Reservation => ({
  key: reservations.keyStream('calibration-certificate', input.certificateNo),
  rule: 'metrology.certificate-unique',
  holder: input.instrumentId,
  field: 'certificateNo',
  refusal: (existing) =>
    `calibration certificate ${input.certificateNo} is already recorded for instrument ${existing.holder}; check the certificate number`,
})

/** Every mutation here: one command on the instrument's stream, by a lab or the metrology institute. */
const onInstrument = {
  roles: ['lab', 'metrology_institute'],
  decider: instrumentDecider,
  stream: (input: { instrumentId: string }) => instrumentStream(input.instrumentId),
} as const

export const metrologyRouter = router({
  registerInstrument: commandProcedure({
    ...onInstrument,
    input: metrology.RegisterInstrument,
    owner: {
      roles: ['lab'],
      org: (input) => input.ownerLabId,
      refusal: (actor, input) =>
        `instrument ${input.instrumentId} belongs to lab ${input.ownerLabId}, not to ${actor.org}`,
    },
    command: (input) => ({ type: 'RegisterInstrument', input }),
    occurredAt: (_, { deps }) => isoDay(deps.now()),
  }),
  calibrate: commandProcedure({
    ...onInstrument,
    input: metrology.CalibrateInstrument.safeExtend(MinPosition),
    owner: {
      roles: ['lab'],
      org: (input) => input.calibratingLabId,
      refusal: (actor, input) =>
        `lab ${actor.org} may record only its own calibrations, not those of ${input.calibratingLabId}`,
    },
    readModels: [INSTRUMENTS_PROJECTION, METROLOGY_REFS],
    minPosition: (input) => input.minPosition,
    command: ({ minPosition: _, ...input }, { actor }) => ({
      type: 'CalibrateInstrument',
      input,
      facts: {
        reference: null,
        calibrator: { labId: input.calibratingLabId, registered: false, kind: null, accreditation: null },
        recordedBy: { role: actor.role, org: actor.org },
      },
    }),
    enrich: (command, input, { deps }) => {
      const db = deps.runner(INSTRUMENTS_PROJECTION).db
      const reference =
        input.referenceInstrumentId === undefined
          ? null
          : referenceFact(db, input.referenceInstrumentId, input.calibratedOn)
      const calibrator = loadCalibratorFact(
        deps.runner(METROLOGY_REFS).db,
        input.calibratingLabId,
        input.calibratedOn,
      )
      return { ...command, facts: { reference, calibrator, recordedBy: command.facts.recordedBy } }
    },
    occurredAt: (input) => input.calibratedOn,
    reservations: (input) => [certificateNumberUnique(input)],
  }),
  expireCalibration: commandProcedure({
    ...onInstrument,
    input: metrology.ExpireCalibration,
    readModels: [INSTRUMENTS_PROJECTION],
    command: (input) => ({ type: 'ExpireCalibration', input }),
    enrich: ownerChecked,
    occurredAt: (input) => input.on,
  }),
  retire: commandProcedure({
    ...onInstrument,
    input: metrology.RetireInstrument,
    readModels: [INSTRUMENTS_PROJECTION],
    command: (input) => ({ type: 'RetireInstrument', input }),
    enrich: ownerChecked,
    occurredAt: (input) => input.on,
  }),

  listInstruments: authedProcedure
    .input(
      z.object({
        ownerLabId: z.string().trim().min(1).optional(),
        /** Instruments in service whose current calibration falls due before this date. */
        dueBefore: IsoDate.optional(),
        /** Instrument id, name, quantity or model; trimmed and NFKC-folded, case-insensitive. */
        search: SearchText.optional(),
        limit: z.number().int().min(1).max(200).default(50),
        offset: z.number().int().min(0).default(0),
        ...MinPosition,
      }),
    )
    .query(async ({ ctx, input }) => {
      const db = await readModel(ctx, INSTRUMENTS_PROJECTION, input.minPosition)
      const today = isoDay(ctx.deps.now())
      const conditions: string[] = []
      const params: Record<string, string | number> = { today }
      if (input.ownerLabId) {
        conditions.push('i.owner_lab_id = @owner')
        params.owner = input.ownerLabId
      }
      if (input.dueBefore) {
        conditions.push('c.due_on < @dueBefore AND i.retired_on IS NULL')
        params.dueBefore = input.dueBefore
      }
      if (input.search) {
        conditions.push(
          `(i.instrument_id LIKE @search ESCAPE '\\' OR i.name LIKE @search ESCAPE '\\'
            OR i.quantity LIKE @search ESCAPE '\\' OR i.model LIKE @search ESCAPE '\\')`,
        )
        params.search = likeContains(input.search)
      }
      const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''
      const from = `FROM instruments i LEFT JOIN calibrations c ON c.rowid = (
          SELECT c2.rowid FROM calibrations c2 WHERE c2.instrument_id = i.instrument_id AND c2.passed = 1
            AND c2.calibrated_on <= @today ORDER BY c2.calibrated_on DESC, c2.rowid DESC LIMIT 1)`
      const total = (db.prepare(`SELECT COUNT(*) AS n ${from} ${where}`).get(params) as { n: number }).n
      const rows = db
        .prepare(
          `SELECT i.*, c.certificate_no, c.calibrated_on, c.due_on, c.expired_on ${from} ${where}
           ORDER BY i.instrument_id LIMIT @limit OFFSET @offset`,
        )
        .all({ ...params, limit: input.limit, offset: input.offset }) as Array<
        InstrumentRow & {
          certificate_no: string | null
          calibrated_on: string | null
          due_on: string | null
          expired_on: string | null
        }
      >
      return {
        total,
        items: rows.map((row) => {
          const calibration =
            row.certificate_no !== null && row.due_on !== null
              ? { due_on: row.due_on, expired_on: row.expired_on }
              : undefined
          return {
            instrumentId: row.instrument_id,
            ownerLabId: row.owner_lab_id,
            name: row.name,
            quantity: row.quantity,
            level: row.level,
            certificateNo: row.certificate_no,
            calibratedOn: row.calibrated_on,
            dueOn: row.due_on,
            status: calibrationStatus(row, calibration, today),
          }
        }),
      }
    }),

  getInstrument: authedProcedure
    .input(z.object({ instrumentId: z.string().trim().min(1), ...MinPosition }))
    .query(async ({ ctx, input }) => {
      const db = await readModel(ctx, INSTRUMENTS_PROJECTION, input.minPosition)
      const today = isoDay(ctx.deps.now())
      const instrument = findInstrument(db, input.instrumentId)
      if (!instrument) throw new NotFoundError('instrument', input.instrumentId)
      const history = db
        .prepare('SELECT * FROM calibrations WHERE instrument_id = ? ORDER BY calibrated_on, rowid')
        .all(input.instrumentId) as CalibrationRow[]
      return {
        instrumentId: instrument.instrument_id,
        ownerLabId: instrument.owner_lab_id,
        name: instrument.name,
        quantity: instrument.quantity,
        model: instrument.model,
        serialNo: instrument.serial_no,
        level: instrument.level,
        registeredOn: instrument.registered_on,
        retiredOn: instrument.retired_on,
        retiredReason: instrument.retired_reason,
        status: calibrationStatus(instrument, currentCalibration(db, instrument.instrument_id, today), today),
        calibrations: history.map(calibrationView),
        traceability: traceabilityChain(db, instrument, today),
      }
    }),
})
