import { afterEach, describe, expect, it } from 'vitest'
import { project, recorded } from '../testing/project'
import { GraphReader } from './graph-reader'

/** An accreditation whose data (its scope) is over the size whose parse is shared. */
const line = (i: number) => ({
  lineId: `L${i}`,
  object: '家用电器',
  parameter: `泄漏电流 ${i}`,
  method: { standardCode: 'GB 4706.1', standardVersion: '2005', clause: String(i) },
})
const accredited = {
  type: 'LabAccredited',
  on: '2020-01-01',
  data: {
    labId: 'L1',
    accreditationNo: 'CNAS L1',
    accreditingBody: 'CNAS',
    baseStandard: 'ISO/IEC 17025',
    validFrom: '2020-01-01',
    validUntil: '2025-12-31',
    scope: Array.from({ length: 30 }, (_, i) => line(i)),
    schemes: [],
  },
}
const registered = {
  type: 'LabRegistered',
  on: '2020-01-01',
  data: { labId: 'L1', name: 'L1', kind: 'testing_lab', region: 'Hubei/Wuhan', centreLevel: 'provincial' },
}
const extended = {
  type: 'AccreditationScopeExtended',
  on: '2021-01-01',
  data: { labId: 'L1', accreditationNo: 'CNAS L1', lines: [line(30)], schemes: [], on: '2021-01-01' },
}

describe('node data shared between reads', () => {
  let close = () => {}
  afterEach(() => close())

  it('parses a large node data once, frozen, and anew once the node changed', () => {
    const before = project(recorded([registered, accredited]))
    close = before.close
    const read = (graph: typeof before.graph) =>
      new GraphReader(graph, { asOf: '2022-01-01' }).node('accreditation:CNAS L1')!.data
    const first = read(before.graph)
    expect(JSON.stringify(first).length).toBeGreaterThan(1024)
    expect((first.scope as unknown[]).length).toBe(30)
    expect(read(before.graph)).toBe(first)
    expect(Object.isFrozen(first)).toBe(true)
    expect(Object.isFrozen((first.scope as object[])[0])).toBe(true)
    expect(() => {
      ;(first.scope as unknown[]).push(line(99))
    }).toThrow(TypeError)

    const after = project(recorded([registered, accredited, extended]))
    const changed = read(after.graph)
    after.close()
    expect((changed.scope as unknown[]).length).toBe(31)
    expect((read(before.graph).scope as unknown[]).length).toBe(30)
  })
})
