import { createEventCatalogue } from './catalogue'
import { accreditationEvents } from './contexts/accreditation'
import { certificationEvents } from './contexts/certification'
import { industrializationEvents } from './contexts/industrialization'
import { licensingEvents } from './contexts/licensing'
import { metrologyEvents } from './contexts/metrology'
import { operationsEvents } from './contexts/operations'
import { reservationEvents } from './contexts/reservations'
import { standardsEvents } from './contexts/standards'
import { testingEvents } from './contexts/testing'

/** Every domain event of the platform. A new service adds its list here. */
export const allEvents = [
  ...standardsEvents,
  ...accreditationEvents,
  ...metrologyEvents,
  ...testingEvents,
  ...certificationEvents,
  ...industrializationEvents,
  ...operationsEvents,
  ...reservationEvents,
  ...licensingEvents,
] as const

export const domainCatalogue = createEventCatalogue(allEvents)
