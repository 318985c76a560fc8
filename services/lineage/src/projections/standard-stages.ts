import { standardKey } from '@qi/contracts'

/**
 * A standard's lifecycle as the standards service dates it (ARCHITECTURE.md "Standards: two time
 * axes"; re-stated here, services never import each other): each stage has **one** date at a time.
 * A later fact re-dates a stage, a correction (StandardDateCorrected) re-dates a stage already
 * recorded, a partial supersession records only its link, a split counts from its earliest full
 * supersession, and a retraction (StandardReplacementRetracted) recomputes the supersession from
 * the full links that remain. A draft without `draftedOn` counts from the day it was recorded, and
 * only while no dated stage has begun (it is stored as a registration that holds from that day).
 *
 * The graph and the KPI fold each standards event into this state and rewrite only the stages whose
 * date changed: the old row is called off from the event's position on (record time keeps it).
 */
export interface StageDate {
  date: string
  /** False only for a draft recorded without a business date. */
  dated: boolean
  reason: string
}

export interface StandardStages {
  /** By lineage stage (LIFECYCLES.standard): drafted, published, effective, superseded, transition_ended, withdrawn. */
  dates: Record<string, StageDate>
  /** Full replacement links in the order recorded: the edition they go to, superseded on, transition end. */
  links: Array<{ to: string; on: string; ends: string }>
}

export const NO_STAGES: StandardStages = { dates: {}, links: [] }

/** Events that change a standard's stage dates. */
export const STANDARD_STAGE_EVENTS = new Set([
  'StandardDrafted',
  'StandardPublished',
  'StandardSuperseded',
  'StandardWithdrawn',
  'StandardDateCorrected',
  'StandardReplacementRetracted',
])

const CORRECTED_STAGE: Record<string, string> = { draft: 'drafted', transitionEnds: 'transition_ended' }

// biome-ignore lint/suspicious/noExplicitAny: the data of the six events above, read field by field
type Any = any

/** The state after one standards event (`occurredOn`: the day it was recorded, for undated drafts). */
export function foldStandardStages(
  state: StandardStages,
  type: string,
  d: Any,
  occurredOn: string,
): StandardStages {
  const dates = { ...state.dates }
  let links = state.links
  const supersededBy = (on: string, to: string, ends: string) => {
    dates.superseded = {
      date: on,
      dated: true,
      reason: `superseded ${on} by ${to}; transition until ${ends}`,
    }
    dates.transition_ended = { date: ends, dated: true, reason: `transition to ${to} ended ${ends}` }
  }
  switch (type) {
    case 'StandardDrafted':
      dates.drafted =
        typeof d.draftedOn === 'string'
          ? { date: d.draftedOn, dated: true, reason: `drafted ${d.draftedOn}` }
          : { date: occurredOn, dated: false, reason: 'drafted' }
      break
    case 'StandardPublished':
      dates.published = {
        date: d.publishedOn,
        dated: true,
        reason: `published ${d.publishedOn}, effective from ${d.effectiveFrom}`,
      }
      dates.effective = { date: d.effectiveFrom, dated: true, reason: `effective since ${d.effectiveFrom}` }
      break
    case 'StandardSuperseded': {
      if (d.partial === true) break
      const to = standardKey(d.replacedBy)
      const link = { to, on: d.supersededOn, ends: d.transitionEndsOn }
      // Recorded again: the link keeps its place (the first recorded wins a tie on the date).
      links = links.some((l) => l.to === to) ? links.map((l) => (l.to === to ? link : l)) : [...links, link]
      const current = dates.superseded
      if (!current || d.supersededOn < current.date) supersededBy(d.supersededOn, to, d.transitionEndsOn)
      break
    }
    case 'StandardWithdrawn':
      dates.withdrawn = {
        date: d.withdrawnOn,
        dated: true,
        reason: `withdrawn ${d.withdrawnOn}: ${d.reason}`,
      }
      break
    case 'StandardReplacementRetracted': {
      const to = standardKey(d.replacedBy)
      if (!links.some((l) => l.to === to)) break
      links = links.filter((l) => l.to !== to)
      const first = [...links].sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0))[0]
      if (first) supersededBy(first.on, first.to, first.ends)
      else {
        delete dates.superseded
        delete dates.transition_ended
      }
      break
    }
    case 'StandardDateCorrected': {
      const stage = CORRECTED_STAGE[d.stage] ?? d.stage
      const current = dates[stage]
      if (current)
        dates[stage] = {
          date: d.date,
          dated: true,
          reason: `${current.reason} (date corrected from ${d.previousDate} to ${d.date}: ${d.reason})`,
        }
      break
    }
    default:
      return state
  }
  return { dates, links }
}

/**
 * The rows the state stands for. `transition_ended` is lineage's own stage (the standards service
 * reads the whole period as superseded): it shows only while the edition would otherwise read
 * superseded — from max(transition end, supersession), and not once a later-dated stage (or a
 * withdrawal on the supersession day) has taken over; otherwise there is no such row.
 */
export function stageRows(state: StandardStages): Record<string, StageDate> {
  const { transition_ended: ends, ...rows } = state.dates
  const superseded = rows.superseded
  if (!ends || !superseded) return rows
  const from = [ends.date, superseded.date].sort()[1]! // the later of two ISO dates
  const taken = Object.entries(rows).some(
    ([stage, { date, dated }]) =>
      dated &&
      stage !== 'superseded' &&
      (date > superseded.date || (date === superseded.date && stage === 'withdrawn')) &&
      date <= from,
  )
  return taken ? rows : { ...rows, transition_ended: { ...ends, date: from } }
}

/** Whether a stage's row must be rewritten: its date (or datedness) changed. */
export const sameDate = (a: StageDate | undefined, b: StageDate | undefined) =>
  a !== undefined && b !== undefined && a.date === b.date && a.dated === b.dated
