/** Node ids of the lineage graph: `<kind>:<natural key>`. */
export type NodeKind =
  | 'standard'
  | 'lab'
  | 'accreditation'
  | 'instrument'
  | 'calibration'
  | 'report'
  | 'certificate'
  | 'product'
  | 'enterprise'
  | 'line'
  | 'recall'
  | 'licence'
  | 'verification'

export const nodeId = (kind: NodeKind, key: string) => `${kind}:${key}`
export const standardNode = (ref: { code: string; version: string }) =>
  nodeId('standard', `${ref.code}-${ref.version}`)

/**
 * Edge relations, always pointing from a thing to what it rests on, so lineage walks edges
 * forwards and impact analysis walks them backwards.
 */
export type Relation =
  | 'certified_by' // product → certificate
  | 'based_on' // certificate → report
  | 'certifies_to' // certificate → standard
  | 'issued_by' // certificate | report → lab (CB or testing lab)
  | 'under' // certificate | report → accreditation
  | 'tested_to' // report → standard (detail: clauses)
  | 'used' // report → instrument
  | 'calibrated_by' // instrument → calibration
  | 'traceable_to' // calibration → instrument (reference standard)
  | 'performed_by' // calibration → lab
  | 'holds' // lab → accreditation
  | 'replaced_by' // standard → newer standard
  | 'adopts' // standard → international standard
  | 'amends' // report → previous report
  | 'made_by' // product → enterprise
  | 'made_on' // product → line (detail: market)
  | 'declares' // product → standard
  | 'recalled_in' // product → recall
  | 'tested_in' // product → report (the product was the sample)
  | 'licensed_under' // product → enterprise licence (its scope lines cover the product)
  | 'verified_by' // licence → on-site verification of an application (先证后核)
