import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { ACCREDITATION_TERMS_SQL, openInactivePeriod, recordAccreditationTerm } from './accreditation-terms'

describe('accreditation terms', () => {
  const setup = () => {
    const db = new Database(':memory:')
    db.exec(ACCREDITATION_TERMS_SQL)
    return db
  }
  const row = (db: Database.Database) =>
    db.prepare('SELECT valid_from, valid_until FROM accreditations').get()
  const periods = (db: Database.Database) =>
    db.prepare('SELECT status, from_date, to_date FROM inactive_periods ORDER BY rowid').all()

  it('keeps the span from the first grant through a continuous renewal', () => {
    const db = setup()
    recordAccreditationTerm(db, {
      accreditationNo: 'L1',
      labId: 'LAB',
      validFrom: '2022-03-01',
      validUntil: '2027-02-28',
    })
    recordAccreditationTerm(db, {
      accreditationNo: 'L1',
      labId: 'LAB',
      validFrom: '2027-03-01',
      validUntil: '2032-02-29',
    })
    expect(row(db)).toEqual({ valid_from: '2022-03-01', valid_until: '2032-02-29' })
    expect(periods(db)).toEqual([])
  })

  it('records a lapse between two terms as an expired period, and a renewal ends a suspension', () => {
    const db = setup()
    recordAccreditationTerm(db, {
      accreditationNo: 'L1',
      labId: 'LAB',
      validFrom: '2020-01-01',
      validUntil: '2024-12-31',
    })
    openInactivePeriod(db, 'L1', 'suspended', '2024-06-01', 'audit')
    recordAccreditationTerm(db, {
      accreditationNo: 'L1',
      labId: 'LAB',
      validFrom: '2025-04-01',
      validUntil: '2030-03-31',
    })
    expect(periods(db)).toEqual([
      { status: 'suspended', from_date: '2024-06-01', to_date: '2025-04-01' },
      { status: 'expired', from_date: '2025-01-01', to_date: '2025-04-01' },
    ])
  })
})
