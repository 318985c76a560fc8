import { describe, expect, it } from 'vitest'
import { can, certificateActionsFor, mayActOnCertificate } from './permissions'

describe('what a role may do', () => {
  it('lets only labs (and admin) record test reports', () => {
    expect(can('lab', 'report.issue')).toBe(true)
    expect(can('admin', 'report.issue')).toBe(true)
    expect(can('certification_body', 'report.issue')).toBe(false)
    expect(can(null, 'report.issue')).toBe(false)
  })

  it('lets regulators suspend and withdraw but not restore or issue certificates', () => {
    expect(can('regulator', 'certificate.suspend')).toBe(true)
    expect(can('regulator', 'certificate.withdraw')).toBe(true)
    expect(can('regulator', 'certificate.restore')).toBe(false)
    expect(can('regulator', 'certificate.issue')).toBe(false)
    expect(can('certification_body', 'certificate.restore')).toBe(true)
    expect(can('enterprise', 'certificate.suspend')).toBe(false)
  })

  it('offers the status changes that fit the current status', () => {
    expect(certificateActionsFor('valid')).toEqual(['suspend', 'withdraw'])
    expect(certificateActionsFor('suspended')).toEqual(['restore', 'withdraw'])
    expect(certificateActionsFor('under_review')).toEqual(['restore', 'suspend', 'withdraw'])
    expect(certificateActionsFor('withdrawn')).toEqual([])
  })

  it('lets a certification body act only on its own certificates', () => {
    expect(mayActOnCertificate({ role: 'certification_body', org: 'CQC-WH' }, 'CQC-WH')).toBe(true)
    expect(mayActOnCertificate({ role: 'certification_body', org: 'HBCC' }, 'CQC-WH')).toBe(false)
    expect(mayActOnCertificate({ role: 'regulator', org: 'HBAMR' }, 'CQC-WH')).toBe(true)
    expect(mayActOnCertificate({ role: 'admin', org: 'admin' }, 'CQC-WH')).toBe(true)
    expect(mayActOnCertificate(null, 'CQC-WH')).toBe(false)
  })
})
