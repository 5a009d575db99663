/**
 * The built Worker in local workerd for the benchmarks: `remix build`, then wrangler's
 * `unstable_dev` on build/index.js with fresh development secrets, free ports, no persistence
 * and the always-pass Turnstile test secret. The caller adds its own vars and stops the worker.
 */
import { spawnSync } from "node:child_process";
import { unstable_dev } from "wrangler";
import { generatedValues } from "./dev-vars.mjs";
import { freePort } from "./free-port.mjs";
import { TURNSTILE_TEST_SECRETS } from "./turnstile-stub.mjs";

export type BenchWorker = Awaited<ReturnType<typeof unstable_dev>>;

const unquote = (value: string) => value.replace(/^"|"$/g, "").replaceAll("\\n", "\n");

export function buildApp() {
  const build = spawnSync(process.execPath, ["node_modules/@remix-run/dev/dist/cli.js", "build"], { stdio: "ignore" });
  if (build.status !== 0) throw new Error("remix build failed");
}

export async function startBenchWorker(vars: Record<string, string>): Promise<BenchWorker> {
  const port = Number(await freePort());
  const secrets = Object.fromEntries(Object.entries(generatedValues()).map(([name, value]) => [name, unquote(value)]));
  return unstable_dev("build/index.js", {
    config: "wrangler.toml",
    envFiles: [],
    port,
    inspectorPort: Number(await freePort()),
    persist: false,
    logLevel: "none",
    vars: {
      ...secrets,
      ENVIRONMENT: "development",
      CLERK_AUTHORIZED_PARTIES: `http://127.0.0.1:${port},http://localhost:${port}`,
      TURNSTILE_SECRET_KEY: TURNSTILE_TEST_SECRETS.pass,
      ...vars,
    },
    experimental: { disableExperimentalWarning: true },
  });
}
