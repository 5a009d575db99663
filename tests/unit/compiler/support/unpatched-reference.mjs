/**
 * Runs the real, unpatched `@adguard/hostlist-compiler` once, in its own process: reads
 * `{ configuration }` as JSON on stdin and prints `{ ok, lines }` or `{ ok: false, error }`.
 * Used to show, next to our output, what the reference does where we deviate from it.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const compile = require("@adguard/hostlist-compiler");
require(require.resolve("consola", { paths: [require.resolve("@adguard/hostlist-compiler")] })).level =
  Number.NEGATIVE_INFINITY;

let input = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) input += chunk;
const { configuration } = JSON.parse(input);
try {
  const lines = await compile(configuration);
  process.stdout.write(JSON.stringify({ ok: true, lines }));
} catch (error) {
  process.stdout.write(JSON.stringify({ ok: false, error: String(error?.message ?? error) }));
}
