import superjson from 'superjson'
import { describe, expect, it } from 'vitest'
import { decodeSuperjson } from './public-api'

describe('decodeSuperjson (the public verify page reads the server without superjson)', () => {
  it('gives back what superjson encoded: bigint, Date, undefined, nested in objects and arrays', () => {
    const value = {
      status: 'valid',
      position: 42n,
      at: new Date('2026-11-27T08:00:00.000Z'),
      gone: undefined,
      reason: null,
      links: [{ position: 7n, nodeId: 'report:R-1' }, { position: 9n }],
    }
    const decoded = decodeSuperjson(superjson.serialize(value)) as typeof value
    expect(decoded).toEqual(superjson.deserialize(superjson.serialize(value)))
    expect(decoded.position).toBe(42n)
    expect(decoded.links[0]?.position).toBe(7n)
    expect(decoded.at).toBeInstanceOf(Date)
    expect(decoded.gone).toBeUndefined()
    expect(decodeSuperjson(superjson.serialize({ 'a.b': 1n }))).toEqual({ 'a.b': 1n })
  })

  it('reads plain JSON (no meta) as is, and a root-level annotation', () => {
    expect(decodeSuperjson(superjson.serialize({ a: 'x', b: [1, 2] }))).toEqual({ a: 'x', b: [1, 2] })
    expect(decodeSuperjson(superjson.serialize(5n))).toBe(5n)
  })
})
