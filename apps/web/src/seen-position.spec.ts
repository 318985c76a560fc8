import type { AppRouter } from '@qi/api/router'
import { createTRPCClient, type TRPCLink } from '@trpc/client'
import { observable } from '@trpc/server/observable'
import { describe, expect, it } from 'vitest'
import { SEEN_POSITION_HEADER, SeenPosition, seenPositionLink } from './trpc'

/** Stands in for the API: answers every call with `answer(op)`, and records the calls' kinds. */
function fakeApi(answer: (path: string) => unknown, calls: string[]): TRPCLink<AppRouter> {
  return () =>
    ({ op }) =>
      observable((observer) => {
        calls.push(`${op.type} ${op.path}`)
        observer.next({ result: { type: 'data', data: answer(op.path) } })
        observer.complete()
      })
}

describe('the seen position the web app sends for read-your-writes', () => {
  it('is the highest position a mutation was answered with, and queries do not move it', async () => {
    const seen = new SeenPosition()
    const calls: string[] = []
    const positions: Record<string, unknown> = {
      'testing.revokeReport': { position: 41n },
      'certification.suspendCertificate': { position: 12n },
      'certification.list': { position: 99n },
    }
    const client = createTRPCClient<AppRouter>({
      links: [seenPositionLink(seen), fakeApi((path) => positions[path] ?? null, calls)],
    })
    expect(seen.headers()).toEqual({})
    await client.testing.revokeReport.mutate({ reportNo: 'R1', revokedOn: '2026-01-05', reason: 'mix-up' })
    expect(seen.headers()).toEqual({ [SEEN_POSITION_HEADER]: '41' })
    // A later mutation at an earlier position (a retry answered as a duplicate) does not lower it.
    await client.certification.suspendCertificate.mutate({
      certificateNo: 'C1',
      reason: 'test',
      suspendedOn: '2026-01-06',
    } as never)
    // A query's data is not a position the client wrote.
    await client.certification.list.query({} as never)
    expect(seen.headers()).toEqual({ [SEEN_POSITION_HEADER]: '41' })
    expect(calls).toEqual([
      'mutation testing.revokeReport',
      'mutation certification.suspendCertificate',
      'query certification.list',
    ])
  })

  it('ignores results without a position (null, or a number sent as anything but a bigint)', () => {
    const seen = new SeenPosition()
    for (const result of [null, undefined, {}, { position: null }, { position: '5' }, { position: 5 }])
      seen.note(result)
    expect(seen.headers()).toEqual({})
  })
})
