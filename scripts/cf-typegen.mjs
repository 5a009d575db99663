/**
 * `wrangler types` from wrangler.toml alone (never from a local .dev.vars, whose names vary by
 * machine), with the main module pointed at server.ts: build/index.js does not exist before a
 * build, and typecheck runs first.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

const OUTPUT = "worker-configuration.d.ts";
const result = spawnSync("wrangler", ["types", OUTPUT, "--strict-vars=false", "--env-file", "/dev/null"], {
  stdio: "inherit",
});
if (result.status !== 0) process.exit(result.status ?? 1);
writeFileSync(
  OUTPUT,
  readFileSync(OUTPUT, "utf8").replace('typeof import("./build/index")', 'typeof import("./server")'),
);
