/**
 * A seeded PRNG (mulberry32) and date helpers. The dataset must be the same on every machine for a
 * given seed, so nothing here reads the clock or Math.random.
 */
export class SeededRandom {
  private state: number

  constructor(readonly seed: number) {
    this.state = seed >>> 0
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** An integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  chance(probability: number): boolean {
    return this.next() < probability
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list')
    return items[Math.floor(this.next() * items.length)]!
  }

  /** `count` distinct items (fewer if the list is shorter). */
  sample<T>(items: readonly T[], count: number): T[] {
    if (count >= items.length) return [...items]
    const chosen = new Set<number>()
    while (chosen.size < count) chosen.add(Math.floor(this.next() * items.length))
    return [...chosen].map((i) => items[i]!)
  }

  /** A version-4-shaped UUID drawn from the PRNG, so event ids are reproducible too. */
  uuid(): string {
    const word = () => Math.floor(this.next() * 4294967296)
    const hex = (value: number, digits: number) => (value >>> 0).toString(16).padStart(digits, '0')
    const a = word()
    const b = word()
    const c = word()
    const d = word()
    return `${hex(a, 8)}-${hex(b >>> 16, 4)}-${hex(((b & 0x0fff) | 0x4000) >>> 0, 4)}-${hex(((c >>> 16) & 0x3fff) | 0x8000, 4)}-${hex(c & 0xffff, 4)}${hex(d, 8)}`
  }
}

const MS_PER_DAY = 86_400_000

/** Days since 1970-01-01 for an ISO date. */
export function dayOf(iso: string): number {
  return Math.round(Date.parse(`${iso}T00:00:00Z`) / MS_PER_DAY)
}

const isoCache = new Map<number, string>()

/** The ISO date of a day number (cached: the generator formats the same few thousand days a million times). */
export function isoOf(day: number): string {
  let iso = isoCache.get(day)
  if (iso === undefined) {
    iso = new Date(day * MS_PER_DAY).toISOString().slice(0, 10)
    isoCache.set(day, iso)
  }
  return iso
}

export const yearStart = (year: number) => dayOf(`${year}-01-01`)
