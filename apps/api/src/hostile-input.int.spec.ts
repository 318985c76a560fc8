import { type Actor, createCallerFactory } from '@qi/trpc'
import { TRPCError } from '@trpc/server'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ZodType } from 'zod'
import { Platform } from './platform'
import { appRouter } from './root'

const SEED = 20261125
const admin: Actor = { userId: 'fuzz', org: 'admin', orgName: 'Admin', role: 'admin' }

interface ProcedureDef {
  _def: { type: 'query' | 'mutation' | 'subscription'; inputs: ZodType[] }
}

// At run time tRPC keeps every procedure in one flat record keyed by its dotted path.
const mutations = Object.entries(appRouter._def.procedures as unknown as Record<string, ProcedureDef>)
  .filter(([, procedure]) => procedure._def.type === 'mutation')
  .map(([path, procedure]) => ({ path, schema: procedure._def.inputs[0] }))

/** Values an attacker or a broken client might send: wrong types, hostile strings, deep nesting. */
const hostile = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.record({
    certificateNo: fc.constantFrom(
      "'; DROP TABLE events; --",
      '',
      ' ',
      '\u0000',
      'x'.repeat(5000),
      '../../etc/passwd',
    ),
    reportNo: fc.string({ unit: 'binary', maxLength: 50 }),
    labId: fc.oneof(fc.integer(), fc.constant(null), fc.string({ unit: 'grapheme', maxLength: 20 })),
    code: fc.constantFrom('GB/T 1', '<script>alert(1)</script>', '𝔊𝔅 1'),
    version: fc.constantFrom('1899', '20x6', ''),
    on: fc.constantFrom('2024-02-30', 'yesterday', '2024-13-01'),
    commandId: fc.constantFrom('short', 'x'.repeat(500)),
  }),
)

describe('every mutation refuses malformed and hostile input with a typed error and writes nothing', () => {
  let platform: Platform
  beforeAll(async () => {
    platform = await Platform.start({ timers: false })
  })
  afterAll(async () => {
    await platform.close()
  })

  it('covers all the mutations of the platform', () => {
    expect(mutations.length).toBeGreaterThanOrEqual(35)
  })

  it.each(mutations)('$path', async ({ path, schema }) => {
    const caller = createCallerFactory(appRouter)({
      actor: admin,
      invalidApiKey: false,
      requestId: 'fuzz',
      deps: platform,
    })
    const procedure = path
      .split('.')
      .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (
      input: unknown,
    ) => Promise<unknown>
    const head = await platform.store.headPosition()
    await fc.assert(
      fc.asyncProperty(hostile, async (input) => {
        // Inputs that happen to be valid are not hostile: the rest must be refused.
        fc.pre(!schema?.safeParse(input).success)
        let error: unknown
        try {
          await procedure(input)
        } catch (caught) {
          error = caught
        }
        expect(error, `${path} accepted ${JSON.stringify(input)?.slice(0, 200)}`).toBeInstanceOf(TRPCError)
        expect((error as TRPCError).code).toBe('BAD_REQUEST')
      }),
      { seed: SEED, numRuns: 40, verbose: 1 },
    )
    expect(await platform.store.headPosition()).toBe(head)
  })
})
