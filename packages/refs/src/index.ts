/**
 * Read-model building blocks for services that keep their own copy of another context's facts
 * (services never import each other, so testing and certification each project the accreditation
 * and standards events; this is the one implementation of how they record them).
 */
export * from './accreditation-terms'
export * from './handlers'
export * from './standards'
