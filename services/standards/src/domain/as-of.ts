/**
 * The replay oracle for "what was a standard's status on business date D, as recorded at store
 * position P": a plain fold over the standard's events, with no SQL and no shortcuts. The catalogue
 * projection answers the same question from indexed tables; the model-based test
 * (`as-of.property.spec.ts`) checks that both always agree. ARCHITECTURE.md "Standards: two time
 * axes" defines the rules this function implements.
 */

/** The lifecycle stages a standard passes through, in their order of precedence on the same day. */
export const STAGES = ['draft', 'published', 'effective', 'superseded', 'withdrawn'] as const
export type Stage = (typeof STAGES)[number]
export const STAGE_RANK: Readonly<Record<Stage, number>> = {
  draft: 0,
  published: 1,
  effective: 2,
  superseded: 3,
  withdrawn: 4,
}

/** One standards event as the store recorded it. */
export interface RecordedStandardEvent {
  type: string
  data: Record<string, unknown> & { code: string; version: string }
  position: bigint
  /** The envelope's business time; a draft without its own date counts from this day. */
  occurredAt: string
}

/** When a stage began, as believed at the position folded up to. */
export interface StageDate {
  date: string
  /** False for a draft recorded without a business date (it then counts from the recording day). */
  dated: boolean
}

/** The stage dates of one standard, folding its events up to position `at` (all when undefined). */
export function stageDates(
  events: readonly RecordedStandardEvent[],
  key: { code: string; version: string },
  at?: bigint,
): Map<Stage, StageDate> {
  const dates = new Map<Stage, StageDate>()
  /** Full replacement links and their dates, to recompute the supersession when one is retracted. */
  const links = new Map<string, string>()
  const ordered = [...events].sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0))
  for (const event of ordered) {
    if (at !== undefined && event.position > at) continue
    if (event.data.code !== key.code || event.data.version !== key.version) continue
    const d = event.data
    switch (event.type) {
      case 'StandardDrafted':
        dates.set(
          'draft',
          typeof d.draftedOn === 'string'
            ? { date: d.draftedOn, dated: true }
            : { date: event.occurredAt.slice(0, 10), dated: false },
        )
        break
      case 'StandardPublished':
        dates.set('published', { date: String(d.publishedOn), dated: true })
        dates.set('effective', { date: String(d.effectiveFrom), dated: true })
        break
      case 'StandardSuperseded': {
        // A partial replacement leaves the edition in force; of several full ones (a split), the
        // earliest counts.
        if (d.partial === true) break
        const to = d.replacedBy as { code: string; version: string }
        links.set(`${to.code}-${to.version}`, String(d.supersededOn))
        const previous = dates.get('superseded')
        if (!previous || String(d.supersededOn) < previous.date) {
          dates.set('superseded', { date: String(d.supersededOn), dated: true })
        }
        break
      }
      case 'StandardWithdrawn':
        dates.set('withdrawn', { date: String(d.withdrawnOn), dated: true })
        break
      case 'StandardReplacementRetracted': {
        const to = d.replacedBy as { code: string; version: string }
        if (!links.delete(`${to.code}-${to.version}`)) break
        const remaining = [...links.values()].sort()
        if (remaining.length === 0) dates.delete('superseded')
        else dates.set('superseded', { date: remaining[0] as string, dated: true })
        break
      }
      case 'StandardDateCorrected': {
        const stage = d.stage as Stage | 'transitionEnds'
        if (stage !== 'transitionEnds' && dates.has(stage)) {
          dates.set(stage, { date: String(d.date), dated: true })
        }
        break
      }
    }
  }
  return dates
}

/**
 * The status on `on`: among the stages dated on or before that day, the latest date wins, and on
 * the same day the later stage in `STAGES` wins. A draft recorded without a date counts only when
 * no dated stage has begun, from the day it was recorded. Null: not in the catalogue on that day.
 */
export function statusOn(
  events: readonly RecordedStandardEvent[],
  key: { code: string; version: string },
  on: string,
  at?: bigint,
): Stage | null {
  let best: { stage: Stage; date: string } | null = null
  const dates = stageDates(events, key, at)
  for (const [stage, { date, dated }] of dates) {
    if (!dated || date > on) continue
    if (
      best === null ||
      date > best.date ||
      (date === best.date && STAGE_RANK[stage] > STAGE_RANK[best.stage])
    ) {
      best = { stage, date }
    }
  }
  if (best) return best.stage
  const draft = dates.get('draft')
  return draft && !draft.dated && draft.date <= on ? 'draft' : null
}

/** Identifiers of the supplements (amendments, corrigenda) published on or before `on`, recorded up to `at`. */
export function supplementsOn(
  events: readonly RecordedStandardEvent[],
  key: { code: string; version: string },
  on: string,
  at?: bigint,
): string[] {
  return events
    .filter(
      (e) =>
        e.type === 'StandardSupplementPublished' &&
        e.data.code === key.code &&
        e.data.version === key.version &&
        (at === undefined || e.position <= at) &&
        String(e.data.publishedOn) <= on,
    )
    .map((e) => String(e.data.identifier))
    .sort()
}
