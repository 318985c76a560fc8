import { labStream } from './contexts/accreditation'
import { certificateStream } from './contexts/certification'
import {
  demoZoneStream,
  enterpriseStream,
  licenceStream,
  lineStream,
  productStream,
  recallStream,
} from './contexts/industrialization'
import {
  cmarkStream,
  commitmentStream,
  enterpriseLicenceStream,
  examinationBodyStream,
  parallelStream,
  seQualificationStream,
} from './contexts/licensing'
import { instrumentStream } from './contexts/metrology'
import { deadLetterAuditStream } from './contexts/operations'
import { keyStream } from './contexts/reservations'
import { tcStream } from './contexts/standards'
import { reportStream } from './contexts/testing'

/**
 * The stream-name prefixes each context writes to, derived from the stream-name functions
 * themselves (for the AsyncAPI document; a new context adds its entry).
 */
export const streamPrefixesByContext: Record<string, string[]> = {
  standards: ['standard-', tcStream('')],
  accreditation: [labStream('')],
  metrology: [instrumentStream('')],
  testing: [reportStream('')],
  certification: [certificateStream('')],
  industrialization: [
    enterpriseStream(''),
    productStream(''),
    lineStream(''),
    licenceStream(''),
    recallStream(''),
    demoZoneStream(''),
  ],
  operations: [deadLetterAuditStream],
  reservations: [`${keyStream('')}`],
  licensing: [
    enterpriseLicenceStream(''),
    commitmentStream(''),
    cmarkStream(''),
    parallelStream(''),
    examinationBodyStream(''),
    seQualificationStream(''),
  ],
}
