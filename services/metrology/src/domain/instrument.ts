import type { EventOf, metrology } from '@qi/contracts'
import { type Decider, NotFoundError, RuleViolationError } from '@qi/decider'
import type { z } from 'zod'

export type InstrumentEvent =
  | EventOf<typeof metrology.InstrumentRegistered>
  | EventOf<typeof metrology.InstrumentCalibrated>
  | EventOf<typeof metrology.CalibrationExpired>
  | EventOf<typeof metrology.InstrumentRetired>

export type InstrumentLevel = z.infer<typeof metrology.InstrumentLevel>

/** Rank in the traceability chain (量传溯源): a reference must rank above what it calibrates. */
export const LEVEL_RANK: Record<InstrumentLevel, number> = {
  working: 0,
  county: 1,
  city: 2,
  province: 3,
  national: 4,
}

/** The reference instrument as the service's read model has it on the calibration date. */
export interface ReferenceFact {
  instrumentId: string
  level: InstrumentLevel
  retiredOn: string | null
  /** Its latest calibration on or before the calibration date, if any. */
  calibration: {
    certificateNo: string
    calibratedOn: string
    dueOn: string
    expiredOn: string | null
    passed: boolean
  } | null
}

/**
 * The calibrating lab as metrology's copy of the accreditation context has it on the calibration
 * date (null fields: not on record).
 */
export interface CalibratorFact {
  labId: string
  /** Registered with the accreditation context (a national institute outside the province is not). */
  registered: boolean
  kind: 'testing_lab' | 'calibration_lab' | 'certification_body' | 'inspection_body' | null
  /** Its accreditation relevant to the date (the term covering it, else the latest), if any. */
  accreditation: {
    accreditationNo: string
    validFrom: string
    validUntil: string
    /** A suspension, withdrawal or expiry in force on the calibration date. */
    inactiveOnDate: { status: 'suspended' | 'withdrawn' | 'expired'; from: string } | null
    /** The quantities (scope-line parameters) in scope on the calibration date. */
    quantitiesInScope: string[]
  } | null
}

/** Who records the calibration: a lab records its own work; the metrology institute any. */
export interface Recorder {
  role: string
  org: string
}

export type InstrumentCommand =
  | { type: 'RegisterInstrument'; input: z.output<typeof metrology.RegisterInstrument> }
  | {
      type: 'CalibrateInstrument'
      input: z.output<typeof metrology.CalibrateInstrument>
      facts: {
        /** Looked up by the router when a reference is named; null when it is not registered. */
        reference: ReferenceFact | null
        calibrator: CalibratorFact
        recordedBy: Recorder
      }
    }
  | { type: 'ExpireCalibration'; input: z.output<typeof metrology.ExpireCalibration> }
  | { type: 'RetireInstrument'; input: z.output<typeof metrology.RetireInstrument> }

export interface InstrumentState {
  registered: { ownerLabId: string; level: InstrumentLevel; quantity: string } | null
  /** The calibration with the latest calibration date (back-dated certificates may arrive late). */
  latest: { certificateNo: string; calibratedOn: string; dueOn: string; expiredOn: string | null } | null
  certificateNos: string[]
  retiredOn: string | null
}

const initialState = (): InstrumentState => ({
  registered: null,
  latest: null,
  certificateNos: [],
  retiredOn: null,
})

function evolve(state: InstrumentState, event: InstrumentEvent): InstrumentState {
  switch (event.type) {
    case 'InstrumentRegistered':
      return {
        ...state,
        registered: {
          ownerLabId: event.data.ownerLabId,
          level: event.data.level,
          quantity: event.data.quantity,
        },
      }
    case 'InstrumentCalibrated': {
      const { certificateNo, calibratedOn, dueOn } = event.data
      const isLatest = !state.latest || calibratedOn >= state.latest.calibratedOn
      return {
        ...state,
        certificateNos: [...state.certificateNos, certificateNo],
        latest: isLatest ? { certificateNo, calibratedOn, dueOn, expiredOn: null } : state.latest,
      }
    }
    case 'CalibrationExpired':
      return state.latest?.certificateNo === event.data.certificateNo
        ? { ...state, latest: { ...state.latest, expiredOn: event.data.on } }
        : state
    case 'InstrumentRetired':
      return { ...state, retiredOn: event.data.on }
  }
}

/** Whether a reference could serve as traceability source on `date`; the reason when it cannot. */
function referenceProblem(reference: ReferenceFact, date: string): string | null {
  if (reference.retiredOn !== null && reference.retiredOn <= date) {
    return `reference ${reference.instrumentId} was retired on ${reference.retiredOn}`
  }
  // National measurement standards head the chain: nothing above them calibrates them here.
  if (reference.level === 'national') return null
  const calibration = reference.calibration
  if (!calibration) return `reference ${reference.instrumentId} had no calibration on ${date}`
  if (!calibration.passed) {
    return `reference ${reference.instrumentId} failed its calibration ${calibration.certificateNo} of ${calibration.calibratedOn}`
  }
  if (calibration.dueOn <= date) {
    return `reference ${reference.instrumentId} calibration ${calibration.certificateNo} was due ${calibration.dueOn}`
  }
  if (calibration.expiredOn !== null && calibration.expiredOn <= date) {
    return `reference ${reference.instrumentId} calibration ${calibration.certificateNo} expired ${calibration.expiredOn}`
  }
  return null
}

/**
 * Who may calibrate (JJF 1069 / 计量法): never the instrument's owner for itself; never a lab whose
 * accreditation is suspended, withdrawn or expired on the calibration date; otherwise a calibration
 * lab accredited for the instrument's quantity on that date — or the metrology institute, which
 * records its own calibrations and those of national institutes outside the province's registry.
 */
function checkCalibrator(
  input: { instrumentId: string; calibratingLabId: string; calibratedOn: string },
  instrument: { ownerLabId: string; quantity: string },
  calibrator: CalibratorFact,
  recordedBy: Recorder,
) {
  const { instrumentId, calibratingLabId, calibratedOn } = input
  if (calibratingLabId === instrument.ownerLabId) {
    throw new RuleViolationError(
      'metrology.calibrator-not-owner',
      `instrument ${instrumentId} belongs to ${instrument.ownerLabId}; its owner cannot calibrate it for itself — name the accredited calibration lab or metrology institute that did`,
      calibratingLabId,
      'calibratingLabId',
    )
  }
  const accreditation = calibrator.accreditation
  if (accreditation?.inactiveOnDate) {
    const { status, from } = accreditation.inactiveOnDate
    throw new RuleViolationError(
      'metrology.calibrator-accreditation-active',
      `${calibratingLabId}'s accreditation ${accreditation.accreditationNo} is ${status} since ${from}; it cannot calibrate on ${calibratedOn}`,
      calibratingLabId,
      'calibratingLabId',
    )
  }
  const isInstitute = recordedBy.role === 'metrology_institute'
  if (isInstitute && (calibratingLabId === recordedBy.org || !calibrator.registered)) return
  const accredited =
    calibrator.kind === 'calibration_lab' &&
    accreditation !== null &&
    accreditation.validFrom <= calibratedOn &&
    calibratedOn <= accreditation.validUntil
  if (!accredited || !accreditation) {
    throw new RuleViolationError(
      'metrology.calibrator-accredited',
      `${calibratingLabId} is not ${calibrator.registered ? 'a calibration lab accredited' : 'a registered calibration lab'} on ${calibratedOn}; only an accredited calibration lab or the metrology institute may calibrate`,
      calibratingLabId,
      'calibratingLabId',
    )
  }
  if (!accreditation.quantitiesInScope.includes(instrument.quantity)) {
    throw new RuleViolationError(
      'metrology.calibrator-accredited',
      `${calibratingLabId}'s accreditation ${accreditation.accreditationNo} does not cover calibration of ${instrument.quantity} on ${calibratedOn} (in scope: ${accreditation.quantitiesInScope.join(', ') || 'none'})`,
      calibratingLabId,
      'calibratingLabId',
    )
  }
}

function requireRegistered(state: InstrumentState, instrumentId: string) {
  if (!state.registered) throw new NotFoundError('instrument', instrumentId)
  return state.registered
}

function decide(command: InstrumentCommand, state: InstrumentState): InstrumentEvent[] {
  switch (command.type) {
    case 'RegisterInstrument': {
      const { commandId: _commandId, ...input } = command.input
      if (state.registered) {
        throw new RuleViolationError(
          'metrology.instrument-unique',
          `instrument ${input.instrumentId} is already registered to ${state.registered.ownerLabId}; choose another id`,
          input.instrumentId,
          'instrumentId',
        )
      }
      return [{ type: 'InstrumentRegistered', data: input }]
    }
    case 'CalibrateInstrument': {
      const { commandId: _commandId, ...input } = command.input
      const instrument = requireRegistered(state, input.instrumentId)
      if (state.retiredOn !== null && input.calibratedOn >= state.retiredOn) {
        throw new RuleViolationError(
          'metrology.no-calibration-after-retirement',
          `instrument ${input.instrumentId} was retired on ${state.retiredOn}; it cannot be calibrated on ${input.calibratedOn}`,
          input.instrumentId,
          'calibratedOn',
        )
      }
      checkCalibrator(input, instrument, command.facts.calibrator, command.facts.recordedBy)
      if (state.certificateNos.includes(input.certificateNo)) {
        throw new RuleViolationError(
          'metrology.certificate-unique',
          `calibration certificate ${input.certificateNo} is already recorded for instrument ${input.instrumentId}`,
          input.certificateNo,
          'certificateNo',
        )
      }
      if (input.referenceInstrumentId !== undefined) {
        const referenceId = input.referenceInstrumentId
        if (referenceId === input.instrumentId) {
          throw new RuleViolationError(
            'metrology.reference-not-self',
            `instrument ${input.instrumentId} cannot be its own reference; name the higher-level standard used`,
            referenceId,
            'referenceInstrumentId',
          )
        }
        const { reference } = command.facts
        if (!reference) {
          throw new RuleViolationError(
            'metrology.reference-exists',
            `reference instrument ${referenceId} is not registered; register it before citing it`,
            referenceId,
            'referenceInstrumentId',
          )
        }
        if (LEVEL_RANK[reference.level] <= LEVEL_RANK[instrument.level]) {
          throw new RuleViolationError(
            'metrology.reference-higher-level',
            `reference ${referenceId} is a ${reference.level} standard; a ${instrument.level} instrument must be calibrated against a higher level (working < county < city < province < national)`,
            referenceId,
            'referenceInstrumentId',
          )
        }
        const problem = referenceProblem(reference, input.calibratedOn)
        if (problem) {
          throw new RuleViolationError(
            'metrology.reference-calibrated',
            `${problem}; it could not calibrate ${input.instrumentId} on ${input.calibratedOn}`,
            referenceId,
            'referenceInstrumentId',
          )
        }
      }
      return [{ type: 'InstrumentCalibrated', data: input }]
    }
    case 'ExpireCalibration': {
      const { commandId: _commandId, ...input } = command.input
      requireRegistered(state, input.instrumentId)
      const latest = state.latest
      if (!latest || latest.expiredOn !== null) {
        throw new RuleViolationError(
          'metrology.calibration-to-expire',
          `instrument ${input.instrumentId} has no current calibration to expire${latest ? ` (${latest.certificateNo} expired ${latest.expiredOn})` : ''}`,
          input.instrumentId,
        )
      }
      if (input.on < latest.dueOn) {
        throw new RuleViolationError(
          'metrology.expire-after-due',
          `calibration ${latest.certificateNo} of ${input.instrumentId} is due ${latest.dueOn}; it cannot expire on ${input.on}`,
          latest.certificateNo,
          'on',
        )
      }
      return [
        {
          type: 'CalibrationExpired',
          data: { instrumentId: input.instrumentId, certificateNo: latest.certificateNo, on: input.on },
        },
      ]
    }
    case 'RetireInstrument': {
      const { commandId: _commandId, ...input } = command.input
      requireRegistered(state, input.instrumentId)
      if (state.retiredOn !== null) {
        throw new RuleViolationError(
          'metrology.retire-once',
          `instrument ${input.instrumentId} was already retired on ${state.retiredOn}`,
          input.instrumentId,
        )
      }
      return [{ type: 'InstrumentRetired', data: input }]
    }
  }
}

export const instrumentDecider: Decider<InstrumentCommand, InstrumentEvent, InstrumentState> = {
  initialState,
  evolve,
  decide,
}
