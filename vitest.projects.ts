import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { defineConfig } from 'vitest/config'

/** Every workspace package folder (one vitest project each). See STACK.md: not a root vitest.config.ts. */
const packages = ['apps', 'packages', 'services', 'tooling'].flatMap((group) =>
  existsSync(group)
    ? readdirSync(group, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && existsSync(join(group, entry.name, 'package.json')))
        .map((entry) => join(group, entry.name))
    : [],
)

export default defineConfig({
  test: {
    projects: packages.map((root) => ({
      extends: true,
      test: { name: root, root, include: ['src/**/*.spec.ts', 'e2e/**/*.spec.ts'] },
    })),
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})
