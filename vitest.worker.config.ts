import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/**
 * Worker tests run inside workerd with the bindings of wrangler.toml (real local KV, Queues,
 * Analytics) and talk to a real Postgres started by the global setup.
 */
export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: { bindings: inject("testBindings") },
    })),
  ],
  resolve: {
    // The Worker exactly as deployed: server.ts bundled with the app (typed by tests/worker/bloqr-worker.d.ts).
    alias: {
      "bloqr-worker": fileURLToPath(new URL("./build/index.js", import.meta.url)),
      // Test fixtures (accounts, rows) use the app's own services against the same database.
      "~": fileURLToPath(new URL("./app", import.meta.url)),
    },
  },
  test: {
    // security/: attack matrices, the property-based fuzz and the log audit, through the same Worker.
    include: ["tests/worker/**/*.test.ts", "tests/security/**/*.test.ts"],
    globalSetup: ["tests/worker/global-setup.ts"],
    // Each pool worker is a workerd process with the bundled Worker loaded; starting one per test
    // file cost ~8.5 s a file on a loaded 2-core machine. Reused, test files share that process's
    // storage and module state, so every test makes its own accounts, IPs and configurations
    // (random), restores its spies and timers, and asserts nothing about what others leave behind.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
