import fc from 'fast-check'
import superjson, { type SuperJSONResult } from 'superjson'
import { describe, expect, it } from 'vitest'
import { isPlainJson, wireTransformer } from './transformer'

describe('wireTransformer', () => {
  it('writes exactly what superjson writes for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        let expected: unknown
        try {
          expected = superjson.serialize(value)
        } catch (error) {
          // superjson refuses some keys (__proto__): so must the transformer.
          expect(() => wireTransformer.serialize(value)).toThrow((error as Error).message)
          return
        }
        expect(wireTransformer.serialize(value)).toEqual(expected)
      }),
      { seed: 20261127, numRuns: 500 },
    )
  })

  it('reads what superjson reads for any JSON payload, with or without meta', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, bigints) => {
        // With meta: what superjson writes for a bigint beside the value (built by hand, as
        // superjson refuses to write a __proto__ key that fc.jsonValue may generate).
        const payload = JSON.parse(
          JSON.stringify(
            bigints
              ? { json: { value, position: '12' }, meta: { values: { position: ['bigint'] }, v: 1 } }
              : { json: value },
          ),
        ) as SuperJSONResult
        const expected = superjson.deserialize(structuredClone(payload))
        expect(wireTransformer.deserialize(payload)).toEqual(expected)
      }),
      { seed: 20261127, numRuns: 500 },
    )
    // superjson drops a __proto__ key when it copies; so does the transformer (it leaves it to superjson).
    const hostile = JSON.parse('{"json":{"__proto__":{"polluted":true},"a":1}}') as SuperJSONResult
    expect(Object.hasOwn(wireTransformer.deserialize<object>(hostile), '__proto__')).toBe(false)
  })

  it('hands values superjson annotates to superjson, so they read back the same', () => {
    const values: unknown[] = [
      { position: 12n, revision: null },
      { at: new Date('2025-05-20T00:00:00Z'), items: [1, 2] },
      { missing: undefined, kept: 'x' },
      [1, Number.NaN, -0, Number.POSITIVE_INFINITY],
      { nested: { deeper: [{ set: new Set(['a']), map: new Map([['k', 1n]]) }] } },
    ]
    for (const value of values) {
      expect(isPlainJson(value)).toBe(false)
      const written = wireTransformer.serialize(value)
      expect(written).toEqual(superjson.serialize(value))
      expect(wireTransformer.deserialize(JSON.parse(JSON.stringify(written)))).toEqual(value)
    }
  })

  it('takes the fast path for plain answers (a lineage graph, a page of rows)', () => {
    const page = { total: 2, items: [{ reportNo: 'R-1', status: 'valid', replacedBy: null, flags: [] }] }
    expect(isPlainJson(page)).toBe(true)
    expect(wireTransformer.serialize(page)).toEqual({ json: page })
    expect(isPlainJson(Object.assign(Object.create(null), { a: 1 }))).toBe(true)
    // biome-ignore lint/suspicious/noSparseArray: a hole is what is tested
    expect(isPlainJson([1, , 3])).toBe(false)
    class Row {
      a = 1
    }
    expect(isPlainJson(new Row())).toBe(false)
  })
})
