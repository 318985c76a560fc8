/**
 * Status reasons as the graph stores them are English sentences the projection and the policies
 * write (`suspended 2026-11-27 because report R-1 was revoked: basis report R-1 revoked: 复核…`).
 * Queries return them also as **phrases**: a code with its parameters for every part the system
 * wrote, and the person's own words as text, so a client renders them in its own language. The
 * stored text is parsed here, at the query layer, so old events (and the projection) stay as
 * they are; a sentence no template knows comes back as one text phrase (nothing is lost).
 *
 * The templates follow the texts in ../projections/status-changes.ts, ../projections/graph.ts,
 * ../projections/standard-stages.ts and the certification policies; reasons.spec.ts writes each of
 * them through the projection's own rules and checks it parses, so the two cannot drift apart.
 */

/** A system-written part of a reason (code + parameters), or the person's own words. */
export type ReasonPhrase = { code: string; params: Record<string, string> } | { text: string }

type Template = { code: string; pattern: RegExp; tail?: 'note' | 'optional-note' }

const D = '(?<on>\\d{4}-\\d{2}-\\d{2})'
const date = (name: string) => `(?<${name}>\\d{4}-\\d{2}-\\d{2})`
const CAUSE = '(?: because (?<cause>.+?))?'

/** Leading status templates; the note (`: …`) after them, when the template has one, is parsed on. */
const STATUS: Template[] = [
  { code: 'status.accredited', pattern: new RegExp(`^accredited ${D} until ${date('until')}$`) },
  { code: 'status.validityEnded', pattern: new RegExp(`^validity ended ${D}$`) },
  { code: 'status.calibrated', pattern: new RegExp(`^calibrated ${D}, due ${date('due')}$`) },
  { code: 'status.calibrationDue', pattern: new RegExp(`^calibration due ${D}$`) },
  { code: 'status.calibrationFailed', pattern: new RegExp(`^calibration ${D} failed$`) },
  { code: 'status.calibrationExpired', pattern: new RegExp(`^calibration expired ${D}$`) },
  { code: 'status.issuedExpires', pattern: new RegExp(`^issued ${D}, expires ${date('expires')}$`) },
  { code: 'status.issued', pattern: new RegExp(`^issued ${D}$`) },
  { code: 'status.drafted', pattern: new RegExp(`^drafted(?: ${D})?$`) },
  {
    code: 'status.published',
    pattern: new RegExp(`^published ${D}, effective from ${date('effective')}$`),
  },
  { code: 'status.effective', pattern: new RegExp(`^effective since ${D}$`) },
  {
    code: 'status.superseded',
    pattern: new RegExp(`^superseded ${D} by (?<to>.+?); transition until ${date('ends')}$`),
  },
  { code: 'status.transitionEnded', pattern: new RegExp(`^transition to (?<to>.+?) ended ${D}$`) },
  { code: 'status.expired', pattern: new RegExp(`^expired ${D}${CAUSE}$`), tail: 'optional-note' },
  { code: 'status.suspended', pattern: new RegExp(`^suspended ${D}${CAUSE}$`), tail: 'optional-note' },
  { code: 'status.restored', pattern: new RegExp(`^restored ${D}$`), tail: 'note' },
  { code: 'status.withdrawn', pattern: new RegExp(`^withdrawn ${D}${CAUSE}$`), tail: 'note' },
  { code: 'status.retired', pattern: new RegExp(`^retired ${D}$`), tail: 'note' },
  {
    code: 'status.amended',
    pattern: new RegExp(`^amended ${D} by report (?<report>.+?)$`),
    tail: 'note',
  },
  { code: 'status.flagged', pattern: new RegExp(`^flagged ${D}$`), tail: 'note' },
  { code: 'status.revoked', pattern: new RegExp(`^revoked ${D}${CAUSE}$`), tail: 'optional-note' },
  // Licensing (../projections/graph-licensing.ts): licences issued before verification, on-site
  // verifications, legacy per-category licences migrated as scope lines.
  {
    code: 'status.issuedBeforeVerification',
    pattern: new RegExp(`^issued ${D} before verification$`),
  },
  { code: 'status.verificationDue', pattern: new RegExp(`^due by ${D}$`) },
  { code: 'status.verificationPassed', pattern: new RegExp(`^passed ${D}$`) },
  { code: 'status.verificationFailed', pattern: new RegExp(`^failed ${D}$`), tail: 'note' },
  { code: 'status.notVerified', pattern: new RegExp(`^not verified by ${D}$`) },
  { code: 'status.scopeLineGranted', pattern: new RegExp(`^scope line (?<line>.+?) granted ${D}$`) },
  {
    code: 'status.underReview',
    pattern: new RegExp(`^under review since ${D}${CAUSE}$`),
    tail: 'note',
  },
  { code: 'status.recallAnnounced', pattern: new RegExp(`^recall announced ${D}$`), tail: 'note' },
  { code: 'status.recalled', pattern: new RegExp(`^recalled ${D} \\((?<recall>[^)]+)\\)$`), tail: 'note' },
]

/** What ` because …` names (../projections/status-changes.ts, causeText). */
const CAUSES: Template[] = [
  { code: 'cause.reportRevoked', pattern: /^report (?<ref>.+) was revoked$/ },
  { code: 'cause.accreditationChanged', pattern: /^the accreditation of (?<ref>.+) changed$/ },
  { code: 'cause.standardSuperseded', pattern: /^standard (?<ref>.+) was superseded$/ },
  { code: 'cause.recall', pattern: /^recall (?<ref>.+)$/ },
  { code: 'cause.verificationFailed', pattern: /^the on-site verification failed \((?<ref>[^)]+)\)$/ },
  { code: 'cause.verificationMissed', pattern: /^the on-site verification was missed \((?<ref>[^)]+)\)$/ },
]

/** Notes the certification policies write before the person's words. */
const POLICY: Template[] = [
  {
    code: 'policy.basisRevokedRemaining',
    pattern: /^basis report (?<report>.+?) revoked \((?<note>.*)\); remaining basis: (?<remaining>.*)$/,
  },
  { code: 'policy.basisRevoked', pattern: /^basis report (?<report>.+?) revoked$/, tail: 'note' },
  {
    code: 'policy.productRecalled',
    pattern: /^product (?<product>.+?) recalled \((?<recall>[^)]+)\)$/,
    tail: 'note',
  },
  {
    code: 'policy.labReports',
    pattern: new RegExp(
      `^rests on reports of (?<lab>.+?) issued after its accreditation was (?<what>suspended|withdrawn) ${D}$`,
    ),
    tail: 'note',
  },
  {
    code: 'policy.bodyAccreditation',
    pattern: new RegExp(`^issuing body (?<body>.+?)'s accreditation was (?<what>suspended|withdrawn) ${D}$`),
    tail: 'note',
  },
]

const groups = (match: RegExpExecArray): Record<string, string> =>
  Object.fromEntries(Object.entries(match.groups ?? {}).filter(([, value]) => value !== undefined)) as Record<
    string,
    string
  >

/** Tries the templates on the text, then on each `: ` split point (head template, tail parsed on). */
function parseWith(
  text: string,
  templates: Template[],
  tailParser: (tail: string) => ReasonPhrase[],
): ReasonPhrase[] | null {
  // Earliest split first: the person's words may contain ': ' themselves.
  const splits = [...[...text.matchAll(/: /g)].map((m) => m.index ?? 0), text.length]
  for (const template of templates) {
    for (const at of splits) {
      const head = text.slice(0, at)
      const tail = at < text.length ? text.slice(at + 2) : null
      if (tail === null ? template.tail === 'note' : template.tail === undefined) continue
      const match = template.pattern.exec(head)
      if (!match) continue
      const { cause, note, ...params } = groups(match)
      const phrases: ReasonPhrase[] = [{ code: template.code, params }]
      if (cause) phrases.push(parseCause(cause))
      if (note !== undefined) phrases.push(...parseNote(note))
      if (tail !== null) phrases.push(...tailParser(tail))
      return phrases
    }
  }
  return null
}

function parseCause(text: string): ReasonPhrase {
  for (const template of CAUSES) {
    const match = template.pattern.exec(text)
    if (match) return { code: template.code, params: groups(match) }
  }
  return { code: 'cause.other', params: { kind: text } }
}

/** A note: a policy's wording (then the person's words) or the person's words alone. */
function parseNote(text: string): ReasonPhrase[] {
  if (text === '') return []
  return parseWith(text, POLICY, parseNote) ?? [{ text }]
}

/**
 * Parsed phrases by reason text: a lineage at scale lists ~30 problems per call, mostly with the
 * same few reasons (one revocation suspends many certificates), and each parse tries every template
 * at every `: `. Shared between answers, so frozen; bounded (the oldest go first).
 */
const PARSED_MAX_ENTRIES = 4096
const parsed = new Map<string, readonly ReasonPhrase[]>()

/**
 * A stored reason as phrases; null for none. A standard's date correction (`… (date corrected from
 * A to B: why)`) is one more phrase after the stage's. The array and its phrases are frozen.
 */
export function reasonPhrases(reason: string | null | undefined): ReasonPhrase[] | null {
  if (!reason) return null
  let phrases = parsed.get(reason)
  if (!phrases) {
    phrases = Object.freeze(
      parseReason(reason).map((phrase) =>
        Object.freeze('code' in phrase ? { ...phrase, params: Object.freeze(phrase.params) } : phrase),
      ),
    )
    parsed.set(reason, phrases)
    if (parsed.size > PARSED_MAX_ENTRIES) parsed.delete(parsed.keys().next().value as string)
  }
  return phrases as ReasonPhrase[]
}

function parseReason(reason: string): ReasonPhrase[] {
  const corrected = /^(?<stage>.+) \(date corrected from (?<from>\S+) to (?<to>\S+): (?<note>.*)\)$/.exec(
    reason,
  )
  if (corrected?.groups) {
    const { stage = '', from = '', to = '', note = '' } = corrected.groups
    return [
      ...(reasonPhrases(stage) ?? []),
      { code: 'status.dateCorrected', params: { from, to } },
      ...parseNote(note),
    ]
  }
  return parseWith(reason, STATUS, parseNote) ?? [{ text: reason }]
}
