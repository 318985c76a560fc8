import { createCallerFactory, router } from '@qi/trpc'
import { actorOf, batchedMutation, startTestPlatform } from '@qi/trpc/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { labsProjection } from '../projections/labs'
import { accreditationRouter } from './router'

/*
 * An accreditation number belongs to one lab, under races: two labs accredited under one number,
 * in one batched request or concurrently, end with exactly one accreditation under that number.
 */
const TRIALS = 100
const regulator = actorOf('regulator', 'HBAMR')
let platform: Awaited<ReturnType<typeof startTestPlatform>>
const context = () => ({ actor: regulator, invalidApiKey: false, requestId: 'race', deps: platform.deps })
const api = () => createCallerFactory(accreditationRouter)(context())
const composed = router({ accreditation: accreditationRouter })

const accredit = (labId: string, accreditationNo: string) => ({
  labId,
  accreditationNo,
  baseStandard: 'ISO/IEC 17025' as const,
  validFrom: '2022-01-01',
  validUntil: '2026-12-31',
  commandId: `accredit-${labId}-${accreditationNo}`,
})

beforeAll(async () => {
  platform = await startTestPlatform({ projections: [labsProjection], today: '2023-06-01' })
  for (const labId of ['LAB-1', 'LAB-2']) {
    await api().registerLab({
      labId,
      name: labId,
      kind: 'testing_lab',
      region: '武汉',
      centreLevel: 'provincial',
    })
  }
})
afterAll(async () => platform.close())

async function accreditationsUnder(accreditationNo: string) {
  const events = await platform.store.readAll()
  return events.filter(
    (e) =>
      e.type === 'LabAccredited' &&
      (e.data as { accreditationNo: string }).accreditationNo === accreditationNo,
  ).length
}

describe('accreditation numbers under races', () => {
  it(`batched: exactly one lab gets the number (${TRIALS} of ${TRIALS} trials)`, async () => {
    let exactlyOne = 0
    for (let trial = 0; trial < TRIALS; trial++) {
      const no = `CNAS LB${trial}`
      const outcomes = await batchedMutation(composed, context(), 'accreditation.accredit', [
        accredit('LAB-1', no),
        accredit('LAB-2', no),
      ])
      for (const o of outcomes) if (!o.ok) expect(['PRECONDITION_FAILED', 'CONFLICT']).toContain(o.code)
      if (outcomes.filter((o) => o.ok).length === 1 && (await accreditationsUnder(no)) === 1) exactlyOne++
    }
    expect(exactlyOne).toBe(TRIALS)
  })

  it(`concurrent: exactly one lab gets the number (${TRIALS} of ${TRIALS} trials)`, async () => {
    let exactlyOne = 0
    for (let trial = 0; trial < TRIALS; trial++) {
      const no = `CNAS LC${trial}`
      const outcomes = await Promise.allSettled([
        api().accredit(accredit('LAB-1', no)),
        api().accredit(accredit('LAB-2', no)),
      ])
      if (
        outcomes.filter((o) => o.status === 'fulfilled').length === 1 &&
        (await accreditationsUnder(no)) === 1
      )
        exactlyOne++
    }
    expect(exactlyOne).toBe(TRIALS)
  })
})
