import { NotFoundError, RuleViolationError } from '@qi/decider'
import { spec } from '@qi/decider/testing'
import { describe, it } from 'vitest'
import { lineRegistered, marketDeclared, productRegistered, WUHAN_AUTO, XIANGYANG_STEEL } from './fixtures'
import { productDecider } from './product'

describe('RegisterProduct', () => {
  it('registers a product of a registered enterprise', () => {
    spec(productDecider)
      .given([])
      .when({
        type: 'RegisterProduct',
        data: productRegistered().data,
        facts: { enterpriseRegistered: true },
      })
      .then([productRegistered()])
  })

  it('refuses a product id that is already registered', () => {
    spec(productDecider)
      .given([productRegistered()])
      .when({
        type: 'RegisterProduct',
        data: productRegistered().data,
        facts: { enterpriseRegistered: true },
      })
      .thenThrows(RuleViolationError, `product P-BRAKE-01 is already registered by enterprise ${WUHAN_AUTO}`)
  })

  it('refuses an unregistered enterprise', () => {
    spec(productDecider)
      .given([])
      .when({
        type: 'RegisterProduct',
        data: productRegistered().data,
        facts: { enterpriseRegistered: false },
      })
      .thenThrows(NotFoundError, `enterprise '${WUHAN_AUTO}' was not found`)
  })
})

describe('DeclareProductMarket', () => {
  const ownLine = { lineId: 'L-1', enterpriseId: WUHAN_AUTO }

  it('declares a market on a line of the same enterprise', () => {
    spec(productDecider)
      .given([productRegistered()])
      .when({ type: 'DeclareProductMarket', data: marketDeclared('export').data, facts: { line: ownLine } })
      .then([marketDeclared('export')])
  })

  it('declares a market again with other standards', () => {
    const later = marketDeclared('domestic', {
      standards: [{ code: 'GB 21670', version: '2008' }],
      declaredOn: '2025-01-01',
    })
    spec(productDecider)
      .given([productRegistered(), marketDeclared('domestic')])
      .when({ type: 'DeclareProductMarket', data: later.data, facts: { line: ownLine } })
      .then([later])
  })

  it('refuses a line of another enterprise', () => {
    const foreignLine = lineRegistered('L-9', XIANGYANG_STEEL).data
    spec(productDecider)
      .given([productRegistered()])
      .when({
        type: 'DeclareProductMarket',
        data: marketDeclared('domestic', { lineId: 'L-9' }).data,
        facts: { line: foreignLine },
      })
      .thenThrows(
        RuleViolationError,
        `line L-9 belongs to enterprise ${XIANGYANG_STEEL}, but product P-BRAKE-01 to ${WUHAN_AUTO}`,
      )
  })

  it('refuses an unknown line', () => {
    spec(productDecider)
      .given([productRegistered()])
      .when({ type: 'DeclareProductMarket', data: marketDeclared('domestic').data, facts: { line: null } })
      .thenThrows(NotFoundError, "production line 'L-1' was not found")
  })

  it('refuses an unknown product', () => {
    spec(productDecider)
      .given([])
      .when({ type: 'DeclareProductMarket', data: marketDeclared('domestic').data, facts: { line: ownLine } })
      .thenThrows(NotFoundError, "product 'P-BRAKE-01' was not found")
  })
})
