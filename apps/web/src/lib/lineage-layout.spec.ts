import { describe, expect, it } from 'vitest'
import {
  effectiveNodeStatus,
  groupId,
  groupLineage,
  layoutLineage,
  neighbourNode,
  statusTone,
} from './lineage-layout'

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

describe('collapsed groups', () => {
  const reports = Array.from({ length: 6 }, (_, i) => node(`report:R${i + 1}`, 'report', 'valid'))
  const graph = {
    root: 'certificate:C1',
    nodes: [
      node('certificate:C1', 'certificate', 'valid'),
      ...reports,
      node('report:R9', 'report', 'revoked'),
      node('lab:L1', 'lab', 'active'),
    ],
    edges: [
      ...reports.map((r) => ({ from: 'certificate:C1', to: r.id, rel: 'based_on' })),
      { from: 'certificate:C1', to: 'report:R9', rel: 'based_on' },
      ...reports.map((r) => ({ from: r.id, to: 'lab:L1', rel: 'tested_by' })),
    ],
  }

  it('shows the many nodes of one kind as one group, keeping the root and the problems in view', () => {
    const grouped = groupLineage(graph, { threshold: 5 })
    const ids = grouped.nodes.map((n) => n.id)
    expect(ids).toContain(groupId('report'))
    expect(ids).toContain('report:R9')
    expect(ids).toContain('certificate:C1')
    expect(ids.filter((id) => id.startsWith('report:R') && id !== 'report:R9')).toEqual([])
    expect(grouped.nodes.find((n) => n.id === groupId('report'))?.group?.members).toHaveLength(6)
    const laidOut = layoutLineage(grouped)
    expect(laidOut.nodes.find((n) => n.id === groupId('report'))?.data.groupSize).toBe(6)
    // The members' edges now run to and from the group, once each.
    expect(laidOut.edges.map((e) => e.id).sort()).toEqual(
      [
        `certificate:C1→based_on→${groupId('report')}`,
        'certificate:C1→based_on→report:R9',
        `${groupId('report')}→tested_by→lab:L1`,
      ].sort(),
    )
  })

  it('leaves a small kind, and an expanded one, as it is', () => {
    expect(groupLineage(graph, { threshold: 7 })).toBe(graph)
    expect(groupLineage(graph, { threshold: 5, expanded: new Set(['report']) })).toBe(graph)
  })
})

describe('arrow keys between nodes', () => {
  const at = (id: string, x: number, y: number) => ({ id, position: { x, y } })
  const nodes = [at('a', 0, 90), at('b', 260, 0), at('c', 260, 90), at('d', 260, 180), at('e', 520, 170)]

  it('moves within a column and to the nearest node of the next column', () => {
    expect(neighbourNode(nodes, 'c', 'ArrowDown')).toBe('d')
    expect(neighbourNode(nodes, 'c', 'ArrowUp')).toBe('b')
    expect(neighbourNode(nodes, 'a', 'ArrowRight')).toBe('c')
    expect(neighbourNode(nodes, 'b', 'ArrowRight')).toBe('e')
    expect(neighbourNode(nodes, 'e', 'ArrowLeft')).toBe('d')
  })

  it('stays put at the edges of the graph', () => {
    expect(neighbourNode(nodes, 'b', 'ArrowUp')).toBeNull()
    expect(neighbourNode(nodes, 'a', 'ArrowLeft')).toBeNull()
    expect(neighbourNode(nodes, 'e', 'ArrowRight')).toBeNull()
  })
})
