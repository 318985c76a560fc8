import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts'],
    // gRPC round trips on a busy 2-core machine: bounded but generous.
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
})
