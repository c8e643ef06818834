import react from '@vitejs/plugin-react'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

const root = fileURLToPath(new URL('./apps/editor', import.meta.url))
/** Where `npm start` runs the collaboration server; `vite` (dev) proxies the API and the websocket to it. */
const server = process.env.ACCORD_SERVER ?? 'http://localhost:8080'

export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./apps/editor/dist', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    // One page: React, ProseMirror and Yjs together are about 600 kB before compression.
    chunkSizeWarningLimit: 900,
  },
  server: {
    proxy: {
      '/api': { target: server, changeOrigin: true },
      // rewriteWsOrigin: the server accepts websockets only from its own origin (and ACCORD_ORIGINS).
      '/collab': { target: server, ws: true, changeOrigin: true, rewriteWsOrigin: true },
    },
  },
})
