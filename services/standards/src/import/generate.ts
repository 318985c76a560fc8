import type { ImportRecord } from './catalogue-import'

/** A small seeded PRNG (mulberry32), so generated catalogues are the same on every run. */
export function random(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const pad = (n: number) => String(n).padStart(2, '0')

/**
 * A synthetic ISO-like catalogue of about `editions` editions: chains of editions of a code,
 * splits (an edition replaced by the next one and a new part), merges (a new edition replacing its
 * predecessor and another code's edition), supplements, day/month/year publication dates,
 * withdrawals with and without a date, links given on one side or both; shuffled.
 */
export function generateCatalogue(editions: number, seed: number): ImportRecord[] {
  const rnd = random(seed)
  const pick = <T>(items: T[]) => items[Math.floor(rnd() * items.length)] as T
  const records: ImportRecord[] = []
  const date = (year: number) => {
    const p = rnd()
    const month = 1 + Math.floor(rnd() * 12)
    if (p < 0.1) return String(year)
    if (p < 0.4) return `${year}-${pad(month)}`
    return `${year}-${pad(month)}-${pad(1 + Math.floor(rnd() * 28))}`
  }
  const ref = (code: string, year: number) => `${code}:${year}`
  let n = 0
  while (records.length < editions) {
    n += 1
    const code = `ISO ${10000 + n}`
    const length = 1 + Math.floor(rnd() * 4)
    let year = 1985 + Math.floor(rnd() * 15)
    const chain: ImportRecord[] = []
    for (let k = 0; k < length; k++) {
      const published = date(year)
      const record: ImportRecord = {
        reference: ref(code, year),
        publicationDate: published,
        currentStage: '60.60',
        edition: k + 1,
        icsCode: [pick(['03.120.10', '13.020', '35.030', '91.140.10'])],
        ownerCommittee: `ISO/TC ${1 + (n % 300)}`,
        title: { en: `Generated standard ${n}, edition ${k + 1}`, fr: `Norme générée ${n}` },
      }
      const supplementCount = Math.floor(rnd() * 3)
      if (supplementCount > 0) {
        record.supplements = Array.from({ length: supplementCount }, (_, s) => ({
          reference: `${ref(code, year)}/${rnd() < 0.5 ? 'Amd' : 'Cor'} ${s + 1}:${year + s + 1}`,
          publicationDate: date(year + s + 1),
        }))
        // Amendment and corrigendum numbering share nothing; keep numbers unique per kind.
        record.supplements = record.supplements.filter(
          (s, i, all) =>
            all.findIndex(
              (o) => o.reference.split('/')[1]?.split(':')[0] === s.reference.split('/')[1]?.split(':')[0],
            ) === i,
        )
      }
      const previous = chain.at(-1)
      if (previous) {
        // The link is given on the new line, the old line, or both.
        // ISO lists the replacement on the withdrawn (95.99) line; a catalogue that does not track
        // withdrawals leaves the old line at 60.60 and names the link only on the new line.
        const side = rnd()
        if (side < 0.7) record.replaces = [previous.reference]
        if (side > 0.3) {
          previous.replacedBy = [...(previous.replacedBy ?? []), record.reference]
          previous.currentStage = '95.99'
        }
        if (rnd() < 0.05) {
          // A split: a new part takes over part of the previous edition.
          const part: ImportRecord = {
            reference: ref(`${code}-2`, year),
            publicationDate: published,
            currentStage: '60.60',
            icsCode: ['03.120.10'],
            title: { en: `Generated standard ${n}, part 2` },
            replaces: [previous.reference],
          }
          records.push(part)
        }
        if (rnd() < 0.05 && records.length > 0) {
          // A merge: this edition also replaces an earlier, unrelated standalone edition.
          const other: ImportRecord = {
            reference: ref(`${code}-9`, year - 1),
            publicationDate: String(year - 1),
            currentStage: '95.99',
            icsCode: ['13.020'],
            title: { en: `Generated standalone ${n}` },
            replacedBy: [record.reference],
          }
          records.push(other)
          record.replaces = [...(record.replaces ?? []), other.reference]
        }
      }
      chain.push(record)
      year += 3 + Math.floor(rnd() * 6)
    }
    const last = chain.at(-1) as ImportRecord
    const p = rnd()
    if (p < 0.08) {
      last.currentStage = '95.99'
      last.withdrawalDate = date(year)
    } else if (p < 0.1) {
      last.currentStage = '95.99' // withdrawn, date not known
    } else if (p < 0.2) {
      last.currentStage = '90.93'
      last.stageDate = date(year)
    }
    records.push(...chain)
  }
  // Shuffle (Fisher–Yates): lines arrive in any order.
  for (let i = records.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1))
    ;[records[i], records[j]] = [records[j] as ImportRecord, records[i] as ImportRecord]
  }
  return records
}
