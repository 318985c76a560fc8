import type { EventOf, licensing } from '@qi/contracts'
import { type NodeKind, nodeId, type Relation } from './ids'
import type { StageOf } from './stages'

type Data<D> = EventOf<D> extends { data: infer T } ? T : never

/** What the licensing handlers use of the graph's writer (graph.ts's Writer provides it). */
export interface GraphWriter {
  node(kind: NodeKind, key: string, label: string, data?: Record<string, unknown>): string
  patch(id: string, data: Record<string, unknown>): void
  data(id: string): Record<string, unknown>
  edge(from: string, rel: Relation, to: string, validFrom: string, detail?: unknown): void
  status<K extends NodeKind>(
    id: string,
    kind: K,
    stage: StageOf<K>,
    validFrom: string,
    reason?: string,
    cause?: { kind: string; ref?: string },
  ): void
}

type Handler = (w: GraphWriter, data: never) => void

const licenceNode = (licenceNo: string) => nodeId('licence', licenceNo)
const verificationNode = (applicationId: string) => nodeId('verification', applicationId)

const dayAfter = (date: string) => {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + 1)
  return d.toISOString().slice(0, 10)
}

const CAUSES: Record<string, string> = {
  verification_failed: 'the on-site verification failed',
  verification_missed: 'the on-site verification was missed',
}

/**
 * The licensing context in the lineage graph (先证后核 on one licence per enterprise): a product rests
 * on the enterprise licence whose scope lines cover it (`licensed_under`, from the day the application
 * naming it was issued), and the licence rests on the on-site verification of each application
 * (`verified_by`). Licence statuses (active / suspended / restored / expired / revoked) and
 * verification results (pending / passed / failed / missed) are dated by their business dates, so
 * as-of answers and impact read them like any other status. graph.ts dispatches these events here.
 */
export const licensingHandlers: Record<string, Handler> = {
  LicenceIssuedBeforeVerification: (w, d: Data<typeof licensing.LicenceIssuedBeforeVerification>) => {
    const id = licenceNode(d.licenceNo)
    const fresh = d.kind === 'new'
    const before = fresh ? [] : ((w.data(id).categories as string[] | undefined) ?? [])
    w.node('licence', d.licenceNo, `licence ${d.licenceNo}`, {
      enterpriseId: d.enterpriseId,
      categories: [...new Set([...before, ...d.productCategories])],
      site: d.site,
      expiresOn: d.expiresOn,
    })
    if (fresh) w.status(id, 'licence', 'issued', d.issuedOn, `issued ${d.issuedOn} before verification`)
    const verification = w.node('verification', d.applicationId, `verification ${d.applicationId}`, {
      enterpriseId: d.enterpriseId,
      licenceNo: d.licenceNo,
      kind: d.kind,
      categories: d.productCategories,
      appliedOn: d.appliedOn,
      issuedOn: d.issuedOn,
      dueOn: d.verificationDueOn,
    })
    w.status(verification, 'verification', 'due', d.issuedOn, `due by ${d.verificationDueOn}`)
    w.edge(id, 'verified_by', verification, d.issuedOn, { kind: d.kind })
    for (const productId of d.products ?? [])
      w.edge(nodeId('product', productId), 'licensed_under', id, d.issuedOn, {
        applicationId: d.applicationId,
        categories: d.productCategories,
      })
  },
  OnSiteVerificationPassed: (w, d: Data<typeof licensing.OnSiteVerificationPassed>) => {
    const id = verificationNode(d.applicationId)
    w.patch(id, { verifiedOn: d.verifiedOn, inspector: d.inspector })
    w.status(id, 'verification', 'passed', d.verifiedOn, `passed ${d.verifiedOn}`)
  },
  OnSiteVerificationFailed: (w, d: Data<typeof licensing.OnSiteVerificationFailed>) => {
    const id = verificationNode(d.applicationId)
    w.patch(id, { verifiedOn: d.verifiedOn, inspector: d.inspector, findings: d.findings })
    w.status(id, 'verification', 'failed', d.verifiedOn, `failed ${d.verifiedOn}: ${d.findings}`)
  },
  OnSiteVerificationMissed: (w, d: Data<typeof licensing.OnSiteVerificationMissed>) => {
    w.status(
      verificationNode(d.applicationId),
      'verification',
      'missed',
      dayAfter(d.dueOn),
      `not verified by ${d.dueOn}`,
    )
  },
  EnterpriseLicenceSuspended: (w, d: Data<typeof licensing.EnterpriseLicenceSuspended>) => {
    w.status(
      licenceNode(d.licenceNo),
      'licence',
      'suspended',
      d.from,
      `suspended ${d.from} because ${CAUSES[d.cause.kind] ?? d.cause.kind} (${d.cause.applicationId})`,
      { kind: d.cause.kind, ref: d.cause.applicationId },
    )
  },
  EnterpriseLicenceRevoked: (w, d: Data<typeof licensing.EnterpriseLicenceRevoked>) => {
    w.status(
      licenceNode(d.licenceNo),
      'licence',
      'revoked',
      d.on,
      `revoked ${d.on} because ${CAUSES[d.cause.kind] ?? d.cause.kind} (${d.cause.applicationId})`,
      { kind: d.cause.kind, ref: d.cause.applicationId },
    )
  },
  EnterpriseLicenceRestored: (w, d: Data<typeof licensing.EnterpriseLicenceRestored>) => {
    w.status(
      licenceNode(d.licenceNo),
      'licence',
      'restored',
      d.on,
      `restored ${d.on}: ${d.reason}`,
      d.applicationId ? { kind: 'reverification', ref: d.applicationId } : undefined,
    )
  },
  EnterpriseLicenceExpired: (w, d: Data<typeof licensing.EnterpriseLicenceExpired>) => {
    w.status(licenceNode(d.licenceNo), 'licence', 'expired', d.on, `validity ended ${d.expiresOn}`)
  },
  LegacyLicenceMigrated: (w, d: Data<typeof licensing.LegacyLicenceMigrated>) => {
    const id = licenceNode(d.licenceNo)
    const before = (w.data(id).categories as string[] | undefined) ?? []
    w.node('licence', d.licenceNo, `licence ${d.licenceNo}`, {
      enterpriseId: d.enterpriseId,
      categories: [...new Set([...before, d.productCategory])],
    })
    w.status(id, 'licence', 'issued', d.grantedOn, `scope line ${d.legacyLicenceNo} granted ${d.grantedOn}`)
  },
}
