import { NotFoundError, RuleViolationError } from '@qi/decider'
import { spec } from '@qi/decider/testing'
import { describe, it } from 'vitest'
import { enterpriseDecider } from './enterprise'
import { brandTitleAwarded, enterpriseRegistered, WUHAN_AUTO, XIANGYANG_STEEL } from './fixtures'

const ownProduct = { productId: 'P-BRAKE-01', enterpriseId: WUHAN_AUTO }

describe('RegisterEnterprise', () => {
  it('registers a new enterprise', () => {
    spec(enterpriseDecider)
      .given([])
      .when({ type: 'RegisterEnterprise', data: enterpriseRegistered().data })
      .then([enterpriseRegistered()])
  })

  it('refuses a credit code that is already registered', () => {
    spec(enterpriseDecider)
      .given([enterpriseRegistered()])
      .when({ type: 'RegisterEnterprise', data: enterpriseRegistered(WUHAN_AUTO, 'Other name').data })
      .thenThrows(
        RuleViolationError,
        `enterprise ${WUHAN_AUTO} is already registered (as Wuhan Auto Parts Co.)`,
      )
  })
})

describe('AwardBrandTitle', () => {
  it('awards a title for a product of the enterprise', () => {
    spec(enterpriseDecider)
      .given([enterpriseRegistered()])
      .when({ type: 'AwardBrandTitle', data: brandTitleAwarded().data, facts: { product: ownProduct } })
      .then([brandTitleAwarded()])
  })

  it('awards an enterprise-wide title without a product', () => {
    const data = { enterpriseId: WUHAN_AUTO, year: 2024, awardedOn: '2024-12-01' }
    spec(enterpriseDecider)
      .given([enterpriseRegistered()])
      .when({ type: 'AwardBrandTitle', data, facts: { product: null } })
      .then([{ type: 'BrandTitleAwarded', data }])
  })

  it('awards the same product again in another year', () => {
    spec(enterpriseDecider)
      .given([enterpriseRegistered(), brandTitleAwarded({ year: 2023, awardedOn: '2023-12-01' })])
      .when({ type: 'AwardBrandTitle', data: brandTitleAwarded().data, facts: { product: ownProduct } })
      .then([brandTitleAwarded()])
  })

  it('refuses a second title for the same product in the same year', () => {
    spec(enterpriseDecider)
      .given([enterpriseRegistered(), brandTitleAwarded()])
      .when({
        type: 'AwardBrandTitle',
        data: brandTitleAwarded({ awardedOn: '2024-12-20' }).data,
        facts: { product: ownProduct },
      })
      .thenThrows(RuleViolationError, 'product P-BRAKE-01 already holds a brand title for 2024')
  })

  it('refuses a second enterprise-wide title in the same year', () => {
    const data = { enterpriseId: WUHAN_AUTO, year: 2024, awardedOn: '2024-12-01' }
    spec(enterpriseDecider)
      .given([enterpriseRegistered(), { type: 'BrandTitleAwarded', data }])
      .when({ type: 'AwardBrandTitle', data, facts: { product: null } })
      .thenThrows(RuleViolationError, `enterprise ${WUHAN_AUTO} already holds a brand title for 2024`)
  })

  it('refuses a product of another enterprise', () => {
    spec(enterpriseDecider)
      .given([enterpriseRegistered()])
      .when({
        type: 'AwardBrandTitle',
        data: brandTitleAwarded().data,
        facts: { product: { productId: 'P-BRAKE-01', enterpriseId: XIANGYANG_STEEL } },
      })
      .thenThrows(
        RuleViolationError,
        `product P-BRAKE-01 belongs to enterprise ${XIANGYANG_STEEL}, not ${WUHAN_AUTO}`,
      )
  })

  it('refuses an unknown product', () => {
    spec(enterpriseDecider)
      .given([enterpriseRegistered()])
      .when({ type: 'AwardBrandTitle', data: brandTitleAwarded().data, facts: { product: null } })
      .thenThrows(NotFoundError, "product 'P-BRAKE-01' was not found")
  })

  it('refuses an unregistered enterprise', () => {
    spec(enterpriseDecider)
      .given([])
      .when({ type: 'AwardBrandTitle', data: brandTitleAwarded().data, facts: { product: ownProduct } })
      .thenThrows(NotFoundError, `enterprise '${WUHAN_AUTO}' was not found`)
  })
})
