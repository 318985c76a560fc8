import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Actor, createCallerFactory } from '@qi/trpc'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Platform } from './platform'
import { appRouter } from './root'

const createCaller = createCallerFactory(appRouter)
const ENTERPRISE = '91420100MA4K0FM010'
const enterprise: Actor = { userId: 'clerk', org: ENTERPRISE, orgName: 'Hubei Valves', role: 'enterprise' }

describe('licensing deadlines across a restart', () => {
  let dir: string
  let clock = '2025-06-15'
  const start = () =>
    Platform.start({ dataDir: dir, now: () => new Date(`${clock}T08:00:00Z`), timers: false })

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'qi-licensing-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('keeps the due work in its read model, so the timer acts on a deadline set before the restart (a missed verification, the validity end), once', async () => {
    let platform = await start()
    await createCaller({
      actor: enterprise,
      invalidApiKey: false,
      requestId: 't',
      deps: platform,
    }).licensing.applyForLicence({
      enterpriseId: ENTERPRISE,
      applicationId: 'APP-1',
      kind: 'new',
      licenceNo: 'XK42-001-0001',
      productCategories: ['pressure valves'],
      site: 'Wuhan',
      appliedOn: clock,
      expiresOn: '2030-06-14',
    })
    await platform.settle()
    await platform.close()

    clock = '2025-07-16' // the day after the verification was due
    platform = await start()
    const timer = platform.timers.find((t) => t.name === 'licensing.deadlines')!
    expect(await timer.run()).toBe(1)
    expect(await timer.run()).toBe(0)
    await platform.close()

    platform = await start() // and again: the follow-up is not repeated after another restart
    expect(await platform.timers.find((t) => t.name === 'licensing.deadlines')!.run()).toBe(0)
    const events = await platform.store.readStream(`one-licence-${ENTERPRISE}`)
    expect(events.map((e) => e.type)).toEqual([
      'LicenceIssuedBeforeVerification',
      'OnSiteVerificationMissed',
      'EnterpriseLicenceSuspended',
    ])
    await platform.close()

    clock = '2030-06-15' // the day after the licence's last valid day: the validity end is due work too
    platform = await start()
    expect(await platform.timers.find((t) => t.name === 'licensing.deadlines')!.run()).toBe(1)
    await platform.close()
    platform = await start()
    expect(await platform.timers.find((t) => t.name === 'licensing.deadlines')!.run()).toBe(0)
    const after = await platform.store.readStream(`one-licence-${ENTERPRISE}`)
    expect(after.map((e) => e.type).slice(3)).toEqual(['EnterpriseLicenceExpired'])
    expect(after[3]?.data).toMatchObject({ expiresOn: '2030-06-14', on: '2030-06-15' })
    await platform.close()
  })
})
