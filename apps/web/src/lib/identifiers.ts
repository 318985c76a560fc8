/**
 * A standard code as people type it: `GB 4706.1-2005` (with its year) in the code field and no
 * version gives code `GB 4706.1`, version `2005`; full-width characters and spaces are folded.
 */
export function splitStandardCode(code: string, version: string): { code: string; version: string } {
  const folded = code.normalize('NFKC').trim().replace(/\s+/g, ' ')
  const withYear = /^(.*\S)\s*-\s*((19|20)\d{2}[a-z0-9]{0,4})$/.exec(folded)
  if (withYear && (version.trim() === '' || version.trim() === withYear[2])) {
    return { code: withYear[1] ?? folded, version: withYear[2] ?? '' }
  }
  return { code: folded, version: version.normalize('NFKC').trim() }
}
