import { describe, expect, it } from 'vitest'
import { type GraphWriter, licensingHandlers } from '../projections/graph-licensing'
import { STATUS_CHANGES } from '../projections/status-changes'
import { type ReasonPhrase, reasonPhrases } from './reasons'

const HUMAN = '复核发现样品与委托不符: 见附件'
const sample = (cause?: { kind: string; ref?: string }) => ({
  accreditationNo: 'CNAS L0586',
  from: '2026-01-02',
  on: '2026-01-03',
  reason: HUMAN,
  certificateNo: 'CCC-2024-0107044',
  calibratedOn: '2026-01-01',
  dueOn: '2027-01-01',
  passed: true,
  instrumentId: 'HBQI-TH-07',
  reportNo: 'R-2',
  previousReportNo: 'R-1',
  issuedOn: '2026-01-04',
  revokedOn: '2026-01-05',
  expiresOn: '2031-01-01',
  recallId: 'RC-2026-01',
  productId: 'MJ-17',
  announcedOn: '2026-02-01',
  labId: 'HBQI',
  enterpriseId: 'E-1',
  lineId: 'L-1',
  cause,
})

const codes = (phrases: ReasonPhrase[] | null) => (phrases ?? []).map((p) => ('code' in p ? p.code : 'text'))
const texts = (phrases: ReasonPhrase[] | null) =>
  (phrases ?? []).flatMap((p) => ('text' in p ? [p.text] : []))

describe('reason phrases (stored English → codes + the person’s words)', () => {
  const causes = [
    undefined,
    { kind: 'manual' },
    { kind: 'report_revoked', ref: 'R-1' },
    { kind: 'accreditation_changed', ref: 'CNAS L0586' },
    { kind: 'standard_superseded', ref: 'GB 4706.1-2005' },
    { kind: 'recall', ref: 'RC-2026-01' },
  ]
  it('parses every reason the projection’s status rules write, leaving only the person’s words as text', () => {
    let checked = 0
    for (const [type, rule] of Object.entries(STATUS_CHANGES)) {
      for (const cause of causes) {
        for (const passed of [true, false]) {
          for (const change of rule({ ...sample(cause), passed }, '2026-01-01')) {
            if (!change.reason) continue
            const phrases = reasonPhrases(change.reason)
            const leftover = texts(phrases).filter((text) => text !== HUMAN)
            expect(leftover, `${type}: ${change.reason}`).toEqual([])
            expect(codes(phrases)[0], `${type}: ${change.reason}`).toMatch(/^status\./)
            checked++
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(100)
  })

  it('reads a policy’s note and the cause of a suspension', () => {
    expect(
      reasonPhrases(
        `suspended 2026-11-27 because report R-9 was revoked: basis report R-9 revoked: ${HUMAN}`,
      ),
    ).toEqual([
      { code: 'status.suspended', params: { on: '2026-11-27' } },
      { code: 'cause.reportRevoked', params: { ref: 'R-9' } },
      { code: 'policy.basisRevoked', params: { report: 'R-9' } },
      { text: HUMAN },
    ])
    expect(
      reasonPhrases(
        'under review since 2026-03-01 because report R-9 was revoked: basis report R-9 revoked (样品不符); remaining basis: R-8, R-7',
      ),
    ).toEqual([
      { code: 'status.underReview', params: { on: '2026-03-01' } },
      { code: 'cause.reportRevoked', params: { ref: 'R-9' } },
      { code: 'policy.basisRevokedRemaining', params: { report: 'R-9', remaining: 'R-8, R-7' } },
      { text: '样品不符' },
    ])
    expect(
      codes(
        reasonPhrases(
          "withdrawn 2026-03-01 because the accreditation of CNAS L1 changed: issuing body CQC-WH's accreditation was withdrawn 2026-02-01: 评审不合格",
        ),
      ),
    ).toEqual(['status.withdrawn', 'cause.accreditationChanged', 'policy.bodyAccreditation', 'text'])
    expect(
      codes(
        reasonPhrases(
          'suspended 2026-03-01 because the accreditation of CNAS L1 changed: rests on reports of HBQI issued after its accreditation was suspended 2026-02-01: 监督评审',
        ),
      ),
    ).toEqual(['status.suspended', 'cause.accreditationChanged', 'policy.labReports', 'text'])
    expect(
      codes(reasonPhrases('withdrawn 2026-03-01 because recall RC-1: product MJ-17 recalled (RC-1): 漏电')),
    ).toEqual(['status.withdrawn', 'cause.recall', 'policy.productRecalled', 'text'])
  })

  it('reads the graph’s accreditation terms and the standards’ stages, with a date correction', () => {
    for (const [reason, code] of [
      ['accredited 2024-01-01 until 2030-01-01', 'status.accredited'],
      ['validity ended 2030-01-01', 'status.validityEnded'],
      ['expired 2030-01-01', 'status.expired'],
      ['drafted', 'status.drafted'],
      ['drafted 2017-05-01', 'status.drafted'],
      ['published 2018-05-14, effective from 2019-02-01', 'status.published'],
      ['effective since 2019-02-01', 'status.effective'],
      ['superseded 2018-05-14 by GB/T 1591-2018; transition until 2019-02-01', 'status.superseded'],
      ['transition to GB/T 1591-2018 ended 2019-02-01', 'status.transitionEnded'],
      ['withdrawn 2020-01-01: 被替代', 'status.withdrawn'],
    ] as const)
      expect(codes(reasonPhrases(reason))[0], reason).toBe(code)
    expect(
      reasonPhrases('effective since 2019-03-01 (date corrected from 2019-02-01 to 2019-03-01: 公告更正)'),
    ).toEqual([
      { code: 'status.effective', params: { on: '2019-03-01' } },
      { code: 'status.dateCorrected', params: { from: '2019-02-01', to: '2019-03-01' } },
      { text: '公告更正' },
    ])
  })

  it('keeps a sentence it does not know as text, and gives null for no reason', () => {
    expect(reasonPhrases('something new happened')).toEqual([{ text: 'something new happened' }])
    expect(reasonPhrases(null)).toBeNull()
    expect(reasonPhrases('')).toBeNull()
  })

  it('parses every reason the licensing handlers write (licences, on-site verifications), causes included', () => {
    const reasons: string[] = []
    const writer: GraphWriter = {
      node: (kind, key) => `${kind}:${key}`,
      patch: () => {},
      data: () => ({}),
      edge: () => {},
      status: (_id, _kind, _stage, _from, reason) => {
        if (reason) reasons.push(reason)
      },
    }
    for (const kind of ['verification_failed', 'verification_missed'])
      for (const handler of Object.values(licensingHandlers))
        (handler as (w: GraphWriter, d: unknown) => void)(writer, {
          licenceNo: 'XK42-006-00101',
          applicationId: 'XKSQ-2025-0103',
          enterpriseId: 'E-1',
          kind: 'new',
          productCategories: ['阀门'],
          products: [],
          site: '武汉',
          appliedOn: '2025-01-02',
          issuedOn: '2025-01-03',
          expiresOn: '2030-01-02',
          verificationDueOn: '2025-02-02',
          verifiedOn: '2025-01-20',
          inspector: '张三',
          findings: HUMAN,
          dueOn: '2025-02-02',
          from: '2025-02-03',
          on: '2025-03-01',
          cause: { kind, applicationId: 'XKSQ-2025-0103' },
          reason: HUMAN,
          productCategory: '阀门',
          legacyLicenceNo: 'XK06-001',
          grantedOn: '2020-01-01',
        })
    expect(reasons.length).toBeGreaterThan(10)
    for (const reason of reasons) {
      const phrases = reasonPhrases(reason)
      expect(
        texts(phrases).filter((text) => text !== HUMAN),
        reason,
      ).toEqual([])
      expect(codes(phrases)[0], reason).toMatch(/^status\./)
      expect(codes(phrases), reason).not.toContain('cause.other')
    }
  })
})

describe('reason phrases shared between answers', () => {
  it('parses a reason once: the same frozen phrases for the same text, fresh ones for another', () => {
    const reason = `suspended 2026-01-03 because report R-9 was revoked: basis report R-9 revoked: ${HUMAN}`
    const first = reasonPhrases(reason)!
    expect(reasonPhrases(reason)).toBe(first)
    expect(codes(first)).toEqual(['status.suspended', 'cause.reportRevoked', 'policy.basisRevoked', 'text'])
    expect(Object.isFrozen(first) && first.every((p) => Object.isFrozen(p))).toBe(true)
    expect(() => first.push({ text: 'more' })).toThrow(TypeError)
    const other = reasonPhrases(reason.replace('R-9', 'R-8'))!
    expect(other).not.toBe(first)
    expect(other[1]).toEqual({ code: 'cause.reportRevoked', params: { ref: 'R-8' } })
  })
})
