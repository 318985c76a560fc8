/**
 * The revoke → suspended scenario's operations, shared by the API benchmark (main.ts) and its
 * diagnostics (issue-report-cpu.ts, policy-split.ts): a report with a certificate based on it, then
 * the report revoked until the certificate reads as suspended (the certification policy's doing).
 */
import { runLevel, type TrpcHttp } from './http'
import { certificateInput, reportInput } from './inputs'

/** The report and certificate of one operation (each script names them its own way). */
export type Pair = (index: number) => { reportNo: string; certificateNo: string }

/** Issues, 16 at a time, each index's report (by `lab`) and the certificate on it (by `body`). */
export async function issueCertifiedReports(
  lab: TrpcHttp,
  body: TrpcHttp,
  pair: Pair,
  first: number,
  count: number,
) {
  const setup = await runLevel(
    16,
    count,
    async (index) => {
      const { reportNo, certificateNo } = pair(index)
      await lab.mutation('testing.issueReport', reportInput(reportNo))
      await body.mutation('certification.issueCertificate', certificateInput(certificateNo, reportNo))
    },
    first,
  )
  if (setup.errors > 0) throw new Error(`setting up reports and certificates failed: ${setup.firstError}`)
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

/**
 * Revokes the report, then reads the certificate until it is suspended. The first read waits on the
 * server until the policy has reacted to the revocation (minPosition + afterPolicies); if the
 * suspension does not show yet, it polls as a client would, backing off from 1 ms to 16 ms between
 * reads, for 30 s at most.
 */
export async function revokeUntilSuspended(lab: TrpcHttp, body: TrpcHttp, pair: Pair, index: number) {
  const { reportNo, certificateNo } = pair(index)
  const { position } = await lab.mutation<{ position: string }>('testing.revokeReport', {
    reportNo,
    revokedOn: '2025-05-20',
    reason: 'bench: revoked',
  })
  const deadline = Date.now() + 30_000
  for (let pause = 1, read = 0; ; pause = Math.min(16, pause * 2), read++) {
    const certificate = await body.query<{ status: string }>(
      'certification.get',
      read === 0 ? { certificateNo, minPosition: position, afterPolicies: true } : { certificateNo },
      read === 0 ? { values: { minPosition: ['bigint'] } } : undefined,
    )
    if (certificate.status === 'suspended') return
    if (Date.now() > deadline) throw new Error(`certificate still ${certificate.status} after 30 s`)
    await sleep(pause)
  }
}
