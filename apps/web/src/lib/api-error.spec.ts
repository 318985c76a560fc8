import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  describeApiError,
  issuesToFieldErrors,
  messagesFor,
  pathKey,
  unclaimedErrors,
  withoutField,
} from './api-error'

/** What TRPCClientError looks like to the app: an Error with the formatter's `data`. */
function trpcError(message: string, data: Record<string, unknown>) {
  return Object.assign(new Error(message), { data })
}

const methodOutOfScope = () =>
  trpcError('method GB/T 1-2020 §5 is not in the scope of accreditation CNAS L1 at the test dates', {
    code: 'PRECONDITION_FAILED',
    zodIssues: null,
    violation: { rule: 'method-in-scope', item: 'GB/T 1-2020 §5', field: 'results.0.method' },
  })

describe('API errors to form fields, in the user’s language', () => {
  it('puts a rule violation next to the field it names, worded from the rule id and item', () => {
    const zh = describeApiError(methodOutOfScope(), 'zh-CN')
    expect(zh.code).toBe('PRECONDITION_FAILED')
    expect(zh.rule).toBe('method-in-scope')
    expect(zh.message).toBe('检测方法 GB/T 1-2020 §5 在检测日期不在本机构的认可范围内。')
    expect(messagesFor(zh.fieldErrors, 'results.0.method')).toEqual([zh.message])
    expect(messagesFor(zh.fieldErrors, 'results.1.method')).toEqual([])
    expect(zh.detail).toBeNull()
    const en = describeApiError(methodOutOfScope(), 'en')
    expect(en.message).toContain('Method GB/T 1-2020 §5 is not in the scope')
    // The English UI also shows the server's own explanation.
    expect(en.detail).toContain('CNAS L1')
  })

  it('reads rule details flattened onto the error data too (sanitised production bodies)', () => {
    const error = trpcError('refused', {
      code: 'PRECONDITION_FAILED',
      rule: 'report-not-revoked',
      item: 'R-1',
      field: 'reportNo',
    })
    expect(describeApiError(error, 'zh-CN').fieldErrors).toEqual({ reportNo: ['报告 R-1 已经撤回。'] })
  })

  it('never shows a raw code: UNAUTHORIZED, FORBIDDEN and network failures get sentences', () => {
    const unauthorized = describeApiError(
      trpcError('the API key is not valid', { code: 'UNAUTHORIZED' }),
      'zh-CN',
    )
    expect(unauthorized.message).toBe('API 密钥无效，或尚未登录。')
    expect(
      describeApiError(trpcError("role 'lab' may not", { code: 'FORBIDDEN' }), 'zh-CN').message,
    ).not.toMatch(/[a-z]/)
    expect(describeApiError(new TypeError('Failed to fetch'), 'en')).toMatchObject({
      code: 'NETWORK',
      message: 'The server cannot be reached. Check the connection and try again.',
      fieldErrors: {},
    })
  })

  it('words server zod issues from their codes, not their English text', () => {
    const info = describeApiError(
      trpcError('[{"path":["instrumentIds",1]}]', {
        code: 'BAD_REQUEST',
        zodIssues: [
          {
            path: ['instrumentIds', 1],
            message: 'required',
            code: 'too_small',
            origin: 'string',
            minimum: 1,
          },
        ],
        violation: null,
      }),
      'zh-CN',
    )
    expect(info.fieldErrors).toEqual({ 'instrumentIds.1': ['必填。'] })
    expect(info.message).toBe('部分字段需要更正。')
  })

  it('maps client-side zod issues the same way, nested fields included on request', () => {
    const schema = z.object({
      results: z.array(z.object({ method: z.object({ clause: z.string().min(1) }) })),
    })
    const parsed = schema.safeParse({ results: [{ method: { clause: '' } }] })
    expect(parsed.success).toBe(false)
    const errors = issuesToFieldErrors(parsed.error?.issues ?? [], 'zh-CN')
    expect(errors).toEqual({ 'results.0.method.clause': ['必填。'] })
    expect(messagesFor(errors, 'results.0.method')).toEqual([])
    expect(messagesFor(errors, 'results.0.method', true)).toHaveLength(1)
    expect(pathKey(['a', 0, 'b'])).toBe('a.0.b')
  })

  it('lists errors no field claimed, named by their label', () => {
    const errors = { signatory: ['必填。'], 'results.0.value': ['必填。'], '': ['日期不对'] }
    expect(
      unclaimedErrors(errors, ['results'], (path) => (path === 'signatory' ? '授权签字人' : null)),
    ).toEqual(['授权签字人: 必填。', '日期不对'])
  })

  it('drops a field’s stale errors once it changes, and those of the group it sits in', () => {
    const errors = { 'results.0.method': ['out of scope'], 'results.0.value': ['required'], reportNo: ['x'] }
    expect(withoutField(errors, 'results.0.method.standardVersion')).toEqual({
      'results.0.value': ['required'],
      reportNo: ['x'],
    })
    expect(withoutField(errors, 'signatory')).toBe(errors)
  })
})
