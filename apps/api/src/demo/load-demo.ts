import type { accreditation } from '@qi/contracts'
import { type Actor, createCallerFactory } from '@qi/trpc'
import type { z } from 'zod'
import type { AccessRegistry } from '../access'
import type { Platform } from '../platform'
import { appRouter } from '../root'
import { loadLicensingDemo } from './licensing'
import { type DemoOrgKey, demoOrganisations } from './organisations'

const createCaller = createCallerFactory(appRouter)

export interface DemoKey {
  orgId: string
  name: string
  role: string
  apiKey: string
}

export interface DemoResult {
  keys: DemoKey[]
  events: number
}

const addDays = (date: string, days: number) => {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

const m = (code: string, version: string, clause: string) => ({
  standardCode: code,
  standardVersion: version,
  clause,
})
const std = (code: string, version: string) => ({ code, version })

type AccreditInput = z.input<typeof accreditation.AccreditLab>

interface DemoProduct {
  productId: string
  name: string
  model: string
  enterprise: { orgId: string; name: string }
}

/**
 * Loads a realistic, internally consistent Hubei dataset through the commands themselves (every
 * rule is checked, nothing is written as rows), creates an organisation and API key per demo
 * actor, and returns the keys. Each command has a fixed commandId, so a second run changes nothing.
 * `today` anchors the calibrations that are due soon or expired.
 */
export async function loadDemo(
  platform: Platform,
  access: AccessRegistry,
  options: { today?: string; onProgress?: (step: string) => void } = {},
): Promise<DemoResult> {
  const today = options.today ?? new Date().toISOString().slice(0, 10)
  const progress = options.onProgress ?? (() => {})
  const keys: DemoKey[] = []
  const callers = {} as Record<DemoOrgKey, ReturnType<typeof createCaller>>
  for (const [key, org] of Object.entries(demoOrganisations) as Array<
    [DemoOrgKey, (typeof demoOrganisations)[DemoOrgKey]]
  >) {
    if (!access.getOrg(org.orgId)) access.createOrg(org)
    keys.push({ ...org, apiKey: access.issueKey(org.orgId, `${org.orgId.toLowerCase()}-demo`) })
    const actor: Actor = {
      userId: `${org.orgId.toLowerCase()}-demo`,
      org: org.orgId,
      orgName: org.name,
      role: org.role,
    }
    callers[key] = createCaller({ actor, invalidApiKey: false, requestId: 'demo', deps: platform })
  }
  const { regulator, institute, metrology } = callers
  let n = 0
  const id = () => `demo-command-${String(++n).padStart(4, '0')}`
  const o = demoOrganisations

  // ---- standards (标准) ----
  progress('standards')
  const standards: Array<{
    code: string
    version: string
    titleZh: string
    titleEn: string
    ics: string[]
    publishedOn: string
    effectiveFrom: string
    ledByProvince?: boolean
    tc?: string
    replaces?: { code: string; version: string }
  }> = [
    {
      code: 'GB 4706.1',
      version: '2005',
      titleZh: '家用和类似用途电器的安全 第1部分：通用要求',
      titleEn: 'Household appliances safety — Part 1: General requirements',
      ics: ['13.120'],
      publishedOn: '2005-08-26',
      effectiveFrom: '2006-08-01',
      tc: 'SAC-TC46',
    },
    {
      code: 'GB 2762',
      version: '2017',
      titleZh: '食品安全国家标准 食品中污染物限量',
      titleEn: 'Maximum levels of contaminants in foods',
      ics: ['67.040'],
      publishedOn: '2017-03-17',
      effectiveFrom: '2017-09-17',
    },
    {
      code: 'GB 2762',
      version: '2022',
      titleZh: '食品安全国家标准 食品中污染物限量',
      titleEn: 'Maximum levels of contaminants in foods',
      ics: ['67.040'],
      publishedOn: '2022-06-30',
      effectiveFrom: '2023-06-30',
      replaces: std('GB 2762', '2017'),
    },
    {
      code: 'GB/T 19001',
      version: '2016',
      titleZh: '质量管理体系 要求',
      titleEn: 'Quality management systems — Requirements',
      ics: ['03.120.10'],
      publishedOn: '2016-12-30',
      effectiveFrom: '2017-07-01',
    },
    {
      code: 'GB 7258',
      version: '2017',
      titleZh: '机动车运行安全技术条件',
      titleEn: 'Technical specifications for safety of power-driven vehicles operating on roads',
      ics: ['43.020'],
      publishedOn: '2017-09-29',
      effectiveFrom: '2018-01-01',
    },
    {
      code: 'GB/T 1591',
      version: '2008',
      titleZh: '低合金高强度结构钢',
      titleEn: 'High strength low alloy structural steels',
      ics: ['77.140.50'],
      publishedOn: '2008-05-13',
      effectiveFrom: '2008-11-01',
      ledByProvince: true,
    },
    {
      code: 'GB/T 1591',
      version: '2018',
      titleZh: '低合金高强度结构钢',
      titleEn: 'High strength low alloy structural steels',
      ics: ['77.140.50'],
      publishedOn: '2018-05-14',
      effectiveFrom: '2019-02-01',
      ledByProvince: true,
      replaces: std('GB/T 1591', '2008'),
    },
    {
      code: 'GB 18401',
      version: '2010',
      titleZh: '国家纺织产品基本安全技术规范',
      titleEn: 'National general safety technical code for textile products',
      ics: ['59.080.01'],
      publishedOn: '2011-01-14',
      effectiveFrom: '2011-08-01',
    },
    {
      code: 'GB 17820',
      version: '2018',
      titleZh: '天然气',
      titleEn: 'Natural gas',
      ics: ['75.060'],
      publishedOn: '2018-11-19',
      effectiveFrom: '2019-06-01',
    },
    {
      code: 'GB/T 2423.1',
      version: '2008',
      titleZh: '电工电子产品环境试验 第2部分：试验方法 试验A：低温',
      titleEn: 'Environmental testing — Test A: Cold',
      ics: ['19.040'],
      publishedOn: '2008-05-20',
      effectiveFrom: '2009-01-01',
    },
    {
      code: 'QC/T 29106',
      version: '2014',
      titleZh: '汽车电线束技术条件',
      titleEn: 'Technical specification of automobile wiring harness',
      ics: ['43.040.10'],
      publishedOn: '2014-05-06',
      effectiveFrom: '2014-10-01',
      ledByProvince: true,
      tc: 'HB-TC-02',
    },
    {
      code: 'DB42/T 1234',
      version: '2020',
      titleZh: '小家电产品能效测试方法',
      titleEn: 'Energy-efficiency test method for small household appliances',
      ics: ['97.030'],
      publishedOn: '2020-04-20',
      effectiveFrom: '2020-07-20',
      ledByProvince: true,
      tc: 'HB-TC-01',
    },
    {
      code: 'T/HBAS 001',
      version: '2021',
      titleZh: '新能源汽车动力电池包 振动试验规范',
      titleEn: 'Vibration test of EV battery packs',
      ics: ['43.120'],
      publishedOn: '2021-06-01',
      effectiveFrom: '2021-07-01',
      ledByProvince: true,
    },
    {
      code: 'Q/DF 001',
      version: '2022',
      titleZh: '制动总成 企业技术要求',
      titleEn: 'Brake assembly — enterprise requirements',
      ics: ['43.040.40'],
      publishedOn: '2022-01-10',
      effectiveFrom: '2022-02-01',
      ledByProvince: true,
    },
  ]
  await institute.standards.establishTc({
    commandId: id(),
    tcId: 'HB-TC-01',
    name: '湖北省家用电器标准化技术委员会',
    level: 'provincial',
    establishedOn: '2016-05-10',
  })
  await institute.standards.establishTc({
    commandId: id(),
    tcId: 'HB-TC-02',
    name: '湖北省汽车标准化技术委员会',
    level: 'provincial',
    establishedOn: '2017-03-01',
  })
  await institute.standards.establishTc({
    commandId: id(),
    tcId: 'SAC-TC46',
    name: '全国家用电器标准化技术委员会',
    level: 'national',
    establishedOn: '2000-01-01',
  })
  for (const s of standards) {
    await institute.standards.draft({
      commandId: id(),
      code: s.code,
      version: s.version,
      titleZh: s.titleZh,
      titleEn: s.titleEn,
      ics: s.ics,
      ledByProvince: s.ledByProvince ?? false,
      technicalCommittee: s.tc,
      replaces: s.replaces,
    })
    await institute.standards.publish({
      commandId: id(),
      code: s.code,
      version: s.version,
      publishedOn: s.publishedOn,
      effectiveFrom: s.effectiveFrom,
    })
  }
  await institute.standards.supersede({
    commandId: id(),
    code: 'GB 2762',
    version: '2017',
    replacedBy: std('GB 2762', '2022'),
    supersededOn: '2022-06-30',
    transitionEndsOn: '2023-06-30',
  })
  await institute.standards.supersede({
    commandId: id(),
    code: 'GB/T 1591',
    version: '2008',
    replacedBy: std('GB/T 1591', '2018'),
    supersededOn: '2018-05-14',
    transitionEndsOn: '2019-02-01',
  })
  await institute.standards.adoptInternational({
    commandId: id(),
    code: 'GB/T 19001',
    version: '2016',
    international: std('ISO 9001', '2015'),
    degree: 'IDT',
  })
  await institute.standards.adoptInternational({
    commandId: id(),
    code: 'GB/T 2423.1',
    version: '2008',
    international: std('IEC 60068-2-1', '2007'),
    degree: 'IDT',
  })
  await institute.standards.adoptInternational({
    commandId: id(),
    code: 'GB 4706.1',
    version: '2005',
    international: std('IEC 60335-1', '2004'),
    degree: 'MOD',
  })
  await institute.standards.amend({
    commandId: id(),
    code: 'GB 7258',
    version: '2017',
    summary: '第1号修改单：增加电动汽车安全要求',
    effectiveFrom: '2019-01-01',
  })

  // ---- labs and accreditation (认可) ----
  progress('labs and accreditation')
  const labs = [
    { org: o.provincialLab, kind: 'testing_lab', centreLevel: 'provincial', region: '湖北省武汉市' },
    { org: o.cityLab, kind: 'testing_lab', centreLevel: 'municipal', region: '湖北省武汉市' },
    { org: o.autoLab, kind: 'testing_lab', centreLevel: 'national', region: '湖北省襄阳市' },
    { org: o.metrology, kind: 'calibration_lab', centreLevel: 'provincial', region: '湖北省武汉市' },
    { org: o.cb, kind: 'certification_body', centreLevel: 'national', region: '湖北省武汉市' },
    { org: o.cb2, kind: 'certification_body', centreLevel: 'provincial', region: '湖北省武汉市' },
  ] as const
  for (const lab of labs) {
    await regulator.accreditation.registerLab({
      commandId: id(),
      labId: lab.org.orgId,
      name: lab.org.name,
      kind: lab.kind,
      region: lab.region,
      centreLevel: lab.centreLevel,
    })
  }
  const line = (lineId: string, object: string, parameter: string, method: ReturnType<typeof m>) => ({
    lineId,
    object,
    parameter,
    method,
  })
  const accreditations: Array<Omit<AccreditInput, 'commandId'>> = [
    {
      labId: 'HBQI',
      accreditationNo: 'CNAS L0586',
      accreditingBody: 'CNAS',
      baseStandard: 'ISO/IEC 17025',
      validFrom: '2022-03-01',
      validUntil: '2027-02-28',
      scope: [
        line('HBQI-01', '家用电器', '泄漏电流', m('GB 4706.1', '2005', '13')),
        line('HBQI-02', '家用电器', '对触及带电部件的防护', m('GB 4706.1', '2005', '8')),
        line('HBQI-03', '食品', '铅', m('GB 2762', '2022', '4.1')),
        line('HBQI-04', '食品', '铅', m('GB 2762', '2017', '4.1')),
        line('HBQI-05', '钢材', '拉伸性能', m('GB/T 1591', '2018', '6.4')),
        line('HBQI-06', '纺织品', '甲醛含量', m('GB 18401', '2010', '4.1')),
        line('HBQI-07', '小家电', '能效', m('DB42/T 1234', '2020', '5')),
      ],
    },
    {
      labId: 'WHQT',
      accreditationNo: 'CNAS L2291',
      accreditingBody: 'CNAS',
      baseStandard: 'ISO/IEC 17025',
      validFrom: '2022-06-01',
      validUntil: '2027-05-31',
      scope: [
        line('WHQT-01', '家用电器', '泄漏电流', m('GB 4706.1', '2005', '13')),
        line('WHQT-02', '天然气', '总硫', m('GB 17820', '2018', '5.2')),
      ],
    },
    {
      labId: 'NCTE',
      accreditationNo: 'CNAS L0105',
      accreditingBody: 'CNAS',
      baseStandard: 'ISO/IEC 17025',
      validFrom: '2023-01-01',
      validUntil: '2027-12-31',
      scope: [
        line('NCTE-01', '汽车', '制动性能', m('GB 7258', '2017', '7.2')),
        line('NCTE-02', '汽车零部件', '低温试验', m('GB/T 2423.1', '2008', '6')),
        line('NCTE-03', '汽车电线束', '电压降', m('QC/T 29106', '2014', '4.6')),
        line('NCTE-04', '制动总成', '制动力矩', m('Q/DF 001', '2022', '5.3')),
        line('NCTE-05', '动力电池包', '振动', m('T/HBAS 001', '2021', '4')),
      ],
    },
    {
      labId: 'HBMI',
      accreditationNo: 'CNAS L0010',
      accreditingBody: 'CNAS',
      baseStandard: 'ISO/IEC 17025',
      validFrom: '2022-01-01',
      validUntil: '2026-12-31',
      scope: [],
    },
    {
      labId: 'CQC-WH',
      accreditationNo: 'CNAS C001-M',
      accreditingBody: 'CNAS',
      baseStandard: 'ISO/IEC 17065',
      validFrom: '2022-01-01',
      validUntil: '2026-12-31',
      schemes: ['CCC', 'voluntary_product'],
    },
    {
      labId: 'HBCC',
      accreditationNo: 'CNAS C107-P',
      accreditingBody: 'CNAS',
      baseStandard: 'ISO/IEC 17065',
      validFrom: '2021-09-01',
      validUntil: '2026-08-31',
      schemes: ['voluntary_product'],
    },
  ]
  for (const a of accreditations) await regulator.accreditation.accredit({ commandId: id(), ...a })
  await regulator.accreditation.extendScope({
    commandId: id(),
    labId: 'HBCC',
    accreditationNo: 'CNAS C107-P',
    schemes: ['other'],
    on: '2023-03-01',
  })
  accreditations.find((a) => a.labId === 'HBCC')!.schemes!.push('other')

  // ---- metrology (计量): instruments and their calibrations up the traceability chain ----
  // Yearly calibrations from 2020/2021 up to the latest one due before `today`, so the demo's
  // instruments stay calibrated whatever day it is loaded on.
  const currentYear = Number(today.slice(0, 4))
  const lastCalibrationYear = Math.max(2025, today >= `${currentYear}-02-10` ? currentYear : currentYear - 1)
  progress('metrology')
  await metrology.metrology.registerInstrument({
    commandId: id(),
    instrumentId: 'HBMI-STD-I01',
    ownerLabId: 'HBMI',
    name: '直流电流标准装置',
    quantity: '电流',
    level: 'province',
  })
  await metrology.metrology.registerInstrument({
    commandId: id(),
    instrumentId: 'HBMI-STD-M01',
    ownerLabId: 'HBMI',
    name: '标准测力仪',
    quantity: '力',
    level: 'province',
  })
  await metrology.metrology.registerInstrument({
    commandId: id(),
    instrumentId: 'HBMI-STD-T01',
    ownerLabId: 'HBMI',
    name: '标准铂电阻温度计',
    quantity: '温度',
    level: 'province',
  })
  for (let year = 2020; year <= lastCalibrationYear; year++) {
    for (const [instrumentId, n] of [
      ['HBMI-STD-I01', 1],
      ['HBMI-STD-M01', 2],
      ['HBMI-STD-T01', 3],
    ] as const) {
      await metrology.metrology.calibrate({
        commandId: id(),
        instrumentId,
        certificateNo: `NIM-${year}-${n}`,
        calibratingLabId: 'NIM',
        calibratedOn: `${year}-01-05`,
        // The newest calibration of a reference standard stays valid past `today`.
        dueOn: year === lastCalibrationYear ? addDays(today, 200) : `${year + 1}-01-20`,
        uncertainty: 'U=0.02%, k=2',
      })
    }
  }
  const instruments: Array<{
    caller: DemoOrgKey
    id: string
    owner: string
    name: string
    quantity: string
    reference: string
  }> = [
    {
      caller: 'provincialLab',
      id: 'HBQI-TH-07',
      owner: 'HBQI',
      name: '泄漏电流测试仪',
      quantity: '电流',
      reference: 'HBMI-STD-I01',
    },
    {
      caller: 'provincialLab',
      id: 'HBQI-ICP-01',
      owner: 'HBQI',
      name: '电感耦合等离子体质谱仪',
      quantity: '质量浓度',
      reference: 'HBMI-STD-T01',
    },
    {
      caller: 'provincialLab',
      id: 'HBQI-UTM-03',
      owner: 'HBQI',
      name: '万能材料试验机',
      quantity: '力',
      reference: 'HBMI-STD-M01',
    },
    {
      caller: 'provincialLab',
      id: 'HBQI-FA-02',
      owner: 'HBQI',
      name: '甲醛测定仪',
      quantity: '质量浓度',
      reference: 'HBMI-STD-T01',
    },
    {
      caller: 'cityLab',
      id: 'WHQT-TH-11',
      owner: 'WHQT',
      name: '泄漏电流测试仪',
      quantity: '电流',
      reference: 'HBMI-STD-I01',
    },
    {
      caller: 'cityLab',
      id: 'WHQT-GC-05',
      owner: 'WHQT',
      name: '气相色谱仪',
      quantity: '质量浓度',
      reference: 'HBMI-STD-T01',
    },
    {
      caller: 'autoLab',
      id: 'NCTE-BRK-01',
      owner: 'NCTE',
      name: '汽车制动检验台',
      quantity: '力',
      reference: 'HBMI-STD-M01',
    },
    {
      caller: 'autoLab',
      id: 'NCTE-ENV-02',
      owner: 'NCTE',
      name: '高低温试验箱',
      quantity: '温度',
      reference: 'HBMI-STD-T01',
    },
    {
      caller: 'autoLab',
      id: 'NCTE-ENV-03',
      owner: 'NCTE',
      name: '高低温试验箱(备用)',
      quantity: '温度',
      reference: 'HBMI-STD-T01',
    },
  ]
  for (const i of instruments) {
    await callers[i.caller].metrology.registerInstrument({
      commandId: id(),
      instrumentId: i.id,
      ownerLabId: i.owner,
      name: i.name,
      quantity: i.quantity,
      level: 'working',
    })
  }
  for (let year = 2021; year <= lastCalibrationYear; year++) {
    for (const [index, i] of instruments.entries()) {
      // NCTE-ENV-03 was never recalibrated after 2024: its calibration has expired.
      if (i.id === 'NCTE-ENV-03' && year > 2024) continue
      const lastYear = year === lastCalibrationYear
      // HBQI-FA-02's current calibration falls due within the month: a "due soon" warning.
      const dueOn =
        lastYear && i.id === 'HBQI-FA-02'
          ? addDays(today, 12)
          : lastYear
            ? addDays(today, 200)
            : `${year + 1}-02-15`
      await metrology.metrology.calibrate({
        commandId: id(),
        instrumentId: i.id,
        certificateNo: `HBMI-${year}-${String(index + 1).padStart(3, '0')}`,
        calibratingLabId: 'HBMI',
        calibratedOn: `${year}-02-10`,
        dueOn,
        uncertainty: 'U=0.5%, k=2',
        referenceInstrumentId: i.reference,
      })
    }
  }

  // ---- enterprises, lines, products, markets (产业) ----
  progress('enterprises and products')
  const enterprises = [
    { org: o.dongfeng, industry: 'automotive', region: '湖北省武汉市' },
    { org: o.steel, industry: 'metallurgy', region: '湖北省武汉市' },
    { org: o.appliance, industry: 'equipment', region: '湖北省武汉市' },
    { org: o.food, industry: 'food', region: '湖北省武汉市' },
    { org: o.textile, industry: 'textile', region: '湖北省襄阳市' },
    { org: o.petro, industry: 'petrochemical', region: '湖北省武汉市' },
  ] as const
  for (const e of enterprises) {
    await regulator.industrialization.registerEnterprise({
      commandId: id(),
      enterpriseId: e.org.orgId,
      name: e.org.name,
      region: e.region,
      industry: e.industry,
    })
  }
  const products: Array<{
    caller: DemoOrgKey
    productId: string
    name: string
    model: string
    industry: 'automotive' | 'metallurgy' | 'equipment' | 'food' | 'textile' | 'petrochemical'
    line: string
    lineName: string
    standards: Array<{ code: string; version: string }>
    exportLine?: string
    exportStandards?: Array<{ code: string; version: string }>
    destination?: string
  }> = [
    {
      caller: 'dongfeng',
      productId: 'DF-WH-100',
      name: '汽车电线束',
      model: 'WH-100',
      industry: 'automotive',
      line: 'DF-L1',
      lineName: '线束一线',
      standards: [std('QC/T 29106', '2014')],
      exportLine: 'DF-L1',
      exportStandards: [std('QC/T 29106', '2014')],
      destination: '法国',
    },
    {
      caller: 'dongfeng',
      productId: 'DF-BR-200',
      name: '制动总成',
      model: 'BR-200',
      industry: 'automotive',
      line: 'DF-L2',
      lineName: '制动总成线',
      standards: [std('GB 7258', '2017'), std('Q/DF 001', '2022')],
      exportLine: 'DF-L2',
      exportStandards: [std('GB 7258', '2017')],
      destination: '俄罗斯',
    },
    {
      caller: 'steel',
      productId: 'WG-Q355B',
      name: '低合金高强度结构钢',
      model: 'Q355B',
      industry: 'metallurgy',
      line: 'WG-HR1',
      lineName: '热轧一线',
      standards: [std('GB/T 1591', '2018')],
      exportLine: 'WG-HR1',
      exportStandards: [std('GB/T 1591', '2018')],
      destination: '越南',
    },
    {
      caller: 'appliance',
      productId: 'MJ-17',
      name: '电热水壶',
      model: 'MJ-17',
      industry: 'equipment',
      line: 'MJ-A1',
      lineName: '小家电总装线',
      standards: [std('GB 4706.1', '2005')],
      exportLine: 'MJ-A1',
      exportStandards: [std('GB 4706.1', '2005')],
      destination: '法国',
    },
    {
      caller: 'appliance',
      productId: 'MJ-30',
      name: '电饭煲',
      model: 'MJ-30',
      industry: 'equipment',
      line: 'MJ-A1',
      lineName: '小家电总装线',
      standards: [std('GB 4706.1', '2005')],
    },
    {
      caller: 'food',
      productId: 'ZH-YB-01',
      name: '卤鸭脖',
      model: '250g 真空装',
      industry: 'food',
      line: 'ZH-F1',
      lineName: '卤制品生产线',
      standards: [std('GB 2762', '2022')],
      exportLine: 'ZH-F1',
      exportStandards: [std('GB 2762', '2022')],
      destination: '新加坡',
    },
    {
      caller: 'textile',
      productId: 'JH-T01',
      name: '工装面料',
      model: 'T01-涤棉',
      industry: 'textile',
      line: 'JH-W1',
      lineName: '织造一线',
      standards: [std('GB 18401', '2010')],
      exportLine: 'JH-W2',
      exportStandards: [std('GB 18401', '2010')],
      destination: '哈萨克斯坦',
    },
    {
      caller: 'petro',
      productId: 'SH-LNG',
      name: '液化天然气',
      model: '一类气',
      industry: 'petrochemical',
      line: 'SH-G1',
      lineName: 'LNG 装置',
      standards: [std('GB 17820', '2018')],
    },
  ]
  const registeredLines = new Set<string>()
  for (const p of products) {
    const enterpriseId = demoOrganisations[p.caller].orgId
    for (const [lineId, name] of [
      [p.line, p.lineName],
      ...(p.exportLine && p.exportLine !== p.line ? [[p.exportLine, `${p.lineName}(出口)`]] : []),
    ] as const) {
      if (registeredLines.has(lineId)) continue
      registeredLines.add(lineId)
      await callers[p.caller].industrialization.registerProductionLine({
        commandId: id(),
        lineId,
        enterpriseId,
        name,
        location: '湖北省',
      })
    }
    await callers[p.caller].industrialization.registerProduct({
      commandId: id(),
      productId: p.productId,
      enterpriseId,
      name: p.name,
      model: p.model,
      industry: p.industry,
      standards: p.standards,
    })
    await callers[p.caller].industrialization.declareProductMarket({
      commandId: id(),
      productId: p.productId,
      market: 'domestic',
      lineId: p.line,
      standards: p.standards,
      declaredOn: '2023-01-10',
    })
    if (p.exportLine && p.exportStandards) {
      await callers[p.caller].industrialization.declareProductMarket({
        commandId: id(),
        productId: p.productId,
        market: 'export',
        lineId: p.exportLine,
        standards: p.exportStandards,
        destination: p.destination,
        declaredOn: '2023-01-10',
      })
    }
  }
  await regulator.industrialization.grantProductionLicence({
    commandId: id(),
    licenceNo: 'SC10642010000123',
    enterpriseId: o.food.orgId,
    productCategory: '肉制品',
    procedure: 'commitment_based',
    grantedOn: '2022-04-01',
    expiresOn: '2027-03-31',
  })
  await regulator.industrialization.grantProductionLicence({
    commandId: id(),
    licenceNo: 'XK05-001-00012',
    enterpriseId: o.steel.orgId,
    productCategory: '建筑用钢筋',
    procedure: 'licence_first_verify_later',
    grantedOn: '2021-07-01',
    expiresOn: '2026-06-30',
  })
  await regulator.industrialization.grantProductionLicence({
    commandId: id(),
    licenceNo: 'XK13-014-00033',
    enterpriseId: o.petro.orgId,
    productCategory: '危险化学品',
    procedure: 'ordinary',
    grantedOn: '2023-02-01',
    expiresOn: '2028-01-31',
  })
  for (const [enterprise, productId, year] of [
    [o.appliance, 'MJ-17', 2022],
    [o.steel, 'WG-Q355B', 2021],
    [o.dongfeng, 'DF-WH-100', 2023],
    [o.food, 'ZH-YB-01', 2024],
  ] as const) {
    await regulator.industrialization.awardBrandTitle({
      commandId: id(),
      enterpriseId: enterprise.orgId,
      productId,
      year,
      awardedOn: `${year}-12-20`,
    })
  }
  await regulator.industrialization.designateDemoZone({
    commandId: id(),
    zoneId: 'ZONE-WHEDZ',
    name: '武汉经济技术开发区 全国质量强市示范区',
    level: 'national',
    designatedOn: '2019-09-01',
  })
  await regulator.industrialization.designateDemoZone({
    commandId: id(),
    zoneId: 'ZONE-XYHT',
    name: '襄阳高新区 质量提升示范区',
    level: 'provincial',
    designatedOn: '2020-05-01',
  })
  await regulator.industrialization.designateDemoZone({
    commandId: id(),
    zoneId: 'ZONE-YC',
    name: '宜昌市 质量提升示范区',
    level: 'provincial',
    designatedOn: '2021-05-01',
  })

  // ---- test reports (检验检测) ----
  progress('test reports')
  const report = (
    caller: DemoOrgKey,
    r: {
      reportNo: string
      accreditationNo: string
      product: DemoProduct
      tested: [string, string]
      issuedOn: string
      results: Array<{
        method: ReturnType<typeof m>
        parameter: string
        value: string
        unit: string
        limit: string
      }>
      instrumentIds: string[]
    },
  ) =>
    callers[caller].testing.issueReport({
      commandId: id(),
      reportNo: r.reportNo,
      labId: demoOrganisations[caller].orgId,
      accreditationNo: r.accreditationNo,
      customer: { name: r.product.enterprise.name, enterpriseId: r.product.enterprise.orgId },
      sample: {
        productId: r.product.productId,
        productName: r.product.name,
        model: r.product.model,
        batch: `${r.tested[0].replaceAll('-', '')}-01`,
        receivedOn: r.tested[0],
      },
      testedFrom: r.tested[0],
      testedTo: r.tested[1],
      results: r.results.map((x) => ({ ...x, verdict: 'pass' as const, uncertainty: 'U=2%, k=2' })),
      decisionRule: 'simple_acceptance',
      conformity: 'conforms',
      instrumentIds: r.instrumentIds,
      signatory: '授权签字人 张伟',
      issuedOn: r.issuedOn,
    })
  const kettle: DemoProduct = {
    productId: 'MJ-17',
    name: '电热水壶',
    model: 'MJ-17',
    enterprise: o.appliance,
  }
  const cooker = { productId: 'MJ-30', name: '电饭煲', model: 'MJ-30', enterprise: o.appliance }
  const duckNeck = { productId: 'ZH-YB-01', name: '卤鸭脖', model: '250g 真空装', enterprise: o.food }
  const steelPlate = {
    productId: 'WG-Q355B',
    name: '低合金高强度结构钢',
    model: 'Q355B',
    enterprise: o.steel,
  }
  const fabric = { productId: 'JH-T01', name: '工装面料', model: 'T01-涤棉', enterprise: o.textile }
  const harness = { productId: 'DF-WH-100', name: '汽车电线束', model: 'WH-100', enterprise: o.dongfeng }
  const brake = { productId: 'DF-BR-200', name: '制动总成', model: 'BR-200', enterprise: o.dongfeng }
  const lng = { productId: 'SH-LNG', name: '液化天然气', model: '一类气', enterprise: o.petro }
  await report('provincialLab', {
    reportNo: 'HBQI-2023-0001',
    accreditationNo: 'CNAS L0586',
    product: kettle,
    tested: ['2023-03-10', '2023-03-12'],
    issuedOn: '2023-03-20',
    instrumentIds: ['HBQI-TH-07'],
    results: [
      {
        method: m('GB 4706.1', '2005', '13'),
        parameter: '泄漏电流',
        value: '0.12',
        unit: 'mA',
        limit: '≤0.75',
      },
      {
        method: m('GB 4706.1', '2005', '8'),
        parameter: '对触及带电部件的防护',
        value: '符合',
        unit: '',
        limit: '—',
      },
    ],
  })
  await report('provincialLab', {
    reportNo: 'HBQI-2023-0101',
    accreditationNo: 'CNAS L0586',
    product: duckNeck,
    tested: ['2023-08-01', '2023-08-03'],
    issuedOn: '2023-08-10',
    instrumentIds: ['HBQI-ICP-01'],
    results: [
      {
        method: m('GB 2762', '2022', '4.1'),
        parameter: '铅(以Pb计)',
        value: '0.05',
        unit: 'mg/kg',
        limit: '≤0.2',
      },
    ],
  })
  await report('provincialLab', {
    reportNo: 'HBQI-2024-0201',
    accreditationNo: 'CNAS L0586',
    product: steelPlate,
    tested: ['2024-04-08', '2024-04-09'],
    issuedOn: '2024-04-15',
    instrumentIds: ['HBQI-UTM-03'],
    results: [
      {
        method: m('GB/T 1591', '2018', '6.4'),
        parameter: '下屈服强度',
        value: '372',
        unit: 'MPa',
        limit: '≥355',
      },
    ],
  })
  await report('provincialLab', {
    reportNo: 'HBQI-2024-0301',
    accreditationNo: 'CNAS L0586',
    product: fabric,
    tested: ['2024-05-20', '2024-05-21'],
    issuedOn: '2024-05-28',
    instrumentIds: ['HBQI-FA-02'],
    results: [
      {
        method: m('GB 18401', '2010', '4.1'),
        parameter: '甲醛含量',
        value: '18',
        unit: 'mg/kg',
        limit: '≤75',
      },
    ],
  })
  await report('autoLab', {
    reportNo: 'NCTE-2024-0001',
    accreditationNo: 'CNAS L0105',
    product: harness,
    tested: ['2024-06-03', '2024-06-07'],
    issuedOn: '2024-06-14',
    instrumentIds: ['NCTE-ENV-02'],
    results: [
      { method: m('QC/T 29106', '2014', '4.6'), parameter: '电压降', value: '3.1', unit: 'mV', limit: '≤5' },
      {
        method: m('GB/T 2423.1', '2008', '6'),
        parameter: '低温试验 -40 ℃',
        value: '无异常',
        unit: '',
        limit: '—',
      },
    ],
  })
  await report('autoLab', {
    reportNo: 'NCTE-2024-0002',
    accreditationNo: 'CNAS L0105',
    product: brake,
    tested: ['2024-07-01', '2024-07-03'],
    issuedOn: '2024-07-10',
    instrumentIds: ['NCTE-BRK-01'],
    results: [
      { method: m('GB 7258', '2017', '7.2'), parameter: '制动力', value: '62', unit: '%', limit: '≥60' },
      {
        method: m('Q/DF 001', '2022', '5.3'),
        parameter: '制动力矩',
        value: '1850',
        unit: 'N·m',
        limit: '≥1800',
      },
    ],
  })
  await report('cityLab', {
    reportNo: 'WHQT-2024-0009',
    accreditationNo: 'CNAS L2291',
    product: cooker,
    tested: ['2024-09-02', '2024-09-03'],
    issuedOn: '2024-09-10',
    instrumentIds: ['WHQT-TH-11'],
    results: [
      {
        method: m('GB 4706.1', '2005', '13'),
        parameter: '泄漏电流',
        value: '0.2',
        unit: 'mA',
        limit: '≤0.75',
      },
    ],
  })
  await report('cityLab', {
    reportNo: 'WHQT-2025-0001',
    accreditationNo: 'CNAS L2291',
    product: lng,
    tested: ['2025-03-03', '2025-03-04'],
    issuedOn: '2025-03-12',
    instrumentIds: ['WHQT-GC-05'],
    results: [
      {
        method: m('GB 17820', '2018', '5.2'),
        parameter: '总硫(以硫计)',
        value: '8',
        unit: 'mg/m³',
        limit: '≤20',
      },
    ],
  })
  await report('provincialLab', {
    reportNo: 'HBQI-2025-0005',
    accreditationNo: 'CNAS L0586',
    product: kettle,
    tested: ['2025-04-01', '2025-04-02'],
    issuedOn: '2025-04-08',
    instrumentIds: ['HBQI-TH-07'],
    results: [
      {
        method: m('GB 4706.1', '2005', '13'),
        parameter: '泄漏电流',
        value: '0.14',
        unit: 'mA',
        limit: '≤0.75',
      },
    ],
  })
  // The lab found a typing error in the sample model and issued an amended report.
  await callers.provincialLab.testing.amendReport({
    commandId: id(),
    reportNo: 'HBQI-2025-0006',
    previousReportNo: 'HBQI-2025-0005',
    reason: '样品型号录入错误，更正为 MJ-17S',
    labId: 'HBQI',
    accreditationNo: 'CNAS L0586',
    customer: { name: o.appliance.name, enterpriseId: o.appliance.orgId },
    sample: { productId: 'MJ-17', productName: '电热水壶', model: 'MJ-17S', receivedOn: '2025-04-01' },
    testedFrom: '2025-04-01',
    testedTo: '2025-04-02',
    results: [
      {
        method: m('GB 4706.1', '2005', '13'),
        parameter: '泄漏电流',
        value: '0.14',
        unit: 'mA',
        limit: '≤0.75',
        verdict: 'pass',
      },
    ],
    decisionRule: 'simple_acceptance',
    conformity: 'conforms',
    instrumentIds: ['HBQI-TH-07'],
    signatory: '授权签字人 张伟',
    issuedOn: '2025-04-15',
  })

  // ---- certificates (认证) ----
  progress('certificates')
  const certificate = (
    caller: 'cb' | 'cb2',
    c: {
      certificateNo: string
      scheme: 'CCC' | 'voluntary_product'
      product: DemoProduct
      standards: Array<{ code: string; version: string }>
      basisReports: string[]
      issuedOn: string
      expiresOn: string
      line: string
    },
  ) =>
    callers[caller].certification.issueCertificate({
      commandId: id(),
      certificateNo: c.certificateNo,
      bodyId: demoOrganisations[caller].orgId,
      accreditationNo: caller === 'cb' ? 'CNAS C001-M' : 'CNAS C107-P',
      holder: { enterpriseId: c.product.enterprise.orgId, name: c.product.enterprise.name },
      manufacturer: { enterpriseId: c.product.enterprise.orgId, name: c.product.enterprise.name },
      factory: { productionLineId: c.line, address: '湖北省' },
      product: { productId: c.product.productId, name: c.product.name, models: [c.product.model] },
      scheme: c.scheme,
      standards: c.standards,
      basisReports: c.basisReports,
      issuedOn: c.issuedOn,
      expiresOn: c.expiresOn,
    })
  await certificate('cb', {
    certificateNo: 'CCC-2023-0107001',
    scheme: 'CCC',
    product: kettle,
    standards: [std('GB 4706.1', '2005')],
    basisReports: ['HBQI-2023-0001'],
    issuedOn: '2023-04-01',
    expiresOn: '2028-03-31',
    line: 'MJ-A1',
  })
  await certificate('cb', {
    certificateNo: 'CCC-2024-0107044',
    scheme: 'CCC',
    product: cooker,
    standards: [std('GB 4706.1', '2005')],
    basisReports: ['WHQT-2024-0009'],
    issuedOn: '2024-09-20',
    expiresOn: '2029-09-19',
    line: 'MJ-A1',
  })
  await certificate('cb2', {
    certificateNo: 'HBCC-P-2023-0311',
    scheme: 'voluntary_product',
    product: duckNeck,
    standards: [std('GB 2762', '2022')],
    basisReports: ['HBQI-2023-0101'],
    issuedOn: '2023-09-01',
    expiresOn: '2026-08-31',
    line: 'ZH-F1',
  })
  await certificate('cb2', {
    certificateNo: 'HBCC-P-2024-0420',
    scheme: 'voluntary_product',
    product: steelPlate,
    standards: [std('GB/T 1591', '2018')],
    basisReports: ['HBQI-2024-0201'],
    issuedOn: '2024-05-06',
    expiresOn: '2027-05-05',
    line: 'WG-HR1',
  })
  await certificate('cb2', {
    certificateNo: 'HBCC-P-2024-0533',
    scheme: 'voluntary_product',
    product: fabric,
    standards: [std('GB 18401', '2010')],
    basisReports: ['HBQI-2024-0301'],
    issuedOn: '2024-06-10',
    expiresOn: '2027-06-09',
    line: 'JH-W1',
  })
  await certificate('cb', {
    certificateNo: 'CQC-P-2024-0614',
    scheme: 'voluntary_product',
    product: harness,
    standards: [std('QC/T 29106', '2014')],
    basisReports: ['NCTE-2024-0001'],
    issuedOn: '2024-06-28',
    expiresOn: '2029-06-27',
    line: 'DF-L1',
  })
  await certificate('cb', {
    certificateNo: 'CCC-2024-0720015',
    scheme: 'CCC',
    product: brake,
    standards: [std('GB 7258', '2017')],
    basisReports: ['NCTE-2024-0002'],
    issuedOn: '2024-07-25',
    expiresOn: '2029-07-24',
    line: 'DF-L2',
  })
  await callers.cb2.certification.suspendCertificate({
    commandId: id(),
    certificateNo: 'HBCC-P-2024-0533',
    from: '2025-06-15',
    reason: '年度监督审核未按期进行',
  })

  // ---- changes that ripple through the chain ----
  progress('revocations, recalls and suspensions')
  await callers.cityLab.testing.revokeReport({
    commandId: id(),
    reportNo: 'WHQT-2024-0009',
    revokedOn: '2025-05-20',
    reason: '复核发现样品非委托方生产',
  })
  await callers.food.industrialization.recallProduct({
    commandId: id(),
    recallId: 'RC-2025-017',
    productId: 'ZH-YB-01',
    enterpriseId: o.food.orgId,
    batches: ['20250702-01'],
    reason: '部分批次包装密封不良，存在胀袋风险',
    announcedOn: '2025-07-15',
    ordered: false,
  })
  await regulator.accreditation.suspend({
    commandId: id(),
    labId: 'WHQT',
    accreditationNo: 'CNAS L2291',
    reason: '监督评审发现质量体系运行不符合',
    from: '2025-10-01',
  })

  // ---- renewals: CNAS renews under the same number. Keep the demo's accreditations in force for
  // half a year beyond `today`, so work recorded today (in the UI, in tests) is accredited. A
  // suspended accreditation (WHQT) cannot be renewed and stays as it is.
  progress('accreditation renewals')
  for (const a of accreditations) {
    if (a.labId === 'WHQT') continue
    let validUntil = a.validUntil
    while (validUntil < addDays(today, 180)) {
      // The next five-year term starts the day after the last one ends.
      const validFrom = addDays(validUntil, 1)
      validUntil = addDays(`${Number(validFrom.slice(0, 4)) + 5}${validFrom.slice(4)}`, -1)
      await regulator.accreditation.accredit({ commandId: id(), ...a, validFrom, validUntil })
    }
  }

  progress('licensing reforms')
  await loadLicensingDemo(platform, today)

  const head = await platform.store.headPosition()
  await Promise.all(platform.runners().map((runner) => runner.waitFor(head, 60_000)))
  return { keys, events: Number(head ?? 0n) }
}
