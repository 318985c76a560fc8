import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

/** In dev the API runs on its own port; in production it serves this build on the same origin. */
const apiTarget = process.env.QI_API_URL ?? 'http://127.0.0.1:3000'

export default defineConfig({
  plugins: [react()],
  server: { proxy: { '/trpc': { target: apiTarget, changeOrigin: true } } },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 800 },
})
