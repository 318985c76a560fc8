/**
 * The public verification queries over plain `fetch`, in tRPC's HTTP wire format, so that the page
 * a QR code opens loads neither the tRPC client, TanStack Query nor superjson (ARCHITECTURE.md,
 * `apps/web` row). The server speaks superjson: inputs go as `{ json }`, outputs come back as
 * `{ json, meta }`, and the few annotations a value can carry here (undefined, bigint, Date) are
 * decoded by `decodeSuperjson`. Errors become an `Error` with tRPC's `data` (code, rule, …) so
 * `describeApiError` reads them as it reads the tRPC client's.
 */
import type { RouterInputs, RouterOutputs } from '../trpc'

export interface PublicQueries {
  'certification.verify': {
    input: RouterInputs['certification']['verify']
    output: RouterOutputs['certification']['verify']
  }
  'testing.verifyReport': {
    input: RouterInputs['testing']['verifyReport']
    output: RouterOutputs['testing']['verifyReport']
  }
}

export class PublicApiError extends Error {
  constructor(
    message: string,
    readonly data: Record<string, unknown> | null,
  ) {
    super(message)
    this.name = 'PublicApiError'
  }
}

type Annotation = string | [string, ...unknown[]]
interface MetaBranches {
  [key: string]: MetaTree
}
type MetaTree = [Annotation] | [Annotation, MetaBranches] | MetaBranches

function decodeLeaf(value: unknown, annotation: Annotation): unknown {
  const kind = Array.isArray(annotation) ? annotation[0] : annotation
  if (kind === 'undefined') return undefined
  if (kind === 'bigint' && (typeof value === 'string' || typeof value === 'number')) return BigInt(value)
  if (kind === 'Date' && typeof value === 'string') return new Date(value)
  return value
}

/** superjson's path keys: segments joined by `.`, a literal dot escaped as `\.`. */
function pathSegments(path: string): string[] {
  return path.split(/(?<!\\)\./).map((segment) => segment.replaceAll('\\.', '.'))
}

function decodeTree(value: unknown, tree: MetaTree): unknown {
  if (Array.isArray(tree)) {
    const [annotation, children] = tree as [Annotation, MetaBranches | undefined]
    const inner = children ? decodeTree(value, children) : value
    return decodeLeaf(inner, annotation)
  }
  let result = value
  for (const [path, child] of Object.entries(tree)) result = decodeAt(result, pathSegments(path), child)
  return result
}

/** `value` with the part at `segments` decoded (copied along the path, the input left as it was). */
function decodeAt(value: unknown, segments: string[], tree: MetaTree): unknown {
  if (segments.length === 0) return decodeTree(value, tree)
  if (typeof value !== 'object' || value === null) return value
  const [head = '', ...rest] = segments
  const copy = (Array.isArray(value) ? [...value] : { ...value }) as Record<string, unknown>
  copy[head] = decodeAt(copy[head], rest, tree)
  return copy
}

/** superjson's `{ json, meta }` back to the value (the annotations the public queries can carry). */
export function decodeSuperjson(envelope: unknown): unknown {
  if (typeof envelope !== 'object' || envelope === null || !('json' in envelope)) return envelope
  const { json, meta } = envelope as { json: unknown; meta?: { values?: MetaTree } }
  return meta?.values ? decodeTree(json, meta.values) : json
}

export async function publicQuery<P extends keyof PublicQueries>(
  path: P,
  input: PublicQueries[P]['input'],
  signal?: AbortSignal,
): Promise<PublicQueries[P]['output']> {
  const url = `/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`
  const response = await fetch(url, { signal, headers: { accept: 'application/json' } })
  let body: unknown = null
  try {
    body = await response.json()
  } catch {
    // not JSON (a proxy's error page): handled below
  }
  const envelope = body as { result?: { data?: unknown }; error?: unknown } | null
  if (response.ok && envelope?.result && 'data' in envelope.result)
    return decodeSuperjson(envelope.result.data) as PublicQueries[P]['output']
  const error = decodeSuperjson(envelope?.error) as { message?: unknown; data?: unknown } | undefined
  const data =
    typeof error?.data === 'object' && error.data !== null ? (error.data as Record<string, unknown>) : null
  throw new PublicApiError(
    typeof error?.message === 'string' ? error.message : `HTTP ${response.status}`,
    data ?? {
      code: response.status === 404 ? 'NOT_FOUND' : 'INTERNAL_SERVER_ERROR',
      httpStatus: response.status,
    },
  )
}
