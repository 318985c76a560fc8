import { NotFoundError, RuleViolationError } from '@qi/decider'
import { spec } from '@qi/decider/testing'
import { describe, expect, it } from 'vitest'
import {
  type CalibratorFact,
  type InstrumentEvent,
  instrumentDecider,
  type Recorder,
  type ReferenceFact,
} from './instrument'

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
/** HBMI: a calibration lab accredited for temperature (温度) from 2022 to 2026. */
const accreditedLab: CalibratorFact = {
  labId: 'HBMI',
  registered: true,
  kind: 'calibration_lab',
  accreditation: {
    accreditationNo: 'CNAS L0010',
    validFrom: '2022-01-01',
    validUntil: '2026-12-31',
    inactiveOnDate: null,
    quantitiesInScope: ['温度', '力'],
  },
}
const labRecorder: Recorder = { role: 'lab', org: 'HBMI' }
const given = spec(instrumentDecider).given
const calibrate = (
  input: Partial<typeof calibration>,
  reference: ReferenceFact | null = cityReference,
  calibrator: CalibratorFact = accreditedLab,
  recordedBy: Recorder = labRecorder,
) => ({
  type: 'CalibrateInstrument' as const,
  input: { ...calibration, ...input },
  facts: { reference, calibrator, recordedBy },
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
      .when({
        type: 'CalibrateInstrument',
        input: withoutReference,
        facts: { reference: null, calibrator: accreditedLab, recordedBy: labRecorder },
      })
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

describe('CalibrateInstrument: who may calibrate', () => {
  const owner: CalibratorFact = { ...accreditedLab, labId: 'HBQI-01' }
  const institute: Recorder = { role: 'metrology_institute', org: 'HBMI' }

  it('refuses the instrument owner calibrating its own instrument, even as an accredited lab', () => {
    const error = given([registered])
      .when(calibrate({ calibratingLabId: 'HBQI-01' }, cityReference, owner, { role: 'lab', org: 'HBQI-01' }))
      .thenThrows(RuleViolationError, /belongs to HBQI-01; its owner cannot calibrate it for itself/)
    expect(error).toMatchObject({
      rule: 'metrology.calibrator-not-owner',
      item: 'HBQI-01',
      field: 'calibratingLabId',
    })
  })
  it('refuses the owner even when the metrology institute records it', () => {
    given([registered])
      .when(calibrate({ calibratingLabId: 'HBQI-01' }, cityReference, owner, institute))
      .thenThrows(RuleViolationError, /its owner cannot calibrate it for itself/)
  })
  it('refuses a lab whose accreditation is suspended on the calibration date', () => {
    const suspended: CalibratorFact = {
      ...accreditedLab,
      accreditation: {
        ...accreditedLab.accreditation!,
        inactiveOnDate: { status: 'suspended', from: '2023-02-01' },
      },
    }
    const error = given([registered])
      .when(calibrate({}, cityReference, suspended))
      .thenThrows(
        RuleViolationError,
        /accreditation CNAS L0010 is suspended since 2023-02-01; it cannot calibrate on 2023-03-01/,
      )
    expect(error).toMatchObject({
      rule: 'metrology.calibrator-accreditation-active',
      field: 'calibratingLabId',
    })
  })
  it('refuses the metrology institute too while its own accreditation is suspended', () => {
    const suspended: CalibratorFact = {
      ...accreditedLab,
      accreditation: {
        ...accreditedLab.accreditation!,
        inactiveOnDate: { status: 'suspended', from: '2023-02-01' },
      },
    }
    given([registered])
      .when(calibrate({}, cityReference, suspended, institute))
      .thenThrows(RuleViolationError, /is suspended since 2023-02-01/)
  })
  it('refuses a lab that is not a calibration lab', () => {
    const testingLab: CalibratorFact = { ...accreditedLab, labId: 'WHQT', kind: 'testing_lab' }
    const error = given([registered])
      .when(calibrate({ calibratingLabId: 'WHQT' }, cityReference, testingLab, { role: 'lab', org: 'WHQT' }))
      .thenThrows(RuleViolationError, /WHQT is not a calibration lab accredited on 2023-03-01/)
    expect(error).toMatchObject({ rule: 'metrology.calibrator-accredited', field: 'calibratingLabId' })
  })
  it('refuses an unregistered lab, and a lab outside its accreditation term', () => {
    const unknown: CalibratorFact = { labId: 'X-LAB', registered: false, kind: null, accreditation: null }
    given([registered])
      .when(calibrate({ calibratingLabId: 'X-LAB' }, cityReference, unknown, { role: 'lab', org: 'X-LAB' }))
      .thenThrows(RuleViolationError, /X-LAB is not a registered calibration lab/)
    given([registered])
      .when(calibrate({ calibratedOn: '2021-06-01', dueOn: '2022-06-01' }, { ...cityReference }))
      .thenThrows(RuleViolationError, /HBMI is not a calibration lab accredited on 2021-06-01/)
  })
  it('refuses a calibration lab not accredited for the quantity', () => {
    const forceOnly: CalibratorFact = {
      ...accreditedLab,
      accreditation: { ...accreditedLab.accreditation!, quantitiesInScope: ['力'] },
    }
    const error = given([registered])
      .when(calibrate({}, cityReference, forceOnly))
      .thenThrows(RuleViolationError, /does not cover calibration of 温度 on 2023-03-01 \(in scope: 力\)/)
    expect(error).toMatchObject({ rule: 'metrology.calibrator-accredited', item: 'HBMI' })
  })
  it('accepts the metrology institute recording its own calibration, or one by a national institute outside the registry', () => {
    const noScope: CalibratorFact = {
      ...accreditedLab,
      accreditation: { ...accreditedLab.accreditation!, quantitiesInScope: [] },
    }
    given([registered])
      .when(calibrate({}, cityReference, noScope, institute))
      .then([calibrated])
    const nim: CalibratorFact = { labId: 'NIM', registered: false, kind: null, accreditation: null }
    given([registered])
      .when(calibrate({ calibratingLabId: 'NIM' }, cityReference, nim, institute))
      .thenMatches([{ type: 'InstrumentCalibrated' }])
  })
  it('does not let the institute vouch for a registered lab that is not accredited for the quantity', () => {
    const testingLab: CalibratorFact = { ...accreditedLab, labId: 'WHQT', kind: 'testing_lab' }
    given([registered])
      .when(calibrate({ calibratingLabId: 'WHQT' }, cityReference, testingLab, institute))
      .thenThrows(RuleViolationError, /WHQT is not a calibration lab accredited/)
  })
})
