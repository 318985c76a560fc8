/**
 * For tests on the demo data: a report of the demo's kettle (MJ-17) by HBQI that the rules accept
 * (accredited lab, GB 4706.1 in its scope, calibrated instrument), with fields overridden as asked.
 */
export const demoKettleReport = (reportNo: string, overrides: Record<string, unknown> = {}) => ({
  reportNo,
  labId: 'HBQI',
  accreditationNo: 'CNAS L0586',
  customer: { enterpriseId: '91420100MA4K0MJ003', name: '武汉美家电器有限公司' },
  sample: {
    productId: 'MJ-17',
    productName: '电热水壶',
    model: 'MJ-17',
    batch: 'B-1',
    receivedOn: '2023-03-10',
  },
  testedFrom: '2023-03-10',
  testedTo: '2023-03-12',
  results: [
    {
      method: { standardCode: 'GB 4706.1', standardVersion: '2005', clause: '13' },
      parameter: '泄漏电流',
      value: '0.12',
      unit: 'mA',
      limit: '≤0.75',
      verdict: 'pass' as const,
    },
  ],
  decisionRule: 'simple_acceptance' as const,
  conformity: 'conforms' as const,
  instrumentIds: ['HBQI-TH-07'],
  signatory: '授权签字人 张伟',
  issuedOn: '2023-03-20',
  ...overrides,
})
