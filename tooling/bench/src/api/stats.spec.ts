import { describe, expect, it } from 'vitest'
import {
  type ApiBenchResult,
  compareLevel,
  evaluateTargets,
  percentile,
  resultProblems,
  type ScenarioResult,
  summarize,
  summarizeConnections,
} from './stats'

describe('percentile (nearest rank)', () => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1)

  it('picks the value at rank ceil(p/100 · n)', () => {
    expect(percentile(sorted, 50)).toBe(50)
    expect(percentile(sorted, 95)).toBe(95)
    expect(percentile(sorted, 99)).toBe(99)
    expect(percentile(sorted, 100)).toBe(100)
    expect(percentile([1, 2, 3], 50)).toBe(2)
    expect(percentile([10, 20, 30, 40], 75)).toBe(30)
  })

  it('handles the edges: one value, p 0, no values', () => {
    expect(percentile([7], 99)).toBe(7)
    expect(percentile(sorted, 0)).toBe(1)
    expect(percentile([], 50)).toBeNaN()
  })
})

describe('summarize', () => {
  it('counts errors as requests but not as latencies, and sorts before taking percentiles', () => {
    const summary = summarize(4, [5, 1, 4, 2, 3], 1, 1000)
    expect(summary).toMatchObject({
      clients: 4,
      requests: 6,
      errors: 1,
      throughput: 5,
      p50: 3,
      p99: 5,
      max: 5,
    })
  })
})

const level = (clients: number, throughput: number, p99: number) =>
  summarize(clients, [1, 2, p99], 0, 3000 / throughput)

function scenario(id: string, rows: Array<[number, number, number, number]>): ScenarioResult {
  return {
    id,
    name: id,
    procedure: id,
    baseline: 'b',
    baselineDescription: 'b',
    levels: rows.map(([clients, value, base, p99]) =>
      compareLevel(level(clients, value, p99), level(clients, base, 10)),
    ),
  }
}

function result(scenarios: ScenarioResult[], clients: number[]): ApiBenchResult {
  return {
    benchmark: 'api',
    date: '2026-11-27T17:00:00.000Z',
    machine: { cpus: 2, model: 'x', node: 'v20', platform: 'linux', arch: 'x64', memoryBytes: 1 },
    git: { commit: 'a'.repeat(40), dirty: false },
    settings: { quick: true, clients, requests: {}, dataset: {}, server: {} },
    scenarios,
    targets: [],
  }
}

describe('targets', () => {
  it('marks mutation and lineage targets met or not from the ratios and p99, and 256 clients as not measured', () => {
    const scenarios = [
      scenario('issue', [
        [1, 100, 200, 5],
        [64, 300, 500, 90],
      ]),
      scenario('lineage', [
        [1, 40, 100, 5],
        [64, 60, 100, 5],
      ]),
    ]
    const targets = Object.fromEntries(
      evaluateTargets(scenarios, { mutations: ['issue'], lineage: 'lineage' }).map((t) => [t.id, t.met]),
    )
    expect(targets).toEqual({
      'issue:throughput-vs-append@64': true,
      'issue:p99@64': true,
      'lineage:throughput-vs-sql@1': false,
      'lineage:throughput-vs-sql@64': true,
      'issue:p99@256': null,
      'lineage:p99@256': null,
    })
  })
})

describe('resultProblems', () => {
  it('accepts a well-formed result', () => {
    expect(resultProblems(result([scenario('a', [[1, 10, 20, 5]])], [1]))).toEqual([])
  })

  it('names what is wrong', () => {
    const bad = result([scenario('a', [[1, 10, 20, 5]])], [1, 64])
    bad.git.commit = 'HEAD'
    bad.scenarios[0]!.levels[0]!.value.p50 = Number.NaN
    expect(resultProblems(bad)).toEqual([
      'git.commit is not a commit id',
      'a: levels 1 differ from settings.clients',
      'a@1: p50 is not a number',
    ])
  })
})

describe('summarizeConnections', () => {
  const phase = (newSocket: boolean, totalMs: number, connectMs = 0, serverMs = totalMs) => ({
    newSocket,
    startedMs: 0,
    waitSocketMs: 0,
    connectMs,
    serverMs,
    totalMs,
  })

  it('splits requests on new connections from those on reused ones', () => {
    const summary = summarizeConnections(8, [
      phase(false, 2),
      phase(false, 4),
      phase(true, 900, 1, 898),
      phase(false, 3),
      phase(true, 50, 2, 47),
    ])
    expect(summary).toMatchObject({ openBefore: 8, newSockets: 2, reusedSockets: 3 })
    expect(summary.totalOnNew).toEqual({ requests: 2, p50: 50, p99: 900, max: 900 })
    expect(summary.totalOnReused).toEqual({ requests: 3, p50: 3, p99: 4, max: 4 })
    expect(summary.connect.max).toBe(2)
    expect(summary.serverOnNew.max).toBe(898)
  })

  it('gives NaN percentiles, not zeros, when every request reused a connection', () => {
    const summary = summarizeConnections(64, [phase(false, 1)])
    expect(summary.newSockets).toBe(0)
    expect(summary.totalOnNew.p99).toBeNaN()
  })
})
