/** Shared test data for the licensing deciders' specs and the router's integration test. */
export const HUBEI_VALVES = '91420100MA4K0FM010'
export const WUHAN_SCALES = '91420100MA4K0CH011'
export const TODAY = '2025-06-15'

export const commitment = (signedOn = '2025-06-10') => ({
  text: '本单位承诺所填报信息真实有效，具备相应条件，愿承担不实承诺的法律责任。',
  signer: '张三（法定代表人）',
  signedOn,
})
