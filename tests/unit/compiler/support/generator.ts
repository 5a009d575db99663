import { type Configuration, TRANSFORMATION_NAMES, type TransformationName } from "~/compiler";
import type { Random } from "./random";
import type { CompilationCase } from "./reference";

/**
 * Generates varied filter lists and configurations for the conformance suite. It never produces the
 * inputs listed in docs/compiler.md where we deviate from the reference's output on purpose (those
 * are tested one by one in deviations.test.ts; the inputs it crashes on are generated, and compared
 * with the reference patched as described in support/reference.ts):
 * - hostnames or rules equal to an `Object.prototype` property name (`constructor`, `toString`, ...);
 * - non-ASCII text in a "domain run" that also holds `/ ? # \ :` or that punycode cannot convert;
 * - includes that form a cycle.
 */

const LABELS = [
  "ads",
  "tracker",
  "cdn",
  "static",
  "metrics",
  "pixel",
  "analytics",
  "img",
  "api",
  "news",
  "promo",
  "banner",
  "click",
  "stats",
  "beacon",
  "sync",
  "a",
  "x1",
  "s3",
  "data-collect",
  "ad-server",
  "telemetry",
  "www",
  "m",
];
const SUFFIXES = [
  "com",
  "org",
  "net",
  "de",
  "co.uk",
  "io",
  "ru",
  "jp",
  "info",
  "xyz",
  "com.au",
  "github.io",
  "example",
];
const IDN_LABELS = ["bücher", "münchen", "пример", "例え", "españa", "δοκιμή", "ÄÖÜ", "straße"];
const IDN_SUFFIXES = ["de", "рф", "jp", "com", "中国"];
const ADDRESSES = ["0.0.0.0", "127.0.0.1", "::1", "::", "fe80::1%lo0", "255.255.255.255", "1.2.3.4", "0.0.0.0"];
const MODIFIERS = [
  "important",
  "~important",
  "third-party",
  "3p",
  "popup",
  "all",
  "document",
  "doc",
  "network",
  "dnstype=AAAA",
  "dnsrewrite=NOERROR;A;1.2.3.4",
  "ctag=device_phone",
  "denyallow=example.com|example.org",
  "badfilter",
  "client=192.168.0.1",
  "domain=example.com",
  "domain=a.com\\,b.com",
  "removeparam=utm_source=x=y",
  "script",
  "image",
  "doc=",
  "",
];
const COMMENTS = [
  "! comment",
  "!",
  "# comment",
  "#",
  "####",
  "##### banner ####",
  "!! double",
  "! Diff-Path: x.patch",
  "! Title: inner",
];
const IP_RULES = [
  "||1.2.3.4^",
  "1.2.3.4",
  "|1.2.3.4^|",
  "|1.2.3.4^",
  "1.2.3.4^",
  "||1.2.3.4^|",
  "192.168.1.",
  "192.168.1.*",
  "||192.168.1.",
  "||192.168.1.*",
  "|192.168.1.",
  "192.168.1",
  "||192.168.1^",
  "1.1^",
  "||1.1^",
  "||1.1.",
  "10.10.34.*",
  "1.2.3.4.",
  "1.2.3.4.*",
  "||1.2.3.4.",
  "||01.2.3.4^",
  "||256.1.1.1^",
  "||1.2.3.4^$denyallow=example.com",
  "||1.2.3.4^$important",
  "@@1.2.3.4",
  "@@||10.0.0.1^$important",
  "||[::1]^",
  "||2001:db8::1^",
];
const PUBLIC_SUFFIX_RULES = [
  "||org^",
  "||co.uk^",
  ".org^",
  "*.org^",
  "||*.org^",
  "||*.co.uk^",
  "||*.example.org^",
  "||uk^$denyallow=example.co.uk",
  "||com^$client=1.2.3.4",
  "||com^$badfilter",
  "||localhost^",
  "||a^",
  "||xyz123^",
  "||github.io^",
  "||blogspot.com^",
  "org.^",
  "||org.^",
];
const ODD_RULES = [
  "$$$",
  "||^",
  "|||",
  "^^^",
  "@@@@",
  "=",
  "a",
  "ad",
  "*",
  "**",
  ".",
  "..",
  "||..^",
  "||-a-.com^",
  "://ads.example.com^",
  "://ads.example.com^$important",
  ":///ads.example.com^",
  "||ads.example.com^test",
  "||ads.example.com^*",
  "||*^",
  "||^x",
  "ad$",
  "$important",
  "@@$third-party",
  "||ads.example.com^$important,,third-party",
  "||ads.example.com^$,important",
  "||ads.example.com^$",
  "||ads.example.com^$,",
  "||ads.example.com\\$x^",
  "||ads.example.com^|$important",
  "||ads.example.com^||",
  "||ads.example.com",
  "ads.example.com^",
  "|ads.example.com^",
  "||ex_ample.com^",
  "||EXAMPLE.com^",
  "0.0.0.0",
  "::1",
  "0.0.0.0 localhost",
  "0.0.0.0 0.0.0.0",
  "0.0.0.0 ads.example.com # comment",
  "0.0.0.0 ads.example.com#comment",
  "0.0.0.0 ads.example.com #c\u2028x",
  "0.0.0.0\tads.example.com",
  "0.0.0.0 http://ads.example.com/x",
  "0.0.0.0 a..b.com",
  "0.0.0.0 -ads.com",
  "0.0.0.0 ADS.Example.COM",
  "1.2.3.4 org",
  "1.2.3.4 co.uk",
  "0.0.0.0 ads.example.com ads.example.com tracker.example.org",
  "a.b",
  "1.2",
  "example.org.",
  "-example.org",
  `${"x".repeat(64)}.com`,
  `${"a.".repeat(130)}com`,
  "\u0000\u0001.com",
  "/regex(/",
  "/",
  "//",
  "/ad/",
  "@@/ad/",
];

/** Lines the reference crashes on (Compress, RemoveModifiers, ValidateAllowIp); see support/reference.ts. */
const REFERENCE_CRASH_RULES = ["0.0.0.0 \t", "0.0.0.0  # no hostname", "@@", " @@ "];

export const TRANSFORMATIONS_WITHOUT_VALIDATION = TRANSFORMATION_NAMES.filter((name) => !name.startsWith("Validate"));
export const VALIDATIONS = TRANSFORMATION_NAMES.filter((name) => name.startsWith("Validate"));

function asciiHost(random: Random): string {
  const labels = Array.from({ length: random.int(1, 3) }, () => random.pick(LABELS));
  if (random.chance(0.1)) labels[0] = labels[0].toUpperCase();
  if (random.chance(0.05)) labels[0] = `${labels[0]}_x`;
  if (random.chance(0.05)) labels[0] = `${labels[0]}${random.int(0, 99)}`;
  return `${labels.join(".")}.${random.pick(SUFFIXES)}`;
}

function idnHost(random: Random): string {
  const labels = Array.from({ length: random.int(1, 2) }, () => random.pick(random.chance(0.6) ? IDN_LABELS : LABELS));
  return `${labels.join(".")}.${random.pick(IDN_SUFFIXES)}`;
}

/** A hostname usable where non-ASCII is safe (a run of its own). */
function host(random: Random): string {
  return random.chance(0.12) ? idnHost(random) : asciiHost(random);
}

function modifiers(random: Random): string {
  if (!random.chance(0.3)) return "";
  const chosen = Array.from({ length: random.int(1, 3) }, () => random.pick(MODIFIERS));
  return `$${chosen.join(",")}`;
}

function hostsLine(random: Random): string {
  const hostnames = Array.from({ length: random.chance(0.2) ? random.int(2, 3) : 1 }, () => host(random));
  const separator = random.pick([" ", "\t", "  ", " \t"]);
  const comment = random.chance(0.15) ? random.pick([" # comment", "\t# blocked", " #"]) : "";
  return `${random.pick(ADDRESSES)}${separator}${hostnames.join(" ")}${comment}`;
}

function adblockLine(random: Random): string {
  const anchoredEnd = random.chance(0.1) ? "^|" : "^";
  return `||${host(random)}${anchoredEnd}${modifiers(random)}`;
}

function exceptionLine(random: Random): string {
  return `@@||${host(random)}^${modifiers(random)}`;
}

function urlLine(random: Random): string {
  const hostname = asciiHost(random);
  return random.pick([
    `|http://${hostname}/path`,
    `||${hostname}/ads/*`,
    `${hostname}/banner.gif`,
    `|https://${hostname}:8080/x^`,
    `||${hostname}^*ad`,
    `||*.${hostname}^`,
    `*.${hostname}`,
  ]);
}

function regexLine(random: Random): string {
  return random.pick([
    "/^ad[0-9]+\\.example\\.com$/",
    "/banner/",
    "/a$/$domain=example.com",
    "/x/$replace=/a/b/",
    "@@/tracker\\d+/",
    "/ads?\\.(com|net)/$important",
  ]);
}

function cosmeticLine(random: Random): string {
  const hostname = asciiHost(random);
  return random.pick([
    `${hostname}##.ad-banner`,
    '##div[id="ad"]',
    `${hostname}#@#.x`,
    `${hostname}#?#.y:has(> z)`,
    "#$#body { overflow: auto; }",
    `${hostname}#%#//scriptlet('set-constant', 'a', 'b')`,
    '$$script[tag-content="x"]',
    `${hostname},~sub.${hostname}##.banner`,
    "#.ad",
    "###ad",
  ]);
}

function ruleLine(random: Random): string {
  const kind = random.next();
  if (kind < 0.22) return hostsLine(random);
  if (kind < 0.3) return host(random) + (random.chance(0.05) ? "." : "");
  if (kind < 0.52) return adblockLine(random);
  if (kind < 0.58) return exceptionLine(random);
  if (kind < 0.63) return urlLine(random);
  if (kind < 0.66) return regexLine(random);
  if (kind < 0.71) return cosmeticLine(random);
  if (kind < 0.77) return random.pick(IP_RULES) + (random.chance(0.1) ? modifiers(random) : "");
  if (kind < 0.81) return random.pick(PUBLIC_SUFFIX_RULES);
  if (kind < 0.87) return random.pick(ODD_RULES);
  if (kind < 0.88) return random.pick(REFERENCE_CRASH_RULES);
  if (kind < 0.95) return random.pick(COMMENTS);
  return random.pick(["   ", "\t", " \t "]);
}

function padded(random: Random, line: string): string {
  if (!random.chance(0.08)) return line;
  return random.pick(["", " ", "\t", "  "]) + line + random.pick(["", " ", "\t", " \t"]);
}

/** The lines of one generated file; `includeTarget` adds an `!#include` of that file. */
export function generateLines(random: Random, count: number, includeTarget?: string): string[] {
  const lines: string[] = [];
  while (lines.length < count) {
    if (lines.length > 0 && random.chance(0.12)) {
      const repeated = random.pick(lines);
      if (!repeated.startsWith("!#")) lines.push(padded(random, repeated));
      continue;
    }
    if (random.chance(0.03)) {
      lines.push(...conditionBlock(random));
      continue;
    }
    if (random.chance(0.0005)) {
      lines.push(...random.pick(BROKEN_DIRECTIVES));
      continue;
    }
    if (includeTarget && random.chance(0.03)) {
      lines.push(`!#include ${includeTarget}`);
      continue;
    }
    lines.push(padded(random, ruleLine(random)));
  }
  return lines;
}

/** Each one makes the whole compilation fail, in the reference and in ours. */
const BROKEN_DIRECTIVES = [
  ["!#endif"],
  ["!#else"],
  ["!#if true"],
  ["!#if (true", "||a.example.com^", "!#endif"],
  ["!#if", "||a.example.com^", "!#endif"],
  ["!#if true", "!#elseif", "!#endif"],
  ["!#include missing-file.txt"],
];

function conditionBlock(random: Random): string[] {
  const condition = random.pick(["true", "adguard", "!adguard", "(true && !adguard)", "false || true", "!true"]);
  const inner = () => Array.from({ length: random.int(1, 3) }, () => ruleLine(random));
  if (random.chance(0.5)) return [`!#if ${condition}`, ...inner(), "!#endif"];
  return [`!#if ${condition}`, ...inner(), "!#else", ...inner(), "!#endif"];
}

/** Joins lines the way files in the wild are: LF, CRLF or mixed endings, a BOM, blank runs, a final newline or not. */
export function toFileText(random: Random, lines: readonly string[]): string {
  const ending = random.pick(["\n", "\r\n", "mixed"]);
  let text = random.chance(0.1) ? "\uFEFF" : "";
  if (random.chance(0.1)) text += "\n\n";
  lines.forEach((line, index) => {
    text += line;
    if (index === lines.length - 1) return;
    text += ending === "mixed" ? random.pick(["\n", "\r\n", "\r", "\n\n"]) : ending;
  });
  if (random.chance(0.6)) text += ending === "\r\n" ? "\r\n" : "\n";
  return text;
}

function patternFrom(random: Random): string {
  return random.pick([
    "ads",
    "tracker",
    "Tracker",
    "*tracker*",
    "*ADS*",
    "*BÜCHER*",
    "||ads.*^",
    "*.org^",
    "*.com",
    "*0.0.0.0*",
    "/^@@/",
    "/\\$(third-party|3p)/",
    "/[0-9]+\\.[0-9]+/",
    "/^!/",
    "Source",
    "*important*",
    "##",
    "",
    "  ",
    "*",
    "a*b*c",
    "*s*t*a*t*",
    "||*.com^*",
    ...(random.chance(0.02) ? ["/(/"] : []),
  ]);
}

function transformations(random: Random, allowValidation: boolean): TransformationName[] {
  const chosen = random.subset(TRANSFORMATIONS_WITHOUT_VALIDATION, 0.35);
  if (allowValidation && random.chance(0.5)) chosen.push(random.pick(VALIDATIONS));
  // the order in the configuration must not matter
  return chosen.sort(() => random.next() - 0.5);
}

/** A random configuration with one to three sources, exclusions, inclusions and directives. */
export function generateCase(random: Random): CompilationCase {
  const files: Record<string, string> = {};
  const sourceCount = random.int(1, 3);
  const validationAtTop = random.chance(0.5);
  const configuration: Configuration = { name: random.pick(["List", "My list", "Блок"]), sources: [] };
  if (random.chance(0.5)) configuration.description = random.pick(["", "A description"]);
  if (random.chance(0.3)) configuration.version = "1.0.0";
  if (random.chance(0.3)) configuration.homepage = "https://example.org";
  if (random.chance(0.3)) configuration.license = "MIT";

  for (let index = 0; index < sourceCount; index++) {
    const fileName = `source-${index}.txt`;
    const includeName = `include-${index}.txt`;
    const withInclude = random.chance(0.15);
    files[fileName] = toFileText(
      random,
      generateLines(random, random.int(0, 120), withInclude ? includeName : undefined),
    );
    if (withInclude) files[includeName] = toFileText(random, generateLines(random, random.int(1, 20)));
    const source: Configuration["sources"][number] = { source: fileName };
    if (random.chance(0.6)) source.name = `Source ${index}`;
    if (random.chance(0.4)) source.type = random.pick(["adblock", "hosts"] as const);
    if (random.chance(0.6)) source.transformations = transformations(random, !validationAtTop);
    addFiltering(random, source, files, `source-${index}`);
    configuration.sources.push(source);
  }
  configuration.transformations = transformations(random, validationAtTop);
  addFiltering(random, configuration, files, "list");
  return { configuration, files };
}

function addFiltering(
  random: Random,
  target: Configuration | Configuration["sources"][number],
  files: Record<string, string>,
  prefix: string,
): void {
  if (random.chance(0.25)) target.exclusions = Array.from({ length: random.int(1, 4) }, () => patternFrom(random));
  if (random.chance(0.1)) {
    const name = `${prefix}-exclusions.txt`;
    files[name] = toFileText(random, [
      "! excluded",
      ...Array.from({ length: random.int(1, 5) }, () => patternFrom(random)),
    ]);
    target.exclusions_sources = [name];
  }
  if (random.chance(0.1)) target.inclusions = Array.from({ length: random.int(1, 3) }, () => patternFrom(random));
  if (random.chance(0.05)) {
    const name = `${prefix}-inclusions.txt`;
    files[name] = toFileText(random, ["*", ...Array.from({ length: random.int(1, 3) }, () => patternFrom(random))]);
    target.inclusions_sources = [name];
  }
}

/** Every hand-written line of the generator, plain and padded with blanks, for one-transformation cases. */
export function catalogueLines(): string[] {
  const lines = [...COMMENTS, ...IP_RULES, ...PUBLIC_SUFFIX_RULES, ...ODD_RULES, ...REFERENCE_CRASH_RULES];
  for (const modifier of MODIFIERS)
    lines.push(`||ads.example.com^$${modifier}`, `@@||ads.example.com^$${modifier},important`);
  for (const label of IDN_LABELS) lines.push(`||${label}.de^`, `0.0.0.0 ${label}.рф`, `*.${label}.jp`, `${label}.de`);
  return [...lines, ...lines.map((line) => ` ${line}\t`), ...lines.map((line) => `\t${line}  `)];
}

/** One source, one transformation (at the source or at the list level), nothing else. */
export function generateSingleTransformationCase(
  random: Random,
  transformation: TransformationName,
  level: "source" | "list",
): CompilationCase {
  const files = { "source.txt": toFileText(random, generateLines(random, random.int(40, 160))) };
  const source: Configuration["sources"][number] = { source: "source.txt" };
  const configuration: Configuration = { name: "Single", sources: [source] };
  if (level === "source") source.transformations = [transformation];
  else configuration.transformations = [transformation];
  return { configuration, files };
}

/**
 * The benchmark corpus: exactly `lineCount` lines of one list that mixes hosts and adblock syntax,
 * as the issue describes it: ~10 % exact duplicates of earlier lines (most from the last thousand,
 * some from anywhere), ~4 % comments (`!` and `#`), ~3 % invalid lines, ~1 % blank lines, and some
 * lines padded with blanks. The rest: hosts rules (`0.0.0.0 host`, `127.0.0.1 host`, a bare host),
 * `||host^` with and without modifiers, exceptions, and cosmetic rules. All ASCII, as large host
 * lists are: a single character beyond Latin-1 makes V8 hold a whole text as UTF-16, twice the
 * memory (the conformance cases cover such text).
 */
const ASCII_ODD_RULES = ODD_RULES.filter((rule) => /^[\x20-\x7e]*$/.test(rule));

/** The transformations `npm run bench:compile` compiles its corpora with (at the list level). */
export const BENCHMARK_TRANSFORMATIONS: TransformationName[] = [
  "Deduplicate",
  "Validate",
  "RemoveComments",
  "Compress",
  "TrimLines",
  "RemoveEmptyLines",
  "InsertFinalNewLine",
];

export function generateBenchmarkCorpus(random: Random, lineCount: number): string {
  const lines: string[] = ["! Title: generated", "! Expires: 1 day", ""];
  const recent: string[] = [];
  while (lines.length < lineCount) {
    const kind = random.next();
    let line: string;
    if (kind < 0.08 && recent.length > 0) line = random.pick(recent);
    else if (kind < 0.1 && lines.length > 3) line = lines[random.int(3, lines.length - 1)];
    else if (kind < 0.12) line = `! comment ${lines.length}`;
    else if (kind < 0.14) line = `# ${random.pick(LABELS)} ${lines.length}`;
    else if (kind < 0.17)
      line = random.chance(0.5) ? random.pick(ASCII_ODD_RULES) : `${random.pick(LABELS)} ${random.pick(LABELS)}`;
    else if (kind < 0.18) line = random.chance(0.5) ? "" : "   ";
    else if (kind < 0.45) line = `${random.pick(["0.0.0.0", "127.0.0.1"])} ${benchmarkHost(random)}`;
    else if (kind < 0.5) line = benchmarkHost(random);
    else if (kind < 0.82) line = `||${benchmarkHost(random)}^${random.chance(0.1) ? "$important" : ""}`;
    else if (kind < 0.88) line = `@@||${benchmarkHost(random)}^`;
    else if (kind < 0.92) line = `||${benchmarkHost(random)}^$third-party`;
    else if (kind < 0.95) line = `${benchmarkHost(random)}##.ad`;
    else line = `||${benchmarkHost(random)}/ads/*`;
    if (random.chance(0.02)) line = ` ${line}\t`;
    lines.push(line);
    if (random.chance(0.05)) {
      recent.push(line);
      if (recent.length > 1000) recent.shift();
    }
  }
  return `${lines.join("\n")}\n`;
}

function benchmarkHost(random: Random): string {
  const depth = random.int(1, 3);
  const labels: string[] = [];
  for (let i = 0; i < depth; i++) labels.push(`${random.pick(LABELS)}${random.int(0, 50_000)}`);
  return `${labels.join(".")}.${random.pick(SUFFIXES)}`;
}
