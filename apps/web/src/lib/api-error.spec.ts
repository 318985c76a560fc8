import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { describeApiError, issuesToFieldErrors, messagesFor, pathKey, unclaimedErrors } from './api-error'

/** What TRPCClientError looks like to the app: an Error with the formatter's `data`. */
function trpcError(message: string, data: Record<string, unknown>) {
  return Object.assign(new Error(message), { data })
}

describe('API errors to form fields', () => {
  it('puts a rule violation next to the field it names', () => {
    const error = trpcError('GB/T 1-2020 §5 is not in the accreditation scope on 2024-03-01', {
      code: 'PRECONDITION_FAILED',
      zodIssues: null,
      violation: { rule: 'method-in-scope', item: 'GB/T 1-2020', field: 'results.0.method' },
    })
    const info = describeApiError(error)
    expect(info.code).toBe('PRECONDITION_FAILED')
    expect(info.rule).toBe('method-in-scope')
    expect(messagesFor(info.fieldErrors, 'results.0.method')).toEqual([error.message])
    expect(messagesFor(info.fieldErrors, 'results.1.method')).toEqual([])
  })

  it('maps server zod issues by path and shows the readable summary', () => {
    const info = describeApiError(
      trpcError('[{"path":["instrumentIds",1]}]', {
        code: 'BAD_REQUEST',
        zodIssues: [{ path: ['instrumentIds', 1], message: 'required', code: 'too_small' }],
        zodMessage: '✖ required\n  → at instrumentIds[1]',
        violation: null,
      }),
    )
    expect(info.fieldErrors).toEqual({ 'instrumentIds.1': ['required'] })
    expect(info.message).toContain('instrumentIds[1]')
  })

  it('keeps a plain error message when there is no API data', () => {
    expect(describeApiError(new Error('Failed to fetch'))).toEqual({
      message: 'Failed to fetch',
      code: null,
      rule: null,
      fieldErrors: {},
    })
  })

  it('maps client-side zod issues the same way, nested fields included on request', () => {
    const schema = z.object({
      results: z.array(z.object({ method: z.object({ clause: z.string().min(1) }) })),
    })
    const parsed = schema.safeParse({ results: [{ method: { clause: '' } }] })
    expect(parsed.success).toBe(false)
    const errors = issuesToFieldErrors(parsed.error?.issues ?? [])
    expect(Object.keys(errors)).toEqual(['results.0.method.clause'])
    expect(messagesFor(errors, 'results.0.method')).toEqual([])
    expect(messagesFor(errors, 'results.0.method', true)).toHaveLength(1)
    expect(pathKey(['a', 0, 'b'])).toBe('a.0.b')
  })

  it('lists errors no field claimed', () => {
    const errors = { signatory: ['required'], 'results.0.value': ['required'], '': ['dates out of order'] }
    expect(unclaimedErrors(errors, ['results'])).toEqual(['signatory: required', 'dates out of order'])
  })
})
