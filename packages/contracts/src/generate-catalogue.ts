import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { allEvents } from './all-events'
import { catalogueMarkdown } from './catalogue'
import { asyncApiDocument, eventJsonSchemas } from './json-schema'
import { streamPrefixesByContext } from './stream-prefixes'

const docs = join(import.meta.dirname, '..', '..', '..', 'docs')
mkdirSync(join(docs, 'contracts'), { recursive: true })
const files: Record<string, string> = {
  'EVENT-CATALOGUE.md': catalogueMarkdown(allEvents),
  'contracts/events.schema.json': `${JSON.stringify(eventJsonSchemas(allEvents), null, 2)}\n`,
  'contracts/asyncapi.json': `${JSON.stringify(asyncApiDocument(allEvents, streamPrefixesByContext), null, 2)}\n`,
}
for (const [name, text] of Object.entries(files)) writeFileSync(join(docs, name), text)
console.log(`wrote ${Object.keys(files).join(', ')} in ${docs} (${allEvents.length} events)`)
