import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describeProcedures, httpApiMarkdown } from './http-api'

const target = join(import.meta.dirname, '..', '..', '..', 'docs', 'HTTP-API.md')
const procedures = describeProcedures()
writeFileSync(target, httpApiMarkdown(procedures))
console.log(`wrote ${target} (${procedures.length} procedures)`)
