import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { CHROMIUM_ARGS, findChromium } from "./scripts/lib/chromium";
import { freePortSync } from "./tests/support/free-port-sync";

/**
 * End-to-end tests in Chromium against the real `npm run dev` stack, on a free port with its own
 * data folder (so it never collides with a dev server you have running). This file is evaluated
 * again in each worker; the values are fixed once in the environment so every process agrees.
 */
process.env.E2E_PORT ??= String(freePortSync());
process.env.E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), "bloqr-e2e-"));
// The published-lists spec serves its sources here (tests/support/source-server.mjs); the Worker may fetch only this port.
process.env.E2E_SOURCE_PORT ??= String(freePortSync());

// CHROMIUM_PATH, a system Chromium, Playwright's download, or the one shipped in an npm package.
const { executablePath } = await findChromium();

const baseURL = `http://localhost:${process.env.E2E_PORT}`;

export default defineConfig({
  testDir: "tests/e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath,
      args: CHROMIUM_ARGS,
    },
  },
  projects: [
    { name: "chromium", use: { ...devices["Desktop Chrome"] }, testIgnore: /dev-stack\.spec\.ts/ },
    // Its second `npm run dev` rebuilds the shared build output, which the browser specs' server also serves.
    { name: "dev-stack", testMatch: /dev-stack\.spec\.ts/, dependencies: ["chromium"] },
  ],
  webServer: {
    command: "npm run dev",
    url: `${baseURL}/api/health`,
    env: {
      PORT: process.env.E2E_PORT,
      BLOQR_DATA_DIR: process.env.E2E_DATA_DIR,
      SOURCE_ALLOW_PRIVATE_HOSTS: `127.0.0.1:${process.env.E2E_SOURCE_PORT}`,
    },
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGINT", timeout: 20_000 },
  },
});
