import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const TSX = join(process.cwd(), "node_modules/.bin/tsx");
const CLI = join(process.cwd(), "scripts/compile.ts");
const directory = mkdtempSync(join(tmpdir(), "bloqr-cli-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(directory, name);
  writeFileSync(path, content);
  return path;
}

function runCli(...args: string[]) {
  const child = spawnSync(TSX, [CLI, ...args], { encoding: "utf8", timeout: 60_000 });
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

describe("npm run compile", () => {
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
    expect(result.stderr.split("\n")).toEqual([
      `source 1: loading ${list}`,
      "source 1: 4 lines loaded, 4 kept",
      "list: RemoveComments 8 → 3 lines",
      "list: Compress 3 → 2 lines",
      "list: InsertFinalNewLine 2 → 3 lines",
      "done: 9 lines, 2 rules",
      "",
    ]);
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
      const child = spawn(TSX, [CLI, "-c", remote, "-o", "-"]);
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

  it("a missing configuration file or missing options → exit 1 and a one-line error", () => {
    const noFile = runCli("-c", join(directory, "absent.json"), "-o", "-");
    expect(noFile.status).toBe(1);
    expect(noFile.stderr).toMatch(/^error: cannot read configuration: no such file: .*absent\.json\n$/);
    const noOptions = runCli();
    expect(noOptions.status).toBe(1);
    expect(noOptions.stderr).toBe("error: usage: npm run compile -- -c <config.json> -o <output file | -> [-v]\n");
  });
});
