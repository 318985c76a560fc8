import { execSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { PlopTypes } from '@turbo/gen'

/**
 * `pnpm turbo gen service <name> <entity> <role> <nameZh>`: scaffolds a bounded-context service that passes
 * typecheck, lint and tests as generated — contracts (one event, one command), a decider with
 * given/when/then specs, a projection, a router with an integration test, registered in apps/api,
 * a list page in the web app (lazy, in the navigation, text in zh-CN and English), and its rows in
 * ARCHITECTURE.md and the generated event catalogue. docs/ADD-A-SERVICE.md walks
 * through growing it into a real context.
 */

const ROLES = [
  'lab',
  'certification_body',
  'standards_institute',
  'metrology_institute',
  'regulator',
  'enterprise',
]

const kebab = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/

function addJsonDependency(root: string, file: string, name: string) {
  const path = join(root, file)
  const json = JSON.parse(readFileSync(path, 'utf8')) as { dependencies: Record<string, string> }
  json.dependencies[name] = 'workspace:*'
  writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`)
}

export default function generator(plop: PlopTypes.NodePlopAPI): void {
  plop.setHelper('eq', (a: unknown, b: unknown) => a === b)

  plop.setActionType('add-api-dependency', (answers, _config, plopApi) => {
    const root = plopApi.getDestBasePath()
    const { name } = answers as { name: string }
    addJsonDependency(root, 'apps/api/package.json', `@qi/${name}`)
    return `apps/api depends on @qi/${name}`
  })

  plop.setActionType('link-and-generate', (answers, _config, plopApi) => {
    const root = plopApi.getDestBasePath()
    const name = (answers as { name: string }).name
    const run = (command: string) => execSync(command, { cwd: root, stdio: 'pipe', env: process.env })
    // Links the new workspace package (offline: every dependency is already in the store; the
    // lockfile gains the new package, so not frozen even where CI=true makes that the default).
    run('npx -y pnpm@12.4.2 install --offline --no-frozen-lockfile')
    // The event catalogue, JSON Schema, AsyncAPI and HTTP API documents are generated from code.
    run('npx -y pnpm@12.4.2 --filter @qi/contracts catalogue')
    run('npx -y pnpm@12.4.2 --filter @qi/api api-doc')
    // Sort the imports the modify actions added and format the generated files the project's way.
    run(
      `npx biome check --write services/${name} packages/contracts/src apps/api/src/services.ts apps/api/src/root.ts apps/api/src/authorization-matrix.int.spec.ts apps/api/package.json apps/web/src`,
    )
    return 'installed, and regenerated docs/EVENT-CATALOGUE.md, docs/contracts/*, docs/HTTP-API.md'
  })

  plop.setGenerator('service', {
    description: 'A bounded-context service: contracts, decider + specs, projection, router, registration',
    prompts: [
      {
        type: 'input',
        name: 'name',
        message: 'Context name, kebab-case plural (e.g. site-visits):',
        validate: (value: string) => kebab.test(value) || 'use kebab-case: lower-case words joined by -',
      },
      {
        type: 'input',
        name: 'entity',
        message: 'One thing it records, kebab-case singular (e.g. site-visit):',
        validate: (value: string) => kebab.test(value) || 'use kebab-case: lower-case words joined by -',
      },
      {
        type: 'list',
        name: 'role',
        message: 'Which role records it?',
        choices: ROLES,
      },
      {
        type: 'input',
        name: 'nameZh',
        message: 'Its name in Chinese, for the navigation and page title (e.g. 现场检查):',
        validate: (value: string) => /\p{Script=Han}/u.test(value) || 'give the Chinese name users will see',
      },
    ],
    actions: [
      {
        type: 'add',
        path: 'packages/contracts/src/contexts/{{kebabCase name}}.ts',
        templateFile: 'templates/contracts.ts.hbs',
      },
      {
        type: 'addMany',
        destination: 'services/{{kebabCase name}}',
        base: 'templates/service',
        templateFiles: 'templates/service/**/*.hbs',
        stripExtensions: ['hbs'],
        globOptions: { dot: true, ignore: ['**/domain/**'] },
      },
      // addMany keeps template file names: give the entity's files their names.
      {
        type: 'add',
        path: 'services/{{kebabCase name}}/src/domain/{{kebabCase entity}}.ts',
        templateFile: 'templates/service/src/domain/entity.ts.hbs',
      },
      {
        type: 'add',
        path: 'services/{{kebabCase name}}/src/domain/{{kebabCase entity}}.spec.ts',
        templateFile: 'templates/service/src/domain/entity.spec.ts.hbs',
      },
      {
        type: 'modify',
        path: 'packages/contracts/src/all-events.ts',
        pattern: /(export const allEvents = \[\n)/,
        template: '$1  ...{{camelCase name}}.{{camelCase name}}Events,\n',
      },
      {
        type: 'modify',
        path: 'packages/contracts/src/all-events.ts',
        pattern: /^/,
        template: "import * as {{camelCase name}} from './contexts/{{kebabCase name}}'\n",
      },
      {
        type: 'append',
        path: 'packages/contracts/src/index.ts',
        template: "export * as {{camelCase name}} from './contexts/{{kebabCase name}}'",
      },
      {
        type: 'modify',
        path: 'packages/contracts/src/stream-prefixes.ts',
        pattern: /(export const streamPrefixesByContext: Record<string, string\[\]> = \{\n)/,
        template: "$1  '{{kebabCase name}}': ['{{kebabCase entity}}-'],\n",
      },
      {
        type: 'modify',
        path: 'apps/api/src/services.ts',
        pattern: /(export const serviceModules: ServiceModule\[\] = \[\n)/,
        template: '$1  {{camelCase name}}Service,\n',
      },
      {
        type: 'modify',
        path: 'apps/api/src/services.ts',
        pattern: /^/,
        template: "import { {{camelCase name}}Service } from '@qi/{{kebabCase name}}'\n",
      },
      {
        type: 'modify',
        path: 'apps/api/src/root.ts',
        pattern: /(export const appRouter = router\(\{\n)/,
        template: '$1  {{camelCase name}}: {{camelCase name}}Service.router,\n',
      },
      {
        type: 'modify',
        path: 'apps/api/src/root.ts',
        pattern: /^/,
        template: "import { {{camelCase name}}Service } from '@qi/{{kebabCase name}}'\n",
      },
      { type: 'add-api-dependency' },
      {
        // The authorization matrix tries every mutation as a foreign organisation, or names why it
        // has no ownership rule: a generated service has none until you add one (ADD-A-SERVICE.md).
        type: 'modify',
        path: 'apps/api/src/authorization-matrix.int.spec.ts',
        pattern: /(const OWNERSHIP: Record<string, Sample \| \{ none: string \}> = \{\n)/,
        template:
          "$1  '{{camelCase name}}.record': { none: 'any {{role}} records {{lowerCase (sentenceCase entity)}}s (generated; no ownership rule yet)' },\n",
      },
      // The web app: a list page, lazy-loaded, in the navigation, with its text in both languages.
      {
        type: 'add',
        path: 'apps/web/src/pages/{{pascalCase name}}Page.tsx',
        templateFile: 'templates/web/page.tsx.hbs',
      },
      {
        type: 'add',
        path: 'apps/web/src/i18n/{{kebabCase name}}-messages.ts',
        templateFile: 'templates/web/messages.ts.hbs',
      },
      {
        type: 'modify',
        path: 'apps/web/src/i18n/messages.ts',
        pattern: /(\nconst en = \{\n)/,
        template: '$1  ...{{camelCase name}}En,\n',
      },
      {
        type: 'modify',
        path: 'apps/web/src/i18n/messages.ts',
        pattern: /(\nconst zh: Record<MessageKey, string> = \{\n)/,
        template: '$1  ...{{camelCase name}}Zh,\n',
      },
      {
        type: 'modify',
        path: 'apps/web/src/i18n/messages.ts',
        pattern: /(\nexport const LANGUAGES)/,
        template:
          "\nimport { {{camelCase name}}En, {{camelCase name}}Zh } from './{{kebabCase name}}-messages'$1",
      },
      // The decider's rule, worded in both languages (the web app's errors.spec.ts checks every rule id).
      {
        type: 'modify',
        path: 'apps/web/src/i18n/errors.ts',
        pattern: /(\nconst en = \{\n)/,
        template:
          "$1  'rule.{{kebabCase entity}}.unique': '{{sentenceCase entity}} {item} was already recorded.',\n",
      },
      {
        type: 'modify',
        path: 'apps/web/src/i18n/errors.ts',
        pattern: /(\nconst zh: Record<ErrorKey, string> = \{\n)/,
        template: "$1  'rule.{{kebabCase entity}}.unique': '{{nameZh}} {item} 已记录。',\n",
      },
      {
        type: 'modify',
        path: 'apps/web/src/App.tsx',
        pattern: /(\nconst LineagePage = lazy\()/,
        template:
          "\nconst {{pascalCase name}}Page = lazy(() => import('./pages/{{pascalCase name}}Page').then((m) => ({ default: m.{{pascalCase name}}Page })))$1",
      },
      {
        type: 'modify',
        path: 'apps/web/src/App.tsx',
        pattern: /(\n {2}\{ to: '\/lineage', label: 'nav.lineage')/,
        template:
          "\n  { to: '/{{kebabCase name}}', label: 'nav.{{camelCase name}}', testId: 'nav-{{kebabCase name}}' },$1",
      },
      {
        type: 'modify',
        path: 'apps/web/src/App.tsx',
        pattern: /(\n\s*<Route path="\/lineage")/,
        template: '\n      <Route path="/{{kebabCase name}}" element={<{{pascalCase name}}Page />} />$1',
      },
      {
        type: 'modify',
        path: 'ARCHITECTURE.md',
        pattern: /(\| `services\/lineage` \|)/,
        template:
          '| `services/{{kebabCase name}}` | {{kebabCase name}}: records {{lowerCase (sentenceCase entity)}}s (generated by `turbo gen service`; see docs/ADD-A-SERVICE.md) | as above |\n$1',
      },
      { type: 'link-and-generate' },
    ],
  })
}
