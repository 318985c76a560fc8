import type { EventOf, standards } from '@qi/contracts'
import { type Decider, RuleViolationError } from '@qi/decider'
import type { z } from 'zod'

export type TechnicalCommitteeEvent = EventOf<typeof standards.TechnicalCommitteeEstablished>
export type TechnicalCommitteeCommand = {
  type: 'EstablishTechnicalCommittee'
  input: z.output<typeof standards.EstablishTechnicalCommittee>
}
export interface TechnicalCommitteeState {
  establishedOn: string | null
}

export const technicalCommitteeDecider: Decider<
  TechnicalCommitteeCommand,
  TechnicalCommitteeEvent,
  TechnicalCommitteeState
> = {
  initialState: () => ({ establishedOn: null }),
  evolve: (_state, event) => ({ establishedOn: event.data.establishedOn }),
  decide(command, state) {
    const { commandId: _commandId, ...input } = command.input
    if (state.establishedOn !== null) {
      throw new RuleViolationError(
        'standards.tc-unique',
        `technical committee ${input.tcId} was already established on ${state.establishedOn}; choose another id`,
        input.tcId,
        'tcId',
      )
    }
    return [{ type: 'TechnicalCommitteeEstablished', data: input }]
  },
}
