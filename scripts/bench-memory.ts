/**
 * `npm run bench:memory` — what the async path (issue 19) needs of a Worker's 128 MB: the real
 * queue consumer (`consumeCompileBatch`: claim the job in Postgres → fetch its sources over HTTP →
 * compile → store the list → mark the job succeeded) on large lists, in a Node process whose V8
 * heap is capped.
 *
 * - The stack: a real Postgres with its WebSocket bridge (startLocalServices, as `npm run dev`), a
 *   source server in this (parent) process, and for each measurement a child process that runs the
 *   consumer. KV and R2 are files in a temporary folder, one per child (so none finds the list in the
 *   compile cache): in a Worker their values leave the isolate once written, as they leave the
 *   child's memory here.
 * - Memory: as `bench:compile` measures it — the smallest `--max-heap-size` the job succeeds in,
 *   found by bisection over children, plus the peak of the array buffers (sampled at every typed
 *   array made and every few milliseconds; fetch and gzip make theirs natively). The baseline is the
 *   same child after a small job: Node with the consumer loaded, the database pool's code, V8's
 *   headroom. "In all" is the heap cap plus the buffers above the baseline's: what the isolate holds.
 * - Inputs, within the compile budget (app/compiler/budget.ts), which the consumer enforces:
 *   `bench:compile`'s 300k-line corpus (8.9 MB, one source), and 1.2M lines of plain domains in two
 *   sources of 600k (a source may be 20 MB, a compile's sources 24 MB together: the 1.2M-line
 *   corpus of `bench:compile`, 35.7 MB, is refused before it is read, see `--over-budget`).
 * - `--over-budget`: one source of 1.5× MAX_INPUT_BYTES; the job must fail at once naming the limit,
 *   and the child's memory must stay near its baseline (the fetch is cut off at the cap).
 *
 * Options: --lines 300000,1200000 (which inputs)  --no-bisect (one child at the ceiling: the peak
 * RSS and buffers only, seconds instead of minutes). Takes a few minutes.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MAX_INPUT_BYTES } from "../app/compiler";
import { generateBenchmarkCorpus } from "../tests/unit/compiler/support/generator";
import { Random } from "../tests/unit/compiler/support/random";
import { generatedValues } from "./lib/dev-vars.mjs";
import { startLocalServices } from "./lib/local-services.mjs";
import { countTypedArrays } from "./lib/typed-arrays";

const MB = 2 ** 20;
const WORKER_MEMORY_MB = 128;
const HEAP_CAP_CEILING_MB = 512;
/** The bisection stops when the bounds are this close (MB). */
const HEAP_CAP_RESOLUTION_MB = 2;
/** A child that takes longer than this is thrashing at its cap: counted as not fitting. */
const CHILD_TIMEOUT_MS = 3 * 60_000;
/** How often the child samples array buffers between allocations it can see. */
const SAMPLE_INTERVAL_MS = 2;
const WARMUP_LINES = 10_000;
const TRANSFORMATIONS = ["Deduplicate", "Validate", "RemoveComments", "Compress", "TrimLines", "RemoveEmptyLines"];

interface ChildResult {
  ok: boolean;
  error?: string;
  baselineHeapMb: number;
  baselineExternalMb: number;
  peakExternalMb: number;
  peakRssMb: number;
}

interface Input {
  name: string;
  lines: number;
  files: string[];
  bytes: number;
}

const option = (name: string) => {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
};

// ── the inputs ───────────────────────────────────────────────────────────────

function plainDomains(random: Random, count: number): string {
  const lines: string[] = [];
  for (let index = 0; index < count; index++) {
    lines.push(`${random.pick(["ads", "trk", "cdn", "px", "m"])}${random.int(0, 9_999_999)}.ex${index % 7}.com`);
  }
  return lines.join("\n");
}

function writeInputs(directory: string, wanted: number[]): Input[] {
  const inputs: Input[] = [];
  const write = (name: string, text: string) => {
    writeFileSync(join(directory, name), text);
    return Buffer.byteLength(text);
  };
  write("warm-up.txt", generateBenchmarkCorpus(new Random(1), WARMUP_LINES));
  for (const lines of wanted) {
    if (lines <= 300_000) {
      const bytes = write(`corpus-${lines}.txt`, generateBenchmarkCorpus(new Random(lines), lines));
      inputs.push({
        name: `${lines.toLocaleString("en")} lines, bench:compile's corpus`,
        lines,
        files: [`corpus-${lines}.txt`],
        bytes,
      });
    } else {
      const half = Math.ceil(lines / 2);
      const files = [`domains-${lines}-a.txt`, `domains-${lines}-b.txt`];
      const bytes = files.reduce(
        (sum, file, index) => sum + write(file, plainDomains(new Random(lines + index), half)),
        0,
      );
      inputs.push({ name: `${lines.toLocaleString("en")} lines of plain domains, two sources`, lines, files, bytes });
    }
  }
  return inputs;
}

// ── the parent ───────────────────────────────────────────────────────────────

function runChild(capMb: number, args: string[]): Promise<ChildResult | null> {
  return new Promise((resolve) => {
    const child: ChildProcess = spawn(
      process.execPath,
      [
        `--max-heap-size=${capMb}`,
        "--single-threaded-gc",
        "--expose-gc",
        "--import",
        "tsx",
        fileURLToPath(import.meta.url),
        "--memory-child",
        ...args,
      ],
      { stdio: ["ignore", "pipe", "ignore"] },
    );
    let output = "";
    child.stdout?.on("data", (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), CHILD_TIMEOUT_MS);
    child.on("exit", () => {
      clearTimeout(timer);
      const last = output.trim().split("\n").at(-1) ?? "";
      try {
        const result = JSON.parse(last) as ChildResult;
        resolve(result.baselineHeapMb === undefined ? null : result);
      } catch {
        resolve(null); // out of memory (or killed): did not fit
      }
    });
  });
}

/** The smallest heap cap the job succeeds in, and that child's result; null if it fails at the ceiling. */
async function bisect(args: string[], once: boolean): Promise<{ capMb: number; result: ChildResult } | null> {
  let fits = await runChild(HEAP_CAP_CEILING_MB, args);
  if (!fits?.ok) {
    if (fits) console.log(`  failed at ${HEAP_CAP_CEILING_MB} MB: ${fits.error}`);
    return null;
  }
  if (once) return { capMb: HEAP_CAP_CEILING_MB, result: fits };
  let high = HEAP_CAP_CEILING_MB;
  let low = Math.floor(fits.baselineHeapMb);
  while (high - low > HEAP_CAP_RESOLUTION_MB) {
    const middle = Math.floor((low + high) / 2);
    const result = await runChild(middle, args);
    if (result?.ok) {
      high = middle;
      fits = result;
    } else {
      low = middle;
    }
  }
  return { capMb: high, result: fits };
}

function serveFiles(directory: string): Promise<{ url: string; close: () => void }> {
  // No validators: the source fetcher keeps no copy in KV, as for most list hosts' dynamic answers.
  const server = createServer((request, response) => {
    const name = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname.slice(1));
    if (name === "over-budget.txt") {
      // Streams more than the budget without Content-Length, so only counting the bytes can stop it.
      response.writeHead(200, { "Content-Type": "text/plain" });
      const line = "||over-budget-line.example.com^\n";
      const chunk = line.repeat(Math.ceil((64 * 1024) / line.length));
      let sent = 0;
      const target = 1.5 * MAX_INPUT_BYTES;
      const pump = () => {
        while (sent < target) {
          sent += chunk.length;
          if (!response.write(chunk)) return void response.once("drain", pump);
        }
        response.end();
      };
      response.on("error", () => {});
      return pump();
    }
    try {
      const body = readFileSync(join(directory, name));
      response.writeHead(200, { "Content-Type": "text/plain" });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => server.close(),
      }),
    ),
  );
}

async function main() {
  const directory = mkdtempSync(join(tmpdir(), "bloqr-memory-"));
  const lines = (option("--lines") ?? "300000,1200000").split(",").map(Number);
  const once = process.argv.includes("--no-bisect");
  const services = await startLocalServices({ dataDir: join(directory, "services"), turnstile: false });
  const sources = await serveFiles(directory);
  try {
    const inputs = writeInputs(directory, lines);
    const unquote = (value: string) => value.replace(/^"|"$/g, "").replaceAll("\\n", "\n");
    const vars = {
      ...Object.fromEntries(Object.entries(generatedValues()).map(([name, value]) => [name, unquote(value)])),
      ENVIRONMENT: "development",
      DATABASE_URL: services.databaseUrl,
      NEON_WS_PROXY: services.wsProxy ?? "",
      CLERK_AUTHORIZED_PARTIES: "http://localhost",
      TURNSTILE_SITE_KEY: "bench",
      TURNSTILE_SECRET_KEY: "bench",
      SOURCE_ALLOW_PRIVATE_HOSTS: new URL(sources.url).host,
    };
    const varsFile = join(directory, "vars.json");
    writeFileSync(varsFile, JSON.stringify(vars));
    const childArgs = (files: string[]) => [
      "--vars",
      varsFile,
      "--store",
      join(directory, "store"),
      "--sources",
      files.map((file) => `${sources.url}/${file}`).join(","),
    ];

    console.log(
      `bench:memory — the queue consumer (fetch → compile → store → mark the job) under a V8 heap cap; ` +
        `a Worker has ${WORKER_MEMORY_MB} MB.\n`,
    );
    for (const input of inputs) {
      const inputMb = input.bytes / MB;
      console.log(`${input.name} (${inputMb.toFixed(1)} MB):`);
      const measured = await bisect(childArgs(input.files), once);
      if (!measured) {
        console.log("  did not complete");
        process.exitCode = 1;
        continue;
      }
      const { capMb, result } = measured;
      const buffers = result.peakExternalMb - result.baselineExternalMb;
      // The baseline's own buffers count too: the isolate holds them.
      const inAll = capMb + result.peakExternalMb;
      const aboveBaseline = capMb - result.baselineHeapMb + buffers;
      console.log(
        `  V8 heap cap ${capMb} MB${once ? " (not bisected)" : ""} + array buffers ${buffers.toFixed(1)} MB = ` +
          `${inAll.toFixed(1)} MB in all (baseline heap ${result.baselineHeapMb.toFixed(1)} MB); peak RSS ` +
          `${result.peakRssMb.toFixed(0)} MB\n` +
          `  per input MB: ${(aboveBaseline / inputMb).toFixed(2)} MB above the baseline — ` +
          (once
            ? "no verdict without the bisection"
            : `${inAll < WORKER_MEMORY_MB ? "fits" : "DOES NOT FIT"} ${WORKER_MEMORY_MB} MB`),
      );
      if (!once && inAll >= WORKER_MEMORY_MB) process.exitCode = 1;
    }

    console.log(`one source of 1.5× the input budget (${((1.5 * MAX_INPUT_BYTES) / MB).toFixed(0)} MB, streamed):`);
    const over = await runChild(HEAP_CAP_CEILING_MB, childArgs(["over-budget.txt"]));
    if (over && !over.ok) {
      const buffers = over.peakExternalMb - over.baselineExternalMb;
      console.log(
        `  refused: ${over.error}\n  array buffers above the baseline at the refusal: ${buffers.toFixed(1)} MB`,
      );
    } else {
      console.log("  NOT refused");
      process.exitCode = 1;
    }
  } finally {
    sources.close();
    await services.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}

// ── the child ────────────────────────────────────────────────────────────────

/** KV as files: what is put leaves the process's memory, as a binding's value leaves the isolate. */
function fileKv(directory: string): KVNamespace {
  mkdirSync(directory, { recursive: true });
  const path = (key: string) => join(directory, encodeURIComponent(key));
  const read = (key: string) => {
    try {
      return readFileSync(path(key));
    } catch {
      return null;
    }
  };
  const get = async (key: string, type?: string) => {
    const bytes = read(key);
    if (!bytes) return null;
    return type === "arrayBuffer" ? new Uint8Array(bytes).buffer : bytes.toString("utf8");
  };
  return {
    get,
    async getWithMetadata(key: string, type?: string) {
      return { value: await get(key, type), metadata: null };
    },
    async put(key: string, value: string | ArrayBuffer | ArrayBufferView) {
      writeFileSync(path(key), typeof value === "string" ? value : new Uint8Array(value as ArrayBuffer));
    },
    async delete(key: string) {
      rmSync(path(key), { force: true });
    },
  } as unknown as KVNamespace;
}

/** R2 as files, with the metadata beside each object. */
function fileR2(directory: string): R2Bucket {
  mkdirSync(directory, { recursive: true });
  const path = (key: string) => join(directory, encodeURIComponent(key));
  const head = (key: string) => {
    try {
      const meta = JSON.parse(readFileSync(`${path(key)}.meta`, "utf8"));
      return { key, ...meta };
    } catch {
      return null;
    }
  };
  return {
    async put(key: string, value: Uint8Array | ArrayBuffer, options: R2PutOptions = {}) {
      writeFileSync(path(key), value instanceof ArrayBuffer ? new Uint8Array(value) : value);
      const meta = {
        size: value.byteLength,
        httpMetadata: options.httpMetadata,
        customMetadata: options.customMetadata,
      };
      writeFileSync(`${path(key)}.meta`, JSON.stringify(meta));
      return head(key);
    },
    async head(key: string) {
      return head(key);
    },
    async get(key: string) {
      const meta = head(key);
      if (!meta) return null;
      const bytes = readFileSync(path(key));
      return { ...meta, body: new Blob([bytes]).stream(), arrayBuffer: async () => new Uint8Array(bytes).buffer };
    },
    async delete(key: string) {
      rmSync(path(key), { force: true });
      rmSync(`${path(key)}.meta`, { force: true });
    },
  } as unknown as R2Bucket;
}

async function memoryChild() {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error("the memory child needs --expose-gc");
  let peakExternal = 0;
  const sample = () => {
    peakExternal = Math.max(peakExternal, process.memoryUsage().arrayBuffers);
  };
  countTypedArrays(sample);
  const sampler = setInterval(sample, SAMPLE_INTERVAL_MS);

  const { consumeCompileBatch } = await import("../app/services/queue-consumer.server");
  const { getLoadContext } = await import("../app/load-context");
  const { openDatabase } = await import("../app/services/db.server");
  const { getAppEnv } = await import("../app/services/env.server");
  const { saveDevUser, findUserByClerkId } = await import("../app/services/users.server");
  const { compilations } = await import("../app/db/schema");
  const { eq } = await import("drizzle-orm");

  // A store of its own: a child that found the previous one's list in the compile cache would only copy it.
  mkdirSync(option("--store")!, { recursive: true });
  const store = mkdtempSync(join(option("--store")!, "child-"));
  const env = {
    ...JSON.parse(readFileSync(option("--vars")!, "utf8")),
    COMPILE_CACHE: fileKv(join(store, "kv")),
    RESULTS: fileR2(join(store, "r2")),
    ANALYTICS: { writeDataPoint() {} },
  } as unknown as Env;
  const database = openDatabase(getAppEnv(env));
  const clerkUserId = `user_bench_${crypto.randomUUID()}`;
  await saveDevUser(database.db, { clerkUserId, email: `${clerkUserId}@example.com`, tier: "pro", role: "user" });
  const user = (await findUserByClerkId(database.db, clerkUserId))!;
  const submit = async (sourceUrls: string[]) => {
    const configuration = {
      name: "bench:memory",
      sources: sourceUrls.map((source) => ({ source, type: "adblock" })),
      transformations: TRANSFORMATIONS,
    };
    const [job] = await database.db
      .insert(compilations)
      .values({ userId: user.id, kind: "async", status: "queued", priority: "standard", request: { configuration } })
      .returning();
    return job.id;
  };
  /** One delivery of the job's message to the real consumer; the job's row afterwards. */
  const consume = async (jobId: string) => {
    const message = { id: jobId, body: { jobId }, attempts: 1, timestamp: new Date(), ack() {}, retry() {} };
    const batch = { queue: "bloqr-compile", messages: [message], ackAll() {}, retryAll() {} };
    // As server.ts's `queue` handler: a load context per batch, its database closed after it.
    const context = getLoadContext(env, { waitUntil() {} });
    try {
      await consumeCompileBatch(batch as unknown as MessageBatch<unknown>, context);
    } finally {
      await context.database.close();
    }
    const [row] = await database.db.select().from(compilations).where(eq(compilations.id, jobId));
    return row;
  };

  const sourceUrls = option("--sources")!.split(",");
  const big = await submit(sourceUrls);
  // The warm-up: a small job through the same code, so what loads lazily is in the baseline.
  await consume(await submit([new URL("/warm-up.txt", sourceUrls[0]).href]));
  collect();
  collect();
  const baseline = process.memoryUsage();
  peakExternal = 0;
  writeFileSync("/proc/self/clear_refs", "5"); // peak RSS from now on
  const row = await consume(big);
  clearInterval(sampler);
  sample();
  const peakRssMb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? 0) / 1024;
  await database.close();
  rmSync(store, { recursive: true, force: true });
  const result: ChildResult = {
    ok: row.status === "succeeded",
    error: row.status === "succeeded" ? undefined : `${row.status}: ${row.error}`,
    baselineHeapMb: baseline.heapUsed / MB,
    baselineExternalMb: baseline.arrayBuffers / MB,
    peakExternalMb: peakExternal / MB,
    peakRssMb,
  };
  process.stdout.write(`\n${JSON.stringify(result)}\n`);
  process.exit(0);
}

if (process.argv.includes("--memory-child")) await memoryChild();
else await main();
