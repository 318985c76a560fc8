import { type industrialization as contract, type EventOf, reservations } from '@qi/contracts'
import { type Decider, NotFoundError, type Reservation, RuleViolationError } from '@qi/decider'

export type ProductRegistered = EventOf<typeof contract.ProductRegistered>
export type ProductMarketDeclared = EventOf<typeof contract.ProductMarketDeclared>
export type ProductEvent = ProductRegistered | ProductMarketDeclared

/** A production line as the registry knows it (null: not registered). */
export interface LineFact {
  lineId: string
  enterpriseId: string
}

export type ProductCommand =
  | { type: 'RegisterProduct'; data: ProductRegistered['data']; facts: { enterpriseRegistered: boolean } }
  | { type: 'DeclareProductMarket'; data: ProductMarketDeclared['data']; facts: { line: LineFact | null } }

export interface ProductState {
  enterpriseId: string | null
}

/** A GTIN (GS1 id) identifies one trade item: a product registered with one claims it across product streams. */
export const gtinUnique = (data: { productId: string; gs1?: string | undefined }): Reservation[] =>
  data.gs1 === undefined
    ? []
    : [
        {
          key: reservations.keyStream('gtin', data.gs1),
          rule: 'product.gtin-unique',
          holder: data.productId,
          field: 'gs1',
          refusal: (existing) =>
            `GS1 id ${data.gs1} is already registered for product ${existing.holder}; check the GTIN on the product`,
        },
      ]

/** A product (stream per product id) and the markets it is declared for. */
export const productDecider: Decider<ProductCommand, ProductEvent, ProductState> = {
  initialState: () => ({ enterpriseId: null }),
  evolve(state, event) {
    switch (event.type) {
      case 'ProductRegistered':
        return { enterpriseId: event.data.enterpriseId }
      case 'ProductMarketDeclared':
        return state
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'RegisterProduct': {
        const { productId, enterpriseId } = command.data
        if (state.enterpriseId !== null) {
          throw new RuleViolationError(
            'product.unique',
            `product ${productId} is already registered by enterprise ${state.enterpriseId}; choose another product id`,
            productId,
            'productId',
          )
        }
        if (!command.facts.enterpriseRegistered) throw new NotFoundError('enterprise', enterpriseId)
        return [{ type: 'ProductRegistered', data: command.data }]
      }
      case 'DeclareProductMarket': {
        const { productId, lineId } = command.data
        if (state.enterpriseId === null) throw new NotFoundError('product', productId)
        const line = command.facts.line
        if (!line) throw new NotFoundError('production line', lineId)
        if (line.enterpriseId !== state.enterpriseId) {
          throw new RuleViolationError(
            'market.line_of_same_enterprise',
            `line ${lineId} belongs to enterprise ${line.enterpriseId}, but product ${productId} to ${state.enterpriseId}; declare a line of the product's own enterprise`,
            lineId,
            'lineId',
          )
        }
        return [{ type: 'ProductMarketDeclared', data: command.data }]
      }
    }
  },
}
