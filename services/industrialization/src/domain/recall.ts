import type { industrialization as contract, EventOf } from '@qi/contracts'
import { type Decider, NotFoundError, RuleViolationError } from '@qi/decider'

export type ProductRecalled = EventOf<typeof contract.ProductRecalled>
export type RecallEvent = ProductRecalled

/** The recalled product as the registry knows it (null: not registered). */
export interface RecalledProductFact {
  productId: string
  enterpriseId: string
}

export type RecallCommand = {
  type: 'RecallProduct'
  data: ProductRecalled['data']
  facts: { product: RecalledProductFact | null }
}

export interface RecallState {
  announced: { productId: string; announcedOn: string } | null
}

/** A defective-product recall (stream per recall id). */
export const recallDecider: Decider<RecallCommand, RecallEvent, RecallState> = {
  initialState: () => ({ announced: null }),
  evolve: (_state, event) => ({
    announced: { productId: event.data.productId, announcedOn: event.data.announcedOn },
  }),
  decide(command, state) {
    const { recallId, productId, enterpriseId } = command.data
    if (state.announced) {
      throw new RuleViolationError(
        'recall.unique',
        `recall ${recallId} was already announced on ${state.announced.announcedOn} for product ${state.announced.productId}; use a new recall id`,
        recallId,
        'recallId',
      )
    }
    const product = command.facts.product
    if (!product) throw new NotFoundError('product', productId)
    if (product.enterpriseId !== enterpriseId) {
      throw new RuleViolationError(
        'recall.product_of_enterprise',
        `product ${productId} is made by enterprise ${product.enterpriseId}, not ${enterpriseId}; name the product's own enterprise`,
        productId,
        'enterpriseId',
      )
    }
    return [{ type: 'ProductRecalled', data: command.data }]
  },
}
