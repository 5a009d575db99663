import { describe, expect, it } from "vitest";
import type { TransformationName } from "~/compiler";
import {
  catalogueLines,
  generateCase,
  generateSingleTransformationCase,
  TRANSFORMATIONS_WITHOUT_VALIDATION,
  VALIDATIONS,
} from "./support/generator";
import { Random } from "./support/random";
import { type CompilationCase, runBoth } from "./support/reference";

/**
 * Our output must equal the reference's byte for byte (minus the `! Last modified:` and
 * `! Compiled by` lines) on generated inputs; when the reference fails, we must fail too.
 */
const RANDOM_CASES = 400;
const SEEDS_PER_TRANSFORMATION = 3;

async function expectSameOutput(testCase: CompilationCase) {
  const { reference, ours } = await runBoth(testCase);
  if (reference.ok) {
    expect(ours, JSON.stringify(testCase.configuration)).toEqual(reference);
  } else {
    expect(ours.ok, `reference failed with "${reference.error}" but we succeeded`).toBe(false);
  }
  return reference.ok;
}

describe("conformance with @adguard/hostlist-compiler", () => {
  for (const transformation of [...TRANSFORMATIONS_WITHOUT_VALIDATION, ...VALIDATIONS]) {
    for (const level of ["source", "list"] as const) {
      it(`${transformation} alone at the ${level} level gives the same output`, async () => {
        for (let seed = 1; seed <= SEEDS_PER_TRANSFORMATION; seed++) {
          const random = new Random(seed * 7919 + transformation.length * 31 + (level === "list" ? 1 : 0));
          await expectSameOutput(generateSingleTransformationCase(random, transformation, level));
        }
      });
    }
  }

  it("every hand-picked tricky line gives the same output under each transformation", async () => {
    const text = catalogueLines().join("\n");
    for (const transformation of [...TRANSFORMATIONS_WITHOUT_VALIDATION, ...VALIDATIONS]) {
      const configuration = {
        name: "Catalogue",
        sources: [{ source: "catalogue.txt" }],
        transformations: [transformation],
      };
      expect(await expectSameOutput({ configuration, files: { "catalogue.txt": text } }), transformation).toBe(true);
    }
  });

  it("lists that stress the in-place line storage (expanding lines first, far hostnames, many sources) give the same output", async () => {
    const first = [
      "0.0.0.0 one.example two.example three.example",
      "127.0.0.1 four.example five.example",
      `0.0.0.0${" ".repeat(300)}far.example`,
      "||sub.far.example^",
      "two.example",
      "||one.example^$important",
      " ||padded.example^\t",
      "||padded.example^",
      "0.0.0.0 a.one.example",
      "! comment above a duplicate",
      "||four.example^",
    ];
    const second = ["||padded.example^", "0.0.0.0 far.example", "x.three.example", "", "||new.example^", "two.example"];
    const files = { "first.txt": first.join("\r\n"), "second.txt": second.join("\n"), "third.txt": "" };
    const combinations: TransformationName[][] = [
      ["Compress"],
      ["Compress", "Deduplicate"],
      ["Deduplicate", "RemoveEmptyLines", "TrimLines"],
    ];
    for (const transformations of combinations) {
      const configuration = {
        name: "Storage",
        sources: [
          { source: "first.txt", transformations: ["Compress" as const] },
          { source: "second.txt", name: "second" },
          { source: "third.txt" },
        ],
        transformations: [...transformations, "InsertFinalNewLine" as const],
      };
      expect(await expectSameOutput({ configuration, files }), transformations.join()).toBe(true);
    }
  });

  it("Compress's parent walk (from the end back to the first dot) drops what the reference drops: first labels past a byte's reach, leading and trailing dots, no dot", async () => {
    const lines = [
      `||${"a".repeat(300)}.blocked.example^`,
      `0.0.0.0 ${"b".repeat(254)}.blocked.example`,
      `0.0.0.0 ${"c".repeat(255)}.blocked.example`,
      `127.0.0.1 x.${"d".repeat(250)}.kept.example`,
      "||blocked.example^",
      "||.lead.example^",
      "0.0.0.0 lead.example",
      "0.0.0.0 localhost",
      "||localhost^",
      "trail.example.",
      "0.0.0.0 example.",
      "||sub.nodot^",
      "nodot.example",
      "||nodot^",
    ];
    const files = { "list.txt": lines.join("\n") };
    for (const transformations of [["Compress"], ["Compress", "Deduplicate"]] as TransformationName[][]) {
      const configuration = { name: "Parents", sources: [{ source: "list.txt" }], transformations };
      expect(await expectSameOutput({ configuration, files }), transformations.join()).toBe(true);
    }
  });

  it("hostnames whose hashes collide are told apart by Compress and Deduplicate, in every order of lines, parsed or not", async () => {
    // pairs of different hostnames with the same `rangeHash` (found by search)
    const [a, b] = ["neovkgio.example", "b13cmdf4.example"];
    const [c, d] = ["gxmvf9am.example", "gkxk3f2m.example"];
    const [e, f] = ["cmhkor2t.example", "jhn3tnrg.example"];
    const lines = [
      `||${a}^`,
      `0.0.0.0 ${b}`,
      b,
      `||${a}^`,
      ` ||${b}^\t`,
      `0.0.0.0 x.${a} ${b} ${a}`,
      ` ||${d}^ `,
      `||${c}^`,
      `0.0.0.0 ${d}`,
      c,
      `||${e}^`,
      `0.0.0.0 ${f}`,
      ` ||${f}^\t`,
      `127.0.0.1 ${e} ${f} y.${f}`,
      f,
    ];
    const files = { "list.txt": lines.join("\n") };
    for (const transformations of [
      ["Compress"],
      ["Compress", "Deduplicate"],
      ["Deduplicate"],
    ] as TransformationName[][]) {
      const configuration = { name: "Collisions", sources: [{ source: "list.txt" }], transformations };
      expect(await expectSameOutput({ configuration, files }), transformations.join()).toBe(true);
    }
  });

  it(`${RANDOM_CASES} random configurations (transformations combined, exclusions, inclusions, directives) give the same output`, async () => {
    let succeeded = 0;
    for (let seed = 1; seed <= RANDOM_CASES; seed++) {
      const testCase = generateCase(new Random(seed));
      try {
        if (await expectSameOutput(testCase)) succeeded++;
      } catch (error) {
        throw new Error(`case with seed ${seed} differs: ${(error as Error).message}`);
      }
    }
    // most cases must compile; a few fail on purpose (broken directives)
    expect(succeeded).toBeGreaterThan(RANDOM_CASES * 0.8);
  });
});
