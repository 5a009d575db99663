/** The playground form without JavaScript: its fields back into the input the page shows again. */
import { z } from "zod";
import { OUTPUT_FORMATS } from "~/compiler/formats/report";
import {
  MAX_PASTED_SOURCES,
  type PastedSource,
  type PlaygroundInput,
  parseIntent,
  SOURCE_TYPES,
  sourceField,
} from "~/components/playground/input";
import { PRESETS } from "~/presets";

const fields = z.object({
  intent: z.string().catch("compile"),
  preset: z.string().max(100).catch(PRESETS[0].id),
  configuration: z.string().catch(""),
  outputFormat: z.enum(OUTPUT_FORMATS).catch("adblock"),
  "cf-turnstile-response": z.string().catch(""),
});

const text = (value: FormDataEntryValue | null) => (typeof value === "string" ? value : "");

/** A chosen file wins over the text box of the same source; an empty file input is no file. */
async function sourceText(form: FormData, index: number): Promise<string> {
  const file = form.get(sourceField(index, "file"));
  if (file instanceof File && file.size > 0) return file.text();
  return text(form.get(sourceField(index, "text")));
}

/** The sources in the order of their boxes; one more than the cap is kept so the cap's error shows. */
async function pastedSources(form: FormData): Promise<PastedSource[]> {
  const indexes = new Set<number>();
  for (const key of form.keys()) {
    const match = /^source-(\d{1,3})-/.exec(key);
    if (match) indexes.add(Number(match[1]));
  }
  const ordered = [...indexes].sort((a, b) => a - b).slice(0, MAX_PASTED_SOURCES + 1);
  return Promise.all(
    ordered.map(async (index) => {
      const type = text(form.get(sourceField(index, "type")));
      return {
        name: text(form.get(sourceField(index, "name"))),
        type: (SOURCE_TYPES as readonly string[]).includes(type) ? (type as PastedSource["type"]) : "adblock",
        text: await sourceText(form, index),
      };
    }),
  );
}

export async function readPlaygroundForm(form: FormData) {
  const strings = Object.fromEntries([...form.entries()].filter(([, value]) => typeof value === "string"));
  const simple = fields.parse(strings);
  const input: PlaygroundInput = {
    presetId: simple.preset,
    configuration: simple.configuration,
    sources: await pastedSources(form),
    outputFormat: simple.outputFormat,
  };
  return { intent: parseIntent(simple.intent), input, turnstileToken: simple["cf-turnstile-response"] };
}
