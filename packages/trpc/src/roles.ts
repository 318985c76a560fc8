import { z } from 'zod'

/** The kinds of organisation that act in QI Ledger (DOMAIN.md, "Users"). */
export const Role = z.enum([
  'lab',
  'certification_body',
  'standards_institute',
  'metrology_institute',
  'regulator',
  'enterprise',
  'admin',
])
export type Role = z.infer<typeof Role>

/** The caller, resolved from the API key header; null for the public. */
export interface Actor {
  userId: string
  org: string
  orgName: string
  role: Role
}
