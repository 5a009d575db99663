/** `!#include` resolution: relative to the including URL as a browser resolves it, on its origin only. */
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CompileOptions, compile } from "~/compiler";

async function compileSource(source: string, files: Record<string, string>) {
  const loaded: string[] = [];
  const loadSource: CompileOptions["loadSource"] = async (location) => {
    loaded.push(location);
    if (!(location in files)) throw new Error(`not found: ${location}`);
    return files[location];
  };
  const result = compile({ name: "x", sources: [{ source }] }, { loadSource });
  return { result, loaded };
}

describe("!#include", () => {
  it("a source URL without a path cannot include another host: `other.example/list` stays on its origin", async () => {
    const { result, loaded } = await compileSource("http://lists.example", {
      "http://lists.example": "!#include other.example/list\n",
      "http://lists.example/other.example/list": "||same-origin.example^\n",
      "http://other.example/list": "||foreign.example^\n",
    });
    expect((await result).lines).toContain("||same-origin.example^");
    expect(loaded).toEqual(["http://lists.example", "http://lists.example/other.example/list"]);
  });

  it.each([
    ["http://lists.example", "//other.example/list"],
    ["http://lists.example", "https://lists.example/list"],
    ["https://lists.example/dir/main.txt", "https://other.example/x.txt"],
    ["https://lists.example/dir/main.txt", "//other.example/x.txt"],
    ["https://lists.example/dir/main.txt", "https://lists.example:8443/x.txt"],
    ["https://lists.example/dir/main.txt", "http://lists.example/x.txt"],
  ])("%s including %s → refused as another origin, never loaded", async (source, target) => {
    const { result, loaded } = await compileSource(source, { [source]: `!#include ${target}\n` });
    await expect(result).rejects.toThrow(/an include from another origin is rejected/);
    expect(loaded).toEqual([source]);
  });

  it.each([
    ["part.txt", "https://lists.example/dir/part.txt"],
    ["../top.txt", "https://lists.example/top.txt"],
    ["/root.txt", "https://lists.example/root.txt"],
    ["https://lists.example/other/x.txt", "https://lists.example/other/x.txt"],
  ])("relative and same-origin targets resolve as a browser would: %s → %s", async (target, resolved) => {
    const source = "https://lists.example/dir/main.txt";
    const { result, loaded } = await compileSource(source, {
      [source]: `!#include ${target}\n`,
      [resolved]: "||included.example^\n",
    });
    expect((await result).lines).toContain("||included.example^");
    expect(loaded).toEqual([source, resolved]);
  });

  it("local files still include next to themselves (the CLI)", async () => {
    const { result, loaded } = await compileSource("lists/main.txt", {
      "lists/main.txt": "!#include part.txt\n",
      "lists/part.txt": "||local.example^\n",
    });
    expect((await result).lines).toContain("||local.example^");
    expect(loaded).toEqual(["lists/main.txt", "lists/part.txt"]);
  });
});

/**
 * Where the resolution differs from the unpatched reference (docs/compiler.md, "Deviations"): both
 * compile lists served over HTTP on 127.0.0.1; the reference runs in its own process.
 */
describe("!#include deviations from the reference", () => {
  const UNPATCHED_REFERENCE = fileURLToPath(new URL("./support/unpatched-reference.mjs", import.meta.url));
  const LISTS: Record<string, string> = {
    "/": "!#include x.txt\n",
    "/x.txt": "||x.example^\n",
    "/dir/main.txt": "!#include /root.txt\n",
    "/root.txt": "||root.example^\n",
    "/dir//root.txt": "||dir-root.example^\n",
  };
  let server: Server;
  let base: string;
  const requested: string[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      requested.push(request.url ?? "");
      const list = LISTS[request.url ?? ""];
      response.writeHead(list === undefined ? 404 : 200, { "Content-Type": "text/plain" }).end(list);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** The unpatched reference, asynchronously: this process must keep serving the lists meanwhile. */
  function runReference(source: string): Promise<{ ok: boolean; lines?: string[]; error?: string }> {
    const child = spawn(process.execPath, [UNPATCHED_REFERENCE]);
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stdin.end(JSON.stringify({ configuration: { name: "x", sources: [{ source }] } }));
    return new Promise((resolve) => child.on("close", () => resolve(JSON.parse(output))));
  }

  async function runOurs(source: string) {
    const loadSource = async (url: string) => (await fetch(url)).text();
    return (await compile({ name: "x", sources: [{ source }] }, { loadSource })).lines;
  }

  it("a source URL without a path: the reference reads the local file `http:/x.txt`, we fetch <source>/x.txt", async () => {
    const reference = await runReference(base);
    expect(reference).toMatchObject({ ok: false, error: expect.stringContaining("open '") });
    expect(reference.error).toContain("http:/x.txt");
    expect(await runOurs(base)).toContain("||x.example^");
  });

  it("a root-relative include: the reference fetches <directory>//root.txt, we fetch /root.txt", async () => {
    requested.length = 0;
    const reference = await runReference(`${base}/dir/main.txt`);
    expect(reference.lines).toContain("||dir-root.example^");
    expect(requested).toEqual(["/dir/main.txt", "/dir//root.txt"]);
    expect(await runOurs(`${base}/dir/main.txt`)).toContain("||root.example^");
  });
});
