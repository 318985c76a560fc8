import { type industrialization as contract, type EventOf, reservations } from '@qi/contracts'
import { type Decider, NotFoundError, type Release, type Reservation, RuleViolationError } from '@qi/decider'

const { keyStream } = reservations

export type ProductionLicenceGranted = EventOf<typeof contract.ProductionLicenceGranted>
export type ProductionLicenceRevoked = EventOf<typeof contract.ProductionLicenceRevoked>
export type LicenceEvent = ProductionLicenceGranted | ProductionLicenceRevoked

/** A licence of the same enterprise and product category that has not been revoked. */
export interface UnrevokedLicenceFact {
  licenceNo: string
  grantedOn: string
  expiresOn: string
}

export type LicenceCommand =
  | {
      type: 'GrantProductionLicence'
      data: ProductionLicenceGranted['data']
      facts: { enterpriseRegistered: boolean; unrevokedLicencesInCategory: UnrevokedLicenceFact[] }
    }
  | { type: 'RevokeProductionLicence'; data: ProductionLicenceRevoked['data'] }

export interface LicenceState {
  granted: { licenceNo: string; enterpriseId: string; productCategory: string; grantedOn: string } | null
  revokedOn: string | null
}

/**
 * 一企一证 across licence streams: the key every grant claims (with its validity) before writing its
 * licence stream, so two racing grants for one enterprise and category cannot both succeed.
 */
export const licenceSlotKey = (enterpriseId: string, productCategory: string) =>
  keyStream('licence-slot', enterpriseId, productCategory)

export const oneLicencePerCategory = (data: ProductionLicenceGranted['data']): Reservation => ({
  key: licenceSlotKey(data.enterpriseId, data.productCategory),
  rule: 'licence.one_per_category',
  holder: data.licenceNo,
  validity: { from: data.grantedOn, to: data.expiresOn },
  field: 'productCategory',
  refusal: (existing) =>
    `enterprise ${data.enterpriseId} already holds licence ${existing.holder} for '${data.productCategory}'${existing.validity ? ` (valid ${existing.validity.from} to ${existing.validity.to})` : ''}; revoke it or grant after it expires`,
})

/** A revoked licence gives its slot back. */
export const releaseLicenceSlot = (state: LicenceState): Release[] =>
  state.granted && state.revokedOn !== null
    ? [
        {
          key: licenceSlotKey(state.granted.enterpriseId, state.granted.productCategory),
          holder: state.granted.licenceNo,
        },
      ]
    : []

/** A production licence (stream per licence number). */
export const licenceDecider: Decider<LicenceCommand, LicenceEvent, LicenceState> = {
  initialState: () => ({ granted: null, revokedOn: null }),
  evolve(state, event) {
    switch (event.type) {
      case 'ProductionLicenceGranted':
        return {
          ...state,
          granted: {
            licenceNo: event.data.licenceNo,
            enterpriseId: event.data.enterpriseId,
            productCategory: event.data.productCategory,
            grantedOn: event.data.grantedOn,
          },
        }
      case 'ProductionLicenceRevoked':
        return { ...state, revokedOn: event.data.on }
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'GrantProductionLicence': {
        const { licenceNo, enterpriseId, productCategory, grantedOn, expiresOn } = command.data
        if (state.granted) {
          throw new RuleViolationError(
            'licence.unique',
            `licence number ${licenceNo} was already granted to enterprise ${state.granted.enterpriseId}; use a new licence number`,
            licenceNo,
            'licenceNo',
          )
        }
        if (!command.facts.enterpriseRegistered) throw new NotFoundError('enterprise', enterpriseId)
        // 一企一证: one enterprise holds one licence per product category at any time, so a licence
        // whose validity overlaps the new one's blocks it until it is revoked or has expired.
        const overlapping = command.facts.unrevokedLicencesInCategory.find(
          (existing) => existing.grantedOn < expiresOn && existing.expiresOn > grantedOn,
        )
        if (overlapping) {
          throw new RuleViolationError(
            'licence.one_per_category',
            `enterprise ${enterpriseId} already holds licence ${overlapping.licenceNo} for '${productCategory}' (valid ${overlapping.grantedOn} to ${overlapping.expiresOn}); revoke it or grant after it expires`,
            overlapping.licenceNo,
            'productCategory',
          )
        }
        return [{ type: 'ProductionLicenceGranted', data: command.data }]
      }
      case 'RevokeProductionLicence': {
        const { licenceNo, on } = command.data
        if (!state.granted) throw new NotFoundError('production licence', licenceNo)
        if (state.revokedOn !== null) {
          throw new RuleViolationError(
            'licence.already_revoked',
            `licence ${licenceNo} was already revoked on ${state.revokedOn}`,
            licenceNo,
            'licenceNo',
          )
        }
        if (on < state.granted.grantedOn) {
          throw new RuleViolationError(
            'licence.revoked_after_grant',
            `licence ${licenceNo} cannot be revoked on ${on}, before it was granted on ${state.granted.grantedOn}; give a later date`,
            licenceNo,
            'on',
          )
        }
        return [{ type: 'ProductionLicenceRevoked', data: command.data }]
      }
    }
  },
}
