import { execFileSync, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { version } from "../../../package.json";

/** The file package.json's `bin` names, built as `npm install` builds it, run as a user runs it. */
const CLI = join(process.cwd(), "dist/bloqr.cjs");
const directory = mkdtempSync(join(tmpdir(), "bloqr-cli-"));
beforeAll(() => execFileSync(process.execPath, ["scripts/build-cli.mjs"]));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(directory, name);
  writeFileSync(path, content);
  return path;
}

function runCli(...args: string[]) {
  const child = spawnSync(CLI, args, { encoding: "utf8", timeout: 60_000 });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

const list = file("list.txt", "! a comment\n0.0.0.0 ads.example.com\n||ads.example.com^\n||tracker.example.org^\n");
const configuration = file(
  "configuration.json",
  JSON.stringify({
    name: "CLI list",
    sources: [{ name: "local", source: list }],
    transformations: ["RemoveComments", "Compress", "InsertFinalNewLine"],
  }),
);

describe("bloqr (the CLI)", () => {
  it("writes the list to the -o file", () => {
    const output = join(directory, "out.txt");
    const result = runCli("-c", configuration, "-o", output);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe("");
    const text = readFileSync(output, "utf8");
    expect(text).toMatch(/^!\n! Title: CLI list\n! Last modified: \S+\n!\n! Compiled by Bloqr v\d+\.\d+\.\d+\n!\n/);
    expect(text.endsWith("||ads.example.com^\n||tracker.example.org^\n")).toBe(true);
  });

  it("-o - writes the list to stdout, -v reports progress on stderr", () => {
    const result = runCli("-c", configuration, "-o", "-", "-v");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^!\n! Title: CLI list\n/);
    expect(result.stdout.endsWith("\n||ads.example.com^\n||tracker.example.org^\n")).toBe(true);
    const seconds = String.raw`\d+\.\d\d s`;
    const rate = String.raw`, [\d,]+ lines/s`;
    const lines = result.stderr.split("\n");
    expect(lines[0]).toBe(`source 1: loading ${list}`);
    expect(lines[1]).toMatch(new RegExp(`^source 1: 4 lines loaded in ${seconds}, 4 kept$`));
    expect(lines[2]).toMatch(new RegExp(`^list: RemoveComments 8 → 3 lines \\(${seconds}${rate}\\)$`));
    expect(lines[3]).toMatch(new RegExp(`^list: Compress 3 → 2 lines \\(${seconds}${rate}\\)$`));
    expect(lines[4]).toMatch(new RegExp(`^list: InsertFinalNewLine 2 → 3 lines \\(${seconds}${rate}\\)$`));
    expect(lines[5]).toMatch(
      new RegExp(`^done: 9 lines, 2 rules in ${seconds} \\([\\d,]+ lines/s loaded\\) → stdout$`),
    );
    expect(lines.slice(6)).toEqual([""]);
  });

  it("on a terminal it reports progress by itself; -q silences it", () => {
    // `script` (util-linux, as `unshare` for the dev stack) gives the CLI a pseudo-terminal.
    const onTerminal = (...args: string[]) =>
      spawnSync("script", ["-qec", [CLI, "-c", configuration, ...args].join(" "), "/dev/null"], {
        encoding: "utf8",
        timeout: 60_000,
      }).stdout;
    const shown = onTerminal("-o", join(directory, "tty.txt"));
    expect(shown).toContain(`source 1: loading ${list}`);
    expect(shown).toMatch(/list: Compress 3 → 2 lines \(\d+\.\d\d s, [\d,]+ lines\/s\)/);
    expect(shown).toContain(`→ ${join(directory, "tty.txt")}`);
    expect(onTerminal("-o", join(directory, "tty.txt"), "-q")).toBe("");
  });

  it("no progress when stderr is not a terminal, nor with -q even with -v", () => {
    expect(runCli("-c", configuration, "-o", join(directory, "quiet.txt")).stderr).toBe("");
    expect(runCli("-c", configuration, "-o", join(directory, "quiet.txt"), "-v", "-q").stderr).toBe("");
  });

  it("--metrics prints the per-step counts as JSON on stdout (stderr when the list is on stdout)", () => {
    const toFile = runCli("-c", configuration, "-o", join(directory, "metrics.txt"), "--metrics");
    expect(toFile.status).toBe(0);
    const metrics = JSON.parse(toFile.stdout);
    expect(metrics).toMatchObject({
      sources: [{ sourceIndex: 0, source: list, linesLoaded: 4, linesKept: 4 }],
      steps: [
        { scope: "list", name: "RemoveComments", linesBefore: 8, linesAfter: 3 },
        { scope: "list", name: "Compress", linesBefore: 3, linesAfter: 2 },
        { scope: "list", name: "InsertFinalNewLine", linesBefore: 2, linesAfter: 3 },
      ],
      linesLoaded: 4,
      lineCount: 9,
      ruleCount: 2,
    });
    expect(metrics.startupMs).toBeGreaterThan(0);
    expect(metrics.totalMs).toBeGreaterThanOrEqual(metrics.startupMs);
    const toStdout = runCli("-c", configuration, "-o", "-", "--metrics");
    expect(toStdout.stdout).toMatch(/^!\n! Title: CLI list\n/);
    expect(JSON.parse(toStdout.stderr).ruleCount).toBe(2);
  });

  it("--help explains every option; --version prints package.json's version", () => {
    const help = runCli("--help");
    expect(help.status).toBe(0);
    for (const option of ["--config", "--output", "--quiet", "--verbose", "--metrics", "--help", "--version"]) {
      expect(help.stdout).toContain(option);
    }
    expect(runCli("--version").stdout).toBe(`bloqr ${version}\n`);
  });

  it("node dist/bloqr.mjs (the bin of earlier builds) runs the same CLI", () => {
    const child = spawnSync(process.execPath, ["dist/bloqr.mjs", "-c", configuration, "-o", "-"], { encoding: "utf8" });
    expect(child.status).toBe(0);
    expect(child.stdout.endsWith("\n||ads.example.com^\n||tracker.example.org^\n")).toBe(true);
  });

  it("npx bloqr runs the same CLI from the project folder", () => {
    const child = spawnSync("npx", ["--no-install", "bloqr", "-c", configuration, "-o", "-"], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(child.status).toBe(0);
    expect(child.stdout.endsWith("\n||ads.example.com^\n||tracker.example.org^\n")).toBe(true);
  });

  it("fetches http(s) sources", async () => {
    const server = createServer((request, response) => {
      if (request.url !== "/hosts.txt") return response.writeHead(404).end();
      response.writeHead(200, { "content-type": "text/plain" }).end("0.0.0.0 remote.example.com\n");
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    try {
      const { port } = server.address() as AddressInfo;
      const remote = file(
        "remote.json",
        JSON.stringify({
          name: "remote",
          sources: [{ source: `http://127.0.0.1:${port}/hosts.txt` }],
          transformations: ["Compress"],
        }),
      );
      const child = spawn(CLI, ["-c", remote, "-o", "-"]);
      let stdout = "";
      child.stdout.on("data", (chunk) => {
        stdout += chunk;
      });
      const [status] = await once(child, "exit");
      expect(status).toBe(0);
      expect(stdout.endsWith("\n||remote.example.com^")).toBe(true);
    } finally {
      server.close();
    }
  });

  it("a bad configuration → exit 1 and a one-line error naming the path", () => {
    const bad = file(
      "bad.json",
      JSON.stringify({ name: "x", sources: [{ source: list }, { source: list, type: "dns" }] }),
    );
    const result = runCli("-c", bad, "-o", "-");
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe('error: sources[1].type: expected "adblock" | "hosts"\n');
  });

  it("a configuration that is not JSON → exit 1 and a one-line error", () => {
    const result = runCli("-c", file("broken.json", "{ name: "), "-o", "-");
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^error: .*broken\.json is not valid JSON: .*\n$/);
  });

  it("a missing source file → exit 1 and a one-line error", () => {
    const missing = file(
      "missing.json",
      JSON.stringify({ name: "x", sources: [{ source: join(directory, "nope.txt") }] }),
    );
    const result = runCli("-c", missing, "-o", join(directory, "never.txt"));
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `error: cannot read source ${join(directory, "nope.txt")}: no such file: ${join(directory, "nope.txt")}\n`,
    );
  });

  it("a missing configuration file → exit 1 and a one-line error", () => {
    const noFile = runCli("-c", join(directory, "absent.json"), "-o", "-");
    expect(noFile.status).toBe(1);
    expect(noFile.stderr).toMatch(/^error: cannot read configuration: no such file: .*absent\.json\n$/);
  });

  it("missing or unknown options → exit 2 and the usage line", () => {
    const usage = "usage: bloqr -c <config.json> -o <output file | -> (bloqr --help for more)";
    const noOptions = runCli();
    expect(noOptions.status).toBe(2);
    expect(noOptions.stderr).toBe(`error: ${usage}\n`);
    const unknown = runCli("-c", configuration, "-o", "-", "--fast");
    expect(unknown.status).toBe(2);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr).toMatch(/^error: Unknown option '--fast'.*\(usage: bloqr .*\)\n$/);
  });
});

describe("the compiler's code caches (dist/cache, scripts/lib/code-cache.ts)", () => {
  const CACHE = join(process.cwd(), "dist/cache");
  /** `<bundle hash>-<Node version>-<architecture>.v8` */
  const CACHE_FILE = /^[0-9a-f]{16}-v\d+\.\d+\.\d+-\w+\.v8$/;
  const cacheFiles = () => readdirSync(CACHE).filter((name) => CACHE_FILE.test(name));
  const modified = () => cacheFiles().map((name) => statSync(join(CACHE, name)).mtimeMs);
  const expectCompiled = () => {
    const output = join(directory, "cached.txt");
    expect(runCli("-c", configuration, "-o", output).status).toBe(0);
    expect(readFileSync(output, "utf8").endsWith("\n||ads.example.com^\n||tracker.example.org^\n")).toBe(true);
  };
  // Validate reads the public-suffix trie, which has a bundle and a cache of its own: `||co.uk^` goes
  const validating = file(
    "validating.json",
    JSON.stringify({
      name: "validating",
      sources: [{ source: file("validating.txt", "||ads.example.com^\n||co.uk^\n||tracker.example.org^\n") }],
      transformations: ["Validate", "InsertFinalNewLine"],
    }),
  );
  const expectValidated = () => {
    const result = runCli("-c", validating, "-o", "-");
    expect(result.status).toBe(0);
    expect(result.stdout.endsWith("!\n||ads.example.com^\n||tracker.example.org^\n")).toBe(true);
  };

  it("absent → a run compiles from the source and saves a cache; the trie's comes with the first compile that validates; later runs leave both as they are", () => {
    rmSync(CACHE, { recursive: true, force: true });
    expectCompiled();
    expect(cacheFiles()).toHaveLength(1);
    expectValidated();
    expect(cacheFiles()).toHaveLength(2);
    // a rejected cache would be written again (the bytes may come out the same, the time would not)
    const times = modified();
    expectCompiled();
    expectValidated();
    expect(modified()).toEqual(times);
  });

  it("caches V8 rejects (corrupt, or made by another Node with the same name) → the same lists, and good caches replace them", () => {
    expectValidated();
    const garbage = Buffer.alloc(4096, 7);
    for (const name of cacheFiles()) writeFileSync(join(CACHE, name), garbage);
    expectValidated();
    for (const name of cacheFiles()) expect(readFileSync(join(CACHE, name)).equals(garbage)).toBe(false);
    const times = modified();
    expectValidated();
    expectCompiled();
    expect(modified()).toEqual(times);
  });

  it("a build removes the caches of other bundles, whose names hold another hash", () => {
    const stale = join(CACHE, "0123456789abcdef-v20.0.0-x64.v8");
    writeFileSync(stale, "bytecode of an older bundle");
    execFileSync(process.execPath, ["scripts/build-cli.mjs"]);
    expect(readdirSync(CACHE)).not.toContain("0123456789abcdef-v20.0.0-x64.v8");
    expectCompiled();
  });
});
