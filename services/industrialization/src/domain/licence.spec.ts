import { NotFoundError, RuleViolationError } from '@qi/decider'
import { spec } from '@qi/decider/testing'
import { describe, expect, it } from 'vitest'
import { licenceGranted, WUHAN_AUTO } from './fixtures'
import { type LicenceCommand, licenceDecider } from './licence'

const grant = (
  overrides: Parameters<typeof licenceGranted>[0] = {},
  unrevokedLicencesInCategory: Array<{ licenceNo: string; grantedOn: string; expiresOn: string }> = [],
): LicenceCommand => ({
  type: 'GrantProductionLicence',
  data: licenceGranted(overrides).data,
  facts: { enterpriseRegistered: true, unrevokedLicencesInCategory },
})

const revoked = {
  type: 'ProductionLicenceRevoked' as const,
  data: { licenceNo: 'XK06-001-00001', on: '2025-03-01', reason: 'failed follow-up inspection' },
}

describe('GrantProductionLicence', () => {
  it('grants a first licence for a product category', () => {
    spec(licenceDecider).given([]).when(grant()).then([licenceGranted()])
  })

  it('grants a new licence once the earlier one in the category has expired', () => {
    const earlier = { licenceNo: 'XK06-001-00000', grantedOn: '2019-01-10', expiresOn: '2024-01-09' }
    spec(licenceDecider)
      .given([])
      .when(grant({}, [earlier]))
      .then([licenceGranted()])
  })

  it('refuses a second licence in the same category while one is valid (一企一证)', () => {
    const current = { licenceNo: 'XK06-001-00000', grantedOn: '2022-01-10', expiresOn: '2027-01-09' }
    const error = spec(licenceDecider)
      .given([])
      .when(grant({}, [current]))
      .thenThrows(
        RuleViolationError,
        `enterprise ${WUHAN_AUTO} already holds licence XK06-001-00000 for 'automotive brake parts' (valid 2022-01-10 to 2027-01-09)`,
      )
    expect(error).toMatchObject({
      rule: 'licence.one_per_category',
      item: 'XK06-001-00000',
      field: 'productCategory',
    })
  })

  it('refuses a licence number that was already granted', () => {
    spec(licenceDecider)
      .given([licenceGranted()])
      .when(grant())
      .thenThrows(
        RuleViolationError,
        `licence number XK06-001-00001 was already granted to enterprise ${WUHAN_AUTO}`,
      )
  })

  it('refuses an unregistered enterprise', () => {
    spec(licenceDecider)
      .given([])
      .when({
        type: 'GrantProductionLicence',
        data: licenceGranted().data,
        facts: { enterpriseRegistered: false, unrevokedLicencesInCategory: [] },
      })
      .thenThrows(NotFoundError, `enterprise '${WUHAN_AUTO}' was not found`)
  })
})

describe('RevokeProductionLicence', () => {
  it('revokes a granted licence', () => {
    spec(licenceDecider)
      .given([licenceGranted()])
      .when({ type: 'RevokeProductionLicence', data: revoked.data })
      .then([revoked])
  })

  it('refuses to revoke twice', () => {
    spec(licenceDecider)
      .given([licenceGranted(), revoked])
      .when({ type: 'RevokeProductionLicence', data: { ...revoked.data, on: '2025-04-01' } })
      .thenThrows(RuleViolationError, 'licence XK06-001-00001 was already revoked on 2025-03-01')
  })

  it('refuses a revocation dated before the grant', () => {
    spec(licenceDecider)
      .given([licenceGranted()])
      .when({ type: 'RevokeProductionLicence', data: { ...revoked.data, on: '2023-12-31' } })
      .thenThrows(RuleViolationError, 'cannot be revoked on 2023-12-31, before it was granted on 2024-01-10')
  })

  it('refuses an unknown licence', () => {
    spec(licenceDecider)
      .given([])
      .when({ type: 'RevokeProductionLicence', data: revoked.data })
      .thenThrows(NotFoundError, "production licence 'XK06-001-00001' was not found")
  })
})
