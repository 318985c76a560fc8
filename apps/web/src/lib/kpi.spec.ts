import { describe, expect, it } from 'vitest'
import { kpiProgress, targetText } from './kpi'

describe('KPI progress against 2020 targets', () => {
  it('fills the bar by value over the target and says whether it is met', () => {
    expect(kpiProgress(750, { min: 1500 })).toEqual({ fill: 0.5, text: '750 / 1500', met: false })
    expect(kpiProgress(2000, { min: 1500 })).toMatchObject({ fill: 1, met: true })
  })

  it('shows ranges such as 5–6 and meets them at the lower bound', () => {
    expect(targetText({ min: 5, max: 6 })).toBe('5–6')
    expect(kpiProgress(5, { min: 5, max: 6 })).toEqual({ fill: 1, text: '5 / 5–6', met: true })
  })

  it('has no verdict without a target, and marks percentages', () => {
    expect(kpiProgress(12, null)).toEqual({ fill: 0, text: '12', met: null })
    expect(kpiProgress(87.5, { min: 90 }, 'percent').text).toBe('87.5 % / 90 %')
  })
})
