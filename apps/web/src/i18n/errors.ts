/**
 * The error catalogue: what the API's error codes, the business rules (by rule id, with the
 * offending `{item}`) and input-validation issues say, in both languages. The server sends ids and
 * parameters (`rule`, `item`, `field`, `zodIssues`); the words are the client's.
 * errors.spec.ts checks both languages have the same keys and that every rule id thrown by a
 * service has a message.
 */
import type { Language } from './messages'

const en = {
  // tRPC codes
  'code.UNAUTHORIZED': 'This API key is not valid, or you are not signed in.',
  'code.FORBIDDEN': 'Your role or organisation may not do this.',
  'code.NOT_FOUND': 'Not found. Check the number or id.',
  'code.CONFLICT': 'Someone changed this at the same time, or it already exists. Reload and try again.',
  'code.BAD_REQUEST': 'Some fields need correcting.',
  'code.PRECONDITION_FAILED': 'Refused by a business rule.',
  'code.TIMEOUT': 'The server is still catching up. Try again in a moment.',
  'code.TOO_MANY_REQUESTS': 'Too many requests. Wait a moment and try again.',
  'code.INTERNAL_SERVER_ERROR': 'The server could not complete this. Try again later.',
  'code.NETWORK': 'The server cannot be reached. Check the connection and try again.',
  'code.UNKNOWN': 'Something went wrong.',
  // business rules (DOMAIN.md), by the id the services throw
  'rule.accreditation-active':
    'Accreditation {item} is not active for this lab on the test dates (unknown number, another lab’s, outside its validity, or suspended).',
  'rule.method-in-scope': 'Method {item} is not in the scope of the lab’s accreditation on the test dates.',
  'rule.instrument-calibrated':
    'Instrument {item} is not registered, or had no valid calibration on the test dates.',
  'rule.standard-effective': 'Standard {item} was not in force on that date.',
  'rule.basis-report-valid':
    'Test report {item} cannot be a basis report (unknown, revoked, replaced, not conforming, or issued later).',
  'rule.body-accredited':
    'Accreditation {item} does not allow this certification body to certify this scheme on that date.',
  'rule.certificate-status': 'Certificate {item} is not in a status that allows this.',
  'rule.certificate-expiry': 'Certificate {item} has a fixed expiry; withdraw it to end it earlier.',
  'rule.status-date-order': 'Certificate {item} changed later than this date; pick a later date.',
  'rule.previous-report-amendable': 'Report {item} cannot be amended (revoked or already replaced).',
  'rule.report-not-revoked': 'Report {item} is already revoked.',
  'rule.revocation-after-issue': 'Report {item} cannot be revoked before the day it was issued.',
  'rule.accreditation.base-standard-fits-kind':
    'The base standard does not fit this kind of body (labs ISO/IEC 17025, certification bodies 17065, inspection 17020).',
  'rule.accreditation.date-order': 'Accreditation {item} changed later than this date; pick a later date.',
  'rule.accreditation.expires-at-end-of-validity':
    'Accreditation {item} can expire only at the end of its validity.',
  'rule.accreditation.extension-not-empty': 'Add at least one scope line.',
  'rule.accreditation.lab-unique': 'Lab {item} is already registered; choose another id.',
  'rule.accreditation.no-renewal-while-suspended': 'Accreditation {item} is suspended and cannot be renewed.',
  'rule.accreditation.scope-line-known': 'Scope line {item} is not in this accreditation.',
  'rule.accreditation.scope-line-unique': 'Scope line {item} appears twice; give every line its own id.',
  'rule.accreditation.status': 'Accreditation {item} is not in a status that allows this.',
  'rule.accreditation.validity-max-5-years': 'Accreditation {item} may run for at most 5 years.',
  'rule.accreditation.within-validity': 'The date is outside the validity of accreditation {item}.',
  'rule.demozone.unique': 'Demonstration zone {item} is already designated.',
  'rule.enterprise.unique': 'Enterprise {item} is already registered.',
  'rule.licence.unique': 'Licence {item} already exists, or the enterprise holds one in this category.',
  'rule.line.unique': 'Production line {item} is already registered.',
  'rule.product.unique': 'Product {item} is already registered.',
  'rule.recall.unique': 'Recall {item} is already recorded.',
  'rule.metrology.calibration-to-expire': 'Instrument {item} has no calibration that could expire.',
  'rule.metrology.certificate-unique': 'Calibration certificate {item} is already recorded.',
  'rule.metrology.expire-after-due': 'A calibration of {item} can expire only after its due date.',
  'rule.metrology.instrument-unique': 'Instrument {item} is already registered.',
  'rule.metrology.no-calibration-after-retirement': 'Instrument {item} is retired and cannot be calibrated.',
  'rule.metrology.reference-calibrated': 'Reference instrument {item} had no valid calibration on that date.',
  'rule.metrology.reference-exists': 'Reference instrument {item} is not registered.',
  'rule.metrology.reference-higher-level':
    'Reference instrument {item} must sit higher in the traceability chain (county → city → province → national).',
  'rule.metrology.reference-not-self': 'An instrument cannot be calibrated against itself.',
  'rule.metrology.retire-once': 'Instrument {item} is already retired.',
  'rule.standards.adoption-by-domestic': 'Only a domestic standard can adopt an international one.',
  'rule.standards.adoption-of-international': '{item} is not an international standard (ISO, IEC, EN …).',
  'rule.standards.amendment-after-publication': 'Standard {item} can be amended only after it is published.',
  'rule.standards.code-prefix':
    'The code {item} does not start with a known prefix (GB, GB/T, DB42, T/, Q/, ISO …).',
  'rule.standards.lifecycle': 'Standard {item} is not in a state that allows this.',
  'rule.standards.replaced-by-other': 'Standard {item} is already replaced by another version.',
  'rule.standards.replacement-current': 'The replacement {item} must be published and not itself replaced.',
  'rule.standards.replacement-exists': 'The replacement {item} is not in the catalogue.',
  'rule.standards.replaces-other': 'The replacement {item} already replaces another standard.',
  'rule.standards.tc-unique': 'Technical committee {item} already exists.',
  'rule.standards.transition-after-supersession': 'The transition must end after the supersession date.',
  'rule.standards.unique-version': 'Standard {item} already exists in this version.',
  'rule.brand.one_title_per_year': 'Product {item} already holds a brand title this year.',
  'rule.brand.product_of_enterprise': 'Product {item} is not made by this enterprise.',
  'rule.licence.already_revoked': 'Licence {item} is already revoked.',
  'rule.licence.one_per_category':
    'The enterprise already holds a licence in this category (one enterprise, one licence).',
  'rule.licence.revoked_after_grant': 'Licence {item} cannot be revoked before it was granted.',
  'rule.market.line_of_same_enterprise': 'Production line {item} belongs to another enterprise.',
  'rule.recall.product_of_enterprise': 'Product {item} is not made by this enterprise.',
  // licensing: 先证后核 (licence first, on-site verification after)
  'rule.licence.application_exists': 'Application {item} was already received; use a new application id.',
  'rule.licence.applied_in_future': 'An application cannot be dated after today.',
  'rule.licence.category_in_scope':
    'The licence already covers category {item}; extend it with other categories.',
  'rule.licence.expires_after_issue': 'Licence {item} must expire after the day it is issued.',
  'rule.licence.one_per_enterprise':
    'The enterprise already holds licence {item} (one enterprise, one licence); apply for a scope extension instead.',
  'rule.licence.renewal_extends': 'The renewal of licence {item} must expire after its current expiry date.',
  'rule.licence.verification_not_overdue':
    'The on-site verification of application {item} is not yet due; it cannot be marked missed.',
  'rule.licence.verification_recorded': 'The on-site verification of application {item} is already recorded.',
  'rule.licence.verified_after_issue':
    'The verification of application {item} cannot be dated before the licence was issued.',
  // licensing: 告知承诺制 (approval on commitment)
  'rule.commitment.approval_exists': 'Approval {item} already exists; use a new approval id.',
  'rule.commitment.signed_in_future': 'The commitment cannot be signed after today.',
  'rule.commitment.inspected': 'The commitment of approval {item} has already been inspected.',
  'rule.commitment.inspected_after_approval':
    'The inspection of approval {item} cannot be dated before the approval.',
  'rule.commitment.already_overdue': 'The inspection of approval {item} is already marked overdue.',
  'rule.commitment.not_overdue':
    'The inspection of approval {item} is not yet due; it cannot be marked overdue.',
  // licensing: C-mark self-declaration
  'rule.cmark.right_withdrawn':
    'Enterprise {item} lost the right to use the C mark after a failed check; it cannot declare again or be checked.',
  'rule.cmark.already_declared': 'Enterprise {item} has already declared its C-mark conformity.',
  'rule.cmark.signed_in_future': 'The commitment cannot be signed after today.',
  'rule.cmark.check_exists': 'Check {item} is already scheduled; use a new check id.',
  'rule.cmark.check_open': 'Check {item} is still open; record its result first.',
  'rule.cmark.check_recorded': 'The result of check {item} is already recorded.',
  'rule.cmark.checked_after_sampling': 'Check {item} cannot be dated before its sampling date.',
  'rule.cmark.already_overdue': 'Check {item} is already marked overdue.',
  'rule.cmark.not_overdue': 'Check {item} is not yet due; it cannot be marked overdue.',
  // licensing: 并联审批 (parallel approval)
  'rule.parallel.application_exists': 'Application {item} was already filed; use a new application id.',
  'rule.parallel.refusal_reason': 'Give the reason for refusing application {item}.',
  'rule.parallel.branch_decided': 'This review branch of application {item} is already decided.',
  'rule.parallel.completed': 'Application {item} is already concluded; its open branches were stopped.',
  'rule.parallel.already_overdue': 'This review branch of application {item} is already marked overdue.',
  'rule.parallel.not_overdue':
    'This review branch of application {item} is not yet due; it cannot be marked overdue.',
  // licensing: special equipment
  'rule.special_equipment.body_approved': 'Examination body {item} is already approved.',
  'rule.special_equipment.category_not_approved': 'The examination body is not approved to examine {item}.',
  'rule.special_equipment.exam_recorded': 'Exam {item} is already recorded.',
  'rule.special_equipment.exam_date':
    'The date of exam {item} must lie between the body’s approval and today.',
  'rule.special_equipment.qualification_exists': 'Qualification {item} is already recorded.',
  'rule.special_equipment.expires_after_grant': 'Qualification {item} must expire after it is granted.',
  'rule.special_equipment.needs_manufacturing':
    'The enterprise holds no manufacturing qualification {item}; a derived qualification rests on one.',
  'rule.special_equipment.manufacturing_expired':
    'Manufacturing qualification {item} has expired; no qualification can be derived from it.',
  'rule.special_equipment.derived_held':
    'The {item} qualification derived from this manufacturing qualification is already held.',
  // metrology: who may calibrate
  'rule.metrology.calibrator-not-owner':
    '{item} owns this instrument and cannot calibrate it itself; name the accredited calibration lab or metrology institute that did.',
  'rule.metrology.calibrator-accreditation-active':
    'The accreditation of {item} was suspended, withdrawn or expired on the calibration date; it could not calibrate.',
  'rule.metrology.calibrator-accredited':
    '{item} was not accredited to calibrate this kind of instrument on that date; only an accredited calibration lab or the metrology institute may.',
  // standards: dates, replacements, supplements, corrections
  'rule.standards.replacement-published': 'The replacement {item} is not published yet; publish it first.',
  'rule.standards.superseded-after-replacement-published':
    'Standard {item} would be superseded before its replacement is published; correct one of the dates.',
  'rule.standards.replacement-unique': 'The standard is already recorded as replaced by {item}.',
  'rule.standards.retraction-of-recorded':
    'Standard {item} is not recorded as replaced by that standard; there is nothing to retract.',
  'rule.standards.supplement-unique': 'Standard {item} already has this amendment or corrigendum.',
  'rule.standards.supplement-after-publication':
    'An amendment or corrigendum to {item} cannot be published before the standard itself.',
  'rule.standards.correction-of-recorded': 'Standard {item} has no recorded date at this stage to correct.',
  'rule.standards.correction-changes-date':
    'Standard {item} already has that date; there is nothing to correct.',
  'rule.unknown': 'Refused by a business rule ({item}).',
  // input validation (zod issue codes)
  'zod.required': 'Required.',
  'zod.tooShort': 'At least {n} characters.',
  'zod.tooLong': 'At most {n} characters.',
  'zod.tooFew': 'Add at least {n}.',
  'zod.tooMany': 'At most {n}.',
  'zod.tooSmall': 'Must be at least {n}.',
  'zod.tooBig': 'Must be at most {n}.',
  'zod.date': 'Enter a date as YYYY-MM-DD.',
  'zod.format': 'Not in the expected format.',
  'zod.choice': 'Choose one of the options.',
  'zod.type': 'Not a valid value.',
  'zod.invalid': 'Not valid.',
  'zod.datesInOrder': 'Dates must run tested from ≤ tested to ≤ issued on.',
  'zod.endBeforeStart': 'The end date is before the start date.',
  'zod.expiryAfterIssue': 'The expiry date must be after the issue date.',
  'zod.licenceExpiry': 'The licence must expire after it is granted.',
  'zod.implementationAfterPublication': 'The implementation date cannot be before publication.',
  'zod.dueAfterCalibration': 'The due date must be after the calibration date.',
  'zod.validityOrder': 'Validity must end after it starts.',
  'zod.idChars': 'Letters, digits, spaces and - _ . / : only.',
  'zod.standardCode': 'A standard code such as GB/T 19001 or DB42/T 1234.',
  'zod.version': 'A version (year) such as 2016.',
  'zod.gtin': 'A GTIN of 8 to 14 digits.',
  'zod.ccs': 'A CCS code such as A00.',
  'zod.oneReport': 'A certificate rests on at least one test report.',
  'zod.oneResult': 'A report needs at least one result.',
  'zod.oneInstrument': 'Name the instruments used.',
}

export type ErrorKey = keyof typeof en

const zh: Record<ErrorKey, string> = {
  'code.UNAUTHORIZED': 'API 密钥无效，或尚未登录。',
  'code.FORBIDDEN': '您的角色或机构无权执行此操作。',
  'code.NOT_FOUND': '未找到，请核对编号。',
  'code.CONFLICT': '他人同时修改了此记录，或记录已存在。请刷新后重试。',
  'code.BAD_REQUEST': '部分字段需要更正。',
  'code.PRECONDITION_FAILED': '不符合业务规则，已拒绝。',
  'code.TIMEOUT': '服务器仍在同步数据，请稍后重试。',
  'code.TOO_MANY_REQUESTS': '请求过于频繁，请稍候再试。',
  'code.INTERNAL_SERVER_ERROR': '服务器未能完成操作，请稍后再试。',
  'code.NETWORK': '无法连接服务器，请检查网络后重试。',
  'code.UNKNOWN': '出错了。',
  'rule.accreditation-active':
    '认可证书 {item} 在检测日期对本机构无效（编号不存在、属于其他机构、超出有效期或已暂停）。',
  'rule.method-in-scope': '检测方法 {item} 在检测日期不在本机构的认可范围内。',
  'rule.instrument-calibrated': '仪器 {item} 未登记，或在检测日期没有有效的校准。',
  'rule.standard-effective': '标准 {item} 在该日期不是现行有效的标准。',
  'rule.basis-report-valid':
    '检测报告 {item} 不能作为依据报告（不存在、已撤回、已被更正、结论不符合或签发晚于发证日期）。',
  'rule.body-accredited': '认可证书 {item} 不允许本认证机构在该日期对此认证类别发证。',
  'rule.certificate-status': '证书 {item} 当前的状态不允许此操作。',
  'rule.certificate-expiry': '证书 {item} 有固定的有效期；如需提前终止，请撤销。',
  'rule.status-date-order': '证书 {item} 在此日期之后已有变更，请选择更晚的日期。',
  'rule.previous-report-amendable': '报告 {item} 不能更正（已撤回或已被更正）。',
  'rule.report-not-revoked': '报告 {item} 已经撤回。',
  'rule.revocation-after-issue': '报告 {item} 的撤回日期不能早于签发日期。',
  'rule.accreditation.base-standard-fits-kind':
    '依据标准与机构类型不符（实验室 ISO/IEC 17025，认证机构 17065，检验机构 17020）。',
  'rule.accreditation.date-order': '认可 {item} 在此日期之后已有变更，请选择更晚的日期。',
  'rule.accreditation.expires-at-end-of-validity': '认可 {item} 只能在有效期届满时到期。',
  'rule.accreditation.extension-not-empty': '请至少添加一条认可范围。',
  'rule.accreditation.lab-unique': '机构 {item} 已登记，请换一个编号。',
  'rule.accreditation.no-renewal-while-suspended': '认可 {item} 处于暂停状态，不能续期。',
  'rule.accreditation.scope-line-known': '认可范围条目 {item} 不在此认可中。',
  'rule.accreditation.scope-line-unique': '认可范围条目 {item} 重复，每条须有自己的编号。',
  'rule.accreditation.status': '认可 {item} 当前的状态不允许此操作。',
  'rule.accreditation.validity-max-5-years': '认可 {item} 的有效期最长 5 年。',
  'rule.accreditation.within-validity': '该日期超出认可 {item} 的有效期。',
  'rule.demozone.unique': '示范区 {item} 已命名。',
  'rule.enterprise.unique': '企业 {item} 已登记。',
  'rule.licence.unique': '许可证 {item} 已存在，或该企业在此类别已持有许可证。',
  'rule.line.unique': '生产线 {item} 已登记。',
  'rule.product.unique': '产品 {item} 已登记。',
  'rule.recall.unique': '召回 {item} 已记录。',
  'rule.metrology.calibration-to-expire': '仪器 {item} 没有可以到期的校准。',
  'rule.metrology.certificate-unique': '校准证书 {item} 已记录。',
  'rule.metrology.expire-after-due': '仪器 {item} 的校准只能在到期日之后失效。',
  'rule.metrology.instrument-unique': '仪器 {item} 已登记。',
  'rule.metrology.no-calibration-after-retirement': '仪器 {item} 已停用，不能校准。',
  'rule.metrology.reference-calibrated': '参考仪器 {item} 在该日期没有有效的校准。',
  'rule.metrology.reference-exists': '参考仪器 {item} 未登记。',
  'rule.metrology.reference-higher-level':
    '参考仪器 {item} 在量值溯源链中的层级须更高（县 → 市 → 省 → 国家）。',
  'rule.metrology.reference-not-self': '仪器不能用自身校准。',
  'rule.metrology.retire-once': '仪器 {item} 已停用。',
  'rule.standards.adoption-by-domestic': '只有国内标准可以采用国际标准。',
  'rule.standards.adoption-of-international': '{item} 不是国际标准（ISO、IEC、EN 等）。',
  'rule.standards.amendment-after-publication': '标准 {item} 发布后才能修改。',
  'rule.standards.code-prefix': '标准号 {item} 的前缀无法识别（GB、GB/T、DB42、T/、Q/、ISO 等）。',
  'rule.standards.lifecycle': '标准 {item} 当前的状态不允许此操作。',
  'rule.standards.replaced-by-other': '标准 {item} 已被另一版本代替。',
  'rule.standards.replacement-current': '代替标准 {item} 须已发布且未被代替。',
  'rule.standards.replacement-exists': '代替标准 {item} 不在标准目录中。',
  'rule.standards.replaces-other': '代替标准 {item} 已经代替了另一项标准。',
  'rule.standards.tc-unique': '技术委员会 {item} 已存在。',
  'rule.standards.transition-after-supersession': '过渡期须在代替日期之后结束。',
  'rule.standards.unique-version': '标准 {item} 的这一版本已存在。',
  'rule.brand.one_title_per_year': '产品 {item} 今年已获得名牌称号。',
  'rule.brand.product_of_enterprise': '产品 {item} 不是该企业生产的。',
  'rule.licence.already_revoked': '许可证 {item} 已经吊销。',
  'rule.licence.one_per_category': '该企业在此类别已持有许可证（一企一证）。',
  'rule.licence.revoked_after_grant': '许可证 {item} 的吊销日期不能早于发证日期。',
  'rule.market.line_of_same_enterprise': '生产线 {item} 属于另一家企业。',
  'rule.recall.product_of_enterprise': '产品 {item} 不是该企业生产的。',
  'rule.licence.application_exists': '申请 {item} 已受理，请换一个申请编号。',
  'rule.licence.applied_in_future': '申请日期不能晚于今天。',
  'rule.licence.category_in_scope': '许可证已涵盖产品类别 {item}，请扩项其他类别。',
  'rule.licence.expires_after_issue': '许可证 {item} 的有效期须晚于发证日期。',
  'rule.licence.one_per_enterprise': '该企业已持有许可证 {item}（一企一证），请改为申请扩项。',
  'rule.licence.renewal_extends': '许可证 {item} 换证后的有效期须晚于现有有效期。',
  'rule.licence.verification_not_overdue': '申请 {item} 的现场核查尚未到期，不能记为逾期未核查。',
  'rule.licence.verification_recorded': '申请 {item} 的现场核查结果已登记。',
  'rule.licence.verified_after_issue': '申请 {item} 的核查日期不能早于发证日期。',
  'rule.commitment.approval_exists': '审批 {item} 已存在，请换一个编号。',
  'rule.commitment.signed_in_future': '承诺书的签署日期不能晚于今天。',
  'rule.commitment.inspected': '审批 {item} 的承诺已经核查。',
  'rule.commitment.inspected_after_approval': '审批 {item} 的核查日期不能早于批准日期。',
  'rule.commitment.already_overdue': '审批 {item} 的承诺核查已标记为逾期。',
  'rule.commitment.not_overdue': '审批 {item} 的承诺核查尚未到期，不能标记为逾期。',
  'rule.cmark.right_withdrawn': '企业 {item} 因检查不合格已失去 C 标志使用权，不能再次声明或安排检查。',
  'rule.cmark.already_declared': '企业 {item} 已作出 C 标志自我声明。',
  'rule.cmark.signed_in_future': '承诺书的签署日期不能晚于今天。',
  'rule.cmark.check_exists': '检查 {item} 已安排，请换一个编号。',
  'rule.cmark.check_open': '检查 {item} 尚未完成，请先登记其结果。',
  'rule.cmark.check_recorded': '检查 {item} 的结果已登记。',
  'rule.cmark.checked_after_sampling': '检查 {item} 的日期不能早于抽取日期。',
  'rule.cmark.already_overdue': '检查 {item} 已标记为逾期。',
  'rule.cmark.not_overdue': '检查 {item} 尚未到期，不能标记为逾期。',
  'rule.parallel.application_exists': '申请 {item} 已提交，请换一个申请编号。',
  'rule.parallel.refusal_reason': '对申请 {item} 不予批准，须说明理由。',
  'rule.parallel.branch_decided': '申请 {item} 的该审查环节已作出决定。',
  'rule.parallel.completed': '申请 {item} 已办结，未完成的环节已终止。',
  'rule.parallel.already_overdue': '申请 {item} 的该审查环节已标记为逾期。',
  'rule.parallel.not_overdue': '申请 {item} 的该审查环节尚未到期，不能标记为逾期。',
  'rule.special_equipment.body_approved': '考试机构 {item} 已获批准。',
  'rule.special_equipment.category_not_approved': '该考试机构未获准考核作业项目 {item}。',
  'rule.special_equipment.exam_recorded': '考试 {item} 已登记。',
  'rule.special_equipment.exam_date': '考试 {item} 的日期须在考试机构获批之日与今天之间。',
  'rule.special_equipment.qualification_exists': '资质 {item} 已登记。',
  'rule.special_equipment.expires_after_grant': '资质 {item} 的有效期须晚于批准日期。',
  'rule.special_equipment.needs_manufacturing':
    '该企业未持有制造资质 {item}；安装改造修理资质须依据制造资质申领。',
  'rule.special_equipment.manufacturing_expired': '制造资质 {item} 已过期，不能据此申领安装改造修理资质。',
  'rule.special_equipment.derived_held': '已持有依据该制造资质申领的 {item} 资质。',
  'rule.metrology.calibrator-not-owner':
    '仪器属于 {item}，所有者不能自行校准；请填写实际校准的认可校准机构或计量院。',
  'rule.metrology.calibrator-accreditation-active':
    '{item} 的认可在校准日期已暂停、撤销或过期，当时不能校准。',
  'rule.metrology.calibrator-accredited':
    '{item} 在该日期未获认可校准此类仪器；只有经认可的校准机构或计量院才能校准。',
  'rule.standards.replacement-published': '代替标准 {item} 尚未发布，请先发布。',
  'rule.standards.superseded-after-replacement-published':
    '标准 {item} 的被代替日期早于代替标准的发布日期，请更正其中一个日期。',
  'rule.standards.replacement-unique': '该标准已记录为被 {item} 代替。',
  'rule.standards.retraction-of-recorded': '标准 {item} 并未记录为被该标准代替，无需撤回。',
  'rule.standards.supplement-unique': '标准 {item} 已有这份修改单或勘误。',
  'rule.standards.supplement-after-publication': '标准 {item} 的修改单或勘误不能早于标准本身发布。',
  'rule.standards.correction-of-recorded': '标准 {item} 没有这一阶段的日期记录，无法更正。',
  'rule.standards.correction-changes-date': '标准 {item} 已记录为该日期，无需更正。',
  'rule.unknown': '不符合业务规则（{item}）。',
  'zod.required': '必填。',
  'zod.tooShort': '至少 {n} 个字符。',
  'zod.tooLong': '最多 {n} 个字符。',
  'zod.tooFew': '至少添加 {n} 项。',
  'zod.tooMany': '最多 {n} 项。',
  'zod.tooSmall': '不能小于 {n}。',
  'zod.tooBig': '不能大于 {n}。',
  'zod.date': '请按 年-月-日 格式填写日期（如 2024-03-01）。',
  'zod.format': '格式不正确。',
  'zod.choice': '请选择一个选项。',
  'zod.type': '取值无效。',
  'zod.invalid': '无效。',
  'zod.datesInOrder': '日期须满足：检测开始 ≤ 检测结束 ≤ 签发日期。',
  'zod.endBeforeStart': '结束日期早于开始日期。',
  'zod.expiryAfterIssue': '有效期截止日须晚于发证日期。',
  'zod.licenceExpiry': '许可证的有效期须晚于发证日期。',
  'zod.implementationAfterPublication': '实施日期不能早于发布日期。',
  'zod.dueAfterCalibration': '校准到期日须晚于校准日期。',
  'zod.validityOrder': '有效期须在开始之后结束。',
  'zod.idChars': '只能包含字母、数字、空格和 - _ . / :。',
  'zod.standardCode': '请填写标准号，如 GB/T 19001 或 DB42/T 1234。',
  'zod.version': '请填写版本（年号），如 2016。',
  'zod.gtin': '请填写 8 至 14 位数字的商品条码。',
  'zod.ccs': '请填写中国标准文献分类号，如 A00。',
  'zod.oneReport': '证书至少要依据一份检测报告。',
  'zod.oneResult': '报告至少需要一项检测结果。',
  'zod.oneInstrument': '请选择所用的仪器。',
}

export const errorMessages: Record<Language, Record<ErrorKey, string>> = { en, 'zh-CN': zh }

/** The custom (refine) messages of @qi/contracts, recognised by their English text. */
export const REFINE_KEYS: Record<string, ErrorKey> = {
  'dates must run testedFrom ≤ testedTo ≤ issuedOn': 'zod.datesInOrder',
  'the end date is before the start date': 'zod.endBeforeStart',
  'the expiry date must be after the issue date': 'zod.expiryAfterIssue',
  'the licence must expire after it is granted': 'zod.licenceExpiry',
  'the implementation date cannot be before publication': 'zod.implementationAfterPublication',
  'the due date must be after the calibration date': 'zod.dueAfterCalibration',
  'validity must end after it starts': 'zod.validityOrder',
  'expected a date as YYYY-MM-DD': 'zod.date',
  required: 'zod.required',
  'letters, digits, spaces and - _ . / : only': 'zod.idChars',
  'a standard code such as GB/T 19001 or DB42/T 1234': 'zod.standardCode',
  'a version such as 2016': 'zod.version',
  'a GTIN of 8 to 14 digits': 'zod.gtin',
  'a CCS code such as A00': 'zod.ccs',
  'a certificate is based on at least one test report': 'zod.oneReport',
  'a report needs at least one result': 'zod.oneResult',
  'name the instruments used': 'zod.oneInstrument',
}

export function errorText(
  lang: Language,
  key: ErrorKey,
  params: Record<string, string | number> = {},
): string {
  const template = errorMessages[lang][key] ?? errorMessages.en[key] ?? key
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  )
}

export const isErrorKey = (key: string): key is ErrorKey => key in en
