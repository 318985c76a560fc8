import { domainCatalogue } from '@qi/contracts'
import type { RecordedEvent } from '@qi/eventstore'
import { SqliteEventStore } from '@qi/eventstore/sqlite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DatasetSummary, generateDataset } from './generate'

/*
 * Rule 1 is re-derived here from the written events alone (not from the generator's own
 * bookkeeping): accreditation validity, suspensions, scope extensions and reductions, and
 * calibration windows are folded from the history, then every report is checked against them.
 */

interface ScopeLine {
  lineId: string
  method: string
  addedOn: string
  removedOn: string | null
}
interface AccreditationFacts {
  labId: string
  validFrom: string
  validUntil: string
  suspended: Array<{ from: string; until: string | null }>
  lines: ScopeLine[]
}
interface CalibrationFacts {
  calibratedOn: string
  dueOn: string
  passed: boolean
}

type Data = Record<string, unknown>
type Method = { standardCode: string; standardVersion: string; clause: string }
const methodKey = (m: Method) => `${m.standardCode}-${m.standardVersion} §${m.clause}`

function foldFacts(events: RecordedEvent[]) {
  const accreditations = new Map<string, AccreditationFacts>()
  const calibrations = new Map<string, CalibrationFacts[]>()
  const retired = new Map<string, string>()
  for (const event of events) {
    const d = event.data as Data
    const accreditation = () => accreditations.get(d.accreditationNo as string)!
    switch (event.type) {
      case 'LabAccredited':
        accreditations.set(d.accreditationNo as string, {
          labId: d.labId as string,
          validFrom: d.validFrom as string,
          validUntil: d.validUntil as string,
          suspended: [],
          lines: (d.scope as Array<{ lineId: string; method: Method }>).map((l) => ({
            lineId: l.lineId,
            method: methodKey(l.method),
            addedOn: d.validFrom as string,
            removedOn: null,
          })),
        })
        break
      case 'AccreditationScopeExtended':
        for (const l of d.lines as Array<{ lineId: string; method: Method }>)
          accreditation().lines.push({
            lineId: l.lineId,
            method: methodKey(l.method),
            addedOn: d.on as string,
            removedOn: null,
          })
        break
      case 'AccreditationScopeReduced':
        for (const line of accreditation().lines)
          if ((d.lineIds as string[]).includes(line.lineId)) line.removedOn = d.on as string
        break
      case 'AccreditationSuspended':
        accreditation().suspended.push({ from: d.from as string, until: null })
        break
      case 'AccreditationRestored':
        accreditation().suspended.at(-1)!.until = d.on as string
        break
      case 'InstrumentCalibrated': {
        const list = calibrations.get(d.instrumentId as string) ?? []
        list.push({
          calibratedOn: d.calibratedOn as string,
          dueOn: d.dueOn as string,
          passed: d.passed as boolean,
        })
        calibrations.set(d.instrumentId as string, list)
        break
      }
      case 'InstrumentRetired':
        retired.set(d.instrumentId as string, d.on as string)
        break
    }
  }
  return { accreditations, calibrations, retired }
}

/** Why a report breaks rule 1, or null when it satisfies it on every test day. */
function ruleOneViolation(report: Data, facts: ReturnType<typeof foldFacts>): string | null {
  const from = report.testedFrom as string
  const to = report.testedTo as string
  const accreditation = facts.accreditations.get(report.accreditationNo as string)
  if (!accreditation) return `unknown accreditation ${report.accreditationNo}`
  if (accreditation.labId !== report.labId) return 'accreditation of another lab'
  if (!(accreditation.validFrom <= from && to < accreditation.validUntil))
    return 'accreditation not valid on the test dates'
  if (accreditation.suspended.some((s) => s.from <= to && (s.until === null || s.until > from)))
    return 'accreditation suspended on a test date'
  for (const result of report.results as Array<{ method: Method }>) {
    const key = methodKey(result.method)
    const covered = accreditation.lines.some(
      (line) =>
        line.method === key && line.addedOn <= from && (line.removedOn === null || line.removedOn > to),
    )
    if (!covered) return `method ${key} not in scope on the test dates`
  }
  for (const instrumentId of report.instrumentIds as string[]) {
    const retiredOn = facts.retired.get(instrumentId)
    if (retiredOn !== undefined && retiredOn <= to) return `instrument ${instrumentId} retired`
    // The latest calibration on or before each test day must have passed and not be due yet.
    for (const day of [from, to]) {
      const latest = (facts.calibrations.get(instrumentId) ?? [])
        .filter((c) => c.calibratedOn <= day)
        .sort((a, b) => a.calibratedOn.localeCompare(b.calibratedOn))
        .at(-1)
      if (!latest?.passed || latest.dueOn <= day) return `instrument ${instrumentId} not calibrated on ${day}`
    }
  }
  return null
}

describe('the lineage benchmark dataset (5,000 events)', () => {
  const store = new SqliteEventStore()
  let summary: DatasetSummary
  let events: RecordedEvent[]

  beforeAll(async () => {
    summary = await generateDataset(store, { events: 5000, seed: 7, validate: 'all' })
    events = await store.readAll()
  })
  afterAll(async () => {
    await store.close()
  })

  it('writes about the requested number of events, every one valid against its schema and envelope', () => {
    expect(events.length).toBe(summary.events)
    expect(events.length).toBeGreaterThan(4000)
    expect(events.length).toBeLessThan(6000)
    for (const event of events) expect(() => domainCatalogue.decode(event)).not.toThrow()
  })

  it('covers every context, all six code families and the policies', () => {
    for (const type of [
      'StandardSuperseded',
      'InternationalStandardAdopted',
      'LabAccredited',
      'AccreditationScopeExtended',
      'AccreditationScopeReduced',
      'InstrumentCalibrated',
      'ProductMarketDeclared',
      'TestReportIssued',
      'CertificateIssued',
      'TestReportRevoked',
    ])
      expect(summary.eventsByType[type], type).toBeGreaterThan(0)
    const kinds = new Set(
      events.filter((e) => e.type === 'StandardDrafted').map((e) => (e.data as Data).kind),
    )
    expect([...kinds].sort()).toEqual(
      ['enterprise', 'group', 'industry', 'local', 'national_mandatory', 'national_recommended'].sort(),
    )
    expect(
      events.some((e) => e.type === 'StandardDrafted' && String((e.data as Data).code).startsWith('DB42')),
    ).toBe(true)
  })

  it('issues every test report under an active accreditation covering its methods, with calibrated instruments', () => {
    const facts = foldFacts(events)
    const reports = events.filter((e) => e.type === 'TestReportIssued').map((e) => e.data as Data)
    expect(reports.length).toBeGreaterThan(1000)
    const violations = reports
      .map((report) => ({ reportNo: report.reportNo, why: ruleOneViolation(report, facts) }))
      .filter((v) => v.why !== null)
    expect(violations).toEqual([])
  })

  it('bases certificates on conforming reports issued before them, and suspends them after a revocation', () => {
    const reports = new Map(
      events
        .filter((e) => e.type === 'TestReportIssued')
        .map((e) => [(e.data as Data).reportNo, e.data as Data]),
    )
    const certificates = events.filter((e) => e.type === 'CertificateIssued').map((e) => e.data as Data)
    expect(certificates.length).toBeGreaterThan(0)
    for (const certificate of certificates)
      for (const reportNo of certificate.basisReports as string[]) {
        const report = reports.get(reportNo)
        expect(report?.conformity).toBe('conforms')
        expect(String(report?.issuedOn) < String(certificate.issuedOn)).toBe(true)
      }
    const revocations = new Map(events.filter((e) => e.type === 'TestReportRevoked').map((e) => [e.id, e]))
    for (const suspension of events.filter(
      (e) =>
        e.type === 'CertificateSuspended' &&
        (e.data as { cause: { kind: string } }).cause.kind === 'report_revoked',
    ))
      expect(revocations.has(String((suspension.metadata as Data).causationId))).toBe(true)
  })

  it('is the same history for the same seed', async () => {
    const again = new SqliteEventStore()
    await generateDataset(again, { events: 5000, seed: 7, validate: 'sample' })
    const replayed = await again.readAll()
    await again.close()
    expect(replayed.map((e) => [e.id, e.streamName, e.type, e.data])).toEqual(
      events.map((e) => [e.id, e.streamName, e.type, e.data]),
    )
  })
})
