import { NotFoundError, RuleViolationError } from '@qi/decider'
import { spec } from '@qi/decider/testing'
import { describe, it } from 'vitest'
import { lineRegistered, WUHAN_AUTO } from './fixtures'
import { lineDecider } from './line'

describe('RegisterProductionLine', () => {
  it('registers a line of a registered enterprise', () => {
    spec(lineDecider)
      .given([])
      .when({
        type: 'RegisterProductionLine',
        data: lineRegistered().data,
        facts: { enterpriseRegistered: true },
      })
      .then([lineRegistered()])
  })

  it('refuses a line id that is already registered', () => {
    spec(lineDecider)
      .given([lineRegistered()])
      .when({
        type: 'RegisterProductionLine',
        data: lineRegistered().data,
        facts: { enterpriseRegistered: true },
      })
      .thenThrows(RuleViolationError, `production line L-1 is already registered by enterprise ${WUHAN_AUTO}`)
  })

  it('refuses an unregistered enterprise', () => {
    spec(lineDecider)
      .given([])
      .when({
        type: 'RegisterProductionLine',
        data: lineRegistered().data,
        facts: { enterpriseRegistered: false },
      })
      .thenThrows(NotFoundError, `enterprise '${WUHAN_AUTO}' was not found`)
  })
})
