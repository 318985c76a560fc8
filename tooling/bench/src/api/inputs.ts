/** The demo's facts the API bench's scenarios use (apps/api/src/demo/load-demo.ts): its kettle, maker and standard. */
export const KETTLE = { productId: 'MJ-17', name: '电热水壶', model: 'MJ-17' }
export const APPLIANCE_MAKER = { enterpriseId: '91420100MA4K0MJ003', name: '武汉美家电器有限公司' }
export const GB4706 = { code: 'GB 4706.1', version: '2005' }

/** A test report of the kettle by HBQI: accredited lab, method in its scope, calibrated instrument. */
export function reportInput(reportNo: string) {
  return {
    reportNo,
    labId: 'HBQI',
    accreditationNo: 'CNAS L0586',
    customer: APPLIANCE_MAKER,
    sample: {
      productId: KETTLE.productId,
      productName: KETTLE.name,
      model: KETTLE.model,
      batch: '20230310-01',
      receivedOn: '2023-03-10',
    },
    testedFrom: '2023-03-10',
    testedTo: '2023-03-12',
    results: [
      {
        method: { standardCode: GB4706.code, standardVersion: GB4706.version, clause: '13' },
        parameter: '泄漏电流',
        value: '0.12',
        unit: 'mA',
        limit: '≤0.75',
        verdict: 'pass',
        uncertainty: 'U=2%, k=2',
      },
    ],
    decisionRule: 'simple_acceptance',
    conformity: 'conforms',
    instrumentIds: ['HBQI-TH-07'],
    signatory: '授权签字人 张伟',
    issuedOn: '2023-03-20',
  }
}

/** A certificate of the kettle by CQC-WH based on one report. */
export function certificateInput(certificateNo: string, reportNo: string) {
  return {
    certificateNo,
    bodyId: 'CQC-WH',
    accreditationNo: 'CNAS C001-M',
    holder: APPLIANCE_MAKER,
    manufacturer: APPLIANCE_MAKER,
    factory: { productionLineId: 'MJ-A1', address: '湖北省' },
    product: { productId: KETTLE.productId, name: KETTLE.name, models: [KETTLE.model] },
    scheme: 'voluntary_product',
    standards: [GB4706],
    basisReports: [reportNo],
    issuedOn: '2023-04-01',
    expiresOn: '2028-03-31',
  }
}
