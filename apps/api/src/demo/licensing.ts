import { actOnDeadlines } from '@qi/licensing'
import { type Actor, createCallerFactory, type ServiceDeps } from '@qi/trpc'
import type { Platform } from '../platform'
import { appRouter } from '../root'
import { demoOrganisations } from './organisations'

const createCaller = createCallerFactory(appRouter)

const addDays = (date: string, days: number) => {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

const actorOf = (key: keyof typeof demoOrganisations): Actor => {
  const org = demoOrganisations[key]
  return { userId: `${org.orgId.toLowerCase()}-demo`, org: org.orgId, orgName: org.name, role: org.role }
}
const ADMIN: Actor = { userId: 'demo-admin', org: 'qi-ledger', orgName: 'QI Ledger', role: 'admin' }

const commitmentText =
  '本单位承诺：所填报的申请材料真实、合法、有效，已具备许可所要求的条件，如有不实，愿承担相应法律责任并接受撤销许可的处理。'

/**
 * The licensing reforms in every state (seed items 十九–二十一), relative to `today`: licences
 * verified, awaiting verification, failed (revoked), missed (suspended, by the deadline timer),
 * suspended and restored after a re-verification, and expired (by the timer) then replaced;
 * legacy licences migrated into one licence per enterprise; approvals on commitment verified,
 * pending, found false and overdue; C-mark declarations confirmed, withdrawn, under check and
 * unsampled; parallel applications approved, refused, waiting on one branch and overdue; an
 * operator examination body with passed and failed exams; manufacturing qualifications with and
 * without a derived installation/repair qualification.
 * Each step runs on a clock set to its business date, so the history reads as it happened;
 * commandIds are fixed, so a second load changes nothing.
 */
export async function loadLicensingDemo(platform: Platform, today: string) {
  /** The platform's deps with the clock on `daysAgo` days before today. */
  const depsAt = (daysAgo: number): ServiceDeps => ({
    store: platform.store,
    runner: (name) => platform.runner(name),
    runners: () => platform.runners(),
    now: () => new Date(`${addDays(today, -daysAgo)}T09:00:00.000Z`),
  })
  const as = (actor: Actor, daysAgo: number) =>
    createCaller({ actor, invalidApiKey: false, requestId: 'demo', deps: depsAt(daysAgo) }).licensing
  const day = (daysAgo: number) => addDays(today, -daysAgo)
  const o = demoOrganisations
  const regulator = actorOf('regulator')
  const institute = actorOf('metrology')
  let n = 0
  const id = () => `demo-licensing-${String(++n).padStart(3, '0')}`
  const commitment = (daysAgo: number, signer: string) => ({
    text: commitmentText,
    signer,
    signedOn: day(daysAgo),
  })

  // 一企一证: the per-category licences granted before become scope lines of one licence each.
  await as(ADMIN, 0).migrateLegacyLicences({})

  // ---- 先证后核 ----
  await as(actorOf('dongfeng'), 100).applyForLicence({
    commandId: id(),
    enterpriseId: o.dongfeng.orgId,
    applicationId: 'XKSQ-2025-0101',
    kind: 'new',
    licenceNo: 'XK42-006-00101',
    productCategories: ['机动车制动器', '汽车安全带'],
    site: '武汉经济技术开发区车城北路 18 号',
    appliedOn: day(101),
    expiresOn: addDays(today, 5 * 365),
    products: ['DF-BR-200', 'DF-WH-100'],
  })
  await as(regulator, 80).recordOnSiteVerification({
    commandId: id(),
    enterpriseId: o.dongfeng.orgId,
    applicationId: 'XKSQ-2025-0101',
    verifiedOn: day(80),
    passed: true,
  })
  // Restored: a relocation failed its verification (suspended), passed the re-verification, and
  // the regulator lifted the suspension.
  await as(actorOf('dongfeng'), 70).applyForLicence({
    commandId: id(),
    enterpriseId: o.dongfeng.orgId,
    applicationId: 'XKSQ-2025-0107',
    kind: 'relocation',
    productCategories: ['机动车制动器'],
    site: '武汉经济技术开发区军山街 6 号',
    appliedOn: day(71),
  })
  await as(regulator, 60).recordOnSiteVerification({
    commandId: id(),
    enterpriseId: o.dongfeng.orgId,
    applicationId: 'XKSQ-2025-0107',
    verifiedOn: day(60),
    passed: false,
    findings: '新址制动器总成耐久试验台尚未完成安装调试',
    consequence: 'suspended',
  })
  await as(regulator, 50).recordOnSiteVerification({
    commandId: id(),
    enterpriseId: o.dongfeng.orgId,
    applicationId: 'XKSQ-2025-0107',
    verifiedOn: day(50),
    passed: true,
  })
  await as(regulator, 49).restoreLicence({
    commandId: id(),
    enterpriseId: o.dongfeng.orgId,
    on: day(49),
    reason: '整改完成，复核通过，恢复许可',
    applicationId: 'XKSQ-2025-0107',
  })
  await as(actorOf('dongfeng'), 10).applyForLicence({
    commandId: id(),
    enterpriseId: o.dongfeng.orgId,
    applicationId: 'XKSQ-2025-0102',
    kind: 'scope_extension',
    productCategories: ['汽车制动软管'],
    site: '武汉经济技术开发区车城北路 18 号',
    appliedOn: day(12),
  })
  await as(actorOf('steel'), 8).applyForLicence({
    commandId: id(),
    enterpriseId: o.steel.orgId,
    applicationId: 'XKSQ-2025-0106',
    kind: 'renewal',
    productCategories: ['建筑用钢筋'],
    site: '武汉市青山区和平大道',
    appliedOn: day(9),
    expiresOn: addDays(today, 5 * 365),
  })
  await as(actorOf('appliance'), 45).applyForLicence({
    commandId: id(),
    enterpriseId: o.appliance.orgId,
    applicationId: 'XKSQ-2025-0103',
    kind: 'new',
    licenceNo: 'XK42-010-00103',
    productCategories: ['电热水器'],
    site: '武汉市东西湖区走马岭',
    appliedOn: day(46),
    expiresOn: addDays(today, 5 * 365),
    products: ['MJ-17'],
  })
  await as(actorOf('petro'), 20).applyForLicence({
    commandId: id(),
    enterpriseId: o.petro.orgId,
    applicationId: 'XKSQ-2025-0104',
    kind: 'renewal',
    productCategories: ['危险化学品'],
    site: '武汉化学工业区',
    appliedOn: day(22),
    expiresOn: '2033-01-31',
    products: ['SH-LNG'],
  })
  await as(regulator, 5).recordOnSiteVerification({
    commandId: id(),
    enterpriseId: o.petro.orgId,
    applicationId: 'XKSQ-2025-0104',
    verifiedOn: day(5),
    passed: false,
    findings: '现场核查发现储罐区安全距离不符合要求，申请材料中的安全评价报告系伪造',
    consequence: 'revoked',
  })
  // Expired: a licence whose validity ended without a renewal; the deadline timer expired it, and
  // the enterprise's licence slot was free for the new licence below.
  await as(actorOf('textile'), 400).applyForLicence({
    commandId: id(),
    enterpriseId: o.textile.orgId,
    applicationId: 'XKSQ-2024-0090',
    kind: 'new',
    licenceNo: 'XK42-020-00090',
    productCategories: ['防护服装'],
    site: '襄阳市樊城区',
    appliedOn: day(401),
    expiresOn: day(35),
  })
  await as(regulator, 390).recordOnSiteVerification({
    commandId: id(),
    enterpriseId: o.textile.orgId,
    applicationId: 'XKSQ-2024-0090',
    verifiedOn: day(390),
    passed: true,
  })
  await platform.runner('licensing.processes').waitFor(await platform.store.headPosition(), 60_000)
  await actOnDeadlines(depsAt(30))
  await as(actorOf('textile'), 3).applyForLicence({
    commandId: id(),
    enterpriseId: o.textile.orgId,
    applicationId: 'XKSQ-2025-0105',
    kind: 'new',
    licenceNo: 'XK42-020-00105',
    productCategories: ['防护服装'],
    site: '襄阳市高新区',
    appliedOn: day(3),
    expiresOn: addDays(today, 5 * 365),
    products: ['JH-T01'],
  })

  // ---- 告知承诺制 ----
  const lab = (key: 'provincialLab' | 'cityLab' | 'autoLab') => actorOf(key)
  await as(lab('provincialLab'), 60).approveOnCommitment({
    commandId: id(),
    approvalId: 'CMA-2025-0201',
    holderId: o.provincialLab.orgId,
    matter: 'lab_qualification_extension',
    scope: ['GB 4706.1-2005 家用电器安全通用要求'],
    commitment: commitment(60, '李明（最高管理者）'),
  })
  await as(regulator, 20).recordCommitmentInspection({
    commandId: id(),
    approvalId: 'CMA-2025-0201',
    inspectedOn: day(20),
    truthful: true,
  })
  // WHQT's re-assessment, approved on a commitment in January 2025 and found false in September
  // (fixed dates, before its accreditation was suspended): the testing.false-commitment policy flags
  // the report it issued in between (WHQT-2025-0001).
  const daysAgoOf = (date: string) =>
    Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${date}T00:00:00Z`)) / 86_400_000)
  await as(lab('cityLab'), daysAgoOf('2025-01-06')).approveOnCommitment({
    commandId: id(),
    approvalId: 'CMA-2025-0202',
    holderId: o.cityLab.orgId,
    matter: 'lab_qualification_reassessment',
    scope: ['GB 2762-2022 食品中污染物限量'],
    commitment: { text: commitmentText, signer: '王强（技术负责人）', signedOn: '2025-01-06' },
  })
  await as(regulator, daysAgoOf('2025-09-01')).recordCommitmentInspection({
    commandId: id(),
    approvalId: 'CMA-2025-0202',
    inspectedOn: '2025-09-01',
    truthful: false,
    findings: '承诺书所列的原子吸收光谱仪未配置，承诺的授权签字人未在本机构执业',
  })
  await as(lab('autoLab'), 5).approveOnCommitment({
    commandId: id(),
    approvalId: 'CMA-2025-0203',
    holderId: o.autoLab.orgId,
    matter: 'lab_qualification_first',
    scope: ['GB 7258-2017 机动车运行安全技术条件'],
    commitment: commitment(5, '赵伟（最高管理者）'),
  })
  await as(actorOf('food'), 120).approveOnCommitment({
    commandId: id(),
    approvalId: 'CMA-2025-0204',
    holderId: o.food.orgId,
    matter: 'metrology_repair',
    scope: ['非自动衡器（修理）'],
    commitment: commitment(120, '周华（法定代表人）'),
  })

  // ---- C 标志自我声明 ----
  for (const [key, products] of [
    ['food', ['鸭脖 200 g 定量包装']],
    ['textile', ['毛巾 3 条装']],
  ] as const) {
    await as(actorOf(key), 50).declareCMark({
      commandId: id(),
      enterpriseId: o[key].orgId,
      products: [...products],
      commitment: commitment(50, `${o[key].name} 法定代表人`),
    })
  }
  await as(regulator, 40).sampleCMarkDeclarations({ round: 'CMARK-2025-1', count: 2 })
  await as(regulator, 30).recordCMarkCheck({
    commandId: id(),
    enterpriseId: o.food.orgId,
    checkId: `CMARK-2025-1-${o.food.orgId}`,
    checkedOn: day(30),
    passed: false,
    findings: '抽检 10 件中 4 件净含量短缺超过允许短缺量',
  })
  await as(regulator, 30).recordCMarkCheck({
    commandId: id(),
    enterpriseId: o.textile.orgId,
    checkId: `CMARK-2025-1-${o.textile.orgId}`,
    checkedOn: day(30),
    passed: true,
  })
  for (const [key, products] of [
    ['appliance', ['除垢剂 500 mL']],
    ['petro', ['润滑油 4 L']],
  ] as const) {
    await as(actorOf(key), 30).declareCMark({
      commandId: id(),
      enterpriseId: o[key].orgId,
      products: [...products],
      commitment: commitment(30, `${o[key].name} 法定代表人`),
    })
  }
  await as(regulator, 20).sampleCMarkDeclarations({ round: 'CMARK-2025-2', count: 1 })

  // ---- 并联审批 ----
  const file = (
    key: 'dongfeng' | 'appliance' | 'petro' | 'textile',
    applicationId: string,
    instrument: string,
    daysAgo: number,
  ) =>
    as(actorOf(key), daysAgo)
      .fileParallelApplication({ commandId: id(), applicationId, enterpriseId: o[key].orgId, instrument })
      .then(async () => {
        // The approvals office binds each branch to its reviewing department on the day it is filed;
        // the fuel dispenser's type approval went to the Wuhan institute (WHMI, not a demo login).
        const reviewers = {
          type_approval: applicationId === 'BLSP-2025-0303' ? 'WHMI' : institute.org,
          manufacturing_licence: regulator.org,
        } as const
        for (const branch of ['type_approval', 'manufacturing_licence'] as const) {
          await as(regulator, daysAgo).assignParallelBranch({
            commandId: id(),
            applicationId,
            branch,
            reviewerOrg: reviewers[branch],
          })
        }
      })
  await file('dongfeng', 'BLSP-2025-0301', '轮胎气压表', 30)
  await as(institute, 18).decideParallelBranch({
    commandId: id(),
    applicationId: 'BLSP-2025-0301',
    branch: 'type_approval',
    approved: true,
  })
  await as(regulator, 15).decideParallelBranch({
    commandId: id(),
    applicationId: 'BLSP-2025-0301',
    branch: 'manufacturing_licence',
    approved: true,
  })
  await file('appliance', 'BLSP-2025-0302', '电子计价秤', 10)
  await as(institute, 5).decideParallelBranch({
    commandId: id(),
    applicationId: 'BLSP-2025-0302',
    branch: 'type_approval',
    approved: true,
  })
  await file('petro', 'BLSP-2025-0303', '燃油加油机', 25)
  await file('textile', 'BLSP-2025-0304', '织物色牢度测试仪', 20)
  await as(institute, 12).decideParallelBranch({
    commandId: id(),
    applicationId: 'BLSP-2025-0304',
    branch: 'type_approval',
    approved: false,
    reason: '样机示值误差超出最大允许误差',
  })

  // ---- 特种设备 ----
  await as(regulator, 60).approveExaminationBody({
    commandId: id(),
    bodyId: o.steel.orgId,
    name: '武钢特种设备作业人员考试点',
    categories: ['G1 工业锅炉司炉', 'Q2 起重机司机'],
  })
  for (const [examId, candidate, category, passed] of [
    ['WG-KS-2025-001', '陈刚', 'Q2 起重机司机', true],
    ['WG-KS-2025-002', '黄磊', 'Q2 起重机司机', false],
    ['WG-KS-2025-003', '吴敏', 'G1 工业锅炉司炉', true],
  ] as const) {
    await as(actorOf('steel'), 30).recordOperatorExam({
      commandId: id(),
      bodyId: o.steel.orgId,
      examId,
      candidate,
      category,
      examinedOn: day(30),
      passed,
    })
  }
  await as(regulator, 400).recordManufacturingQualification({
    commandId: id(),
    enterpriseId: o.petro.orgId,
    qualificationNo: 'TS2242017-2028',
    equipmentCategory: '压力容器 A2',
    grantedOn: day(400),
    expiresOn: addDays(today, 2 * 365),
  })
  await as(actorOf('petro'), 7).applyForDerivedQualification({
    commandId: id(),
    enterpriseId: o.petro.orgId,
    qualificationNo: 'TS2242017-2028',
    activities: ['installation', 'repair'],
  })
  await as(regulator, 200).recordManufacturingQualification({
    commandId: id(),
    enterpriseId: o.appliance.orgId,
    qualificationNo: 'TS2142033-2029',
    equipmentCategory: '锅炉 B',
    grantedOn: day(200),
    expiresOn: addDays(today, 3 * 365),
  })

  // The deadline timer as it runs today: missed verifications, overdue inspections and branches.
  const head = await platform.store.headPosition()
  await platform.runner('licensing.processes').waitFor(head, 60_000)
  await actOnDeadlines(depsAt(0))
}
