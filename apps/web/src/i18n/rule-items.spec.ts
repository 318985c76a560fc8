import { describe, expect, it } from 'vitest'
import { describeApiError } from '../lib/api-error'
import { localizeRuleItem } from './rule-items'

const violation = (rule: string, item: string) =>
  Object.assign(new Error('refused'), { data: { code: 'PRECONDITION_FAILED', rule, item } })

describe('special-equipment rule messages name categories and activities in words', () => {
  it('translates the operator category and the activity in the item', () => {
    expect(localizeRuleItem('special_equipment.category_not_approved', 'Q2', 'zh-CN')).toBe('Q2 起重机司机')
    expect(localizeRuleItem('special_equipment.category_not_approved', 'q2 起重机司机', 'en')).toBe(
      'Q2 crane operation',
    )
    expect(localizeRuleItem('special_equipment.derived_held', 'installation', 'zh-CN')).toBe('安装')
    expect(localizeRuleItem('special_equipment.derived_held', 'repair', 'en')).toBe('repair')
    // Unknown codes and rules whose item is an id stay as they are.
    expect(localizeRuleItem('special_equipment.category_not_approved', 'Z9 其他', 'en')).toBe('Z9 其他')
    expect(localizeRuleItem('special_equipment.exam_recorded', 'installation', 'zh-CN')).toBe('installation')
  })

  it('shows no raw code in the Chinese message', () => {
    const derived = describeApiError(violation('special_equipment.derived_held', 'installation'), 'zh-CN')
    expect(derived.message).toContain('安装')
    expect(derived.message).not.toMatch(/[a-z]{3,}/)
    const category = describeApiError(violation('special_equipment.category_not_approved', 'N1'), 'zh-CN')
    expect(category.message).toContain('N1 叉车司机')
    const english = describeApiError(violation('special_equipment.category_not_approved', 'N1'), 'en')
    expect(english.message).toContain('N1 forklift truck operation')
  })
})
