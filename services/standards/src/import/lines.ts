/**
 * Catalogue files for `qi import standards`: NDJSON (one JSON object per line, fields as
 * `ImportRecord`) or CSV with a header row of the same names (`title.en`, `title.fr`, `title.zh`;
 * lists separated by `;`; supplements as `reference@date`). docs/STANDARDS-IMPORT.md.
 */

export const CSV_COLUMNS = [
  'reference',
  'publicationDate',
  'effectiveDate',
  'currentStage',
  'stageDate',
  'withdrawalDate',
  'edition',
  'icsCode',
  'ownerCommittee',
  'title.en',
  'title.fr',
  'title.zh',
  'replaces',
  'replacedBy',
  'supplements',
] as const

/** Splits one CSV line (RFC 4180 quoting, no line breaks inside fields). */
export function splitCsvLine(line: string): string[] {
  const fields: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      fields.push(field)
      field = ''
    } else field += c
  }
  fields.push(field)
  return fields
}

const list = (text: string | undefined) =>
  text
    ? text
        .split(';')
        .map((x) => x.trim())
        .filter((x) => x.length > 0)
    : undefined

/** Turns a CSV row (by header) into the record shape `ImportRecord` validates. */
export function csvRecord(header: string[], fields: string[]): Record<string, unknown> {
  const at = (name: string) => {
    const index = header.indexOf(name)
    const value = index >= 0 ? fields[index]?.trim() : undefined
    return value === '' ? undefined : value
  }
  const title = { en: at('title.en'), fr: at('title.fr'), zh: at('title.zh') }
  const edition = at('edition')
  return {
    reference: at('reference'),
    publicationDate: at('publicationDate'),
    effectiveDate: at('effectiveDate'),
    currentStage: at('currentStage'),
    stageDate: at('stageDate'),
    withdrawalDate: at('withdrawalDate'),
    edition: edition ? Number(edition) : undefined,
    icsCode: list(at('icsCode')),
    ownerCommittee: at('ownerCommittee'),
    title: title.en || title.fr || title.zh ? title : undefined,
    replaces: list(at('replaces')),
    replacedBy: list(at('replacedBy')),
    supplements: list(at('supplements'))?.map((s) => {
      const [reference = '', publicationDate] = s.split('@')
      return { reference, publicationDate }
    }),
  }
}

/** Parses one NDJSON line; a syntax error becomes the reason of a rejected line. */
export function ndjsonRecord(line: string): { record: unknown } | { error: string } {
  try {
    return { record: JSON.parse(line) }
  } catch (error) {
    return { error: `not JSON: ${error instanceof Error ? error.message : String(error)}` }
  }
}
