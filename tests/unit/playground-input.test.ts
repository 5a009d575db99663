import { describe, expect, it } from "vitest";
import {
  composeRequest,
  editSources,
  type PlaygroundInput,
  parseIntent,
  presetInput,
} from "~/components/playground/input";
import { parseJson } from "~/components/playground/parse-json";
import { PRESETS } from "~/presets";

const input = (overrides: Partial<PlaygroundInput> = {}): PlaygroundInput => ({
  presetId: "demo",
  configuration: '{ "name": "Mine" }',
  sources: [{ name: "Ads", type: "adblock", text: "||ads.example^" }],
  outputFormat: "adblock",
  ...overrides,
});

describe("parseJson: errors name line and column", () => {
  it.each([
    ['{\n  "a": 1,\n  "b" 2\n}', "line 3, column 7: expected ':' after property name"],
    ['{\n  "list": [,]\n}', "line 2, column 12: unexpected token ','"],
    ['{\n "a": tru }', "line 2, column 10: unexpected token ' '"],
    ['{"a": 1}}', "line 1, column 9: unexpected non-whitespace character after the end"],
    ['{"a":', "line 1, column 6: unexpected end of JSON input"],
  ])("%j → %s", (text, expected) => {
    expect(parseJson(text, "The configuration")).toEqual({
      ok: false,
      message: `The configuration is not valid JSON at ${expected}.`,
    });
  });

  it("valid JSON → its value", () => {
    expect(parseJson('{"a":[1]}', "x")).toEqual({ ok: true, value: { a: [1] } });
  });
});

describe("composeRequest", () => {
  it("appends pasted sources after the configuration's own, their text as pre-fetched content", () => {
    const composed = composeRequest(
      input({
        configuration: JSON.stringify({ name: "Mine", sources: [{ source: "https://lists.example/a.txt" }] }),
        sources: [
          { name: " Ads ", type: "adblock", text: "||ads.example^" },
          { name: "", type: "hosts", text: "0.0.0.0 t.example" },
        ],
      }),
    );
    expect(composed).toEqual({
      ok: true,
      configuration: {
        name: "Mine",
        sources: [
          { source: "https://lists.example/a.txt" },
          { name: "Ads", source: "pasted:1", type: "adblock" },
          { name: "Pasted list 2", source: "pasted:2", type: "hosts" },
        ],
      },
      preFetchedContent: { "pasted:1": "||ads.example^", "pasted:2": "0.0.0.0 t.example" },
    });
  });

  it("an empty box and bad JSON are reported on their own fields at once", () => {
    const composed = composeRequest(input({ configuration: "{", sources: [{ name: "", type: "adblock", text: " " }] }));
    expect(composed.ok).toBe(false);
    if (composed.ok) return;
    expect(Object.keys(composed.errors).sort()).toEqual(["configuration", "source-0-text"]);
  });

  it("no box and no source URL → the sources are asked for", () => {
    expect(composeRequest(input({ sources: [] }))).toEqual({
      ok: false,
      errors: { sources: expect.stringContaining("Add a source") },
    });
  });

  it("a JSON array is not a configuration", () => {
    expect(composeRequest(input({ configuration: "[]" }))).toMatchObject({
      ok: false,
      errors: { configuration: expect.stringContaining("must be a JSON object") },
    });
  });
});

describe("presetInput and the form's buttons", () => {
  it("the demo preset's carried lists open as boxes and compose back to the preset's lists", () => {
    const demo = PRESETS.find((preset) => preset.id === "demo")!;
    const opened = presetInput(demo);
    expect(opened.sources.map((source) => [source.name, source.type])).toEqual([
      ["Demo ads", "adblock"],
      ["Demo hosts", "hosts"],
    ]);
    expect(JSON.parse(opened.configuration).sources).toBeUndefined();
    const composed = composeRequest(opened);
    expect(composed.ok && Object.values(composed.preFetchedContent)).toEqual(Object.values(demo.preFetchedContent!));
  });

  it("add and remove-N edit the boxes; anything else compiles", () => {
    const two = editSources(input(), parseIntent("add-source"));
    expect(two.sources).toHaveLength(2);
    expect(editSources(two, parseIntent("remove-source-0")).sources).toEqual([two.sources[1]]);
    expect(parseIntent("nonsense")).toEqual({ kind: "compile" });
    expect(parseIntent("async")).toEqual({ kind: "async" });
  });
});
