import { NotFoundError, RuleViolationError } from '@qi/decider'
import { spec } from '@qi/decider/testing'
import { describe, it } from 'vitest'
import { type InstrumentEvent, instrumentDecider, type ReferenceFact } from './instrument'

const registered: InstrumentEvent = {
  type: 'InstrumentRegistered',
  data: {
    instrumentId: 'TH-07',
    ownerLabId: 'HBQI-01',
    name: '温湿度计',
    quantity: '温度',
    level: 'working',
  },
}
const calibration = {
  instrumentId: 'TH-07',
  certificateNo: 'JZ2023-001',
  calibratingLabId: 'HBMI',
  calibratedOn: '2023-03-01',
  dueOn: '2024-03-01',
  uncertainty: 'U=0.2℃ (k=2)',
  referenceInstrumentId: 'PRT-CITY-1',
  passed: true,
}
const calibrated: InstrumentEvent = { type: 'InstrumentCalibrated', data: calibration }
const retired: InstrumentEvent = {
  type: 'InstrumentRetired',
  data: { instrumentId: 'TH-07', on: '2023-09-01', reason: '损坏' },
}
const cityReference: ReferenceFact = {
  instrumentId: 'PRT-CITY-1',
  level: 'city',
  retiredOn: null,
  calibration: {
    certificateNo: 'JZ2022-100',
    calibratedOn: '2022-06-01',
    dueOn: '2023-06-01',
    expiredOn: null,
    passed: true,
  },
}
const given = spec(instrumentDecider).given
const calibrate = (input: Partial<typeof calibration>, reference: ReferenceFact | null = cityReference) => ({
  type: 'CalibrateInstrument' as const,
  input: { ...calibration, ...input },
  facts: { reference },
})

describe('RegisterInstrument', () => {
  it('registers an instrument once', () => {
    given([]).when({ type: 'RegisterInstrument', input: registered.data }).then([registered])
    given([registered])
      .when({ type: 'RegisterInstrument', input: registered.data })
      .thenThrows(RuleViolationError, /TH-07 is already registered to HBQI-01/)
  })
})

describe('CalibrateInstrument', () => {
  it('records a calibration traceable to a higher, validly calibrated reference', () => {
    given([registered]).when(calibrate({})).then([calibrated])
  })
  it('accepts a calibration without a reference, and a national reference without calibration', () => {
    const { referenceInstrumentId: _reference, ...withoutReference } = calibration
    given([registered])
      .when({ type: 'CalibrateInstrument', input: withoutReference, facts: { reference: null } })
      .then([{ type: 'InstrumentCalibrated', data: withoutReference }])
    given([registered])
      .when(
        calibrate(
          { referenceInstrumentId: 'NAT-1' },
          { instrumentId: 'NAT-1', level: 'national', retiredOn: null, calibration: null },
        ),
      )
      .thenMatches([{ type: 'InstrumentCalibrated' }])
  })
  it('refuses an unknown instrument', () => {
    given([])
      .when(calibrate({}))
      .thenThrows(NotFoundError, /instrument 'TH-07'/)
  })
  it('refuses calibration on or after retirement', () => {
    given([registered, retired])
      .when(calibrate({ calibratedOn: '2023-10-01', dueOn: '2024-10-01' }))
      .thenThrows(
        RuleViolationError,
        /TH-07 was retired on 2023-09-01; it cannot be calibrated on 2023-10-01/,
      )
  })
  it('refuses a certificate number recorded twice', () => {
    given([registered, calibrated])
      .when(calibrate({}))
      .thenThrows(RuleViolationError, /certificate JZ2023-001 is already recorded/)
  })
  it('refuses the instrument as its own reference', () => {
    given([registered])
      .when(calibrate({ referenceInstrumentId: 'TH-07' }))
      .thenThrows(RuleViolationError, /cannot be its own reference/)
  })
  it('refuses an unregistered reference', () => {
    given([registered])
      .when(calibrate({}, null))
      .thenThrows(RuleViolationError, /reference instrument PRT-CITY-1 is not registered/)
  })
  it('refuses a reference that is not higher in the chain', () => {
    given([registered])
      .when(calibrate({}, { ...cityReference, level: 'working' }))
      .thenThrows(
        RuleViolationError,
        /PRT-CITY-1 is a working standard; a working instrument must be calibrated against a higher level/,
      )
  })
  it('refuses a reference that was due, expired, failed, never calibrated or retired on the calibration date', () => {
    const onDay = cityReference.calibration!
    given([registered])
      .when(calibrate({}, { ...cityReference, calibration: { ...onDay, dueOn: '2023-03-01' } }))
      .thenThrows(
        RuleViolationError,
        /PRT-CITY-1 calibration JZ2022-100 was due 2023-03-01; it could not calibrate TH-07 on 2023-03-01/,
      )
    given([registered])
      .when(calibrate({}, { ...cityReference, calibration: { ...onDay, expiredOn: '2023-02-01' } }))
      .thenThrows(RuleViolationError, /JZ2022-100 expired 2023-02-01/)
    given([registered])
      .when(calibrate({}, { ...cityReference, calibration: { ...onDay, passed: false } }))
      .thenThrows(RuleViolationError, /PRT-CITY-1 failed its calibration JZ2022-100/)
    given([registered])
      .when(calibrate({}, { ...cityReference, calibration: null }))
      .thenThrows(RuleViolationError, /PRT-CITY-1 had no calibration on 2023-03-01/)
    given([registered])
      .when(calibrate({}, { ...cityReference, retiredOn: '2023-01-01' }))
      .thenThrows(RuleViolationError, /PRT-CITY-1 was retired on 2023-01-01/)
  })
})

describe('ExpireCalibration', () => {
  it('expires the latest calibration once it is due', () => {
    given([registered, calibrated])
      .when({ type: 'ExpireCalibration', input: { instrumentId: 'TH-07', on: '2024-03-01' } })
      .then([
        {
          type: 'CalibrationExpired',
          data: { instrumentId: 'TH-07', certificateNo: 'JZ2023-001', on: '2024-03-01' },
        },
      ])
  })
  it('refuses expiring before the due date', () => {
    given([registered, calibrated])
      .when({ type: 'ExpireCalibration', input: { instrumentId: 'TH-07', on: '2024-01-01' } })
      .thenThrows(RuleViolationError, /JZ2023-001 of TH-07 is due 2024-03-01; it cannot expire on 2024-01-01/)
  })
  it('refuses when there is nothing left to expire', () => {
    given([registered])
      .when({ type: 'ExpireCalibration', input: { instrumentId: 'TH-07', on: '2024-03-01' } })
      .thenThrows(RuleViolationError, /TH-07 has no current calibration to expire/)
    given([
      registered,
      calibrated,
      {
        type: 'CalibrationExpired',
        data: { instrumentId: 'TH-07', certificateNo: 'JZ2023-001', on: '2024-03-01' },
      },
    ])
      .when({ type: 'ExpireCalibration', input: { instrumentId: 'TH-07', on: '2024-04-01' } })
      .thenThrows(RuleViolationError, /JZ2023-001 expired 2024-03-01/)
  })
  it('refuses an unknown instrument', () => {
    given([])
      .when({ type: 'ExpireCalibration', input: { instrumentId: 'TH-07', on: '2024-03-01' } })
      .thenThrows(NotFoundError, /TH-07/)
  })
})

describe('RetireInstrument', () => {
  it('retires an instrument once', () => {
    given([registered]).when({ type: 'RetireInstrument', input: retired.data }).then([retired])
    given([registered, retired])
      .when({ type: 'RetireInstrument', input: retired.data })
      .thenThrows(RuleViolationError, /TH-07 was already retired on 2023-09-01/)
  })
  it('refuses an unknown instrument', () => {
    given([]).when({ type: 'RetireInstrument', input: retired.data }).thenThrows(NotFoundError, /TH-07/)
  })
})
