import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The console is a static single-page app: `vite build` writes console/dist, which any static server
// (plus a /config.json naming the three services) can serve. Workspace TS sources (@mcp/proto) are
// compiled by Vite directly; their `.js` import suffixes resolve to the `.ts` files.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    port: 5173,
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.spec.{ts,tsx}"],
    setupFiles: ["src/test/setup.ts"],
    restoreMocks: true,
    // jsdom renders take ~0.5 s here, several times that while the rest of `npm test` runs beside them
    testTimeout: 20_000,
  },
});
