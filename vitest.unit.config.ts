import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/** Unit tests run in plain Node: the compiler, pure helpers and the dev-stack scripts. */
export default defineConfig({
  resolve: { alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) } },
  test: {
    include: ["tests/unit/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
  },
});
