/**
 * Status reasons from their phrases (codes + parameters + the person's words) in zh-CN and English:
 * the lineage queries return them (services/lineage/src/queries/reasons.ts). A code missing here
 * fails reasons.spec.ts, which reads the codes from the server's parser.
 */
import { displayReason } from '../lib/reasons'
import type { Language } from './messages'

const en = {
  'status.accredited': 'accredited {on} until {until}',
  'status.validityEnded': 'validity ended {on}',
  'status.calibrated': 'calibrated {on}, due {due}',
  'status.calibrationDue': 'calibration due {on}',
  'status.calibrationFailed': 'calibration {on} failed',
  'status.calibrationExpired': 'calibration expired {on}',
  'status.issuedExpires': 'issued {on}, expires {expires}',
  'status.issued': 'issued {on}',
  'status.drafted': 'drafted {on}',
  'status.published': 'published {on}, effective from {effective}',
  'status.effective': 'effective since {on}',
  'status.superseded': 'superseded {on} by {to}; transition until {ends}',
  'status.transitionEnded': 'transition to {to} ended {on}',
  'status.expired': 'expired {on}',
  'status.suspended': 'suspended {on}',
  'status.restored': 'restored {on}',
  'status.withdrawn': 'withdrawn {on}',
  'status.retired': 'retired {on}',
  'status.amended': 'amended {on} by report {report}',
  'status.flagged': 'flagged {on}',
  'status.revoked': 'revoked {on}',
  'status.underReview': 'under review since {on}',
  'status.recallAnnounced': 'recall announced {on}',
  'status.recalled': 'recalled {on} ({recall})',
  'status.dateCorrected': 'date corrected from {from} to {to}',
  'status.issuedBeforeVerification': 'issued {on} before the on-site verification',
  'status.verificationDue': 'on-site verification due by {on}',
  'status.verificationPassed': 'on-site verification passed {on}',
  'status.verificationFailed': 'on-site verification failed {on}',
  'status.notVerified': 'not verified on site by {on}',
  'status.scopeLineGranted': 'scope line {line} granted {on}',
  'cause.reportRevoked': 'because report {ref} was revoked',
  'cause.accreditationChanged': 'because the accreditation of {ref} changed',
  'cause.standardSuperseded': 'because standard {ref} was superseded',
  'cause.recall': 'because of recall {ref}',
  'cause.verificationFailed': 'because the on-site verification {ref} failed',
  'cause.verificationMissed': 'because the on-site verification {ref} was missed',
  'cause.other': 'because of {kind}',
  'policy.basisRevoked': 'basis report {report} revoked',
  'policy.basisRevokedRemaining': 'basis report {report} revoked; remaining basis: {remaining}',
  'policy.productRecalled': 'product {product} recalled ({recall})',
  'policy.labReports': 'rests on reports of {lab} issued after its accreditation was {what} {on}',
  'policy.bodyAccreditation': "issuing body {body}'s accreditation was {what} {on}",
  'what.suspended': 'suspended',
  'what.withdrawn': 'withdrawn',
  none: 'none',
} as const

export type ReasonKey = keyof typeof en

const zh: Record<ReasonKey, string> = {
  'status.accredited': '{on} 获认可，有效期至 {until}',
  'status.validityEnded': '有效期于 {on} 届满',
  'status.calibrated': '{on} 校准，下次校准 {due}',
  'status.calibrationDue': '校准于 {on} 到期',
  'status.calibrationFailed': '{on} 校准不合格',
  'status.calibrationExpired': '校准于 {on} 过期',
  'status.issuedExpires': '{on} 颁发，有效期至 {expires}',
  'status.issued': '{on} 出具',
  'status.drafted': '{on} 起草',
  'status.published': '{on} 发布，{effective} 实施',
  'status.effective': '自 {on} 起实施',
  'status.superseded': '{on} 被 {to} 代替，过渡期至 {ends}',
  'status.transitionEnded': '向 {to} 的过渡期于 {on} 结束',
  'status.expired': '{on} 过期',
  'status.suspended': '{on} 暂停',
  'status.restored': '{on} 恢复',
  'status.withdrawn': '{on} 撤销',
  'status.retired': '{on} 停用',
  'status.amended': '{on} 由报告 {report} 更正',
  'status.flagged': '{on} 被标记',
  'status.revoked': '{on} 撤回',
  'status.underReview': '自 {on} 起复核中',
  'status.recallAnnounced': '{on} 发布召回',
  'status.recalled': '{on} 召回（{recall}）',
  'status.dateCorrected': '日期由 {from} 更正为 {to}',
  'status.issuedBeforeVerification': '{on} 先证后核发证',
  'status.verificationDue': '现场核查须于 {on} 前完成',
  'status.verificationPassed': '{on} 现场核查通过',
  'status.verificationFailed': '{on} 现场核查不通过',
  'status.notVerified': '截至 {on} 未完成现场核查',
  'status.scopeLineGranted': '{on} 授予许可单元 {line}',
  'cause.reportRevoked': '因报告 {ref} 被撤回',
  'cause.accreditationChanged': '因 {ref} 的认可状态变更',
  'cause.standardSuperseded': '因标准 {ref} 被代替',
  'cause.recall': '因召回 {ref}',
  'cause.verificationFailed': '因现场核查 {ref} 不通过',
  'cause.verificationMissed': '因现场核查 {ref} 逾期未完成',
  'cause.other': '因 {kind}',
  'policy.basisRevoked': '依据的报告 {report} 已撤回',
  'policy.basisRevokedRemaining': '依据的报告 {report} 已撤回；其余依据：{remaining}',
  'policy.productRecalled': '产品 {product} 召回（{recall}）',
  'policy.labReports': '依据 {lab} 在其认可于 {on} {what}之后出具的报告',
  'policy.bodyAccreditation': '发证机构 {body} 的认可已于 {on} {what}',
  'what.suspended': '暂停',
  'what.withdrawn': '撤销',
  none: '无',
}

export const REASON_MESSAGES: Record<Language, Record<ReasonKey, string>> = { en, 'zh-CN': zh }

export type ReasonPhrase = { code: string; params: Record<string, string> } | { text: string }

const isKey = (code: string): code is ReasonKey => code in en

function phraseText(phrase: ReasonPhrase, lang: Language): string | null {
  if ('text' in phrase) return phrase.text
  if (!isKey(phrase.code)) return null
  const catalogue = REASON_MESSAGES[lang]
  const params: Record<string, string> = { ...phrase.params }
  if (params.what && isKey(`what.${params.what}`)) params.what = catalogue[`what.${params.what}` as ReasonKey]
  if (params.remaining === 'none') params.remaining = catalogue.none
  return catalogue[phrase.code]
    .replace(/\{(\w+)\}/g, (_whole, name: string) => params[name] ?? '')
    .replace(/\s+/g, ' ')
    .trim()
}

/**
 * A reason in the user's language from its phrases: a cause joins the phrase before it (", because
 * …" / "，因…"), anything else follows after a colon. Null when a code is unknown (the caller then
 * shows the stored text).
 */
export function reasonText(phrases: ReadonlyArray<ReasonPhrase>, lang: Language): string | null {
  let text = ''
  for (const phrase of phrases) {
    const part = phraseText(phrase, lang)
    if (part === null) return null
    if (!text) text = part
    else if ('code' in phrase && phrase.code.startsWith('cause.'))
      text += lang === 'zh-CN' ? `，${part}` : ` ${part}`
    else text += lang === 'zh-CN' ? `：${part}` : `: ${part}`
  }
  return text
}

/**
 * A reason in the user's language: from its phrases (codes + the person's words, as the lineage
 * queries return them) when there are any, else from the stored text (lib/reasons: displayReason).
 * Kept apart from displayReason so the public verify page does not load this catalogue.
 */
export function localReason(
  reason: string | null | undefined,
  phrases: ReadonlyArray<ReasonPhrase> | null | undefined,
  lang: Language,
): string {
  return (phrases && phrases.length > 0 ? reasonText(phrases, lang) : null) ?? displayReason(reason, lang)
}
