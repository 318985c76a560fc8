import { accreditation } from '@qi/contracts'
import { createCallerFactory } from '@qi/trpc'
import { actorOf, startTestPlatform } from '@qi/trpc/testing'
import { TRPCError } from '@trpc/server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { metrologyService } from '../index'
import { metrologyRouter } from './router'

const TODAY = '2024-01-15'
const institute = actorOf('metrology_institute', 'HBMI')
const lab = actorOf('lab', 'HBQI-01')

let platform: Awaited<ReturnType<typeof startTestPlatform>>
const callerAs = (actor: ReturnType<typeof actorOf>) =>
  createCallerFactory(metrologyRouter)({
    actor,
    invalidApiKey: false,
    requestId: 'test',
    deps: platform.deps,
  })

async function rejection(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(TRPCError)
  return error as TRPCError
}

const instrument = (
  instrumentId: string,
  ownerLabId: string,
  level: 'working' | 'county' | 'city' | 'province' | 'national',
) => ({
  instrumentId,
  ownerLabId,
  name: `${level} 铂电阻温度计`,
  quantity: '温度',
  level,
})
const calibration = (
  instrumentId: string,
  certificateNo: string,
  calibratedOn: string,
  dueOn: string,
  referenceInstrumentId?: string,
  calibratingLabId = 'HBMI',
) => ({
  instrumentId,
  certificateNo,
  calibratingLabId,
  calibratedOn,
  dueOn,
  uncertainty: 'U=0.05℃ (k=2)',
  ...(referenceInstrumentId ? { referenceInstrumentId } : {}),
})

/** national → province → city → working TH-07, plus instruments never calibrated, expired and retired. */
async function seedChain() {
  const api = callerAs(institute)
  await api.registerInstrument(instrument('NAT-T', 'NIM', 'national'))
  await api.registerInstrument(instrument('PROV-T', 'HBMI', 'province'))
  await api.registerInstrument(instrument('CITY-T', 'WHMI', 'city'))
  const labApi = callerAs(lab)
  await labApi.registerInstrument(instrument('TH-07', 'HBQI-01', 'working'))
  await labApi.registerInstrument(instrument('TH-08', 'HBQI-01', 'working'))
  await labApi.registerInstrument(instrument('OLD-1', 'HBQI-01', 'working'))
  await labApi.registerInstrument(instrument('RET-1', 'HBQI-01', 'working'))
  // The national institute calibrates the province's standard; the institute records it.
  await api.calibrate(calibration('PROV-T', 'NIM2023-01', '2023-01-10', '2025-01-10', 'NAT-T', 'NIM'))
  await api.calibrate(calibration('CITY-T', 'HB2023-02', '2023-02-01', '2024-02-01', 'PROV-T'))
  await api.calibrate(calibration('TH-07', 'HB2023-03', '2023-03-01', '2025-03-01', 'CITY-T'))
  await api.calibrate(calibration('OLD-1', 'HB2022-01', '2022-01-01', '2023-01-01'))
  return labApi.retire({ instrumentId: 'RET-1', on: '2023-12-01', reason: '损坏报废' })
}

beforeEach(async () => {
  platform = await startTestPlatform({ projections: metrologyService.projections, today: TODAY })
  await seedCalibrationLab('HBMI')
})

/** A calibration lab accredited for temperature (温度) from 2022 to 2026, as the accreditation context records it. */
async function seedCalibrationLab(labId: string) {
  await platform.seed(
    accreditation.LabRegistered,
    accreditation.labStream(labId),
    { labId, name: labId, kind: 'calibration_lab', region: '武汉', centreLevel: 'provincial' },
    '2021-01-01',
  )
  await platform.seed(
    accreditation.LabAccredited,
    accreditation.labStream(labId),
    {
      labId,
      accreditationNo: `CNAS ${labId}`,
      accreditingBody: 'CNAS',
      baseStandard: 'ISO/IEC 17025',
      validFrom: '2022-01-01',
      validUntil: '2026-12-31',
      scope: [
        {
          lineId: `${labId}-T`,
          object: '铂电阻温度计',
          parameter: '温度',
          method: { standardCode: 'JJG 229', standardVersion: '2010', clause: '5' },
        },
      ],
    },
    '2022-01-01',
  )
}
afterEach(async () => {
  await platform.close()
})

describe('metrology router', () => {
  it('lists instruments with their calibration status as of today', async () => {
    const last = await seedChain()
    const api = callerAs(lab)
    const list = await api.listInstruments({ minPosition: last.position ?? undefined })
    expect(Object.fromEntries(list.items.map((i) => [i.instrumentId, i.status]))).toEqual({
      'CITY-T': 'due_soon',
      'NAT-T': 'never',
      'OLD-1': 'expired',
      'PROV-T': 'valid',
      'RET-1': 'retired',
      'TH-07': 'valid',
      'TH-08': 'never',
    })
    const own = await api.listInstruments({ ownerLabId: 'HBQI-01' })
    expect(own.items.map((i) => i.instrumentId)).toEqual(['OLD-1', 'RET-1', 'TH-07', 'TH-08'])
    const dueSoon = await api.listInstruments({ dueBefore: '2024-06-01' })
    expect(dueSoon.items.map((i) => [i.instrumentId, i.dueOn])).toEqual([
      ['CITY-T', '2024-02-01'],
      ['OLD-1', '2023-01-01'],
    ])
    // Pickers search on the server: trimmed, full-width and upper case find the same instruments.
    const searched = await api.listInstruments({ ownerLabId: 'HBQI-01', search: ' ｔｈ-0 ' })
    expect(searched.items.map((i) => [i.instrumentId, i.status])).toEqual([
      ['TH-07', 'valid'],
      ['TH-08', 'never'],
    ])
    expect((await api.listInstruments({ ownerLabId: 'HBQI-01', search: ' ' })).total).toBe(4)
  })

  it('shows the calibration history and the traceability chain up to the national standard', async () => {
    await seedChain()
    const api = callerAs(institute)
    const latest = await api.calibrate(
      calibration('TH-07', 'HB2024-01', '2024-01-10', '2025-01-10', 'CITY-T'),
    )
    const detail = await api.getInstrument({
      instrumentId: 'TH-07',
      minPosition: latest.position ?? undefined,
    })
    expect(detail.status).toBe('valid')
    expect(detail.calibrations.map((c) => [c.certificateNo, c.referenceInstrumentId])).toEqual([
      ['HB2023-03', 'CITY-T'],
      ['HB2024-01', 'CITY-T'],
    ])
    expect(detail.traceability.reachesNational).toBe(true)
    expect(
      detail.traceability.links.map((l) => [l.instrumentId, l.level, l.calibration?.certificateNo ?? null]),
    ).toEqual([
      ['TH-07', 'working', 'HB2024-01'],
      ['CITY-T', 'city', 'HB2023-02'],
      ['PROV-T', 'province', 'NIM2023-01'],
      ['NAT-T', 'national', null],
    ])
  })

  it('expires and retires, and refuses what a user must fix', async () => {
    await seedChain()
    const api = callerAs(institute)
    const labApi = callerAs(lab)
    const expired = await labApi.expireCalibration({ instrumentId: 'OLD-1', on: '2023-01-01' })
    expect(expired.events).toEqual(['CalibrationExpired'])
    const old = await labApi.getInstrument({
      instrumentId: 'OLD-1',
      minPosition: expired.position ?? undefined,
    })
    expect(old.calibrations[0]?.expiredOn).toBe('2023-01-01')

    const sameLevel = await rejection(
      api.calibrate(calibration('TH-08', 'HB2024-02', '2024-01-10', '2025-01-10', 'TH-07')),
    )
    expect(sameLevel.code).toBe('PRECONDITION_FAILED')
    expect(sameLevel.message).toMatch(/reference TH-07 is a working standard/)
    const dueReference = await rejection(
      api.calibrate(calibration('TH-08', 'HB2024-03', '2024-02-05', '2025-02-05', 'CITY-T')),
    )
    expect(dueReference.message).toMatch(
      /CITY-T calibration HB2023-02 was due 2024-02-01; it could not calibrate TH-08 on 2024-02-05/,
    )
    const afterRetirement = await rejection(
      api.calibrate(calibration('RET-1', 'HB2024-04', '2024-01-10', '2025-01-10')),
    )
    expect(afterRetirement.message).toMatch(/RET-1 was retired on 2023-12-01/)
    expect(
      (await rejection(api.calibrate(calibration('NOPE', 'X-1', '2024-01-10', '2025-01-10')))).code,
    ).toBe('NOT_FOUND')
    expect(
      (await rejection(api.calibrate(calibration('TH-08', 'X-2', '2024-01-10', '2024-01-01')))).code,
    ).toBe('BAD_REQUEST')

    // A lab acts only for itself.
    expect(
      (await rejection(labApi.registerInstrument(instrument('TH-99', 'OTHER-LAB', 'working')))).code,
    ).toBe('FORBIDDEN')
    expect(
      (await rejection(labApi.calibrate(calibration('TH-08', 'X-3', '2024-01-10', '2025-01-10')))).code,
    ).toBe('FORBIDDEN')
    expect(
      (
        await rejection(
          callerAs(actorOf('lab', 'OTHER-LAB')).retire({
            instrumentId: 'TH-08',
            on: '2024-01-10',
            reason: 'x',
          }),
        )
      ).code,
    ).toBe('FORBIDDEN')
    expect(
      (
        await rejection(
          callerAs(actorOf('enterprise', 'ENT-1')).retire({
            instrumentId: 'TH-08',
            on: '2024-01-10',
            reason: 'x',
          }),
        )
      ).code,
    ).toBe('FORBIDDEN')
    const calibratingLab = actorOf('lab', 'HBMI')
    const own = await callerAs(calibratingLab).calibrate(
      calibration('TH-08', 'HB2024-05', '2024-01-10', '2025-01-10', 'CITY-T'),
    )
    expect(own.events).toEqual(['InstrumentCalibrated'])
  })
})

describe('who may record a calibration', () => {
  it('refuses the owner calibrating its own instrument and a suspended lab, and accepts an accredited lab', async () => {
    await seedChain()
    await seedCalibrationLab('HBQI-01')
    const owner = await rejection(
      callerAs(lab).calibrate(
        calibration('TH-08', 'HBQI-2024-01', '2024-01-10', '2025-01-10', 'CITY-T', 'HBQI-01'),
      ),
    )
    expect(owner.code).toBe('PRECONDITION_FAILED')
    expect(owner.message).toMatch(/TH-08 belongs to HBQI-01; its owner cannot calibrate it for itself/)
    expect(owner.cause).toMatchObject({ rule: 'metrology.calibrator-not-owner', field: 'calibratingLabId' })

    const hbmi = actorOf('lab', 'HBMI')
    await platform.seed(
      accreditation.AccreditationSuspended,
      accreditation.labStream('HBMI'),
      { labId: 'HBMI', accreditationNo: 'CNAS HBMI', reason: 'surveillance findings', from: '2024-01-05' },
      '2024-01-05',
    )
    const suspended = await rejection(
      callerAs(hbmi).calibrate(calibration('TH-08', 'HB2024-06', '2024-01-10', '2025-01-10', 'CITY-T')),
    )
    expect(suspended.code).toBe('PRECONDITION_FAILED')
    expect(suspended.message).toMatch(/accreditation CNAS HBMI is suspended since 2024-01-05/)
    expect(suspended.cause).toMatchObject({ rule: 'metrology.calibrator-accreditation-active' })
    // Before the suspension the same lab could calibrate.
    const before = await callerAs(hbmi).calibrate(
      calibration('TH-08', 'HB2024-07', '2024-01-02', '2025-01-02', 'CITY-T'),
    )
    expect(before.events).toEqual(['InstrumentCalibrated'])

    const notForQuantity = await rejection(
      callerAs(institute)
        .registerInstrument({ ...instrument('FM-01', 'HBQI-01', 'working'), quantity: '力' })
        .then(() =>
          callerAs(actorOf('lab', 'WHQT')).calibrate(
            calibration('FM-01', 'WH-1', '2024-01-10', '2025-01-10', undefined, 'WHQT'),
          ),
        ),
    )
    expect(notForQuantity.cause).toMatchObject({ rule: 'metrology.calibrator-accredited' })
  })

  it('refuses a calibration certificate number already recorded for another instrument', async () => {
    await seedChain()
    const taken = await rejection(
      callerAs(institute).calibrate(calibration('TH-08', 'HB2023-03', '2024-01-10', '2025-01-10', 'CITY-T')),
    )
    expect(taken.code).toBe('PRECONDITION_FAILED')
    expect(taken.message).toMatch(/certificate HB2023-03 is already recorded for instrument TH-07/)
  })
})
