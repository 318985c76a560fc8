import { describe, expect, it } from 'vitest'
import { splitStandardCode } from './identifiers'

describe('identifiers as people type them', () => {
  it('takes a standard code typed with its year, full-width or spaced', () => {
    expect(splitStandardCode('GB 4706.1-2005', '')).toEqual({ code: 'GB 4706.1', version: '2005' })
    expect(splitStandardCode(' GB/T 1591 - 2018 ', '')).toEqual({ code: 'GB/T 1591', version: '2018' })
    expect(splitStandardCode('ＧＢ　４７０６．１－２００５', '')).toEqual({
      code: 'GB 4706.1',
      version: '2005',
    })
    expect(splitStandardCode('GB 4706.1', ' 2005 ')).toEqual({ code: 'GB 4706.1', version: '2005' })
    // A different version typed beside it wins nothing by guessing: the code stays as typed.
    expect(splitStandardCode('GB 4706.1-2005', '2010')).toEqual({ code: 'GB 4706.1-2005', version: '2010' })
  })
})
