import { createCallerFactory, router } from '@qi/trpc'
import { actorOf, batchedMutation, startTestPlatform } from '@qi/trpc/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { metrologyService } from '../index'
import { metrologyRouter } from './router'

/*
 * A calibration certificate number is one certificate, under races: the same number recorded for
 * two instruments, in one batched request or concurrently, ends with exactly one calibration.
 */
const TRIALS = 100
const institute = actorOf('metrology_institute', 'HBMI')
let platform: Awaited<ReturnType<typeof startTestPlatform>>
const context = () => ({ actor: institute, invalidApiKey: false, requestId: 'race', deps: platform.deps })
const api = () => createCallerFactory(metrologyRouter)(context())
const composed = router({ metrology: metrologyRouter })

const calibrate = (instrumentId: string, certificateNo: string) => ({
  instrumentId,
  certificateNo,
  calibratingLabId: 'HBMI',
  calibratedOn: '2024-01-10',
  dueOn: '2025-01-10',
  uncertainty: 'U=0.05℃ (k=2)',
  commandId: `calibrate-${instrumentId}-${certificateNo}`,
})

beforeAll(async () => {
  platform = await startTestPlatform({ projections: metrologyService.projections, today: '2024-06-01' })
  for (const instrumentId of ['TH-1', 'TH-2']) {
    await api().registerInstrument({
      instrumentId,
      ownerLabId: 'HBQI',
      name: '温湿度计',
      quantity: '温度',
      level: 'working',
    })
  }
})
afterAll(async () => platform.close())

async function calibrationsNumbered(certificateNo: string) {
  const events = await platform.store.readAll()
  return events.filter(
    (e) =>
      e.type === 'InstrumentCalibrated' &&
      (e.data as { certificateNo: string }).certificateNo === certificateNo,
  ).length
}

describe('calibration certificate numbers under races', () => {
  it(`batched: exactly one instrument gets the number (${TRIALS} of ${TRIALS} trials)`, async () => {
    let exactlyOne = 0
    for (let trial = 0; trial < TRIALS; trial++) {
      const no = `HB-B-${trial}`
      const outcomes = await batchedMutation(composed, context(), 'metrology.calibrate', [
        calibrate('TH-1', no),
        calibrate('TH-2', no),
      ])
      for (const o of outcomes) if (!o.ok) expect(['PRECONDITION_FAILED', 'CONFLICT']).toContain(o.code)
      if (outcomes.filter((o) => o.ok).length === 1 && (await calibrationsNumbered(no)) === 1) exactlyOne++
    }
    expect(exactlyOne).toBe(TRIALS)
  })

  it(`concurrent: exactly one instrument gets the number (${TRIALS} of ${TRIALS} trials)`, async () => {
    let exactlyOne = 0
    for (let trial = 0; trial < TRIALS; trial++) {
      const no = `HB-C-${trial}`
      const outcomes = await Promise.allSettled([
        api().calibrate(calibrate('TH-1', no)),
        api().calibrate(calibrate('TH-2', no)),
      ])
      if (
        outcomes.filter((o) => o.status === 'fulfilled').length === 1 &&
        (await calibrationsNumbered(no)) === 1
      )
        exactlyOne++
    }
    expect(exactlyOne).toBe(TRIALS)
  })
})
