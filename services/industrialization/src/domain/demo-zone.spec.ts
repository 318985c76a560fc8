import { RuleViolationError } from '@qi/decider'
import { spec } from '@qi/decider/testing'
import { describe, it } from 'vitest'
import { type DemoZoneDesignated, demoZoneDecider } from './demo-zone'

const designated: DemoZoneDesignated = {
  type: 'DemoZoneDesignated',
  data: {
    zoneId: 'DZ-XY',
    name: 'Xiangyang automotive quality zone',
    level: 'provincial',
    designatedOn: '2018-06-01',
  },
}

describe('DesignateDemoZone', () => {
  it('designates a new demo zone', () => {
    spec(demoZoneDecider)
      .given([])
      .when({ type: 'DesignateDemoZone', data: designated.data })
      .then([designated])
  })

  it('refuses a zone id that was already designated', () => {
    spec(demoZoneDecider)
      .given([designated])
      .when({ type: 'DesignateDemoZone', data: { ...designated.data, level: 'national' } })
      .thenThrows(
        RuleViolationError,
        'demo zone DZ-XY was already designated (Xiangyang automotive quality zone, 2018-06-01)',
      )
  })
})
