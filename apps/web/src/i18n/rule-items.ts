/**
 * The `item` of a rule violation is a code the server names (an operator category such as `Q2`, an
 * activity such as `installation`); the message shows it in the user's language instead of the raw
 * code. Rules not listed here show their item as it is (a number, an id).
 */
import { licensingEnTerms, licensingZhTerms } from './licensing-messages'
import type { Language } from './messages'

/**
 * Special-equipment operator categories (TSG Z6001-2019, 特种设备作业人员资格认定分类与项目):
 * code → [Chinese, English].
 */
export const OPERATOR_CATEGORIES: Record<string, readonly [string, string]> = {
  A: ['特种设备安全管理', 'special equipment safety management'],
  G1: ['工业锅炉司炉', 'industrial boiler operation'],
  G2: ['电站锅炉司炉', 'power station boiler operation'],
  G3: ['锅炉水处理', 'boiler water treatment'],
  R1: ['快开门式压力容器操作', 'quick-opening pressure vessel operation'],
  R2: ['移动式压力容器充装', 'mobile pressure vessel filling'],
  R3: ['氧舱维护保养', 'oxygen chamber maintenance'],
  P: ['气瓶充装', 'gas cylinder filling'],
  T: ['电梯修理', 'elevator repair'],
  Q1: ['起重机指挥', 'crane signalling'],
  Q2: ['起重机司机', 'crane operation'],
  N1: ['叉车司机', 'forklift truck operation'],
  N2: ['观光车和观光列车司机', 'sightseeing car and train driving'],
  S1: ['客运索道修理', 'passenger ropeway repair'],
  S2: ['客运索道司机', 'passenger ropeway operation'],
  Y1: ['大型游乐设施修理', 'large amusement device repair'],
  Y2: ['大型游乐设施操作', 'large amusement device operation'],
}

/** `Q2` or `Q2 起重机司机` → `Q2 起重机司机` (zh-CN) / `Q2 crane operation` (en); unknown codes as given. */
export function operatorCategory(item: string, lang: Language): string {
  const code = item.trim().split(/\s+/)[0] ?? ''
  const names = OPERATOR_CATEGORIES[code.toUpperCase()]
  if (!names) return item
  return `${code.toUpperCase()} ${lang === 'zh-CN' ? names[0] : names[1]}`
}

/** An installation / alteration / repair activity in words. */
export function equipmentActivity(item: string, lang: Language): string {
  return (lang === 'zh-CN' ? licensingZhTerms : licensingEnTerms)[item] ?? item
}

const ITEM_OF_RULE: Record<string, (item: string, lang: Language) => string> = {
  'special_equipment.category_not_approved': operatorCategory,
  'special_equipment.derived_held': equipmentActivity,
}

/** A rule violation's item in the user's language (as it is for rules whose item is an id). */
export function localizeRuleItem(rule: string | null, item: string, lang: Language): string {
  const localize = rule ? ITEM_OF_RULE[rule] : undefined
  return localize && item ? localize(item, lang) : item
}
