import { domainCatalogue } from '@qi/contracts'
import type { EventStore, EventToAppend } from '@qi/eventstore'
import { dayOf, isoOf, SeededRandom, yearStart } from './random'

/**
 * A deterministic, rule-consistent history for the lineage benchmark: standards with version
 * chains, accredited labs whose scope follows those versions, instruments calibrated yearly up a
 * traceability chain, enterprises, products, test reports that satisfy rule 1 on their test dates,
 * certificates on valid reports (rule 2), and the policies' follow-ups (revocations → suspensions,
 * recalls). Master data scales with `events / 1M`; test reports and certificates fill the rest.
 */
export interface DatasetOptions {
  /** Approximate number of events to write. */
  events: number
  seed: number
  /** 'all' validates every event with domainCatalogue.encode; 'sample' the first 200 of each type and every 500th. */
  validate: 'all' | 'sample'
  onProgress?: (message: string) => void
}

export interface StandardVersionRef {
  code: string
  version: string
}

export interface DatasetSummary {
  seed: number
  events: number
  eventsByType: Record<string, number>
  /** The standard versions most reports are tested to, most used first, with their report counts. */
  widelyUsed: Array<StandardVersionRef & { reports: number }>
  productIds: string[]
  reportCount: number
  certificateCount: number
}

const END = dayOf('2025-12-31')
const PILLARS = ['automotive', 'petrochemical', 'equipment', 'food', 'textile', 'metallurgy'] as const
type Pillar = (typeof PILLARS)[number]
const ICS_BY_PILLAR: Record<Pillar, string> = {
  automotive: '43.020',
  petrochemical: '75.080',
  equipment: '97.030',
  food: '67.040',
  textile: '59.080',
  metallurgy: '77.140',
}
const INDUSTRY_PREFIX: Record<Pillar, string> = {
  automotive: 'QC/T',
  petrochemical: 'SH/T',
  equipment: 'JB/T',
  food: 'QB/T',
  textile: 'FZ/T',
  metallurgy: 'YB/T',
}
const PARAMETERS = ['泄漏电流', '拉伸强度', '含水率', '硬度', '尺寸偏差', '耐压', '色牢度', '重金属含量']
const QUANTITIES = ['current', 'voltage', 'mass', 'length', 'temperature', 'pressure', 'force', 'time']
const DESTINATIONS = ['FR', 'DE', 'US', 'JP', 'SA', 'VN']
/** The 31 characters a credit code's last ten may use (no I, O, S, V, Z). */
const CREDIT_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY'

/** One kind of standard code prefix, as classifyStandardCode reads it. */
interface CodeFamily {
  kind: 'national_mandatory' | 'national_recommended' | 'industry' | 'local' | 'group' | 'enterprise'
  prefix: (pillar: Pillar) => string
  mandatory: boolean
}
const FAMILIES: CodeFamily[] = [
  { kind: 'national_mandatory', prefix: () => 'GB', mandatory: true },
  { kind: 'national_recommended', prefix: () => 'GB/T', mandatory: false },
  { kind: 'industry', prefix: (pillar) => INDUSTRY_PREFIX[pillar], mandatory: false },
  { kind: 'local', prefix: () => 'DB42/T', mandatory: false },
  { kind: 'group', prefix: () => 'T/HBAS', mandatory: false },
  { kind: 'enterprise', prefix: () => 'Q/HB', mandatory: false },
]

interface StandardVersion {
  code: string
  version: string
  clause: string
  parameter: string
  effectiveFrom: number
  /** First day it may no longer be used (end of transition or withdrawal); Infinity while current. */
  usableUntil: number
}

interface StandardCode {
  code: string
  pillar: Pillar
  versions: StandardVersion[]
}

export interface ScopeLineRecord {
  lineId: string
  version: StandardVersion
  addedOn: number
  /** Reduced from the scope on this day (exclusive end); Infinity while in scope. */
  removedOn: number
}

interface Accreditation {
  no: string
  labId: string
  validFrom: number
  validUntil: number
  suspensions: Array<{ from: number; until: number }>
  lines: ScopeLineRecord[]
}

interface Lab {
  id: string
  accreditations: Accreditation[]
  instruments: Instrument[]
}

interface Instrument {
  id: string
  /** Days on which a passed calibration covers the instrument: [from, until). */
  validWindows: Array<{ from: number; until: number }>
}

interface Enterprise {
  id: string
  name: string
  pillar: Pillar
  lines: string[]
}

interface Product {
  id: string
  name: string
  model: string
  enterprise: Enterprise
  registeredOn: number
  domesticLine: string
}

interface IssuedReport {
  no: string
  product: Product
  issuedOn: number
  standards: StandardVersion[]
  certificates: string[]
}

export class DatasetGenerator {
  private readonly random: SeededRandom
  private readonly pending = new Map<string, EventToAppend[]>()
  private pendingCount = 0
  private readonly counts: Record<string, number> = {}
  private total = 0
  private sequence = 0
  private readonly scale: number
  private codes: StandardCode[] = []
  private widelyUsedCodes: StandardCode[] = []
  private testingLabs: Lab[] = []
  private bodies: Lab[] = []
  private products: Product[] = []
  private readonly reportsPerVersion = new Map<StandardVersion, number>()

  constructor(
    private readonly store: EventStore,
    private readonly options: DatasetOptions,
  ) {
    this.random = new SeededRandom(options.seed)
    this.scale = options.events / 1_000_000
  }

  private scaled(full: number, minimum: number) {
    return Math.max(minimum, Math.round(full * this.scale))
  }

  private progress(message: string) {
    this.options.onProgress?.(`${message} (${this.total} events so far)`)
  }

  /** Queues one event; returns its id (for causation links). */
  private emit(
    stream: string,
    type: string,
    on: number,
    data: Record<string, unknown>,
    causationId?: string,
  ) {
    const count = (this.counts[type] ?? 0) + 1
    this.counts[type] = count
    this.total++
    if (this.options.validate === 'all' || count <= 200 || this.total % 500 === 0) {
      // Throws EventSchemaError naming the field: a generator bug fails the run, not the benchmark.
      domainCatalogue.encode(type, data)
    }
    const id = this.random.uuid()
    const commandId = `dataset-${++this.sequence}`
    const event: EventToAppend = {
      id,
      type,
      data,
      metadata: {
        schemaVersion: 1,
        actor: 'dataset',
        org: 'bench',
        correlationId: commandId,
        causationId: causationId ?? null,
        commandId,
        occurredAt: isoOf(on),
      },
    }
    let batch = this.pending.get(stream)
    if (!batch) {
      batch = []
      this.pending.set(stream, batch)
    }
    batch.push(event)
    this.pendingCount++
    return id
  }

  /** Appends what is queued, one append per stream; concurrent appends share group commits. */
  private async flush() {
    const appends: Array<Promise<unknown>> = []
    for (const [stream, events] of this.pending) {
      appends.push(this.store.appendToStream(stream, events))
      if (appends.length >= 500) await Promise.all(appends.splice(0))
    }
    await Promise.all(appends)
    this.pending.clear()
    this.pendingCount = 0
  }

  private async flushIfLarge() {
    if (this.pendingCount >= 20_000) await this.flush()
  }

  async generate(): Promise<DatasetSummary> {
    this.generateStandards()
    await this.flush()
    this.progress('standards')
    const calibrationLabs = this.generateCalibrationLabs()
    this.generateTestingLabs()
    this.generateBodies()
    await this.flush()
    this.progress('labs and accreditations')
    this.generateInstruments(calibrationLabs)
    await this.flush()
    this.progress('instruments and calibrations')
    await this.generateEnterprisesAndProducts()
    await this.flush()
    this.progress('enterprises, lines, products')
    const reports = await this.generateReportsAndCertificates()
    await this.flush()
    this.progress('test reports and certificates')
    const certificates = reports.reduce((sum, report) => sum + report.certificates.length, 0)
    await this.generatePolicies(reports)
    await this.flush()
    this.progress('revocations, suspensions, recalls')
    const widelyUsed = [...this.reportsPerVersion]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([version, reportCount]) => ({
        code: version.code,
        version: version.version,
        reports: reportCount,
      }))
    return {
      seed: this.options.seed,
      events: this.total,
      eventsByType: { ...this.counts },
      widelyUsed,
      productIds: this.products.map((product) => product.id),
      reportCount: reports.length,
      certificateCount: certificates,
    }
  }

  // ---- standards ----

  private generateStandards() {
    const codeCount = this.scaled(3000, 24)
    const widelyUsedCount = Math.min(5, Math.max(1, Math.round(codeCount / 600)))
    const tcCount = this.scaled(20, 2)
    for (let tc = 1; tc <= tcCount; tc++) {
      const tcId = `HB-TC-${String(tc).padStart(2, '0')}`
      this.emit(`tc-${tcId}`, 'TechnicalCommitteeEstablished', yearStart(2008) + tc, {
        tcId,
        name: `湖北省第${tc}标准化技术委员会`,
        level: 'provincial',
        establishedOn: isoOf(yearStart(2008) + tc),
      })
    }
    for (let i = 0; i < codeCount; i++) {
      const widelyUsed = i < widelyUsedCount
      // Widely used codes are mandatory national standards with versions spanning the whole history.
      const family = widelyUsed ? FAMILIES[0]! : FAMILIES[i % FAMILIES.length]!
      const pillar = PILLARS[i % PILLARS.length]!
      const code = `${family.prefix(pillar)} ${10000 + i}`
      const standard: StandardCode = { code, pillar, versions: [] }
      const years: number[] = []
      if (widelyUsed) years.push(2008, 2014, 2020)
      else {
        const versionCount = this.random.int(1, 4)
        let year = this.random.int(2000, 2016)
        for (let v = 0; v < versionCount && year <= 2024; v++) {
          years.push(year)
          year += this.random.int(3, 6)
        }
      }
      const clause = `${this.random.int(4, 8)}.${this.random.int(1, 9)}`
      const parameter = this.random.pick(PARAMETERS)
      let previous: { version: StandardVersion; effectiveFrom: number } | null = null
      for (const year of years) {
        const version = String(year)
        const stream = `standard-${code}-${version}`
        const draftedOn = yearStart(year) + this.random.int(0, 40)
        const publishedOn = draftedOn + this.random.int(30, 90)
        const effectiveFrom = publishedOn + 180
        const ledByProvince = family.kind === 'local' || this.random.chance(0.2)
        this.emit(stream, 'StandardDrafted', draftedOn, {
          code,
          version,
          kind: family.kind,
          mandatory: family.mandatory,
          titleZh: `${parameter}测定 第${i}号`,
          ics: [ICS_BY_PILLAR[pillar]],
          ...(family.kind === 'local'
            ? { technicalCommittee: `HB-TC-${String((i % tcCount) + 1).padStart(2, '0')}` }
            : {}),
          ledByProvince,
          ...(previous ? { replaces: { code, version: previous.version.version } } : {}),
        })
        this.emit(stream, 'StandardPublished', publishedOn, {
          code,
          version,
          publishedOn: isoOf(publishedOn),
          effectiveFrom: isoOf(effectiveFrom),
        })
        const current: StandardVersion = {
          code,
          version,
          clause,
          parameter,
          effectiveFrom,
          usableUntil: Infinity,
        }
        if (previous) {
          const transitionEndsOn = effectiveFrom + 365
          previous.version.usableUntil = transitionEndsOn
          this.emit(`standard-${code}-${previous.version.version}`, 'StandardSuperseded', publishedOn, {
            code,
            version: previous.version.version,
            replacedBy: { code, version },
            supersededOn: isoOf(publishedOn),
            transitionEndsOn: isoOf(transitionEndsOn),
          })
        }
        if (
          (family.kind === 'national_mandatory' || family.kind === 'national_recommended') &&
          this.random.chance(0.15)
        ) {
          this.emit(stream, 'InternationalStandardAdopted', publishedOn, {
            code,
            version,
            international: {
              code: i % 2 === 0 ? `ISO ${20000 + i}` : `IEC ${60000 + i}`,
              version: String(year - 2),
            },
            degree: this.random.pick(['IDT', 'MOD', 'NEQ'] as const),
          })
        }
        if (this.random.chance(0.05)) {
          const amendedOn = effectiveFrom + this.random.int(200, 700)
          if (amendedOn < END)
            this.emit(stream, 'StandardAmended', amendedOn, {
              code,
              version,
              amendmentNo: 1,
              summary: '修改第5章试验条件',
              effectiveFrom: isoOf(amendedOn),
            })
        }
        standard.versions.push(current)
        previous = { version: current, effectiveFrom }
      }
      const last = standard.versions.at(-1)
      if (!widelyUsed && last && this.random.chance(0.04)) {
        const withdrawnOn = last.effectiveFrom + this.random.int(700, 2200)
        if (withdrawnOn < END) {
          last.usableUntil = withdrawnOn
          this.emit(`standard-${code}-${last.version}`, 'StandardWithdrawn', withdrawnOn, {
            code,
            version: last.version,
            withdrawnOn: isoOf(withdrawnOn),
            reason: '技术内容已不适应需要',
          })
        }
      }
      this.codes.push(standard)
      if (widelyUsed) this.widelyUsedCodes.push(standard)
    }
  }

  // ---- labs and accreditation ----

  private registerLab(labId: string, name: string, kind: string, centreLevel: string, on: number) {
    this.emit(`lab-${labId}`, 'LabRegistered', on, {
      labId,
      name,
      kind,
      region: 'Hubei/Wuhan',
      centreLevel,
    })
  }

  /** National, provincial and city metrology institutes: they calibrate every instrument. */
  private generateCalibrationLabs() {
    const cityCount = this.scaled(12, 2)
    const labs = ['NIM', 'HBMI', ...Array.from({ length: cityCount }, (_, i) => `CMI-${i + 1}`)]
    labs.forEach((labId, i) => {
      const on = yearStart(2009) + i
      this.registerLab(
        labId,
        `${labId} 计量测试研究院`,
        'calibration_lab',
        i === 0 ? 'national' : i === 1 ? 'provincial' : 'municipal',
        on,
      )
      this.emit(`lab-${labId}`, 'LabAccredited', on, {
        labId,
        accreditationNo: `CNAS L-${labId}`,
        accreditingBody: 'CNAS',
        baseStandard: 'ISO/IEC 17025',
        validFrom: isoOf(on),
        validUntil: isoOf(dayOf('2035-12-31')),
        scope: [],
        schemes: [],
      })
    })
    return labs
  }

  /** Scope lines of a new accreditation: every version of the lab's codes usable on its first day. */
  private accredit(lab: Lab, codes: StandardCode[], validFrom: number, baseStandard: string) {
    const validUntil = validFrom + 5 * 365
    const accreditation: Accreditation = {
      no: `CNAS ${lab.id}-${lab.accreditations.length + 1}`,
      labId: lab.id,
      validFrom,
      validUntil,
      suspensions: [],
      lines: [],
    }
    let lineCounter = 0
    const line = (version: StandardVersion, addedOn: number): ScopeLineRecord => ({
      lineId: `S${++lineCounter}`,
      version,
      addedOn,
      removedOn: Infinity,
    })
    const scopeData = (record: ScopeLineRecord) => ({
      lineId: record.lineId,
      object: '工业产品',
      parameter: record.version.parameter,
      method: {
        standardCode: record.version.code,
        standardVersion: record.version.version,
        clause: record.version.clause,
      },
    })
    for (const code of codes)
      for (const version of code.versions)
        if (version.effectiveFrom <= validFrom && version.usableUntil > validFrom)
          accreditation.lines.push(line(version, validFrom))
    const stream = `lab-${lab.id}`
    this.emit(stream, 'LabAccredited', validFrom, {
      labId: lab.id,
      accreditationNo: accreditation.no,
      accreditingBody: 'CNAS',
      baseStandard,
      validFrom: isoOf(validFrom),
      validUntil: isoOf(validUntil),
      scope: accreditation.lines.map(scopeData),
      schemes: baseStandard === 'ISO/IEC 17065' ? ['CCC', 'voluntary_product'] : [],
    })
    // Follow the standards during the validity: new versions join the scope when they take
    // effect, old ones leave it when their transition ends (or they are withdrawn).
    const changes: Array<{ on: number; add?: StandardVersion; remove?: StandardVersion }> = []
    for (const code of codes)
      for (const version of code.versions) {
        if (version.effectiveFrom > validFrom && version.effectiveFrom < Math.min(validUntil, END))
          changes.push({ on: version.effectiveFrom, add: version })
        if (version.usableUntil > validFrom && version.usableUntil < Math.min(validUntil, END))
          changes.push({ on: version.usableUntil, remove: version })
      }
    changes.sort((a, b) => a.on - b.on)
    for (const change of changes) {
      if (change.add) {
        const added = line(change.add, change.on)
        accreditation.lines.push(added)
        this.emit(stream, 'AccreditationScopeExtended', change.on, {
          labId: lab.id,
          accreditationNo: accreditation.no,
          lines: [scopeData(added)],
          schemes: [],
          on: isoOf(change.on),
        })
      } else if (change.remove) {
        const removed = accreditation.lines.filter(
          (l) => l.version === change.remove && l.removedOn === Infinity,
        )
        if (removed.length === 0) continue
        for (const record of removed) record.removedOn = change.on
        this.emit(stream, 'AccreditationScopeReduced', change.on, {
          labId: lab.id,
          accreditationNo: accreditation.no,
          lineIds: removed.map((record) => record.lineId),
          reason: `${record(change.remove)} 过渡期结束或废止`,
          on: isoOf(change.on),
        })
      }
    }
    if (this.random.chance(0.03)) {
      const from = validFrom + this.random.int(200, 1500)
      const until = from + this.random.int(60, 120)
      if (until < END) {
        accreditation.suspensions.push({ from, until })
        this.emit(stream, 'AccreditationSuspended', from, {
          labId: lab.id,
          accreditationNo: accreditation.no,
          reason: '监督评审发现不符合',
          from: isoOf(from),
        })
        this.emit(stream, 'AccreditationRestored', until, {
          labId: lab.id,
          accreditationNo: accreditation.no,
          on: isoOf(until),
          reason: '整改完成',
        })
      }
    }
    if (validUntil <= END)
      this.emit(stream, 'AccreditationExpired', validUntil, {
        labId: lab.id,
        accreditationNo: accreditation.no,
        on: isoOf(validUntil),
      })
    lab.accreditations.push(accreditation)
  }

  /** Consecutive five-year accreditations from shortly after registration until past the history's end. */
  private accreditThroughout(lab: Lab, codes: StandardCode[], registeredOn: number, baseStandard: string) {
    let validFrom = registeredOn + this.random.int(60, 300)
    while (validFrom < END) {
      this.accredit(lab, codes, validFrom, baseStandard)
      validFrom += 5 * 365
    }
  }

  private generateTestingLabs() {
    const labCount = this.scaled(300, 3)
    for (let i = 1; i <= labCount; i++) {
      const id = `T${String(i).padStart(3, '0')}`
      this.testingLabs.push({ id, accreditations: [], instruments: [] })
    }
    // Each code is in about four labs' scope; every lab covers the widely used codes.
    const codesOfLab = new Map<Lab, StandardCode[]>(
      this.testingLabs.map((lab) => [lab, [...this.widelyUsedCodes]]),
    )
    for (const code of this.codes) {
      if (this.widelyUsedCodes.includes(code)) continue
      for (const lab of this.random.sample(this.testingLabs, 4)) codesOfLab.get(lab)!.push(code)
    }
    for (const lab of this.testingLabs) {
      const registeredOn = yearStart(2010) + this.random.int(0, 4 * 365)
      this.registerLab(
        lab.id,
        `湖北第${lab.id}检验检测中心`,
        'testing_lab',
        this.random.pick(['provincial', 'municipal', 'national']),
        registeredOn,
      )
      this.accreditThroughout(lab, codesOfLab.get(lab)!, registeredOn, 'ISO/IEC 17025')
    }
  }

  private generateBodies() {
    const bodyCount = this.scaled(30, 2)
    for (let i = 1; i <= bodyCount; i++) {
      const lab: Lab = { id: `CB${String(i).padStart(2, '0')}`, accreditations: [], instruments: [] }
      const registeredOn = yearStart(2010) + this.random.int(0, 3 * 365)
      this.registerLab(lab.id, `认证机构${lab.id}`, 'certification_body', 'national', registeredOn)
      this.accreditThroughout(lab, [], registeredOn, 'ISO/IEC 17065')
      this.bodies.push(lab)
    }
  }

  // ---- metrology ----

  private generateInstruments(calibrationLabs: string[]) {
    const [nationalLab, provincialLab, ...cityLabs] = calibrationLabs as [string, string, ...string[]]
    const total = this.scaled(3000, this.testingLabs.length * 3 + 8)
    const national = Array.from({ length: 2 }, (_, i) => ({ id: `NIM-STD-${i + 1}`, owner: nationalLab }))
    const provincial = Array.from({ length: 4 }, (_, i) => ({
      id: `HBMI-STD-${i + 1}`,
      owner: provincialLab,
    }))
    const city = cityLabs.map((owner, i) => ({ id: `${owner}-STD-${i + 1}`, owner }))
    const register = (id: string, ownerLabId: string, level: string, on: number) =>
      this.emit(`instrument-${id}`, 'InstrumentRegistered', on, {
        instrumentId: id,
        ownerLabId,
        name: `${level === 'working' ? '检测仪器' : '计量标准'} ${id}`,
        quantity: this.random.pick(QUANTITIES),
        level,
      })
    /** Yearly calibrations from `firstOn`; working instruments sometimes fail and are recalibrated two weeks later. */
    const calibrate = (
      instrument: Instrument,
      calibratingLabId: string,
      referenceId: string | null,
      firstOn: number,
      mayFail: boolean,
      retiredOn: number,
    ) => {
      let on = firstOn
      let year = 0
      while (on < Math.min(END, retiredOn)) {
        const failed = mayFail && this.random.chance(0.02)
        const dueOn = on + 365
        year++
        this.emit(`instrument-${instrument.id}`, 'InstrumentCalibrated', on, {
          instrumentId: instrument.id,
          certificateNo: `CAL-${instrument.id}-${year}`,
          calibratingLabId,
          calibratedOn: isoOf(on),
          dueOn: isoOf(dueOn),
          uncertainty: 'U=0.5%, k=2',
          ...(referenceId ? { referenceInstrumentId: referenceId } : {}),
          passed: !failed,
        })
        if (failed) {
          on += 14
          continue
        }
        const last = instrument.validWindows.at(-1)
        const until = Math.min(dueOn, retiredOn)
        if (last && last.until === on) last.until = until
        else instrument.validWindows.push({ from: on, until })
        on = dueOn
      }
    }
    const start = yearStart(2010)
    for (const reference of national) {
      register(reference.id, reference.owner, 'national', start)
      calibrate({ id: reference.id, validWindows: [] }, nationalLab, null, start + 5, false, Infinity)
    }
    provincial.forEach((reference, i) => {
      register(reference.id, reference.owner, 'province', start)
      calibrate(
        { id: reference.id, validWindows: [] },
        nationalLab,
        national[i % national.length]!.id,
        start + 10,
        false,
        Infinity,
      )
    })
    city.forEach((reference, i) => {
      register(reference.id, reference.owner, 'city', start)
      calibrate(
        { id: reference.id, validWindows: [] },
        provincialLab,
        provincial[i % provincial.length]!.id,
        start + 20,
        false,
        Infinity,
      )
    })
    const working = total - national.length - provincial.length - city.length
    for (let i = 0; i < working; i++) {
      const lab = this.testingLabs[i % this.testingLabs.length]!
      const id = `${lab.id}-INS-${Math.floor(i / this.testingLabs.length) + 1}`
      const registeredOn = start + this.random.int(30, 5 * 365)
      register(id, lab.id, 'working', registeredOn)
      const instrument: Instrument = { id, validWindows: [] }
      const reference = city[i % city.length]!
      const retiredOn = this.random.chance(0.01)
        ? registeredOn + this.random.int(3 * 365, 10 * 365)
        : Infinity
      calibrate(instrument, reference.owner, reference.id, registeredOn + 10, true, retiredOn)
      if (retiredOn < END)
        this.emit(`instrument-${id}`, 'InstrumentRetired', retiredOn, {
          instrumentId: id,
          on: isoOf(retiredOn),
          reason: '超过使用年限',
        })
      lab.instruments.push(instrument)
    }
  }

  // ---- industrialization ----

  private creditCode(index: number) {
    let tail = ''
    let rest = index
    for (let i = 0; i < 10; i++) {
      tail = CREDIT_ALPHABET[rest % CREDIT_ALPHABET.length]! + tail
      rest = Math.floor(rest / CREDIT_ALPHABET.length)
    }
    return `91420100${tail}`
  }

  /** Standard versions of the industry usable on a day (any code if the industry has none). */
  private declarableStandards(pillar: Pillar, on: number, count: number): StandardVersionRef[] {
    const usable: StandardVersion[] = []
    for (let attempt = 0; attempt < 40 && usable.length < count; attempt++) {
      const code = this.random.pick(this.codes)
      if (code.pillar !== pillar && attempt < 30) continue
      const version = code.versions.find((v) => v.effectiveFrom <= on && v.usableUntil > on)
      if (version && !usable.includes(version)) usable.push(version)
    }
    if (usable.length === 0) usable.push(this.widelyUsedCodes[0]!.versions[0]!)
    return usable.map((v) => ({ code: v.code, version: v.version }))
  }

  private async generateEnterprisesAndProducts() {
    const enterpriseCount = this.scaled(5000, 6)
    const productCount = this.scaled(30000, 30)
    const enterprises: Enterprise[] = []
    for (let i = 0; i < enterpriseCount; i++) {
      const pillar = PILLARS[i % PILLARS.length]!
      const enterprise: Enterprise = {
        id: this.creditCode(i + 1),
        name: `湖北${pillar}企业${i + 1}有限公司`,
        pillar,
        lines: [],
      }
      const on = yearStart(2008) + this.random.int(0, 4 * 365)
      this.emit(`enterprise-${enterprise.id}`, 'EnterpriseRegistered', on, {
        enterpriseId: enterprise.id,
        name: enterprise.name,
        region: 'Hubei/Wuhan',
        industry: pillar,
      })
      const lineCount = this.random.int(1, 3)
      for (let l = 1; l <= lineCount; l++) {
        const lineId = `LINE-${i + 1}-${l}`
        enterprise.lines.push(lineId)
        this.emit(`line-${lineId}`, 'ProductionLineRegistered', on + l, {
          lineId,
          enterpriseId: enterprise.id,
          name: `生产线${l}`,
          location: '武汉经开区',
        })
      }
      enterprises.push(enterprise)
    }
    for (let i = 0; i < productCount; i++) {
      const enterprise = enterprises[i % enterprises.length]!
      const registeredOn = yearStart(2012) + this.random.int(0, 10 * 365)
      const product: Product = {
        id: `P${i + 1}`,
        name: `产品${i + 1}`,
        model: `M-${this.random.int(100, 999)}`,
        enterprise,
        registeredOn,
        domesticLine: this.random.pick(enterprise.lines),
      }
      const stream = `product-${product.id}`
      this.emit(stream, 'ProductRegistered', registeredOn, {
        productId: product.id,
        enterpriseId: enterprise.id,
        name: product.name,
        model: product.model,
        industry: enterprise.pillar,
        ...(this.random.chance(0.5) ? { gs1: String(6900000000000 + i) } : {}),
        standards: [],
      })
      const declaredOn = registeredOn + this.random.int(5, 30)
      const standards = this.declarableStandards(enterprise.pillar, declaredOn, this.random.int(1, 2))
      this.emit(stream, 'ProductMarketDeclared', declaredOn, {
        productId: product.id,
        market: 'domestic',
        lineId: product.domesticLine,
        standards,
        declaredOn: isoOf(declaredOn),
      })
      if (this.random.chance(0.4)) {
        // 同线同标同质: most exports share the domestic line and standards.
        const sameLine = this.random.chance(0.85)
        this.emit(stream, 'ProductMarketDeclared', declaredOn, {
          productId: product.id,
          market: 'export',
          lineId: sameLine ? product.domesticLine : this.random.pick(enterprise.lines),
          standards: sameLine ? standards : this.declarableStandards(enterprise.pillar, declaredOn, 1),
          destination: this.random.pick(DESTINATIONS),
          declaredOn: isoOf(declaredOn),
        })
      }
      this.products.push(product)
      await this.flushIfLarge()
    }
  }

  // ---- testing and certification ----

  private activeAccreditation(lab: Lab, from: number, to: number): Accreditation | null {
    for (const accreditation of lab.accreditations) {
      if (accreditation.validFrom > from || accreditation.validUntil <= to) continue
      if (accreditation.suspensions.some((s) => s.from <= to && s.until > from)) continue
      return accreditation
    }
    return null
  }

  private calibratedThroughout(instrument: Instrument, from: number, to: number) {
    return instrument.validWindows.some((w) => w.from <= from && w.until > to)
  }

  private async generateReportsAndCertificates(): Promise<IssuedReport[]> {
    const certificatesPerReport = 0.5
    const remaining = Math.max(20, this.options.events - this.total)
    // Per report: its own event, half a certificate, and about 1 % policy follow-ups.
    const reportCount = Math.round(remaining / (1 + certificatesPerReport + 0.012))
    const widelyUsedShare = Math.min(0.5, (this.widelyUsedCodes.length * 6000) / reportCount)
    const reports: IssuedReport[] = []
    const latestTestDay = END - 60
    let certificateSequence = 0
    for (let r = 0; r < reportCount; r++) {
      let issued: IssuedReport | null = null
      for (let attempt = 0; attempt < 50 && !issued; attempt++) {
        const product = this.random.pick(this.products)
        const earliest = Math.max(product.registeredOn + 30, yearStart(2013))
        if (earliest >= latestTestDay) continue
        const testedFrom = this.random.int(earliest, latestTestDay)
        const testedTo = testedFrom + this.random.int(0, 5)
        const lab = this.random.pick(this.testingLabs)
        const accreditation = this.activeAccreditation(lab, testedFrom, testedTo)
        if (!accreditation) continue
        const inScope = accreditation.lines.filter((l) => l.addedOn <= testedFrom && l.removedOn > testedTo)
        if (inScope.length === 0) continue
        const wantsWidelyUsed = this.random.chance(widelyUsedShare)
        const widelyUsedLines = inScope.filter((l) =>
          this.widelyUsedCodes.some((c) => c.code === l.version.code),
        )
        const otherLines = inScope.filter((l) => !widelyUsedLines.includes(l))
        const pool =
          wantsWidelyUsed && widelyUsedLines.length > 0
            ? widelyUsedLines
            : otherLines.length > 0
              ? otherLines
              : widelyUsedLines
        const lines = this.random.sample(pool, this.random.int(1, 2))
        const instruments = lab.instruments.filter((i) => this.calibratedThroughout(i, testedFrom, testedTo))
        if (instruments.length === 0) continue
        const used = this.random.sample(instruments, this.random.int(1, 2))
        const conforms = this.random.chance(0.97)
        const issuedOn = testedTo + this.random.int(1, 10)
        // Sequence first: ever-increasing stream names keep the store's stream indexes append-only.
        const reportNo = `R${String(r + 1).padStart(7, '0')}-${lab.id}`
        this.emit(`report-${reportNo}`, 'TestReportIssued', issuedOn, {
          reportNo,
          labId: lab.id,
          accreditationNo: accreditation.no,
          customer: { name: product.enterprise.name, enterpriseId: product.enterprise.id },
          sample: { productId: product.id, productName: product.name, model: product.model },
          testedFrom: isoOf(testedFrom),
          testedTo: isoOf(testedTo),
          results: lines.map((line, i) => ({
            method: {
              standardCode: line.version.code,
              standardVersion: line.version.version,
              clause: line.version.clause,
            },
            parameter: line.version.parameter,
            value: '0.12',
            unit: 'mA',
            limit: '≤0.25',
            verdict: !conforms && i === 0 ? 'fail' : 'pass',
          })),
          decisionRule: 'simple_acceptance',
          conformity: conforms ? 'conforms' : 'does_not_conform',
          instrumentIds: used.map((i) => i.id),
          signatory: '王工',
          issuedOn: isoOf(issuedOn),
        })
        const standards = [...new Set(lines.map((l) => l.version))]
        for (const version of standards)
          this.reportsPerVersion.set(version, (this.reportsPerVersion.get(version) ?? 0) + 1)
        issued = { no: reportNo, product, issuedOn, standards, certificates: [] }
        if (conforms && this.random.chance(certificatesPerReport)) {
          const certificateIssuedOn = issuedOn + this.random.int(5, 30)
          const body = this.random.pick(this.bodies)
          const bodyAccreditation = this.activeAccreditation(body, certificateIssuedOn, certificateIssuedOn)
          if (bodyAccreditation && certificateIssuedOn < END) {
            const certificateNo = `C${String(++certificateSequence).padStart(7, '0')}`
            const enterprise = product.enterprise
            this.emit(`certificate-${certificateNo}`, 'CertificateIssued', certificateIssuedOn, {
              certificateNo,
              bodyId: body.id,
              accreditationNo: bodyAccreditation.no,
              holder: { enterpriseId: enterprise.id, name: enterprise.name },
              manufacturer: { enterpriseId: enterprise.id, name: enterprise.name },
              factory: { productionLineId: product.domesticLine },
              product: { productId: product.id, name: product.name, models: [product.model] },
              scheme: standards.some((v) => v.code.startsWith('GB ')) ? 'CCC' : 'voluntary_product',
              standards: standards.map((v) => ({ code: v.code, version: v.version })),
              basisReports: [reportNo],
              issuedOn: isoOf(certificateIssuedOn),
              expiresOn: isoOf(certificateIssuedOn + 5 * 365),
            })
            issued.certificates.push(certificateNo)
          }
        }
      }
      if (issued) reports.push(issued)
      if (r % 50_000 === 0 && r > 0) this.progress(`${r} of ${reportCount} test reports`)
      await this.flushIfLarge()
    }
    return reports
  }

  /** What the policies would have appended: revocations suspend certificates, recalls flag them. */
  private async generatePolicies(reports: IssuedReport[]) {
    for (const report of reports) {
      if (!this.random.chance(0.004)) continue
      const revokedOn = report.issuedOn + this.random.int(40, 700)
      if (revokedOn >= END) continue
      const revocationId = this.emit(`report-${report.no}`, 'TestReportRevoked', revokedOn, {
        reportNo: report.no,
        revokedOn: isoOf(revokedOn),
        reason: '样品与送检不符',
      })
      for (const certificateNo of report.certificates)
        this.emit(
          `certificate-${certificateNo}`,
          'CertificateSuspended',
          revokedOn + 2,
          {
            certificateNo,
            from: isoOf(revokedOn + 2),
            reason: 'basis report revoked',
            cause: { kind: 'report_revoked', ref: report.no },
          },
          revocationId,
        )
    }
    for (const report of reports) {
      if (report.certificates.length === 0 || !this.random.chance(0.002)) continue
      const on = report.issuedOn + this.random.int(100, 900)
      if (on >= END) continue
      this.emit(`certificate-${report.certificates[0]}`, 'CertificateWithdrawn', on, {
        certificateNo: report.certificates[0],
        on: isoOf(on),
        reason: '持证人申请注销',
        cause: { kind: 'manual' },
      })
    }
    const certificatesByProduct = new Map<Product, IssuedReport[]>()
    for (const report of reports)
      if (report.certificates.length > 0)
        certificatesByProduct.set(report.product, [
          ...(certificatesByProduct.get(report.product) ?? []),
          report,
        ])
    let recallSequence = 0
    for (const product of this.products) {
      if (!this.random.chance(0.003)) continue
      const announcedOn = product.registeredOn + this.random.int(365, 3 * 365)
      if (announcedOn >= END) continue
      const recallId = `RC-${++recallSequence}`
      const recallEventId = this.emit(`recall-${recallId}`, 'ProductRecalled', announcedOn, {
        recallId,
        productId: product.id,
        enterpriseId: product.enterprise.id,
        batches: [],
        reason: '存在安全隐患',
        announcedOn: isoOf(announcedOn),
        ordered: this.random.chance(0.3),
      })
      for (const report of certificatesByProduct.get(product) ?? [])
        for (const certificateNo of report.certificates)
          if (report.issuedOn < announcedOn)
            this.emit(
              `certificate-${certificateNo}`,
              'CertificateSuspended',
              announcedOn + 1,
              {
                certificateNo,
                from: isoOf(announcedOn + 1),
                reason: 'product recalled',
                cause: { kind: 'recall', ref: recallId },
              },
              recallEventId,
            )
    }
    await this.flushIfLarge()
  }
}

function record(version: StandardVersionRef) {
  return `${version.code}-${version.version}`
}

/** Generates the dataset into `store`; see DatasetGenerator. */
export function generateDataset(store: EventStore, options: DatasetOptions): Promise<DatasetSummary> {
  return new DatasetGenerator(store, options).generate()
}
