import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { allEvents } from './all-events'
import { catalogueMarkdown } from './catalogue'

const target = join(import.meta.dirname, '..', '..', '..', 'docs', 'EVENT-CATALOGUE.md')
writeFileSync(target, catalogueMarkdown(allEvents))
console.log(`wrote ${target} (${allEvents.length} events)`)
