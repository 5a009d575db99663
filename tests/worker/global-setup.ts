/**
 * Starts what the Worker under test needs beside it, in Node, once per run: a fresh embedded
 * Postgres (temporary data dir) with migrations applied, the Neon WebSocket bridge, the Turnstile
 * siteverify stub, a TCP server that never answers (a hanging database) and an HTTP server of
 * filter-list sources (allowed although private through SOURCE_ALLOW_PRIVATE_HOSTS). Fresh
 * development secrets are generated for the run and handed to the Worker's bindings.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { generatedValues } from "../../scripts/lib/dev-vars.mjs";
import { startLocalServices } from "../../scripts/lib/local-services.mjs";
import { startHangingServer } from "../support/hanging-server.mjs";
import { startSourceServer } from "../support/source-server.mjs";

const unquote = (value: string) => value.replace(/^"|"$/g, "").replaceAll("\\n", "\n");

export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(join(tmpdir(), "bloqr-worker-tests-"));
  const services = await startLocalServices({ dataDir });
  const hanging = await startHangingServer();
  const sources = await startSourceServer();
  const secrets = Object.fromEntries(Object.entries(generatedValues()).map(([name, value]) => [name, unquote(value)]));

  project.provide("testBindings", {
    ...secrets,
    ENVIRONMENT: "test",
    DATABASE_URL: services.databaseUrl,
    NEON_WS_PROXY: services.wsProxy ?? "",
    TURNSTILE_VERIFY_URL: services.turnstileVerifyUrl ?? "",
    TURNSTILE_SITE_KEY: "1x00000000000000000000AA",
    TURNSTILE_SECRET_KEY: "1x0000000000000000000000000000000AA",
    CLERK_AUTHORIZED_PARTIES: "http://localhost,https://bloqr.test",
    RATE_LIMIT_BACKEND: "kv",
    // Retries at once, so a test sees a job exhaust its attempts in seconds.
    QUEUE_RETRY_BASE_SECONDS: "0",
    SOURCE_ALLOW_PRIVATE_HOSTS: `127.0.0.1:${sources.port}`,
  });
  project.provide("hangingDatabaseUrl", `postgres://postgres:postgres@127.0.0.1:${hanging.port}/postgres`);
  project.provide("sourceServerUrl", sources.url);

  return async () => {
    await sources.close();
    await hanging.close();
    await services.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    testBindings: Record<string, string>;
    hangingDatabaseUrl: string;
    sourceServerUrl: string;
  }
}
