import { toJsonSchema } from '@qi/contracts'
import type { QiMeta } from '@qi/trpc'
import { z } from 'zod'
import { appRouter } from './root'

/**
 * The tRPC API described for clients that are not TypeScript: the HTTP shape of a call (tRPC's
 * HTTP protocol with the superjson envelope) and one section per procedure with its kind, who may
 * call it and its input as JSON Schema. Generated from the router itself
 * (`pnpm --filter @qi/api api-doc`) and kept in step by a test.
 */

interface ProcedureDef {
  type: 'query' | 'mutation' | 'subscription'
  inputs: unknown[]
  meta?: QiMeta
}

export interface ProcedureDescription {
  path: string
  kind: ProcedureDef['type']
  roles: string
  input: Record<string, unknown> | null
}

function inputSchema(inputs: unknown[]): Record<string, unknown> | null {
  const zodInputs = inputs.filter((input): input is z.ZodType => input instanceof z.ZodType)
  if (zodInputs.length === 0) return null
  return toJsonSchema(zodInputs.length === 1 ? zodInputs[0]! : z.intersection(zodInputs[0]!, zodInputs[1]!))
}

function rolesOf(meta: ProcedureDef['meta']): string {
  const access = meta?.access
  if (!access) return 'see the router'
  if (access.kind === 'public') return 'anyone (no key needed)'
  if (access.kind === 'authed') return 'any signed-in organisation'
  return [...access.roles, ...(access.roles.includes('admin') ? [] : ['admin'])].join(', ')
}

/** Every procedure of the API with its kind and declared access (its tRPC meta), from the router. */
export function listProcedures() {
  const procedures = (
    appRouter as unknown as { _def: { procedures: Record<string, { _def: ProcedureDef }> } }
  )._def.procedures
  return Object.entries(procedures)
    .map(([path, procedure]) => ({
      path,
      kind: procedure._def.type,
      access: procedure._def.meta?.access,
      meta: procedure._def.meta,
      inputs: procedure._def.inputs,
    }))
    .sort((a, b) => a.path.localeCompare(b.path))
}

export function describeProcedures(): ProcedureDescription[] {
  return listProcedures().map((procedure) => ({
    path: procedure.path,
    kind: procedure.kind,
    roles: rolesOf(procedure.meta),
    input: inputSchema(procedure.inputs),
  }))
}

/** The documented example calls (run by the test suite as the demo regulator). */
export const EXAMPLE_QUERY = { path: 'industrialization.listEnterprises', input: {} }
export const EXAMPLE_MUTATION = {
  path: 'industrialization.registerEnterprise',
  input: {
    enterpriseId: '91420100MA4KEXAMP1',
    name: '武汉示例电器有限公司',
    region: '武汉',
    industry: 'equipment',
  },
}

const PREAMBLE = `# HTTP API

Generated from the tRPC router (\`pnpm --filter @qi/api api-doc\`). Do not edit by hand.

The API is tRPC 11 over HTTP on \`/trpc\`, with the **superjson** transformer (positions and revisions
are \`bigint\`, dates are \`Date\`). Any language can call it with plain HTTP and JSON:

- **Authentication**: send an API key in the \`x-api-key\` header. Without a key only the procedures
  marked "anyone" answer; an unknown key is refused with 401.
- **Query**: \`GET /trpc/<procedure>?input=<url-encoded JSON>\` where the JSON is the superjson envelope
  \`{"json": <input>}\`.
- **Mutation**: \`POST /trpc/<procedure>\` with \`content-type: application/json\` and the body
  \`{"json": <input>}\`.
- **Result**: \`{"result": {"data": {"json": <value>, "meta": {...}}}}\`. \`meta.values\` names the fields
  superjson encoded: a \`bigint\` travels as a decimal string (\`"meta":{"values":{"position":["bigint"]}}\`),
  a \`Date\` as an ISO string. A client that ignores \`meta\` still reads every value, as strings.
- **Errors**: HTTP status from the tRPC code (400 BAD_REQUEST, 401 UNAUTHORIZED, 403 FORBIDDEN,
  404 NOT_FOUND, 409 CONFLICT, 412 PRECONDITION_FAILED, 429 TOO_MANY_REQUESTS, 500) and the body
  \`{"error": {"json": {"message", "code", "data": {"code", "httpStatus", "zodIssues", "violation"}}}}\`:
  \`zodIssues\` lists invalid input fields; \`violation\` names the domain rule (\`rule\`, \`item\`,
  \`field\`) a command broke.
- **Read your writes**: a mutation returns the store \`position\` of its events; pass it as
  \`minPosition\` to a query to read a model that includes them, or send the highest position you
  were answered with in the \`x-qi-seen-position\` header (digits) with every request: each query's
  read models then include it (up to the store's head) on whichever replica answers.
- **Idempotence**: a mutation's optional \`commandId\` makes a retry return the first result instead
  of acting twice.

Example (a query and a mutation with curl; the test suite sends these same two requests):

\`\`\`sh
curl -s -H "x-api-key: $KEY" \\
  "http://127.0.0.1:3000/trpc/${EXAMPLE_QUERY.path}?input=${encodeURIComponent(JSON.stringify({ json: EXAMPLE_QUERY.input }))}"
curl -s -H "x-api-key: $KEY" -H 'content-type: application/json' \\
  -d '${JSON.stringify({ json: EXAMPLE_MUTATION.input })}' \\
  "http://127.0.0.1:3000/trpc/${EXAMPLE_MUTATION.path}"
\`\`\`

The inputs below are JSON Schema (draft 2020-12) of the \`json\` member of the envelope.
`

export function httpApiMarkdown(procedures: ProcedureDescription[] = describeProcedures()): string {
  const lines = [PREAMBLE, '## Procedures', '', '| procedure | kind | who may call it |', '|---|---|---|']
  for (const p of procedures) lines.push(`| \`${p.path}\` | ${p.kind} | ${p.roles} |`)
  for (const p of procedures) {
    lines.push('', `### \`${p.path}\``, '', `${p.kind}; ${p.roles}.`, '')
    if (p.input) lines.push('```json', JSON.stringify(p.input, null, 2), '```')
    else lines.push('No input.')
  }
  return `${lines.join('\n')}\n`
}
