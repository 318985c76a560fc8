import type { industrialization as contract, EventOf } from '@qi/contracts'
import { type Decider, NotFoundError, RuleViolationError } from '@qi/decider'

export type ProductionLineRegistered = EventOf<typeof contract.ProductionLineRegistered>
export type LineEvent = ProductionLineRegistered

export type LineCommand = {
  type: 'RegisterProductionLine'
  data: ProductionLineRegistered['data']
  facts: { enterpriseRegistered: boolean }
}

export interface LineState {
  enterpriseId: string | null
}

/** A production line (stream per line id). */
export const lineDecider: Decider<LineCommand, LineEvent, LineState> = {
  initialState: () => ({ enterpriseId: null }),
  evolve: (_state, event) => ({ enterpriseId: event.data.enterpriseId }),
  decide(command, state) {
    const { lineId, enterpriseId } = command.data
    if (state.enterpriseId !== null) {
      throw new RuleViolationError(
        'line.unique',
        `production line ${lineId} is already registered by enterprise ${state.enterpriseId}; choose another line id`,
        lineId,
        'lineId',
      )
    }
    if (!command.facts.enterpriseRegistered) throw new NotFoundError('enterprise', enterpriseId)
    return [{ type: 'ProductionLineRegistered', data: command.data }]
  },
}
