/**
 * Status reasons as stored carry the system's English wording before the person's own words
 * (`suspended 2026-11-27 because report R was revoked: basis report R revoked: 复核发现样品与委托不符`).
 * The status and date are shown as badge and date already; in the Chinese UI only the person's
 * words are kept, and a reason that is system wording only is not shown at all.
 */
export function displayReason(reason: string | null | undefined, lang: string): string {
  if (!reason) return ''
  if (lang !== 'zh-CN') return reason
  const parts = reason.split(/:\s+/)
  const firstHuman = parts.findIndex((part) => /[^\x20-\x7e]/.test(part))
  return firstHuman === -1 ? '' : parts.slice(firstHuman).join('：')
}
