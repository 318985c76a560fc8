import type { industrialization as contract, EventOf } from '@qi/contracts'
import { type Decider, RuleViolationError } from '@qi/decider'

export type DemoZoneDesignated = EventOf<typeof contract.DemoZoneDesignated>
export type DemoZoneEvent = DemoZoneDesignated

export type DemoZoneCommand = { type: 'DesignateDemoZone'; data: DemoZoneDesignated['data'] }

export interface DemoZoneState {
  designated: { name: string; designatedOn: string } | null
}

/** A quality-improvement demonstration zone (stream per zone id). */
export const demoZoneDecider: Decider<DemoZoneCommand, DemoZoneEvent, DemoZoneState> = {
  initialState: () => ({ designated: null }),
  evolve: (_state, event) => ({
    designated: { name: event.data.name, designatedOn: event.data.designatedOn },
  }),
  decide(command, state) {
    if (state.designated) {
      throw new RuleViolationError(
        'demozone.unique',
        `demo zone ${command.data.zoneId} was already designated (${state.designated.name}, ${state.designated.designatedOn}); use another zone id`,
        command.data.zoneId,
        'zoneId',
      )
    }
    return [{ type: 'DemoZoneDesignated', data: command.data }]
  },
}
