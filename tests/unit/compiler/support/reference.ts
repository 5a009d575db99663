import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type Configuration, compile } from "~/compiler";

const require = createRequire(import.meta.url);
const referenceEntry = require.resolve("@adguard/hostlist-compiler");
const referenceSource = dirname(referenceEntry);
// The reference logs every step through the global consola; silence it for the whole test run.
const consola = require(require.resolve("consola", { paths: [referenceEntry] }));
consola.level = Number.NEGATIVE_INFINITY;

type LinesTransformation = (lines: string[]) => string[];
type DomainToAscii = ((domain: string) => string) & { original?: (domain: string) => string };

/**
 * Node's `url.domainToASCII`, which the reference's ConvertToAscii calls on every non-ASCII "domain
 * run". It drops the text after `/ ? # \\ :` and returns "" on failure, deleting rule text; we keep
 * that text (docs/compiler.md). Patched before the reference loads (it destructures the function).
 */
const nodeUrl: { domainToASCII: DomainToAscii } = require("node:url");
const originalDomainToAscii = nodeUrl.domainToASCII.original ?? nodeUrl.domainToASCII;
nodeUrl.domainToASCII = Object.assign(
  (domain: string) => {
    const delimiter = domain.search(/[/?#\\:]/);
    const host = delimiter === -1 ? domain : domain.slice(0, delimiter);
    const ascii = originalDomainToAscii(host);
    if (ascii === "") return domain;
    return delimiter === -1 ? ascii : ascii + domain.slice(delimiter);
  },
  { original: originalDomainToAscii },
);
type Patched = LinesTransformation & { original: LinesTransformation };

// Where the reference crashes: RemoveModifiers and the IP normalization of ValidateAllowIp* on a
// lone `@@`, Compress on an /etc/hosts line without hostnames. Patched before its index loads them.
patchModule("transformations/remove-modifiers.js", (original) =>
  withPlaceholders(
    original,
    (line) => line.trim() === "@@",
    (line) => line.trim(),
  ),
);
patchExport("transformations/ip-normalize.js", "normalizeIpRules", (original) =>
  withPlaceholders(original, (line) => line.trim() === "@@"),
);
patchModule("transformations/compress.js", (original) => withPlaceholders(original, isHostsLineWithoutHostnames));

/**
 * The reference with its crashes fixed and its punycode conversion kept from deleting text, the way
 * docs/compiler.md describes, so generated cases that hit those spots still compare byte for byte.
 */
const referenceCompile: (configuration: unknown) => Promise<string[]> = require(referenceEntry);

function isHostsLineWithoutHostnames(line: string): boolean {
  const rule = require(join(referenceSource, "rule.js"));
  if (!rule.isEtcHostsRule(line)) return false;
  try {
    rule.loadEtcHostsRuleProperties(line);
    return false;
  } catch {
    return true;
  }
}

/**
 * Hands the original a harmless placeholder (not a comment, not a hostname, kept unchanged by every
 * transformation) instead of each line it would crash on, and puts the line back afterwards.
 */
function withPlaceholders(
  original: LinesTransformation,
  crashesOn: (line: string) => boolean,
  restore = (line: string) => line,
): LinesTransformation {
  return (lines) => {
    const replaced = new Map<string, string>();
    const input = lines.map((line) => {
      if (!crashesOn(line)) return line;
      const placeholder = `\u0000placeholder-${replaced.size}`;
      replaced.set(placeholder, restore(line));
      return placeholder;
    });
    return original(input).map((line) => replaced.get(line) ?? line);
  };
}

/**
 * Replaces a module that exports one function; must run before the reference's index loads it.
 * Idempotent, should a test process load this file twice.
 */
function patchModule(file: string, wrap: (original: LinesTransformation) => LinesTransformation): void {
  const path = join(referenceSource, file);
  require(path);
  const module = require.cache[path]!;
  const current = module.exports as Partial<Patched> & LinesTransformation;
  if (!current.original) module.exports = Object.assign(wrap(current), { original: current });
}

function patchExport(file: string, name: string, wrap: (original: LinesTransformation) => LinesTransformation): void {
  const exports = require(join(referenceSource, file));
  const current = exports[name] as Partial<Patched> & LinesTransformation;
  if (!current.original) exports[name] = Object.assign(wrap(current), { original: current });
}

/** Header lines that differ by design: the compilation time and the compiler's name. */
const VOLATILE_HEADER_LINE = /^! (Last modified: |Compiled by )/;

/** A configuration whose sources are names of files in `files`. */
export interface CompilationCase {
  configuration: Configuration;
  files: Record<string, string>;
}

export type Outcome = { ok: true; text: string } | { ok: false; error: string };

/** Writes a case's files to a fresh directory and points the configuration's file names at them. */
export function materialize(testCase: CompilationCase): { configuration: Configuration; cleanup: () => void } {
  const directory = mkdtempSync(join(tmpdir(), "bloqr-conformance-"));
  for (const [name, content] of Object.entries(testCase.files)) writeFileSync(join(directory, name), content);
  const resolve = (name: string) => (name in testCase.files ? join(directory, name) : name);
  const resolveAll = (names?: string[]) => names?.map(resolve);
  const configuration = structuredClone(testCase.configuration);
  configuration.exclusions_sources = resolveAll(configuration.exclusions_sources);
  configuration.inclusions_sources = resolveAll(configuration.inclusions_sources);
  for (const source of configuration.sources) {
    source.source = resolve(source.source);
    source.exclusions_sources = resolveAll(source.exclusions_sources);
    source.inclusions_sources = resolveAll(source.inclusions_sources);
  }
  return {
    configuration: dropUndefined(configuration),
    cleanup: () => rmSync(directory, { recursive: true, force: true }),
  };
}

/** The reference's JSON schema refuses keys that are present with an undefined value. */
function dropUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}

export function comparableText(lines: readonly string[]): string {
  return lines.filter((line) => !VOLATILE_HEADER_LINE.test(line)).join("\n");
}

export async function runReference(configuration: Configuration): Promise<Outcome> {
  try {
    return { ok: true, text: comparableText(await referenceCompile(structuredClone(configuration))) };
  } catch (error) {
    return { ok: false, error: String((error as Error).message ?? error) };
  }
}

export const readLocalSource = (path: string) => readFile(path, "utf8");

export async function runOurs(configuration: Configuration): Promise<Outcome> {
  try {
    const result = await compile(configuration, { loadSource: readLocalSource });
    return { ok: true, text: comparableText(result.lines) };
  } catch (error) {
    return { ok: false, error: String((error as Error).message ?? error) };
  }
}

/** Runs both compilers on the same materialized case. */
export async function runBoth(testCase: CompilationCase): Promise<{ reference: Outcome; ours: Outcome }> {
  const { configuration, cleanup } = materialize(testCase);
  try {
    return { reference: await runReference(configuration), ours: await runOurs(configuration) };
  } finally {
    cleanup();
  }
}
