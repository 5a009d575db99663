import { describe, expect, it } from "vitest";
import { ConfigurationError, parseConfiguration } from "~/compiler";

function issuesOf(input: unknown) {
  try {
    parseConfiguration(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return { message: (error as ConfigurationError).message, issues: (error as ConfigurationError).issues };
  }
  throw new Error("expected a ConfigurationError");
}

const source = { source: "https://example.org/hosts.txt" };

describe("parseConfiguration", () => {
  it("accepts the full @adguard/hostlist-compiler format", () => {
    const configuration = {
      name: "List",
      description: "d",
      homepage: "https://example.org",
      license: "MIT",
      version: "1.0.0",
      sources: [
        {
          name: "s",
          source: "https://example.org/hosts.txt",
          type: "hosts",
          transformations: ["RemoveComments", "Validate"],
          exclusions: ["ads"],
          exclusions_sources: ["https://example.org/exclusions.txt"],
          inclusions: ["*"],
          inclusions_sources: ["https://example.org/inclusions.txt"],
        },
      ],
      transformations: ["Deduplicate", "InsertFinalNewLine"],
      exclusions: ["/regex/"],
      exclusions_sources: [],
      inclusions: [],
      inclusions_sources: [],
    };
    expect(parseConfiguration(configuration)).toEqual(configuration);
  });

  it("a wrong source type → the error names the path and the allowed values", () => {
    const { message, issues } = issuesOf({ name: "x", sources: [source, source, { ...source, type: "dns" }] });
    expect(message).toBe('sources[2].type: expected "adblock" | "hosts"');
    expect(issues).toEqual([{ path: "sources[2].type", message: 'expected "adblock" | "hosts"' }]);
  });

  it("reports every problem at once", () => {
    const { issues } = issuesOf({ sources: [], transformations: ["Sort"], extra: 1 });
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: "name", message: "required, expected string" },
        { path: "sources", message: "must not be empty" },
        { path: "transformations[0]", message: expect.stringContaining('expected "RemoveComments" | "Compress"') },
        { path: "extra", message: "unknown key" },
      ]),
    );
  });

  it("wrong types, empty strings and unknown source keys → their paths", () => {
    const { message } = issuesOf({ name: "", sources: [{ source: 5, nope: true }], exclusions: "ads" });
    expect(message).toContain("name: must not be an empty string");
    expect(message).toContain("sources[0].source: expected string, received number");
    expect(message).toContain("sources[0].nope: unknown key");
    expect(message).toContain("exclusions: expected array, received string");
  });

  it("not an object → one issue for the whole configuration", () => {
    expect(issuesOf("text").message).toBe("configuration: expected object, received string");
    expect(issuesOf(null).message).toBe("configuration: expected object, received null");
  });

  it("two validations together are refused, at one level or across levels", () => {
    expect(issuesOf({ name: "x", sources: [source], transformations: ["Validate", "ValidateAllowIp"] }).message).toBe(
      "transformations: validation transformations cannot be combined: Validate, ValidateAllowIp",
    );
    const crossLevel = issuesOf({
      name: "x",
      sources: [source, { ...source, transformations: ["ValidateAllowIp"] }],
      transformations: ["Validate"],
    });
    expect(crossLevel.issues).toEqual([
      {
        path: "sources[1].transformations",
        message:
          "ValidateAllowIp cannot be used here while the top level uses Validate: the top-level validation would override it",
      },
    ]);
  });

  it("an exclusion or inclusion /regex/ that does not compile → its path", () => {
    const { message } = issuesOf({ name: "x", sources: [{ ...source, inclusions: ["ok", "/(/"] }] });
    expect(message).toBe("sources[0].inclusions[1]: invalid regular expression /(/: Unterminated group");
  });
});
