/**
 * What the playground form holds, and how it becomes a compile request — the same code in the
 * browser (the streaming path) and in the page action (without JavaScript), so both agree on
 * every error and on what is sent.
 */
import { MAX_SOURCES } from "~/compiler/budget";
import type { OutputFormat } from "~/compiler/formats/report";
import type { Preset } from "~/presets";
import { parseJson } from "./parse-json";

export const SOURCE_TYPES = ["adblock", "hosts"] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

/** A list whose text the user pasted or uploaded, compiled as one source. */
export interface PastedSource {
  name: string;
  type: SourceType;
  text: string;
}

export interface PlaygroundInput {
  presetId: string;
  /** The configuration editor's text: everything but the pasted sources (its `sources` are fetched by URL). */
  configuration: string;
  sources: PastedSource[];
  outputFormat: OutputFormat;
}

export type FieldErrors = Record<string, string>;

/** The form field of a pasted source's part, e.g. `source-2-text`. */
export const sourceField = (index: number, part: "name" | "type" | "text" | "file") => `source-${index}-${part}`;
/** Pasted sources are named so in the configuration and keyed so in `preFetchedContent`. */
export const pastedSourceId = (index: number) => `pasted:${index + 1}`;
// The compile budget's source cap; the form refuses to grow beyond it.
export const MAX_PASTED_SOURCES = MAX_SOURCES;

export const emptySource = (): PastedSource => ({ name: "", type: "adblock", text: "" });

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/** A preset as the form shows it: the lists it carries become pasted sources, the rest stays in the configuration. */
export function presetInput(preset: Preset, outputFormat: OutputFormat = "adblock"): PlaygroundInput {
  const carried = preset.preFetchedContent ?? {};
  const { sources = [], ...rest } = preset.configuration as { sources?: Record<string, unknown>[] };
  const byUrl = sources.filter((source) => !Object.hasOwn(carried, String(source.source)));
  const pasted = sources
    .filter((source) => Object.hasOwn(carried, String(source.source)))
    .map((source) => ({
      name: String(source.name ?? source.source),
      type: source.type === "hosts" ? ("hosts" as const) : ("adblock" as const),
      text: carried[String(source.source)],
    }));
  return {
    presetId: preset.id,
    configuration: pretty(byUrl.length > 0 ? { ...rest, sources: byUrl } : rest),
    sources: pasted,
    outputFormat,
  };
}

export type ComposedRequest =
  | { ok: true; configuration: Record<string, unknown>; preFetchedContent: Record<string, string> }
  | { ok: false; errors: FieldErrors };

/** The configuration the API gets: the editor's, with the pasted sources appended after its own. */
export function composeRequest(input: PlaygroundInput): ComposedRequest {
  const errors: FieldErrors = {};
  const parsed = parseJson(input.configuration, "The configuration");
  if (!parsed.ok) errors.configuration = parsed.message;
  else if (typeof parsed.value !== "object" || parsed.value === null || Array.isArray(parsed.value)) {
    errors.configuration = "The configuration must be a JSON object, like the preset's.";
  }
  input.sources.forEach((source, index) => {
    if (source.text.trim() === "") {
      errors[sourceField(index, "text")] = "Paste the list or choose a file, or remove this source.";
    }
  });
  if (input.sources.length > MAX_PASTED_SOURCES) {
    errors.sources = `At most ${MAX_PASTED_SOURCES} sources in one compile.`;
  }
  if (Object.keys(errors).length > 0 || !parsed.ok) return { ok: false, errors };
  const configuration = parsed.value as Record<string, unknown>;
  const ownSources = Array.isArray(configuration.sources) ? configuration.sources : [];
  if (ownSources.length === 0 && input.sources.length === 0) {
    return {
      ok: false,
      errors: { sources: "Add a source: paste a list here, or give source URLs in the configuration." },
    };
  }
  const pasted = input.sources.map((source, index) => ({
    name: source.name.trim() || `Pasted list ${index + 1}`,
    source: pastedSourceId(index),
    type: source.type,
  }));
  return {
    ok: true,
    configuration: { ...configuration, sources: [...ownSources, ...pasted] },
    preFetchedContent: Object.fromEntries(input.sources.map((source, index) => [pastedSourceId(index), source.text])),
  };
}

export type PlaygroundIntent =
  | { kind: "compile" | "async" | "add-source" | "load-preset" }
  | { kind: "remove-source"; index: number };

/** The submit button's value: `remove-source-2` names the source it removes. */
export function parseIntent(value: string): PlaygroundIntent {
  if (value === "async" || value === "add-source" || value === "load-preset") return { kind: value };
  const remove = /^remove-source-(\d{1,3})$/.exec(value);
  return remove ? { kind: "remove-source", index: Number(remove[1]) } : { kind: "compile" };
}

/** Adds or removes a source box, as the buttons beside them ask. */
export function editSources(input: PlaygroundInput, intent: PlaygroundIntent): PlaygroundInput {
  if (intent.kind === "add-source" && input.sources.length < MAX_PASTED_SOURCES) {
    return { ...input, sources: [...input.sources, emptySource()] };
  }
  if (intent.kind === "remove-source") {
    return { ...input, sources: input.sources.filter((_, index) => index !== intent.index) };
  }
  return input;
}

/** How much text the pasted lists hold: the playground explains a compile up to a size. */
export const pastedCharacters = (content: Record<string, string>) =>
  Object.values(content).reduce((total, text) => total + text.length, 0);

/** The list's name from the configuration text, for the download's file name. */
export function listNameOf(configurationText: string): string {
  const parsed = parseJson(configurationText, "");
  const name = parsed.ok ? (parsed.value as { name?: unknown } | null)?.name : undefined;
  return typeof name === "string" && name.trim() ? name : "list";
}
