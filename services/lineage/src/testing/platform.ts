import type { Projection } from '@qi/projections'
import type { Actor } from '@qi/trpc'
import { startTestPlatform } from '@qi/trpc/testing'

/** An embedded store with started runners for the given projections, and a fixed clock. */
export function testPlatform(projections: Projection[], today = '2026-01-01') {
  return startTestPlatform({ projections, today })
}

export const institute: Actor = {
  userId: 'u-inst',
  org: 'HBSI',
  orgName: '湖北省标准化研究院',
  role: 'standards_institute',
}
