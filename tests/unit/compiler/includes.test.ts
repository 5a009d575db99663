/** `!#include` resolution: relative to the including URL as a browser resolves it, on its origin only. */
import { describe, expect, it } from "vitest";
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
