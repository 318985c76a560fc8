import { z } from 'zod'
import { CommandId, Id, Text } from '../common'
import { defineEvent, IsoDate } from '../envelope'

const context = 'metrology'

/** Where an instrument sits in the traceability chain (量传溯源): working instruments up to national standards. */
export const InstrumentLevel = z.enum(['working', 'county', 'city', 'province', 'national'])

export const InstrumentRegistered = defineEvent({
  type: 'InstrumentRegistered',
  context,
  description: 'A measuring instrument or measurement standard was registered to its owner lab.',
  schema: z.object({
    instrumentId: Id,
    ownerLabId: Id,
    name: Text,
    quantity: Text,
    model: Text.optional(),
    serialNo: Text.optional(),
    level: InstrumentLevel,
  }),
})

export const InstrumentCalibrated = defineEvent({
  type: 'InstrumentCalibrated',
  context,
  description:
    'A calibration certificate was issued: calibrating lab, dates, uncertainty, reference standard used.',
  schema: z.object({
    instrumentId: Id,
    certificateNo: Id,
    calibratingLabId: Id,
    calibratedOn: IsoDate,
    dueOn: IsoDate,
    uncertainty: Text,
    /** The higher-level instrument this calibration is traceable to. */
    referenceInstrumentId: Id.optional(),
    passed: z.boolean(),
  }),
})

export const CalibrationExpired = defineEvent({
  type: 'CalibrationExpired',
  context,
  description: "An instrument's calibration passed its due date without recalibration.",
  schema: z.object({ instrumentId: Id, certificateNo: Id, on: IsoDate }),
})

export const InstrumentRetired = defineEvent({
  type: 'InstrumentRetired',
  context,
  description: 'The instrument was taken out of service.',
  schema: z.object({ instrumentId: Id, on: IsoDate, reason: Text }),
})

export const metrologyEvents = [
  InstrumentRegistered,
  InstrumentCalibrated,
  CalibrationExpired,
  InstrumentRetired,
] as const

const base = { commandId: CommandId.optional() }
export const RegisterInstrument = z.object({ ...base, ...InstrumentRegistered.schema.shape })
export const CalibrateInstrument = z
  .object({ ...base, ...InstrumentCalibrated.schema.shape, passed: z.boolean().default(true) })
  .refine((c) => c.calibratedOn < c.dueOn, {
    message: 'the due date must be after the calibration date',
    path: ['dueOn'],
  })
export const ExpireCalibration = z.object({ ...base, instrumentId: Id, on: IsoDate })
export const RetireInstrument = z.object({ ...base, instrumentId: Id, on: IsoDate, reason: Text })

export const instrumentStream = (instrumentId: string) => `instrument-${instrumentId}`
