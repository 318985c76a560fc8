/** What each role may do, mirroring the routers' rolesProcedure(...) lists ('admin' may do everything). */
export type Role =
  | 'lab'
  | 'certification_body'
  | 'standards_institute'
  | 'metrology_institute'
  | 'regulator'
  | 'enterprise'
  | 'admin'

export type Action =
  | 'report.issue'
  | 'certificate.issue'
  | 'certificate.suspend'
  | 'certificate.restore'
  | 'certificate.withdraw'
  | 'certificate.expire'
  | 'certificate.changeScope'
  | 'lab.register'
  | 'accreditation.manage'
  | 'standard.manage'
  | 'events.read'

const ALLOWED: Record<Action, Role[]> = {
  'report.issue': ['lab'],
  'certificate.issue': ['certification_body'],
  'certificate.suspend': ['certification_body', 'regulator'],
  'certificate.restore': ['certification_body'],
  'certificate.withdraw': ['certification_body', 'regulator'],
  'certificate.expire': ['certification_body'],
  'certificate.changeScope': ['certification_body'],
  // accreditation.registerLab, accredit, extendScope, reduceScope, expire, suspend, restore, withdraw
  'lab.register': ['regulator'],
  'accreditation.manage': ['regulator'],
  // standards.draft, publish, supersede, amend, withdraw, adoptInternational, establishTc
  'standard.manage': ['standards_institute'],
  // The raw event log (system.events.*): EVENT_LOG_READERS in apps/api/src/system-router.ts.
  'events.read': ['regulator'],
}

export function can(role: Role | null | undefined, action: Action): boolean {
  if (!role) return false
  return role === 'admin' || ALLOWED[action].includes(role)
}

/**
 * Whether an actor may change this certificate's status at all: a certification body only its own
 * certificates (the decider refuses the others), a regulator and admin any.
 */
export function mayActOnCertificate(
  actor: { role: Role; org: string } | null | undefined,
  bodyId: string,
): boolean {
  if (!actor) return false
  return actor.role !== 'certification_body' || actor.org === bodyId
}

/** Which status changes make sense from a certificate's current status. */
export function certificateActionsFor(status: string): Array<'suspend' | 'restore' | 'withdraw'> {
  if (status === 'valid') return ['suspend', 'withdraw']
  if (status === 'suspended') return ['restore', 'withdraw']
  // A review (opened by a policy) ends by restoring, suspending or withdrawing.
  if (status === 'under_review') return ['restore', 'suspend', 'withdraw']
  return []
}
