import { NotFoundError, RuleViolationError } from '@qi/decider'
import { spec } from '@qi/decider/testing'
import { describe, it } from 'vitest'
import { productRecalled, WUHAN_AUTO, XIANGYANG_STEEL } from './fixtures'
import { recallDecider } from './recall'

const product = { productId: 'P-BRAKE-01', enterpriseId: WUHAN_AUTO }

describe('RecallProduct', () => {
  it('announces a recall of a product of the named enterprise', () => {
    spec(recallDecider)
      .given([])
      .when({ type: 'RecallProduct', data: productRecalled().data, facts: { product } })
      .then([productRecalled()])
  })

  it('refuses a recall id that was already announced', () => {
    spec(recallDecider)
      .given([productRecalled()])
      .when({ type: 'RecallProduct', data: productRecalled().data, facts: { product } })
      .thenThrows(
        RuleViolationError,
        'recall R-2024-001 was already announced on 2024-06-01 for product P-BRAKE-01',
      )
  })

  it('refuses a product made by another enterprise', () => {
    spec(recallDecider)
      .given([])
      .when({
        type: 'RecallProduct',
        data: productRecalled({ enterpriseId: XIANGYANG_STEEL }).data,
        facts: { product },
      })
      .thenThrows(
        RuleViolationError,
        `product P-BRAKE-01 is made by enterprise ${WUHAN_AUTO}, not ${XIANGYANG_STEEL}`,
      )
  })

  it('refuses an unknown product', () => {
    spec(recallDecider)
      .given([])
      .when({ type: 'RecallProduct', data: productRecalled().data, facts: { product: null } })
      .thenThrows(NotFoundError, "product 'P-BRAKE-01' was not found")
  })
})
