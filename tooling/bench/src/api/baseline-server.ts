/**
 * The API benchmark's baselines, served the same way the API is (a separate Node process, Fastify,
 * JSON over keep-alive HTTP) but with nothing between the route and the storage:
 * - POST /append: the issued report's event appended straight through the store port
 *   (@qi/eventstore SqliteEventStore, its own file, same durability as the API's default);
 * - POST /revoke: the revocation scenario's two events, the report's TestReportRevoked and then
 *   the certificate's CertificateSuspended, each appended to its own stream the same way;
 * - GET /lineage, /impact: one recursive SQL query over the lineage read model's file (the API's,
 *   opened read-only) following the same relations lineage / impact analysis follow;
 * - GET /reports: the paged list's two statements on the testing reports read model;
 * - GET /health: what the bench opens its connections with before each level.
 * Environment: BASELINE_DIR (its own data), READMODELS_DIR (the API's read models), PORT.
 */
import { join } from 'node:path'
import { SqliteEventStore } from '@qi/eventstore/sqlite'
import { storedProjectionState } from '@qi/projections'
import Database from 'better-sqlite3'
import Fastify from 'fastify'

const baselineDir = process.env.BASELINE_DIR
const readModels = process.env.READMODELS_DIR
if (!baselineDir || !readModels) throw new Error('BASELINE_DIR and READMODELS_DIR are required')

function openReadModel(name: string) {
  const state = storedProjectionState(readModels!, name)
  if (!state) throw new Error(`no read model '${name}' in ${readModels}`)
  return new Database(join(readModels!, `${name}.g${state.generation}.db`), {
    readonly: true,
    fileMustExist: true,
  })
}

const store = new SqliteEventStore({ path: join(baselineDir, 'events.db') })
const graph = openReadModel('lineage.graph')
const reports = openReadModel('testing.reports')

/** The relations lineage follows from a product down to what it rests on (services/lineage DOWNWARD). */
const DOWNWARD = [
  'certified_by',
  'tested_in',
  'made_by',
  'made_on',
  'recalled_in',
  'declares',
  'based_on',
  'certifies_to',
  'issued_by',
  'under',
  'tested_to',
  'used',
  'amends',
  'calibrated_by',
  'traceable_to',
  'performed_by',
  'replaced_by',
  'adopts',
]
/** The relations impact analysis follows backwards from a standard (services/lineage UPWARD). */
const UPWARD = ['tested_to', 'certifies_to', 'declares', 'based_on', 'tested_in', 'certified_by']
const list = (rels: string[]) => rels.map((r) => `'${r}'`).join(',')
const latestStatus = `(SELECT status FROM statuses s WHERE s.node_id = n.id AND s.counts_from <= @asOf
  AND s.cancelled_position IS NULL ORDER BY s.counts_from DESC, s.stage DESC, s.position DESC LIMIT 1)`

const lineageNodes = graph.prepare(
  `WITH RECURSIVE reach(id) AS (
     SELECT @root UNION
     SELECT e.to_id FROM edges e JOIN reach r ON e.from_id = r.id
     WHERE e.rel IN (${list(DOWNWARD)}) AND e.valid_from <= @asOf AND e.cancelled_position IS NULL
   )
   SELECT n.id, n.kind, n.key, n.label, n.data, ${latestStatus} AS status
   FROM nodes n WHERE n.id IN (SELECT id FROM reach) LIMIT 2000`,
)
const edgesAmong = graph.prepare(
  `SELECT from_id, rel, to_id, min(valid_from) AS valid_from FROM edges
   WHERE from_id IN (SELECT value FROM json_each(@ids)) AND to_id IN (SELECT value FROM json_each(@ids))
     AND valid_from <= @asOf AND cancelled_position IS NULL GROUP BY from_id, rel, to_id`,
)
const impactNodes = graph.prepare(
  `WITH RECURSIVE reach(id) AS (
     SELECT @root UNION
     SELECT e.from_id FROM edges e JOIN reach r ON e.to_id = r.id
     WHERE e.rel IN (${list(UPWARD)}) AND e.valid_from <= @asOf AND e.cancelled_position IS NULL
   )
   SELECT n.id, n.kind, n.key, n.label, ${latestStatus} AS status
   FROM nodes n WHERE n.id IN (SELECT id FROM reach) AND n.id != @root`,
)
const reportCount = reports.prepare('SELECT COUNT(*) AS n FROM reports')
const reportPage = reports.prepare(
  'SELECT * FROM reports ORDER BY issued_on DESC, report_no LIMIT ? OFFSET ?',
)

const today = () => new Date().toISOString().slice(0, 10)
const app = Fastify({ logger: false })

/** What the bench opens its connections with before a level (as the API's own GET /health). */
app.get('/health', async () => ({ status: 'ok' }))

app.post('/append', async (request) => {
  const input = (request.body as { json: { reportNo: string } }).json
  const result = await store.appendToStream(
    `report-${input.reportNo}`,
    [{ type: 'TestReportIssued', data: input }],
    { expectedRevision: 'no_stream' },
  )
  return { position: String(result.position) }
})

app.post('/revoke', async (request) => {
  const input = (request.body as { json: { reportNo: string; certificateNo: string } }).json
  await store.appendToStream(
    `report-${input.reportNo}`,
    [
      {
        type: 'TestReportRevoked',
        data: { reportNo: input.reportNo, revokedOn: '2025-05-20', reason: 'bench: revoked' },
      },
    ],
    { expectedRevision: 'no_stream' },
  )
  const result = await store.appendToStream(
    `certificate-${input.certificateNo}`,
    [
      {
        type: 'CertificateSuspended',
        data: {
          certificateNo: input.certificateNo,
          suspendedOn: '2025-05-20',
          reason: `report ${input.reportNo} revoked`,
        },
      },
    ],
    { expectedRevision: 'no_stream' },
  )
  return { position: String(result.position) }
})

app.get('/lineage', async (request) => {
  const { productId } = request.query as { productId: string }
  const asOf = today()
  const nodes = lineageNodes.all({ root: `product:${productId}`, asOf }) as Array<{
    id: string
    data: string
  }>
  const edges = edgesAmong.all({ ids: JSON.stringify(nodes.map((n) => n.id)), asOf })
  return { nodes: nodes.map((n) => ({ ...n, data: JSON.parse(n.data) })), edges }
})

app.get('/impact', async (request) => {
  const { code, version } = request.query as { code: string; version: string }
  return { items: impactNodes.all({ root: `standard:${code}-${version}`, asOf: today() }) }
})

app.get('/reports', async (request) => {
  const { limit, offset } = request.query as { limit: string; offset: string }
  const total = (reportCount.get() as { n: number }).n
  return { total, items: reportPage.all(Number(limit), Number(offset)) }
})

const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' })
console.log(`baseline listening on ${address}`)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    await app.close()
    await store.close()
    graph.close()
    reports.close()
    process.exit(0)
  })
}
