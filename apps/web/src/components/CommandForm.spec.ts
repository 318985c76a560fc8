import { accreditation, certification } from '@qi/contracts'
import { describe, expect, it } from 'vitest'
import { buildInput, type FieldSpec } from './CommandForm'

describe('a command form builds its input from the fields', () => {
  it('makes arrays of numeric path segments (one scope line, its method picked as a whole)', () => {
    const fields: FieldSpec[] = [
      { path: 'lines.0.lineId', label: 'labs.lineId' },
      { path: 'lines.0.object', label: 'labs.object' },
      { path: 'lines.0.parameter', label: 'labs.parameter' },
      { path: 'lines.0.method', label: 'labs.method', kind: 'ref' },
      { path: 'lines.0.method.clause', label: 'labs.clause' },
      { path: 'on', label: 'labs.on', kind: 'date' },
    ]
    const input = buildInput(
      fields,
      {
        'lines.0.lineId': 'L-9',
        'lines.0.object': '电热水壶',
        'lines.0.parameter': '泄漏电流',
        'lines.0.method': JSON.stringify({ standardCode: 'GB 4706.1', standardVersion: '2005' }),
        'lines.0.method.clause': ' 13 ',
        on: '2026-01-05',
      },
      { labId: 'HBQI', accreditationNo: 'CNAS L0586' },
    )
    expect(input).toEqual({
      labId: 'HBQI',
      accreditationNo: 'CNAS L0586',
      on: '2026-01-05',
      lines: [
        {
          lineId: 'L-9',
          object: '电热水壶',
          parameter: '泄漏电流',
          method: { standardCode: 'GB 4706.1', standardVersion: '2005', clause: '13' },
        },
      ],
    })
    expect(accreditation.ExtendScope.safeParse(input).success).toBe(true)
  })

  it('leaves an optional list out when it is empty, and keeps a picked report as a one-item list', () => {
    const fields: FieldSpec[] = [
      { path: 'models', label: 'certs.newModels', kind: 'list', optional: true },
      { path: 'standards', label: 'certs.newStandards', kind: 'standards', optional: true },
      { path: 'basisReports.0', label: 'certs.newBasis', kind: 'select', optional: true },
      { path: 'reason', label: 'certs.reason', kind: 'textarea' },
      { path: 'on', label: 'certs.on', kind: 'date' },
    ]
    const values = { models: '', standards: '', 'basisReports.0': '', reason: '型号更名', on: '2026-01-05' }
    const empty = buildInput(fields, values, { certificateNo: 'CCC-1' })
    expect(empty).toEqual({ certificateNo: 'CCC-1', reason: '型号更名', on: '2026-01-05' })
    expect(certification.ChangeCertificateScope.safeParse(empty).success).toBe(true)
    const filled = buildInput(
      fields,
      { ...values, models: 'MJ-17，MJ-17S', 'basisReports.0': 'HBQI-2026-0001' },
      { certificateNo: 'CCC-1' },
    )
    expect(filled).toMatchObject({ models: ['MJ-17', 'MJ-17S'], basisReports: ['HBQI-2026-0001'] })
  })
})
