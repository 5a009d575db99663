import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/** How the app is wired (docs/decisions/0020): bindings through the load context, no import cycles. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const APP = join(ROOT, "app");

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

// Every import and re-export, type-only ones included: a type cycle is still a cycle of concerns.
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+"([^"]+)"|(?:^|\n)\s*import\s+"([^"]+)"/g;

function resolveImport(from: string, specifier: string): string | null {
  let base: string;
  if (specifier.startsWith("~/")) base = join(APP, specifier.slice(2));
  else if (specifier.startsWith(".")) base = resolve(dirname(from), specifier);
  else return null; // a package
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null; // a JSON file or an asset
}

function importGraph(files: string[]): Map<string, string[]> {
  return new Map(
    files.map((file) => {
      const source = readFileSync(file, "utf8");
      const targets = [...source.matchAll(IMPORT)]
        .map((match) => resolveImport(file, match[1] ?? match[2]))
        .filter((target): target is string => target?.startsWith(APP) === true);
      return [file, [...new Set(targets)]];
    }),
  );
}

/** Each cycle once, as the files in import order (depth-first search on the graph). */
function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, "visiting");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "visiting") cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles.map((cycle) => cycle.map((file) => relative(ROOT, file)));
}

describe("the app's wiring", () => {
  it("no route file reads the Worker's bindings (context.cloudflare): they come from the load context", () => {
    const offenders = sourceFiles(join(APP, "routes")).filter((file) =>
      /\bcloudflare\s*[.?]\s*(env|ctx)\b|\{\s*[^}]*\bcloudflare\b[^}]*\}\s*=\s*[\w.]*context/.test(
        readFileSync(file, "utf8"),
      ),
    );
    expect(offenders.map((file) => relative(ROOT, file))).toEqual([]);
  });

  it("no module outside server.ts and app/load-context.ts touches the Worker's env bindings", () => {
    const offenders = sourceFiles(APP)
      .filter((file) => !file.endsWith("load-context.ts"))
      .filter((file) => /\benv\.(COMPILE_CACHE|COMPILE_QUEUE|RATE_LIMIT|ANALYTICS)\b/.test(readFileSync(file, "utf8")));
    expect(offenders.map((file) => relative(ROOT, file))).toEqual([]);
  });

  it("app/ has no import cycle", () => {
    expect(findCycles(importGraph(sourceFiles(APP)))).toEqual([]);
  });

  it("the cycle check finds a cycle when there is one (the test can fail)", () => {
    const graph = new Map([
      ["/a.ts", ["/b.ts"]],
      ["/b.ts", ["/c.ts"]],
      ["/c.ts", ["/a.ts"]],
    ]);
    expect(findCycles(graph)).toHaveLength(1);
  });
});
