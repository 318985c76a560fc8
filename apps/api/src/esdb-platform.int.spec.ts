import { type RunningEmulator, startEmulator } from '@qi/esdb-emulator'
import { EsdbEventStore } from '@qi/eventstore/esdb'
import { createCallerFactory } from '@qi/trpc'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AccessRegistry } from './access'
import { type DemoResult, loadDemo } from './demo/load-demo'
import { Platform } from './platform'
import { appRouter } from './root'

const createCaller = createCallerFactory(appRouter)

/**
 * The whole platform on the EventStoreDB adapter, against the project's gRPC emulator: every
 * command of the demo (standards → accreditation → calibration → report → certificate →
 * revocation) goes through @eventstore/db-client, and the projections follow `$all` through it.
 */
describe('the platform on EventStoreDB (emulator)', () => {
  let emulator: RunningEmulator
  let platform: Platform
  let access: AccessRegistry
  let demo: DemoResult

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 })
    platform = await Platform.start({
      store: new EsdbEventStore({ connectionString: emulator.connectionString }),
      now: () => new Date('2026-11-25T08:00:00Z'),
    })
    access = AccessRegistry.open()
    demo = await loadDemo(platform, access, { today: '2026-11-25' })
  }, 300_000)
  afterAll(async () => {
    access.close()
    await platform?.close()
    await emulator?.stop()
  }, 60_000)

  const as = (role: string) => {
    const key = demo.keys.find((k) => k.role === role)!
    return createCaller({
      actor: access.resolve(key.apiKey),
      invalidApiKey: false,
      requestId: 't',
      deps: platform,
    })
  }

  it('runs the chain report → certificate → lineage end to end', async () => {
    expect(platform.store.adapter).toBe('esdb')
    const lineage = await as('standards_institute').lineage.ofProduct({ productId: 'MJ-17' })
    const status = (id: string) => lineage.nodes.find((n) => n.id === id)?.status?.status
    expect(status('certificate:CCC-2023-0107001')).toBe('valid')
    expect(status('report:HBQI-2023-0001')).toBe('valid')
    expect(status('standard:GB 4706.1-2005')).toBe('effective')
  })

  it('applies the rules on EventStoreDB too: a certificate on the revoked report is refused', async () => {
    const cb = as('certification_body')
    await expect(
      cb.certification.issueCertificate({
        certificateNo: 'CCC-2026-9999',
        bodyId: 'CQC-WH',
        accreditationNo: 'CNAS C001-M',
        holder: { enterpriseId: '91420100MA4K0MJ003', name: '武汉美家电器有限公司' },
        manufacturer: { enterpriseId: '91420100MA4K0MJ003', name: '武汉美家电器有限公司' },
        factory: {},
        product: { productId: 'MJ-30', name: '电饭煲', models: ['MJ-30'] },
        scheme: 'CCC',
        standards: [{ code: 'GB 4706.1', version: '2005' }],
        basisReports: ['WHQT-2024-0009'],
        issuedOn: '2026-01-10',
        expiresOn: '2031-01-09',
      }),
    ).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
      message: expect.stringContaining('WHQT-2024-0009'),
    })
  })
})
