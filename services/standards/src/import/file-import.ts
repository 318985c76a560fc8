import { createReadStream, statSync } from 'node:fs'
import { createInterface } from 'node:readline'
import {
  type ImportContext,
  type ImportLine,
  type ImportReport,
  importCatalogueBatch,
} from './catalogue-import'
import { csvRecord, ndjsonRecord, splitCsvLine } from './lines'

export interface FileImportReport {
  lines: number
  written: number
  unchanged: number
  edges: number
  rejected: ImportReport['rejected']
  /** Links still without a published other end after every line was read. */
  pendingEdges: ImportReport['pendingEdges']
  position: bigint | null
}

/**
 * Streams a catalogue file (NDJSON, or CSV with a header when the name ends in .csv) through
 * `importCatalogueBatch` in batches. Memory: one batch of lines plus the pending links (two short
 * strings each), whatever the file size.
 */
export async function importCatalogueFile(
  context: ImportContext,
  path: string,
  options: { batchSize?: number; batchId: string; onProgress?: (bytes: number, total: number) => void },
): Promise<FileImportReport> {
  const batchSize = options.batchSize ?? 5000
  const total = statSync(path).size
  const csv = path.toLowerCase().endsWith('.csv')
  const report: FileImportReport = {
    lines: 0,
    written: 0,
    unchanged: 0,
    edges: 0,
    rejected: [],
    pendingEdges: [],
    position: null,
  }
  let pending: ImportReport['pendingEdges'] = []
  let batch: ImportLine[] = []
  let bytes = 0
  let batches = 0
  const flush = async (lines: ImportLine[]) => {
    const result = await importCatalogueBatch(context, lines, {
      batchId: `${options.batchId}-${batches++}`,
      extraEdges: pending,
    })
    pending = result.pendingEdges
    report.written += result.written
    report.unchanged += result.unchanged
    report.edges += result.edges
    report.rejected.push(...result.rejected)
    if (result.position !== null) report.position = result.position
    options.onProgress?.(bytes, total)
  }
  let header: string[] | null = null
  const input = createInterface({
    input: createReadStream(path, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  })
  let lineNo = 0
  for await (const text of input) {
    lineNo += 1
    bytes += Buffer.byteLength(text, 'utf8') + 1
    if (text.trim().length === 0) continue
    if (csv && header === null) {
      header = splitCsvLine(text.replace(/^\uFEFF/, '')).map((h) => h.trim())
      continue
    }
    report.lines += 1
    if (csv) {
      batch.push({ line: lineNo, record: csvRecord(header ?? [], splitCsvLine(text)) })
    } else {
      const parsed = ndjsonRecord(text)
      if ('error' in parsed) report.rejected.push({ line: lineNo, reference: null, reason: parsed.error })
      else batch.push({ line: lineNo, record: parsed.record })
    }
    if (batch.length >= batchSize) {
      await flush(batch)
      batch = []
    }
  }
  await flush(batch)
  // Links named before their other end arrived: once more, now that every line is in.
  if (pending.length > 0) await flush([])
  report.pendingEdges = pending
  report.rejected.sort((a, b) => a.line - b.line)
  return report
}
