import type { industrialization as contract, EventOf } from '@qi/contracts'
import { type Decider, NotFoundError, RuleViolationError } from '@qi/decider'

export type EnterpriseRegistered = EventOf<typeof contract.EnterpriseRegistered>
export type BrandTitleAwarded = EventOf<typeof contract.BrandTitleAwarded>
export type EnterpriseEvent = EnterpriseRegistered | BrandTitleAwarded

/** The product named by a brand title, as the registry knows it (null: not registered). */
export interface BrandProductFact {
  productId: string
  enterpriseId: string
}

export type EnterpriseCommand =
  | { type: 'RegisterEnterprise'; data: EnterpriseRegistered['data'] }
  | { type: 'AwardBrandTitle'; data: BrandTitleAwarded['data']; facts: { product: BrandProductFact | null } }

export interface EnterpriseState {
  registered: boolean
  name: string | null
  /** `${year}|${productId ?? ''}` of every title awarded, for the one-title-per-year rule. */
  titles: Set<string>
}

const titleKey = (year: number, productId: string | undefined) => `${year}|${productId ?? ''}`

/** An enterprise (stream per unified social credit code) and the brand titles it holds. */
export const enterpriseDecider: Decider<EnterpriseCommand, EnterpriseEvent, EnterpriseState> = {
  initialState: () => ({ registered: false, name: null, titles: new Set() }),
  evolve(state, event) {
    switch (event.type) {
      case 'EnterpriseRegistered':
        return { ...state, registered: true, name: event.data.name }
      case 'BrandTitleAwarded':
        return {
          ...state,
          titles: new Set([...state.titles, titleKey(event.data.year, event.data.productId)]),
        }
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'RegisterEnterprise': {
        if (state.registered) {
          throw new RuleViolationError(
            'enterprise.unique',
            `enterprise ${command.data.enterpriseId} is already registered (as ${state.name}); use another credit code`,
            command.data.enterpriseId,
            'enterpriseId',
          )
        }
        return [{ type: 'EnterpriseRegistered', data: command.data }]
      }
      case 'AwardBrandTitle': {
        const { enterpriseId, productId, year } = command.data
        if (!state.registered) throw new NotFoundError('enterprise', enterpriseId)
        if (productId !== undefined) {
          const product = command.facts.product
          if (!product) throw new NotFoundError('product', productId)
          if (product.enterpriseId !== enterpriseId) {
            throw new RuleViolationError(
              'brand.product_of_enterprise',
              `product ${productId} belongs to enterprise ${product.enterpriseId}, not ${enterpriseId}; award the title to its own enterprise`,
              productId,
              'productId',
            )
          }
        }
        if (state.titles.has(titleKey(year, productId))) {
          const holder = productId === undefined ? `enterprise ${enterpriseId}` : `product ${productId}`
          throw new RuleViolationError(
            'brand.one_title_per_year',
            `${holder} already holds a brand title for ${year}; a title is awarded at most once a year`,
            productId ?? enterpriseId,
            'year',
          )
        }
        return [{ type: 'BrandTitleAwarded', data: command.data }]
      }
    }
  },
}
