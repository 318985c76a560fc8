import { describe, expect, it } from 'vitest'
import { displayReason } from './reasons'

describe('status reasons in the user’s language', () => {
  it('keeps only the person’s words in Chinese, everything in English', () => {
    const stored =
      'suspended 2026-11-27 because report R-1 was revoked: basis report R-1 revoked: 复核发现样品与委托不符'
    expect(displayReason(stored, 'zh-CN')).toBe('复核发现样品与委托不符')
    expect(displayReason(stored, 'en')).toBe(stored)
    expect(displayReason('amended 2025-04-15 by report R-2: 样品型号录入错误: 更正为 MJ-17S', 'zh-CN')).toBe(
      '样品型号录入错误：更正为 MJ-17S',
    )
    expect(displayReason('expired 2026-01-01', 'zh-CN')).toBe('')
    expect(displayReason(null, 'zh-CN')).toBe('')
  })
})
