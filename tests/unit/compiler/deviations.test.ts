import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type CompilationCase, materialize, runOurs } from "./support/reference";

/**
 * Every place where our output differs from `@adguard/hostlist-compiler` on purpose (listed in
 * docs/compiler.md), each shown on an example: what the unpatched reference does, what we do.
 */

const UNPATCHED_REFERENCE = fileURLToPath(new URL("./support/unpatched-reference.mjs", import.meta.url));
/** The reference never finishes on an include cycle; this long is enough to call it a hang. */
const HANG_TIMEOUT_MS = 4000;

type ReferenceRun = { ok: true; lines: string[] } | { ok: false; error: string } | { hung: true };

function runUnpatchedReference(configuration: unknown, timeout = 30_000): ReferenceRun {
  const child = spawnSync(process.execPath, [UNPATCHED_REFERENCE], {
    input: JSON.stringify({ configuration }),
    encoding: "utf8",
    timeout,
  });
  if (child.error && (child.error as NodeJS.ErrnoException).code === "ETIMEDOUT") return { hung: true };
  return JSON.parse(child.stdout);
}

/** The list body: everything after the list header and the source header. */
function body(lines: readonly string[]): string[] {
  const sourceHeaderEnd = lines.findIndex((line) => line.startsWith("! Source: "));
  return lines.slice(sourceHeaderEnd + 2);
}

async function compareOneSource(text: string, transformations: string[]) {
  const testCase = {
    configuration: { name: "Deviation", sources: [{ source: "list.txt", transformations }] },
    files: { "list.txt": text },
  } as CompilationCase;
  const { configuration, cleanup } = materialize(testCase);
  try {
    const reference = runUnpatchedReference(configuration);
    const ours = await runOurs(configuration);
    if (!ours.ok) throw new Error(`we failed: ${ours.error}`);
    return { reference, ours: body(ours.text.split("\n")) };
  } finally {
    cleanup();
  }
}

function referenceBody(run: ReferenceRun): string[] {
  if (!("ok" in run) || !run.ok) throw new Error(`the reference did not finish: ${JSON.stringify(run)}`);
  return body(run.lines);
}

describe("deviations from the reference", () => {
  it("RemoveModifiers keeps a lone `@@`, where the reference crashes", async () => {
    const { reference, ours } = await compareOneSource("||ads.example.com^$third-party\n@@\n", ["RemoveModifiers"]);
    expect(reference).toEqual({ ok: false, error: "Cannot read properties of undefined (reading 'options')" });
    expect(ours).toEqual(["||ads.example.com^", "@@"]);
  });

  it("ValidateAllowIp drops a lone `@@` like any invalid rule, where the reference crashes", async () => {
    const { reference, ours } = await compareOneSource("1.2.3.4\n@@\n", ["ValidateAllowIp"]);
    expect(reference).toMatchObject({ ok: false, error: "the rule is too short: @@" });
    expect(ours).toEqual(["||1.2.3.4^"]);
  });

  it("Compress keeps an /etc/hosts line that has no hostname, where the reference crashes", async () => {
    const text = "0.0.0.0 ads.example.com\n127.0.0.1  # nothing blocked here\n";
    const { reference, ours } = await compareOneSource(text, ["Compress"]);
    expect(reference).toMatchObject({ ok: false, error: expect.stringContaining("Invalid /etc/hosts rule") });
    expect(ours).toEqual(["||ads.example.com^", "127.0.0.1  # nothing blocked here"]);
  });

  it("Deduplicate keeps rules named like Object.prototype properties, which the reference drops", async () => {
    const { reference, ours } = await compareOneSource("constructor\n||ads.example.com^\ntoString\n", ["Deduplicate"]);
    expect(referenceBody(reference)).toEqual(["||ads.example.com^"]);
    expect(ours).toEqual(["constructor", "||ads.example.com^", "toString"]);
  });

  it("Compress keeps hostnames named like Object.prototype properties, which the reference drops", async () => {
    const { reference, ours } = await compareOneSource("0.0.0.0 ads.toString\n0.0.0.0 constructor\n", ["Compress"]);
    expect(referenceBody(reference)).toEqual([]);
    expect(ours).toEqual(["||ads.toString^", "||constructor^"]);
  });

  it("ConvertToAscii keeps what follows the host (`/`, `:`, `#`), which the reference deletes", async () => {
    const text = "||bücher.de/ads^\nbücher.de##.ad\n||bücher.de:8080^\n||bücher.de^\n";
    const { reference, ours } = await compareOneSource(text, ["ConvertToAscii"]);
    expect(referenceBody(reference)).toEqual(["||xn--bcher-kva.de^", "xn--bcher-kva.de", "||^", "||xn--bcher-kva.de^"]);
    expect(ours).toEqual([
      "||xn--bcher-kva.de/ads^",
      "xn--bcher-kva.de##.ad",
      "||xn--bcher-kva.de:8080^",
      "||xn--bcher-kva.de^",
    ]);
  });

  it("ConvertToAscii keeps text it cannot convert, which the reference replaces with nothing", async () => {
    // `@@` belongs to the same run of characters as the domain, and `@` cannot be in a hostname
    const { reference, ours } = await compareOneSource("@@bücher.de\n||ü.ü%zz.de^\n", ["ConvertToAscii"]);
    expect(referenceBody(reference)).toEqual(["", "||^"]);
    expect(ours).toEqual(["@@bücher.de", "||ü.ü%zz.de^"]);
  });

  it("ConvertToAscii leaves a non-ASCII run longer than 1024 characters as it is", async () => {
    const longDomain = `${"ü.".repeat(600)}de`;
    const { reference, ours } = await compareOneSource(`||${longDomain}^\n`, ["ConvertToAscii"]);
    expect(referenceBody(reference)).toEqual([`||${"xn--tda.".repeat(600)}de^`]);
    expect(ours).toEqual([`||${longDomain}^`]);
  });

  it("an include cycle fails with an error, where the reference never finishes", async () => {
    const testCase = {
      configuration: { name: "Cycle", sources: [{ source: "a.txt" }] },
      files: { "a.txt": "||a.example.com^\n!#include b.txt\n", "b.txt": "||b.example.com^\n!#include a.txt\n" },
    } as CompilationCase;
    const { configuration, cleanup } = materialize(testCase);
    try {
      expect(runUnpatchedReference(configuration, HANG_TIMEOUT_MS)).toEqual({ hung: true });
      const ours = await runOurs(configuration);
      expect(ours).toMatchObject({ ok: false, error: expect.stringContaining("nested deeper than 8 levels") });
    } finally {
      cleanup();
    }
  });

  describe("/regex/ patterns run on RE2 (linear time), not on a backtracking engine", () => {
    async function compareExclusion(pattern: string, text: string) {
      const testCase = {
        configuration: { name: "Regex", sources: [{ source: "list.txt", exclusions: [pattern] }] },
        files: { "list.txt": text },
      } as CompilationCase;
      const { configuration, cleanup } = materialize(testCase);
      try {
        return { reference: runUnpatchedReference(configuration), ours: await runOurs(configuration) };
      } finally {
        cleanup();
      }
    }

    it("lookaround and backreferences are refused, where the reference runs them", async () => {
      for (const pattern of ["/^ads(?!\\.example)/", "/(?<=@@)ads/", "/(ad)\\1/"]) {
        const { reference, ours } = await compareExclusion(pattern, "ads.example.org\nadad.org\n");
        expect(reference).toMatchObject({ ok: true });
        expect(ours).toMatchObject({ ok: false, error: expect.stringContaining(`${pattern} is not supported`) });
      }
    });

    it("ſ and the Kelvin sign match s and k case-insensitively (Unicode folding), not in the reference", async () => {
      const { reference, ours } = await compareExclusion("/^ads$|^k$/", "ads\nadſ\n\u212a\nkeep\n");
      expect(referenceBody(reference)).toEqual(["adſ", "\u212a", "keep"]);
      if (!ours.ok) throw new Error(ours.error);
      expect(body(ours.text.split("\n"))).toEqual(["keep"]);
    });

    it("U+2028 is not a line break for `^`, `$` and `.`, and `.` matches a whole emoji", async () => {
      const { reference, ours } = await compareExclusion("/^ad$|^x.y$/", "ad\u2028x\nx😀y\nkeep\n");
      expect(referenceBody(reference)).toEqual(["x😀y", "keep"]);
      if (!ours.ok) throw new Error(ours.error);
      expect(body(ours.text.split("\n"))).toEqual(["ad\u2028x", "keep"]);
    });
  });
});
