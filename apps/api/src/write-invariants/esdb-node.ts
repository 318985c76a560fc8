import { domainCatalogue } from '@qi/contracts'
import { EsdbEventStore } from '@qi/eventstore/esdb'
import { industrializationService } from '@qi/industrialization'
import { ProjectionRunner } from '@qi/projections'
import { testingService } from '@qi/testing'
import { type Actor, createCallerFactory, type ServiceDeps } from '@qi/trpc'

/**
 * One "API node" for the write-invariant race tests: its own EventStoreDB connection and its own
 * industrialization and testing read models. Two nodes on one server (the emulator) stand for two
 * API processes; `race-node.ts` runs one in a child process.
 */
export async function startNode(connectionString: string) {
  const store = new EsdbEventStore({ connectionString })
  const runners = new Map(
    [...industrializationService.projections, ...testingService.projections].map((projection) => [
      projection.name,
      new ProjectionRunner({ store, projection }),
    ]),
  )
  await Promise.all([...runners.values()].map((runner) => runner.start()))
  const deps: ServiceDeps = {
    store,
    runner: (name) => {
      const runner = runners.get(name)
      if (!runner) throw new Error(`no projection named '${name}'`)
      return runner
    },
    runners: () => [...runners.values()],
    now: () => new Date('2024-09-01T08:00:00Z'),
  }
  const context = (actor: Actor) => ({ actor, invalidApiKey: false, requestId: 'race', deps })
  return {
    store,
    industrialization: (actor: Actor) => createCallerFactory(industrializationService.router)(context(actor)),
    testing: (actor: Actor) => createCallerFactory(testingService.router)(context(actor)),
    /** Appends another context's event as its service would (validated, with the envelope). */
    async seed(type: string, streamName: string, data: unknown, occurredAt: string) {
      await store.appendToStream(streamName, [
        {
          type,
          data: domainCatalogue.encode(type, data),
          metadata: {
            schemaVersion: domainCatalogue.get(type)?.version ?? 1,
            actor: 'seed',
            org: 'seed',
            correlationId: `seed-${streamName}`,
            causationId: null,
            commandId: `seed-${type}-${streamName}`,
            occurredAt,
          },
        },
      ])
    },
    async close() {
      for (const runner of runners.values()) await runner.close()
      await store.close()
    },
  }
}

export type RaceNode = Awaited<ReturnType<typeof startNode>>

export const REGULATOR: Actor = { userId: 'amr', org: 'HB-AMR', orgName: 'Hubei AMR', role: 'regulator' }
export const LAB_A: Actor = { userId: 'lab-a', org: 'LAB-A', orgName: 'Lab A', role: 'lab' }
export const ENTERPRISE = '91420100MA4KX8N21B'

export const grant = (trial: string, licenceNo: string) => ({
  licenceNo,
  enterpriseId: ENTERPRISE,
  productCategory: `电线电缆 ${trial}`,
  procedure: 'ordinary' as const,
  grantedOn: '2024-01-01',
  expiresOn: '2028-12-31',
  commandId: `grant-${licenceNo}`,
})

export const report = (reportNo: string) => ({
  reportNo,
  labId: 'LAB-A',
  accreditationNo: 'CNAS L0001',
  customer: { name: 'Wuhan Cold Co.', enterpriseId: 'ENT-1' },
  sample: { productId: 'P-1', productName: 'Household refrigerator', model: 'BCD-200' },
  testedFrom: '2024-05-02',
  testedTo: '2024-05-06',
  results: [
    {
      method: { standardCode: 'GB 4706', standardVersion: '2019', clause: '8' },
      parameter: 'leakage',
      value: '0.2',
      unit: 'mA',
      verdict: 'pass' as const,
    },
  ],
  decisionRule: 'simple_acceptance' as const,
  conformity: 'conforms' as const,
  instrumentIds: ['TH-07'],
  signatory: 'Li Wei',
  issuedOn: '2024-05-10',
})

export const amendment = (previousReportNo: string, reportNo: string) => ({
  ...report(reportNo),
  issuedOn: '2024-05-20',
  previousReportNo,
  reason: 'wrong model on the cover page',
  commandId: `amend-${reportNo}`,
})

/** What the race needs on record: an enterprise, and a lab accredited for GB 4706 with a calibrated instrument. */
export async function seedWorld(node: RaceNode) {
  await node.industrialization(REGULATOR).registerEnterprise({
    enterpriseId: ENTERPRISE,
    name: 'Wuhan Auto Parts Co.',
    region: 'Wuhan',
    industry: 'automotive',
  })
  const gb4706 = 'standard-GB 4706-2019'
  await node.seed(
    'StandardDrafted',
    gb4706,
    {
      code: 'GB 4706',
      version: '2019',
      kind: 'national_mandatory',
      mandatory: true,
      titleZh: '家用电器安全',
      ics: ['97.040.30'],
      ledByProvince: false,
    },
    '2018-06-01',
  )
  await node.seed(
    'StandardPublished',
    gb4706,
    { code: 'GB 4706', version: '2019', publishedOn: '2019-05-01', effectiveFrom: '2020-01-01' },
    '2019-05-01',
  )
  await node.seed(
    'LabRegistered',
    'lab-LAB-A',
    { labId: 'LAB-A', name: 'Lab A', kind: 'testing_lab', region: 'Wuhan', centreLevel: 'provincial' },
    '2021-01-01',
  )
  await node.seed(
    'LabAccredited',
    'lab-LAB-A',
    {
      labId: 'LAB-A',
      accreditationNo: 'CNAS L0001',
      accreditingBody: 'CNAS',
      baseStandard: 'ISO/IEC 17025',
      validFrom: '2022-01-01',
      validUntil: '2026-12-31',
      scope: [
        {
          lineId: 'L2',
          object: '家用电冰箱',
          parameter: 'leakage',
          method: { standardCode: 'GB 4706', standardVersion: '2019', clause: '8' },
        },
      ],
    },
    '2022-01-01',
  )
  await node.seed(
    'InstrumentRegistered',
    'instrument-TH-07',
    { instrumentId: 'TH-07', ownerLabId: 'LAB-A', name: 'TH-07', quantity: 'current', level: 'working' },
    '2021-01-01',
  )
  await node.seed(
    'InstrumentCalibrated',
    'instrument-TH-07',
    {
      instrumentId: 'TH-07',
      certificateNo: 'CAL-1',
      calibratingLabId: 'HBMI',
      calibratedOn: '2024-01-10',
      dueOn: '2025-01-09',
      uncertainty: '0.1 K',
      passed: true,
    },
    '2024-01-10',
  )
}
