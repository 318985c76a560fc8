/**
 * The small set of domain errors every service throws. The tRPC layer maps each kind to one code:
 * rule → PRECONDITION_FAILED, not_found → NOT_FOUND, conflict → CONFLICT, invalid → BAD_REQUEST,
 * forbidden → FORBIDDEN.
 */
export type DomainErrorKind = 'rule' | 'not_found' | 'conflict' | 'invalid' | 'forbidden'

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind
  constructor(message: string) {
    super(message)
    this.name = new.target.name
  }
}

/** A business rule refused the command. `rule` names it; `item` is the offending thing. */
export class RuleViolationError extends DomainError {
  readonly kind = 'rule'
  constructor(
    readonly rule: string,
    message: string,
    readonly item?: string,
    /** The input field the violation concerns, so a form can show it beside that field. */
    readonly field?: string,
  ) {
    super(message)
  }
}

export class NotFoundError extends DomainError {
  readonly kind = 'not_found'
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} '${id}' was not found`)
  }
}

export class ConflictError extends DomainError {
  readonly kind = 'conflict'
}

export class InvalidCommandError extends DomainError {
  readonly kind = 'invalid'
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message)
  }
}

export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden'
}
