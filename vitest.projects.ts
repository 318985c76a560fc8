import { defineConfig } from 'vitest/config'

/** One vitest run over every workspace package (see STACK.md: not a root vitest.config.ts). */
export default defineConfig({
  test: {
    projects: ['packages/*', 'services/*', 'apps/api', 'tooling/*'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})
