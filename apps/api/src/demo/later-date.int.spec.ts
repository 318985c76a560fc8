import { createCallerFactory } from '@qi/trpc'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AccessRegistry } from '../access'
import { Platform } from '../platform'
import { appRouter } from '../root'
import { type DemoResult, loadDemo } from './load-demo'

const createCaller = createCallerFactory(appRouter)

/**
 * The demo is loaded on whatever day the platform first starts: years later, a lab must still be
 * able to record today's report and a body to certify on it (renewed accreditations, fresh
 * calibrations up the traceability chain).
 */
describe.each(['2026-11-25', '2029-03-05'])('the demo loaded on %s', (today) => {
  let platform: Platform
  let access: AccessRegistry
  let demo: DemoResult
  const as = (orgId: string) => {
    const key = demo.keys.find((k) => k.orgId === orgId)!
    return createCaller({
      actor: access.resolve(key.apiKey),
      invalidApiKey: false,
      requestId: 't',
      deps: platform,
    })
  }
  const daysAgo = (n: number) => {
    const d = new Date(`${today}T00:00:00Z`)
    d.setUTCDate(d.getUTCDate() - n)
    return d.toISOString().slice(0, 10)
  }

  beforeAll(async () => {
    platform = await Platform.start({ now: () => new Date(`${today}T08:00:00Z`), timers: false })
    access = AccessRegistry.open()
    demo = await loadDemo(platform, access, { today })
  }, 300_000)
  afterAll(async () => {
    access.close()
    await platform.close()
  })

  it('accepts a report tested this week and a certificate on it', async () => {
    await as('HBQI').testing.issueReport({
      reportNo: `HBQI-${today}-01`,
      labId: 'HBQI',
      accreditationNo: 'CNAS L0586',
      customer: { name: '武汉美家电器有限公司', enterpriseId: '91420100MA4K0MJ003' },
      sample: { productId: 'MJ-17', productName: '电热水壶', model: 'MJ-17' },
      testedFrom: daysAgo(3),
      testedTo: daysAgo(2),
      results: [
        {
          method: { standardCode: 'GB 4706.1', standardVersion: '2005', clause: '13' },
          parameter: '泄漏电流',
          value: '0.1',
          unit: 'mA',
          verdict: 'pass',
        },
      ],
      decisionRule: 'simple_acceptance',
      conformity: 'conforms',
      instrumentIds: ['HBQI-TH-07'],
      signatory: '张伟',
      issuedOn: daysAgo(1),
    })
    const certificate = await as('CQC-WH').certification.issueCertificate({
      certificateNo: `CCC-${today}-01`,
      bodyId: 'CQC-WH',
      accreditationNo: 'CNAS C001-M',
      holder: { enterpriseId: '91420100MA4K0MJ003', name: '武汉美家电器有限公司' },
      manufacturer: { enterpriseId: '91420100MA4K0MJ003', name: '武汉美家电器有限公司' },
      factory: { productionLineId: 'MJ-A1' },
      product: { productId: 'MJ-17', name: '电热水壶', models: ['MJ-17'] },
      scheme: 'CCC',
      standards: [{ code: 'GB 4706.1', version: '2005' }],
      basisReports: [`HBQI-${today}-01`],
      issuedOn: today,
      expiresOn: `${Number(today.slice(0, 4)) + 5}${today.slice(4)}`,
    })
    expect(certificate.events).toEqual(['CertificateIssued'])
  })

  it('shows no expired link in the traceability chain of a current calibration', async () => {
    const instrument = await as('HBSI').metrology.getInstrument({ instrumentId: 'HBQI-TH-07' })
    expect(JSON.stringify(instrument)).not.toContain('"expired"')
  })
})
