/**
 * A decider is three pure functions: the state before any event, how an event changes the state,
 * and which events a command produces in a state (or which DomainError refuses it).
 */
export interface Decider<TCommand, TEvent extends { type: string; data: unknown }, TState> {
  initialState: () => TState
  evolve: (state: TState, event: TEvent) => TState
  decide: (command: TCommand, state: TState) => TEvent[]
}

export function fold<TEvent extends { type: string; data: unknown }, TState>(
  decider: Pick<Decider<unknown, TEvent, TState>, 'initialState' | 'evolve'>,
  events: readonly TEvent[],
): TState {
  return events.reduce(decider.evolve, decider.initialState())
}
