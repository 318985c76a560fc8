import { describe, expect, it } from 'vitest'
import { type Action, can, certificateActionsFor, mayActOnCertificate } from './permissions'

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

describe('the writes added to the UI go to the roles the API allows', () => {
  it('accreditation to regulators, catalogue changes to the institute, expiry and scope to bodies', () => {
    expect(can('regulator', 'lab.register')).toBe(true)
    expect(can('regulator', 'accreditation.manage')).toBe(true)
    expect(can('lab', 'accreditation.manage')).toBe(false)
    expect(can('standards_institute', 'standard.manage')).toBe(true)
    expect(can('regulator', 'standard.manage')).toBe(false)
    expect(can('certification_body', 'certificate.expire')).toBe(true)
    expect(can('certification_body', 'certificate.changeScope')).toBe(true)
    expect(can('regulator', 'certificate.expire')).toBe(false)
    expect(can('admin', 'certificate.changeScope')).toBe(true)
  })
})

describe('the permissions mirror the API', () => {
  it('gives each UI action exactly the roles of the mutations it calls (admin aside)', {
    timeout: 120_000,
  }, async () => {
    const { appRouter } = await import('@qi/api/router')
    const procedures = (
      appRouter as unknown as {
        _def: {
          procedures: Record<string, { _def: { meta?: { access?: { kind: string; roles?: string[] } } } }>
        }
      }
    )._def.procedures
    const rolesOf = (path: string) => {
      const access = procedures[path]?._def.meta?.access
      expect(access?.kind, path).toBe('roles')
      return [...(access?.roles ?? [])].sort()
    }
    const calls: Partial<Record<Action, string[]>> = {
      'lab.register': ['accreditation.registerLab'],
      'accreditation.manage': [
        'accreditation.accredit',
        'accreditation.extendScope',
        'accreditation.reduceScope',
        'accreditation.suspend',
        'accreditation.restore',
        'accreditation.withdraw',
        'accreditation.expire',
      ],
      'standard.manage': ['standards.draft', 'standards.publish', 'standards.amend', 'standards.withdraw'],
      'certificate.expire': ['certification.expireCertificate'],
      'certificate.changeScope': ['certification.changeScope'],
    }
    const roles = [
      'lab',
      'certification_body',
      'standards_institute',
      'metrology_institute',
      'regulator',
      'enterprise',
    ] as const
    for (const [action, paths] of Object.entries(calls) as Array<[Action, string[]]>) {
      for (const path of paths) {
        expect(roles.filter((role) => can(role, action)).sort(), `${action} → ${path}`).toEqual(rolesOf(path))
      }
    }
  })
})
