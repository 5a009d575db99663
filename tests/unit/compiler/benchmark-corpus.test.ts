import { describe, expect, it } from "vitest";
import { BENCHMARK_TRANSFORMATIONS, generateBenchmarkCorpus } from "./support/generator";
import { Random } from "./support/random";
import { type CompilationCase, runBoth } from "./support/reference";

/**
 * The corpus `npm run bench:compile` times, at a size the reference (quadratic) compiles in a few
 * seconds: the engine's fast paths (lines read in place, hash-keyed public-suffix lookups, the
 * filtered parent lookups of Compress) must leave the output byte for byte the reference's, with
 * all of the benchmark's transformations and with each alone.
 */
const CORPUS_LINES = 20_000;

function corpusCase(transformations: readonly string[]): CompilationCase {
  return {
    configuration: {
      name: "Benchmark",
      sources: [{ name: "corpus", source: "corpus.txt", type: "adblock" }],
      transformations: [...transformations] as CompilationCase["configuration"]["transformations"],
    },
    files: { "corpus.txt": generateBenchmarkCorpus(new Random(CORPUS_LINES), CORPUS_LINES) },
  };
}

async function expectIdenticalOutput(transformations: readonly string[]) {
  const { reference, ours } = await runBoth(corpusCase(transformations));
  if (!reference.ok || !ours.ok) throw new Error(`a compile failed: ${JSON.stringify({ reference, ours })}`);
  // compared as a whole: a diff of 20 000 lines would drown the report
  expect(ours.text.length).toBe(reference.text.length);
  expect(ours.text === reference.text).toBe(true);
}

describe("the benchmark's corpus", () => {
  it("compiles to the reference's output byte for byte with the benchmark's transformations", async () => {
    await expectIdenticalOutput(BENCHMARK_TRANSFORMATIONS);
  }, 60_000);

  for (const transformation of BENCHMARK_TRANSFORMATIONS) {
    it(`compiles to the reference's output byte for byte with ${transformation} alone`, async () => {
      await expectIdenticalOutput([transformation]);
    }, 60_000);
  }
});
