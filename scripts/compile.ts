/**
 * `npm run compile -- -c config.json -o out.txt` — compiles a filter list from a configuration in
 * the `@adguard/hostlist-compiler` format. Sources may be local files (paths relative to the current
 * directory; allowed here, never in the Worker) or http(s) URLs. `-o -` writes the list to stdout;
 * `-v` reports progress on stderr. `--format <name>` picks the output format (repeatable: with
 * several, `-o` names a folder that gets one file per format). Starts nothing; exits 0 when the list is written, 1 with a
 * one-line error otherwise.
 */
import { readFileSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  type CompileEvent,
  compile,
  describeFormatReport,
  listFileName,
  NO_LIMITS,
  OUTPUT_FORMATS,
  parseConfiguration,
  parseOutputFormats,
} from "../app/compiler";

const USAGE = "usage: npm run compile -- -c <config.json> -o <output file | -> [-v]";
const FORMAT_USAGE = `--format <${OUTPUT_FORMATS.join("|")}> (repeatable; -o names a folder then)`;
/** A remote source that takes longer than this is treated as unavailable. */
const FETCH_TIMEOUT_MS = 60_000;

class CliError extends Error {}

function compilerVersion(): string {
  const packageJson = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  return String(packageJson.version);
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return `no such file: ${(error as NodeJS.ErrnoException).path}`;
    return error.message.split("\n")[0];
  }
  return String(error);
}

async function loadSource(source: string, signal?: AbortSignal): Promise<string> {
  if (/^https?:\/\//i.test(source)) {
    const timeout = AbortSignal.timeout(FETCH_TIMEOUT_MS);
    const response = await fetch(source, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    if (!response.ok) throw new CliError(`${source}: HTTP ${response.status}`);
    return response.text();
  }
  try {
    return await readFile(source, "utf8");
  } catch (error) {
    throw new CliError(`cannot read source ${source}: ${describeError(error)}`);
  }
}

function describeEvent(event: CompileEvent): string {
  switch (event.type) {
    case "source_start":
      return `source ${event.sourceIndex + 1}: loading ${event.source}`;
    case "source_done":
      return `source ${event.sourceIndex + 1}: ${event.linesLoaded} lines loaded, ${event.linesKept} kept`;
    case "transformation": {
      const where = event.scope === "source" ? `source ${(event.sourceIndex ?? 0) + 1}` : "list";
      return `${where}: ${event.name} ${event.linesBefore} → ${event.linesAfter} lines`;
    }
    case "format":
      return describeFormatReport(event);
    case "done":
      return `done: ${event.lineCount} lines, ${event.ruleCount} rules`;
  }
}

async function main(): Promise<void> {
  let values: { config?: string; output?: string; format?: string[]; verbose?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        config: { type: "string", short: "c" },
        output: { type: "string", short: "o" },
        format: { type: "string", multiple: true },
        verbose: { type: "boolean", short: "v" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new CliError(`${describeError(error)} (${USAGE})`);
  }
  if (values.help) {
    console.log(`${USAGE}\n  ${FORMAT_USAGE}`);
    return;
  }
  if (!values.config || !values.output) throw new CliError(USAGE);

  let configurationText: string;
  try {
    configurationText = await readFile(values.config, "utf8");
  } catch (error) {
    throw new CliError(`cannot read configuration: ${describeError(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(configurationText);
  } catch (error) {
    throw new CliError(`${values.config} is not valid JSON: ${describeError(error)}`);
  }
  const configuration = parseConfiguration(json);
  let formats: ReturnType<typeof parseOutputFormats>;
  try {
    formats = parseOutputFormats(values.format ?? []);
  } catch (error) {
    throw new CliError(describeError(error));
  }
  if (formats.length > 1 && values.output === "-") throw new CliError("several formats need -o <folder>, not -");
  const verbose = values.verbose === true;
  const result = await compile(configuration, {
    loadSource,
    compilerVersion: compilerVersion(),
    // The Worker's compile budget protects a shared 128 MB isolate; here the memory is the user's.
    limits: NO_LIMITS,
    formats,
    onEvent: verbose ? (event) => process.stderr.write(`${describeEvent(event)}\n`) : undefined,
  });
  if (values.output === "-") {
    process.stdout.write(result.text);
    return;
  }
  const files =
    formats.length === 1
      ? [{ path: values.output, text: result.text }]
      : result.outputs.map((output) => ({
          path: join(values.output!, listFileName(configuration.name, output.format)),
          text: output.text,
        }));
  if (formats.length > 1) await mkdir(values.output, { recursive: true });
  for (const file of files) {
    await writeFile(file.path, file.text);
    if (verbose) process.stderr.write(`wrote ${file.path}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`error: ${describeError(error)}\n`);
  process.exitCode = 1;
});
