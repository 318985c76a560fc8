import { expect } from 'vitest'
import type { Decider } from './decider'
import type { DomainError } from './errors'

/**
 * Given/when/then specs for a decider, no store involved:
 *   spec(decider).given([...events]).when(command).then([...events])
 *   spec(decider).given([...events]).when(command).thenThrows(RuleViolationError, /expired/)
 */
export function spec<TCommand, TEvent extends { type: string; data: unknown }, TState>(
  decider: Decider<TCommand, TEvent, TState>,
) {
  return {
    given(events: TEvent[]) {
      return {
        when(command: TCommand) {
          const run = () => decider.decide(command, events.reduce(decider.evolve, decider.initialState()))
          return {
            // biome-ignore lint/suspicious/noThenProperty: given/when/then is the spec vocabulary; the object is never awaited.
            then(expected: TEvent[]) {
              expect(run()).toEqual(expected)
            },
            thenMatches(expected: Array<Partial<TEvent> & { type: TEvent['type'] }>) {
              const actual = run()
              expect(actual).toHaveLength(expected.length)
              for (const [i, e] of expected.entries()) expect(actual[i]).toMatchObject(e)
            },
            thenNothing() {
              expect(run()).toEqual([])
            },
            thenThrows(
              errorClass: abstract new (...args: never[]) => DomainError,
              message?: RegExp | string,
            ) {
              let thrown: unknown
              try {
                run()
              } catch (error) {
                thrown = error
              }
              expect(thrown, 'expected the command to be refused').toBeInstanceOf(errorClass)
              if (message) expect((thrown as Error).message).toMatch(message)
              return thrown as DomainError
            },
          }
        },
      }
    },
  }
}
