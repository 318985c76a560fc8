import { describe, expect, it } from 'vitest'
import { effectiveNodeStatus, layoutLineage, statusTone } from './lineage-layout'

const node = (
  id: string,
  kind: string,
  status: string | null = 'valid',
  data: Record<string, unknown> = {},
) => ({
  id,
  kind,
  key: id.split(':')[1] ?? id,
  label: id,
  status: status ? { status } : null,
  data,
})

describe('lineage graph layout', () => {
  const graph = {
    root: 'product:P1',
    nodes: [
      node('standard:GB 1-2020', 'standard', 'effective'),
      node('product:P1', 'product', null),
      node('certificate:C1', 'certificate', 'suspended'),
      node('report:R2', 'report', 'valid'),
      node('report:R1', 'report', 'revoked'),
      node('lab:L1', 'lab', 'active'),
      node('calibration:K1', 'calibration', 'valid', {
        usedOn: '2024-01-01',
        statusWhenUsed: { status: 'expired' },
      }),
    ],
    edges: [
      { from: 'product:P1', to: 'certificate:C1', rel: 'certified_by' },
      { from: 'certificate:C1', to: 'report:R1', rel: 'based_on' },
      { from: 'certificate:C1', to: 'report:R1', rel: 'based_on' },
      { from: 'report:R1', to: 'standard:GB 1-2020', rel: 'tested_to' },
      { from: 'report:R1', to: 'missing:X', rel: 'used' },
    ],
  }
  const { nodes, edges } = layoutLineage(graph, { columnWidth: 100, rowHeight: 10 })
  const at = (id: string) => nodes.find((n) => n.id === id)

  it('puts each kind in its column: product, certificates, reports, labs…, standards', () => {
    expect(at('product:P1')?.position.x).toBe(0)
    expect(at('certificate:C1')?.position.x).toBe(100)
    expect(at('report:R1')?.position.x).toBe(200)
    expect(at('lab:L1')?.position.x).toBe(300)
    expect(at('calibration:K1')?.position.x).toBe(300)
    expect(at('standard:GB 1-2020')?.position.x).toBe(400)
  })

  it('stacks a column in key order without overlaps and marks the root', () => {
    expect(at('report:R1')!.position.y).toBeLessThan(at('report:R2')!.position.y)
    const positions = nodes.map((n) => `${n.position.x},${n.position.y}`)
    expect(new Set(positions).size).toBe(positions.length)
    expect(at('product:P1')?.data.isRoot).toBe(true)
    expect(at('report:R1')?.data.isRoot).toBe(false)
  })

  it('colours by status, a calibration by its status when the instrument was used', () => {
    expect(at('report:R1')?.data.tone).toBe('bad')
    expect(at('certificate:C1')?.data.tone).toBe('warn')
    expect(at('lab:L1')?.data.tone).toBe('good')
    expect(at('product:P1')?.data.tone).toBe('neutral')
    expect(at('calibration:K1')?.data).toMatchObject({ status: 'expired', tone: 'bad' })
    expect(
      effectiveNodeStatus(node('calibration:K2', 'calibration', 'valid', { usedOn: '2024-01-01' })),
    ).toBe('failed')
    expect(statusTone('somethingNew')).toBe('neutral')
  })

  it('keeps each edge once and drops edges to nodes not in the graph', () => {
    expect(edges.map((e) => e.label)).toEqual(['certified_by', 'based_on', 'tested_to'])
  })
})
