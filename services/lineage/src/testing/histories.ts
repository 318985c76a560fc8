import fc from 'fast-check'
import type { OracleEvent } from './oracle'

/**
 * Random small histories of the integrated chain for the model-based test: two versions of a
 * national standard (the newer superseding the older), a local standard, a lab with a renewable
 * accreditation, a certification body, an instrument with calibrations, a product, reports (one may
 * amend the other) and a certificate. Business dates are drawn from a short span so that many
 * changes fall on the same day; each thing's events keep their lifecycle order in its own stream,
 * but their dates are free (back-dated entries) and the streams interleave at random (out-of-order
 * entry across streams: a certificate may be recorded before the report it rests on).
 */

export const ENTERPRISE = '91420100MA4K000001'
const SPAN = 16
const BASE = Date.UTC(2020, 0, 1)

export const day = (offset: number) => new Date(BASE + offset * 86_400_000).toISOString().slice(0, 10)

const SA = { code: 'GB/T 100', version: '2015' }
const SB = { code: 'GB/T 100', version: '2020' }
const SL = { code: 'DB42/T 7', version: '2018' }

/** Every node the histories can create, for checking each one. */
export const NODES = [
  'standard:GB/T 100-2015',
  'standard:GB/T 100-2020',
  'standard:DB42/T 7-2018',
  'standard:IEC 60335-2016',
  'line:LINE-1',
  'lab:L1',
  'lab:CB1',
  'accreditation:CNAS L1',
  'accreditation:CNAS C1',
  'instrument:I1',
  'calibration:K1',
  'calibration:K2',
  `enterprise:${ENTERPRISE}`,
  'product:P1',
  'recall:RC1',
  'report:R1',
  'report:R2',
  'certificate:C1',
  'licence:LIC1',
  'verification:A1',
  'verification:A2',
]

/** An oracle event before it is numbered (testing/project `recorded`). */
export type Draft = Omit<OracleEvent, 'position' | 'id'>
const dateArb = fc.integer({ min: 0, max: SPAN })
/** Often 0: the second date of a pair (published/effective, superseded/transition end) on the same day. */
const gapArb = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 4 }))

const standard = (ref: typeof SA, kind: string, replaces?: typeof SA) =>
  fc
    .record({
      drafted: fc.boolean(),
      draftedOn: dateArb,
      /** A draft with its own business date, or one that counts from the day it was recorded. */
      dated: fc.boolean(),
      /** Foreign standards have no Chinese title: the first title present labels the node. */
      titles: fc.constantFrom<Record<string, string>>(
        { titleZh: '标准' },
        { titleEn: 'Standard' },
        { titleOther: 'Norme' },
        { titleEn: 'Standard', titleOther: 'Norme' },
      ),
      withdrawnReplacedBy: fc.boolean(),
      published: fc.boolean(),
      publishedOn: dateArb,
      effectiveGap: gapArb,
      withdrawn: fc.option(dateArb, { freq: 4 }),
    })
    .map((r): Draft[] => [
      ...(r.drafted
        ? [
            {
              type: 'StandardDrafted',
              on: day(r.draftedOn),
              data: {
                ...ref,
                kind,
                mandatory: false,
                ...r.titles,
                ...(r.dated ? { draftedOn: day(r.draftedOn - 2) } : {}),
                ics: ['97.030'],
                ledByProvince: true,
                ...(replaces ? { replaces } : {}),
              },
            },
          ]
        : []),
      ...(r.published
        ? [
            {
              type: 'StandardPublished',
              on: day(r.publishedOn),
              data: {
                ...ref,
                publishedOn: day(r.publishedOn),
                effectiveFrom: day(r.publishedOn + r.effectiveGap),
              },
            },
          ]
        : []),
      ...(r.withdrawn !== null
        ? [
            {
              type: 'StandardWithdrawn',
              on: day(r.withdrawn),
              data: {
                ...ref,
                withdrawnOn: day(r.withdrawn),
                reason: '废止',
                ...(r.withdrawnReplacedBy && ref !== SL ? { replacedBy: [SL] } : {}),
              },
            },
          ]
        : []),
    ])

const adoption = fc.option(dateArb, { freq: 3 }).map((on): Draft[] =>
  on === null
    ? []
    : [
        {
          type: 'InternationalStandardAdopted',
          on: day(on),
          data: { ...SB, international: { code: 'IEC 60335', version: '2016' }, degree: 'MOD' },
        },
      ],
)

/**
 * The older national edition's replacements: none, one, or several (a split), each full or partial,
 * maybe one retracted afterwards (recorded in error).
 */
const supersession = fc
  .record({
    links: fc.array(
      fc.record({ to: fc.constantFrom(SB, SL), on: dateArb, gap: gapArb, partial: fc.boolean() }),
      { maxLength: 3 },
    ),
    retract: fc.option(fc.constantFrom(SB, SL), { freq: 2 }),
    retractOn: dateArb,
  })
  .map((s): Draft[] => [
    ...s.links.map((l) => ({
      type: 'StandardSuperseded',
      on: day(l.on),
      data: {
        ...SA,
        replacedBy: l.to,
        supersededOn: day(l.on),
        transitionEndsOn: day(l.on + l.gap),
        ...(l.partial ? { partial: true } : {}),
      },
    })),
    ...(s.retract === null
      ? []
      : [
          {
            type: 'StandardReplacementRetracted',
            on: day(s.retractOn),
            data: { ...SA, replacedBy: s.retract, reason: '误录' },
          },
        ]),
  ])

/** Corrections of recorded dates (no-ops while the stage is not recorded), supplements, stage codes. */
const corrections = (ref: typeof SA) =>
  fc
    .array(
      fc.record({
        stage: fc.constantFrom(
          'draft',
          'published',
          'effective',
          'superseded',
          'transitionEnds',
          'withdrawn',
        ),
        date: dateArb,
        recorded: dateArb,
        informational: fc.constantFrom('correction', 'correction', 'supplement', 'stage'),
      }),
      { maxLength: 2 },
    )
    .map((list): Draft[] =>
      list.map((c) =>
        c.informational === 'supplement'
          ? {
              type: 'StandardSupplementPublished',
              on: day(c.recorded),
              data: {
                ...ref,
                kind: 'amendment',
                number: 1,
                identifier: `${ref.code}-${ref.version}/Amd 1`,
                publishedOn: day(c.date),
              },
            }
          : c.informational === 'stage'
            ? {
                type: 'StandardStageReached',
                on: day(c.recorded),
                data: { ...ref, stageCode: '90.93', on: day(c.date) },
              }
            : {
                type: 'StandardDateCorrected',
                on: day(c.recorded),
                data: { ...ref, stage: c.stage, date: day(c.date), previousDate: day(0), reason: '更正' },
              },
      ),
    )

const term = (labId: string, accreditationNo: string, from: number, length: number): Draft => ({
  type: 'LabAccredited',
  on: day(from),
  data: {
    labId,
    accreditationNo,
    accreditingBody: 'CNAS',
    baseStandard: labId === 'CB1' ? 'ISO/IEC 17065' : 'ISO/IEC 17025',
    validFrom: day(from),
    validUntil: day(from + length),
    scope: [],
    schemes: [],
  },
})

const lab = (labId: string, kind: string): Draft => ({
  type: 'LabRegistered',
  on: day(0),
  data: { labId, name: labId, kind, region: 'Hubei/Wuhan', centreLevel: 'provincial' },
})

const accreditationChange = (accreditationNo: string, labId: string) =>
  fc
    .tuple(fc.integer({ min: 0, max: 4 }), dateArb, fc.integer({ min: 0, max: 6 }))
    .map(([which, on, length]): Draft => {
      const ref = { labId, accreditationNo }
      switch (which) {
        case 0:
          return {
            type: 'AccreditationSuspended',
            on: day(on),
            data: { ...ref, from: day(on), reason: '暂停' },
          }
        case 1:
          return { type: 'AccreditationRestored', on: day(on), data: { ...ref, on: day(on), reason: '恢复' } }
        case 2:
          return {
            type: 'AccreditationWithdrawn',
            on: day(on),
            data: { ...ref, on: day(on), reason: '撤销' },
          }
        case 3:
          return { type: 'AccreditationExpired', on: day(on), data: { ...ref, on: day(on) } }
        default:
          return term(labId, accreditationNo, on, length)
      }
    })

const labStream = fc
  .record({
    from: dateArb,
    length: fc.integer({ min: 0, max: 8 }),
    changes: fc.array(accreditationChange('CNAS L1', 'L1'), { maxLength: 4 }),
  })
  .map((r): Draft[] => [lab('L1', 'testing_lab'), term('L1', 'CNAS L1', r.from, r.length), ...r.changes])

const bodyStream = fc
  .record({ from: dateArb, length: fc.integer({ min: 2, max: 12 }) })
  .map((r): Draft[] => [lab('CB1', 'certification_body'), term('CB1', 'CNAS C1', r.from, r.length)])

const calibration = (certificateNo: string) =>
  fc.record({ on: dateArb, due: fc.integer({ min: 1, max: 8 }), passed: fc.boolean() }).map(
    (c): Draft => ({
      type: 'InstrumentCalibrated',
      on: day(c.on),
      data: {
        instrumentId: 'I1',
        certificateNo,
        calibratingLabId: 'HBMI',
        calibratedOn: day(c.on),
        dueOn: day(c.on + c.due),
        uncertainty: 'U=0.5%',
        passed: c.passed,
      },
    }),
  )

const instrumentStream = fc
  .record({
    registered: fc.boolean(),
    k1: calibration('K1'),
    k2: fc.option(calibration('K2')),
    expired: fc.option(dateArb, { freq: 3 }),
    retired: fc.option(dateArb, { freq: 4 }),
  })
  .map((r): Draft[] => [
    ...(r.registered
      ? [
          {
            type: 'InstrumentRegistered',
            on: day(0),
            data: {
              instrumentId: 'I1',
              ownerLabId: 'L1',
              name: '仪器',
              quantity: 'current',
              level: 'working',
            },
          },
        ]
      : []),
    r.k1,
    ...(r.k2 ? [r.k2] : []),
    ...(r.expired !== null
      ? [
          {
            type: 'CalibrationExpired',
            on: day(r.expired),
            data: { instrumentId: 'I1', certificateNo: 'K1', on: day(r.expired) },
          },
        ]
      : []),
    ...(r.retired !== null
      ? [
          {
            type: 'InstrumentRetired',
            on: day(r.retired),
            data: { instrumentId: 'I1', on: day(r.retired), reason: '报废' },
          },
        ]
      : []),
  ])

const productStream = fc
  .record({
    registered: fc.boolean(),
    line: fc.boolean(),
    recall: fc.option(dateArb, { freq: 4 }),
    markets: fc.array(fc.tuple(fc.constantFrom('domestic', 'export'), dateArb, fc.boolean()), {
      maxLength: 2,
    }),
  })
  .map((r): Draft[] => [
    {
      type: 'EnterpriseRegistered',
      on: day(0),
      data: { enterpriseId: ENTERPRISE, name: '企业', region: 'Hubei/Wuhan', industry: 'equipment' },
    },
    ...(r.line
      ? [
          {
            type: 'ProductionLineRegistered',
            on: day(0),
            data: { lineId: 'LINE-1', enterpriseId: ENTERPRISE, name: '总装一线', location: '武汉' },
          },
        ]
      : []),
    ...(r.registered
      ? [
          {
            type: 'ProductRegistered',
            on: day(1),
            data: {
              productId: 'P1',
              enterpriseId: ENTERPRISE,
              name: '电热水壶',
              model: 'MJ-17',
              industry: 'equipment',
              standards: [SA],
            },
          },
        ]
      : []),
    // Declared for a market: the product declares SA again (another date) or the newer SB.
    ...r.markets.map(
      ([market, on, newer]): Draft => ({
        type: 'ProductMarketDeclared',
        on: day(on),
        data: {
          productId: 'P1',
          market,
          lineId: 'LINE-1',
          standards: [newer ? SB : SA],
          ...(market === 'export' ? { destination: 'FR' } : {}),
          declaredOn: day(on),
        },
      }),
    ),
    ...(r.recall !== null
      ? [
          {
            type: 'ProductRecalled',
            on: day(r.recall),
            data: {
              recallId: 'RC1',
              productId: 'P1',
              enterpriseId: ENTERPRISE,
              reason: '缺陷',
              announcedOn: day(r.recall),
              ordered: false,
            },
          },
        ]
      : []),
  ])

/**
 * A passing test report's data: one result (clause 5.1) per standard, tested on day `testedFrom`,
 * issued `gap` days later.
 */
export const reportData = (r: {
  reportNo: string
  lab: string
  enterpriseId: string
  product: string
  model: string
  standards: ReadonlyArray<{ code: string; version: string }>
  instruments: string[]
  testedFrom: number
  gap: number
}) => ({
  reportNo: r.reportNo,
  labId: r.lab,
  accreditationNo: `CNAS ${r.lab}`,
  customer: { name: '企业', enterpriseId: r.enterpriseId },
  sample: { productId: r.product, productName: '电热水壶', model: r.model },
  testedFrom: day(r.testedFrom),
  testedTo: day(r.testedFrom),
  results: r.standards.map((standard) => ({
    method: { standardCode: standard.code, standardVersion: standard.version, clause: '5.1' },
    parameter: '泄漏电流',
    value: '0.1',
    unit: 'mA',
    verdict: 'pass',
  })),
  decisionRule: 'simple_acceptance',
  conformity: 'conforms',
  instrumentIds: r.instruments,
  signatory: '王工',
  issuedOn: day(r.testedFrom + r.gap),
})

const report = (reportNo: string, testedFrom: number, gap: number, standard: typeof SA) =>
  reportData({
    reportNo,
    lab: 'L1',
    enterpriseId: ENTERPRISE,
    product: 'P1',
    model: 'MJ-17',
    standards: [standard],
    instruments: ['I1'],
    testedFrom,
    gap,
  })

const reportChange = (reportNo: string) =>
  fc.tuple(fc.boolean(), dateArb).map(
    ([flag, on]): Draft =>
      flag
        ? {
            type: 'TestReportFlagged',
            on: day(on),
            data: {
              reportNo,
              on: day(on),
              reason: '待查',
              cause: { kind: 'accreditation_changed', ref: 'L1' },
            },
          }
        : { type: 'TestReportRevoked', on: day(on), data: { reportNo, revokedOn: day(on), reason: '撤销' } },
  )

const reportStream = fc
  .record({ tested: dateArb, gap: gapArb, changes: fc.array(reportChange('R1'), { maxLength: 2 }) })
  .map((r): Draft[] => [
    { type: 'TestReportIssued', on: day(r.tested + r.gap), data: report('R1', r.tested, r.gap, SA) },
    ...r.changes,
  ])

const amendmentStream = fc
  .option(
    fc.record({ tested: dateArb, gap: gapArb, changes: fc.array(reportChange('R2'), { maxLength: 1 }) }),
    {
      freq: 2,
    },
  )
  .map((r): Draft[] =>
    r === null
      ? []
      : [
          {
            type: 'TestReportAmended',
            on: day(r.tested + r.gap),
            data: { ...report('R2', r.tested, r.gap, SB), previousReportNo: 'R1', reason: '更正' },
          },
          ...r.changes,
        ],
  )

const certificateChange = fc
  .tuple(fc.integer({ min: 0, max: 6 }), dateArb, fc.nat(4))
  .map(([which, on, variant]): Draft => {
    const certificateNo = 'C1'
    const at = day(on)
    switch (which) {
      case 0:
        return { type: 'CertificateSuspended', on: at, data: { certificateNo, from: at, reason: '暂停' } }
      case 1:
        return { type: 'CertificateRestored', on: at, data: { certificateNo, on: at, reason: '恢复' } }
      case 2:
        return { type: 'CertificateWithdrawn', on: at, data: { certificateNo, on: at, reason: '撤销' } }
      case 3:
        return { type: 'CertificateExpired', on: at, data: { certificateNo, on: at } }
      case 4:
        return {
          type: 'CertificateReviewOpened',
          on: at,
          data: { certificateNo, on: at, reason: '复核', cause: { kind: 'report_revoked', ref: 'R1' } },
        }
      case 5:
        // The basis or the standards restated as a whole, possibly back-dated before an earlier change.
        return {
          type: 'CertificateScopeChanged',
          on: at,
          data: {
            certificateNo,
            on: at,
            reason: '变更',
            ...(variant < 3
              ? { basisReports: [['R1'], ['R2'], ['R1', 'R2']][variant] }
              : { standards: variant === 3 ? [SB] : [SA, SB] }),
          },
        }
      default:
        return {
          type: 'CertificateTransitionDeadlineSet',
          on: at,
          data: { certificateNo, standard: SA, replacedBy: SB, deadline: at },
        }
    }
  })

const certificateStream = fc
  .record({
    issued: dateArb,
    length: fc.integer({ min: 0, max: 10 }),
    changes: fc.array(certificateChange, { maxLength: 3 }),
  })
  .map((r): Draft[] => [
    {
      type: 'CertificateIssued',
      on: day(r.issued),
      data: {
        certificateNo: 'C1',
        bodyId: 'CB1',
        accreditationNo: 'CNAS C1',
        holder: { enterpriseId: ENTERPRISE, name: '企业' },
        manufacturer: { enterpriseId: ENTERPRISE, name: '企业' },
        factory: {},
        product: { productId: 'P1', name: '电热水壶', models: ['MJ-17'] },
        scheme: 'voluntary_product',
        standards: [SA],
        basisReports: ['R1'],
        issuedOn: day(r.issued),
        expiresOn: day(r.issued + r.length),
      },
    },
    ...r.changes,
  ])

/**
 * The enterprise licence LIC1 (先证后核): issued on application A1 (covering P1 or not), then in any
 * order verifications passed / failed / missed, suspension, restoration, expiry, revocation, and a
 * scope extension A2 covering P1 with its own verification.
 */
const licenceChange = fc
  .tuple(fc.integer({ min: 0, max: 8 }), dateArb, fc.boolean())
  .map(([which, on, flag]): Draft => {
    const at = day(on)
    const base = { enterpriseId: ENTERPRISE, licenceNo: 'LIC1' }
    const cause = { kind: flag ? 'verification_failed' : 'verification_missed', applicationId: 'A1' }
    switch (which) {
      case 0:
      case 8: {
        const applicationId = which === 0 ? 'A1' : 'A2'
        return {
          type: 'OnSiteVerificationPassed',
          on: at,
          data: { enterpriseId: ENTERPRISE, applicationId, verifiedOn: at, inspector: '李工' },
        }
      }
      case 1:
        return {
          type: 'OnSiteVerificationFailed',
          on: at,
          data: {
            enterpriseId: ENTERPRISE,
            applicationId: 'A1',
            verifiedOn: at,
            inspector: '李工',
            findings: '不符合',
            consequence: 'suspended',
          },
        }
      case 2:
        return {
          type: 'OnSiteVerificationMissed',
          on: day(on + 1),
          data: { enterpriseId: ENTERPRISE, applicationId: 'A1', dueOn: at },
        }
      case 3:
        return { type: 'EnterpriseLicenceSuspended', on: at, data: { ...base, from: at, cause } }
      case 4:
        return {
          type: 'EnterpriseLicenceRestored',
          on: at,
          data: { ...base, on: at, reason: '复核通过', ...(flag ? { applicationId: 'A1' } : {}) },
        }
      case 5:
        return { type: 'EnterpriseLicenceExpired', on: at, data: { ...base, expiresOn: day(on - 1), on: at } }
      case 6:
        return { type: 'EnterpriseLicenceRevoked', on: at, data: { ...base, on: at, cause } }
      default:
        return {
          type: 'LicenceIssuedBeforeVerification',
          on: at,
          data: {
            ...base,
            applicationId: 'A2',
            kind: 'scope_extension',
            productCategories: ['电热水壶'],
            site: '武汉',
            appliedOn: at,
            issuedOn: at,
            expiresOn: day(SPAN + 10),
            verificationDueOn: day(on + 3),
            products: flag ? ['P1'] : [],
          },
        }
    }
  })

const licenceStream = fc
  .option(
    fc.record({
      issued: dateArb,
      covers: fc.boolean(),
      changes: fc.array(licenceChange, { maxLength: 4 }),
    }),
    { freq: 4 },
  )
  .map((r): Draft[] =>
    r === null
      ? []
      : [
          {
            type: 'LicenceIssuedBeforeVerification',
            on: day(r.issued),
            data: {
              enterpriseId: ENTERPRISE,
              licenceNo: 'LIC1',
              applicationId: 'A1',
              kind: 'new',
              productCategories: ['电热水壶'],
              site: '武汉',
              appliedOn: day(r.issued),
              issuedOn: day(r.issued),
              expiresOn: day(r.issued + 8),
              verificationDueOn: day(r.issued + 3),
              products: r.covers ? ['P1'] : [],
            },
          },
          ...r.changes,
        ],
  )

/** A history in record order, each event with its store position (1, 2, …). */
export const historyArb = fc
  .tuple(
    fc.tuple(
      standard(SA, 'national_recommended'),
      standard(SB, 'national_recommended', SA),
      standard(SL, 'local'),
      supersession,
      adoption,
      corrections(SA),
      corrections(SB),
    ),
    fc.tuple(labStream, bodyStream, instrumentStream, productStream),
    fc.tuple(reportStream, amendmentStream, certificateStream),
    fc.array(fc.nat(), { minLength: 80, maxLength: 80 }),
    licenceStream,
  )
  .map(([a, b, c, picks, licence]) => {
    const streams = [...a, ...b, ...c, licence].filter((s) => s.length > 0).map((s) => [...s])
    const events: OracleEvent[] = []
    let i = 0
    while (streams.some((s) => s.length > 0)) {
      const open = streams.filter((s) => s.length > 0)
      const next = open[(picks[i++ % picks.length] ?? 0) % open.length]!.shift()!
      events.push({ ...next, position: events.length + 1, id: `e${events.length + 1}` })
    }
    return events
  })

/** Time points to check: business dates around the span, store positions from nothing to the head. */
export const timePointsArb = fc.array(
  fc.record({
    asOf: fc.integer({ min: -1, max: SPAN + 6 }),
    at: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { freq: 3 }),
  }),
  { minLength: 3, maxLength: 3 },
)
