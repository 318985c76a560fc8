import type { Organisation } from '../access'

/** The demo's organisations: real Hubei institution types, names for illustration. */
export const demoOrganisations = {
  regulator: { orgId: 'HBAMR', name: '湖北省市场监督管理局', role: 'regulator' },
  institute: { orgId: 'HBSI', name: '湖北省标准化与质量研究院', role: 'standards_institute' },
  metrology: { orgId: 'HBMI', name: '湖北省计量测试技术研究院', role: 'metrology_institute' },
  provincialLab: { orgId: 'HBQI', name: '湖北省产品质量监督检验研究院', role: 'lab' },
  cityLab: { orgId: 'WHQT', name: '武汉市产品质量监督检验所', role: 'lab' },
  autoLab: { orgId: 'NCTE', name: '国家汽车质量检验检测中心(襄阳)', role: 'lab' },
  cb: { orgId: 'CQC-WH', name: '中国质量认证中心武汉分中心', role: 'certification_body' },
  cb2: { orgId: 'HBCC', name: '湖北中南认证有限公司', role: 'certification_body' },
  dongfeng: { orgId: '91420100MA4K0DF001', name: '东风汽车零部件(武汉)有限公司', role: 'enterprise' },
  steel: { orgId: '91420100MA4K0WG002', name: '武汉钢铁有限公司', role: 'enterprise' },
  appliance: { orgId: '91420100MA4K0MJ003', name: '武汉美家电器有限公司', role: 'enterprise' },
  food: { orgId: '91420100MA4K0YJ004', name: '湖北周记食品有限公司', role: 'enterprise' },
  textile: { orgId: '91420600MA4K0JH005', name: '襄阳际华纺织有限公司', role: 'enterprise' },
  petro: { orgId: '91420100MA4K0TH006', name: '武汉石化新材料有限公司', role: 'enterprise' },
} as const satisfies Record<string, Organisation>

export type DemoOrgKey = keyof typeof demoOrganisations
