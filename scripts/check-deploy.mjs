/**
 * Last step of `npm run check`: `wrangler deploy --dry-run` bundles the Worker exactly as a
 * deploy would (no upload) and reports its size; Workers' limit is 3 MiB gzipped (free plan).
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";

const require = createRequire(import.meta.url);
const wrangler = resolve(dirname(require.resolve("wrangler/package.json")), "bin/wrangler.js");
const result = spawnSync(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", ".cache/deploy"], {
  encoding: "utf8",
  env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
});
const output = `${result.stdout}${result.stderr}`;
if (result.status !== 0) {
  console.error(output);
  process.exit(result.status ?? 1);
}
const size = /Total Upload: ([^\n]+)/.exec(output)?.[1];
if (!size) {
  console.error(output);
  throw new Error("wrangler did not report the bundle size");
}
console.log(`wrangler deploy --dry-run: OK — bundle ${size}`);
