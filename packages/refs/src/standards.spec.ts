import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import {
  loadStandardLifecycle,
  recordStandardDateCorrected,
  recordStandardPublished,
  recordStandardReplacementRetracted,
  recordStandardSuperseded,
  STANDARD_LIFECYCLE_SQL,
} from './standards'

describe('standard lifecycle refs', () => {
  const key = { code: 'ISO/IEC 27001', version: '2005' }
  const setUp = () => {
    const db = new Database(':memory:')
    db.exec(STANDARD_LIFECYCLE_SQL)
    recordStandardPublished(db, { ...key, publishedOn: '2005-10-14', effectiveFrom: '2005-10-14' })
    return db
  }
  it('keeps the earliest full supersession of a split and ignores a partial one', () => {
    const db = setUp()
    const by = (code: string) => ({ code, version: '2013' })
    recordStandardSuperseded(db, {
      ...key,
      replacedBy: by('ISO/IEC 27002'),
      supersededOn: '2013-12-01',
      transitionEndsOn: '2013-12-01',
    })
    recordStandardSuperseded(db, {
      ...key,
      replacedBy: by('ISO/IEC 27001'),
      supersededOn: '2013-10-01',
      transitionEndsOn: '2014-10-01',
    })
    recordStandardSuperseded(db, {
      ...key,
      replacedBy: by('ISO/IEC 27003'),
      supersededOn: '2010-01-01',
      transitionEndsOn: '2010-01-01',
      partial: true,
    })
    expect(loadStandardLifecycle(db, 'ISO/IEC 27001-2005')).toMatchObject({
      supersededOn: '2013-10-01',
      replacedBy: 'ISO/IEC 27001-2013',
      transitionEndsOn: '2014-10-01',
    })
  })
  it('applies a date correction to a recorded date only', () => {
    const db = setUp()
    recordStandardDateCorrected(db, { ...key, stage: 'effective', date: '2005-11-01' })
    recordStandardDateCorrected(db, { ...key, stage: 'withdrawn', date: '2020-01-01' })
    expect(loadStandardLifecycle(db, 'ISO/IEC 27001-2005')).toMatchObject({
      effectiveFrom: '2005-11-01',
      withdrawnOn: null,
    })
  })
  it('falls back to the earliest remaining replacement when a link is retracted, and to in force when none remains', () => {
    const db = setUp()
    const by = (code: string) => ({ code, version: '2013' })
    recordStandardSuperseded(db, {
      ...key,
      replacedBy: by('ISO/IEC 27001'),
      supersededOn: '2013-10-01',
      transitionEndsOn: '2014-10-01',
    })
    recordStandardSuperseded(db, {
      ...key,
      replacedBy: by('ISO/IEC 27002'),
      supersededOn: '2013-12-01',
      transitionEndsOn: '2013-12-01',
    })
    recordStandardReplacementRetracted(db, { ...key, replacedBy: by('ISO/IEC 27001') })
    expect(loadStandardLifecycle(db, 'ISO/IEC 27001-2005')).toMatchObject({
      supersededOn: '2013-12-01',
      replacedBy: 'ISO/IEC 27002-2013',
      transitionEndsOn: '2013-12-01',
    })
    // Retracting a link that was never recorded changes nothing.
    recordStandardReplacementRetracted(db, { ...key, replacedBy: by('ISO/IEC 27005') })
    expect(loadStandardLifecycle(db, 'ISO/IEC 27001-2005')?.supersededOn).toBe('2013-12-01')
    recordStandardReplacementRetracted(db, { ...key, replacedBy: by('ISO/IEC 27002') })
    expect(loadStandardLifecycle(db, 'ISO/IEC 27001-2005')).toMatchObject({
      supersededOn: null,
      replacedBy: null,
      transitionEndsOn: null,
    })
  })
})
