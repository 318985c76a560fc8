// Builds the API server for production: one ESM bundle, dist/main.js, with the
// workspace's TypeScript packages compiled in and every npm dependency left to Node to load.
import { rmSync } from 'node:fs'
import { build } from 'esbuild'

/** npm packages stay external, resolved from the importing package (pnpm keeps each one's own). */
const externalDependencies = {
  name: 'external-dependencies',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith('@qi/') || args.pluginData === 'resolving') return undefined
      if (args.path.startsWith('node:')) return { path: args.path, external: true }
      const resolved = await builder.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'resolving',
      })
      if (resolved.errors.length > 0) return { errors: resolved.errors }
      return { path: resolved.path, external: true }
    })
  },
}

rmSync('dist', { recursive: true, force: true })
await build({
  entryPoints: ['src/main.ts'],
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  // Resolve npm packages as Node itself would (no bundler-only 'module' entry points).
  mainFields: ['main'],
  conditions: [],
  logLevel: 'warning',
  plugins: [externalDependencies],
})
console.log('built apps/api/dist/main.js')
