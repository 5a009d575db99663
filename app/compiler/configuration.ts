// zod's mini build: the classic one builds its whole API when imported (~30 ms of the CLI's start-up)
import * as z from "zod/mini";
import { checkRegexPattern, InvalidPatternError } from "./wildcard";

/** Every transformation name the configuration accepts (the order here is not the order they run in). */
export const TRANSFORMATION_NAMES = [
  "RemoveComments",
  "Compress",
  "RemoveModifiers",
  "Validate",
  "ValidateAllowIp",
  "ValidateAllowPublicSuffix",
  "ValidateAllowIpAndPublicSuffix",
  "Deduplicate",
  "InvertAllow",
  "RemoveEmptyLines",
  "TrimLines",
  "InsertFinalNewLine",
  "ConvertToAscii",
] as const;

export type TransformationName = (typeof TRANSFORMATION_NAMES)[number];

/** A step of the pipeline: the exclusions, the inclusions or a transformation (events and explanations name it). */
export type StepName = "Exclusions" | "Inclusions" | TransformationName;

/** Where a step ran: on one source (`sourceIndex` set) or on the whole list. */
export type StepScope = "source" | "list";

/** Each one filters the output of the previous one, so combining them silently loses rules. */
export const VALIDATION_TRANSFORMATIONS: readonly TransformationName[] = [
  "Validate",
  "ValidateAllowIp",
  "ValidateAllowPublicSuffix",
  "ValidateAllowIpAndPublicSuffix",
];

const patternList = z.array(z.string());

const transformationList = z.array(z.enum(TRANSFORMATION_NAMES)).check(
  z.superRefine((transformations, context) => {
    const validations = validationsIn(transformations);
    if (validations.length > 1) {
      context.addIssue({
        code: "custom",
        message: `validation transformations cannot be combined: ${validations.join(", ")}`,
      });
    }
  }),
);

/** Keys shared by a source and the whole list. */
const filteringKeys = {
  transformations: z.optional(transformationList),
  exclusions: z.optional(patternList),
  exclusions_sources: z.optional(patternList),
  inclusions: z.optional(patternList),
  inclusions_sources: z.optional(patternList),
};

const nonEmptyString = z.string().check(z.minLength(1));

const sourceSchema = z.strictObject({
  name: z.optional(nonEmptyString),
  source: nonEmptyString,
  type: z.optional(z.enum(["adblock", "hosts"])),
  ...filteringKeys,
});

/** The configuration's shape and the checks across its fields. */
const checkedConfiguration = z
  .strictObject({
    name: nonEmptyString,
    description: z.optional(z.string()),
    homepage: z.optional(z.string()),
    license: z.optional(z.string()),
    version: z.optional(z.string()),
    sources: z.array(sourceSchema).check(z.minLength(1)),
    ...filteringKeys,
  })
  .check(
    z.superRefine((configuration, context) => {
      checkPatterns(configuration, [], context);
      configuration.sources.forEach((source, index) => {
        checkPatterns(source, ["sources", index], context);
      });
      const topLevel = validationsIn(configuration.transformations ?? []);
      if (topLevel.length === 0) return;
      configuration.sources.forEach((source, index) => {
        const sourceLevel = validationsIn(source.transformations ?? []);
        if (sourceLevel.length === 0) return;
        context.addIssue({
          code: "custom",
          path: ["sources", index, "transformations"],
          message:
            `${sourceLevel.join(", ")} cannot be used here while the top level uses ${topLevel.join(", ")}: ` +
            "the top-level validation would override it",
        });
      });
    }),
  );

/**
 * The configuration as the API and the compiler accept it. The API's body schemas embed it, so a
 * request's configuration is validated once, at the edge; every value it outputs is remembered as
 * parsed, and `compile` does not parse such a value again.
 */
export const configurationSchema = z.pipe(
  checkedConfiguration,
  z.transform((configuration: z.output<typeof checkedConfiguration>) => {
    parsedConfigurations.add(configuration);
    return configuration;
  }),
);

const parsedConfigurations = new WeakSet<object>();

export type Configuration = z.output<typeof configurationSchema>;
export type SourceConfiguration = Configuration["sources"][number];
/** The keys a source and the whole list share. */
export type FilteringConfiguration = Pick<
  SourceConfiguration,
  "transformations" | "exclusions" | "exclusions_sources" | "inclusions" | "inclusions_sources"
>;

export interface ConfigurationIssue {
  /** Where the problem is, e.g. `sources[2].type`; `configuration` for the whole value. */
  path: string;
  message: string;
}

export class ConfigurationError extends Error {
  readonly issues: ConfigurationIssue[];

  constructor(issues: ConfigurationIssue[]) {
    super(issues.map((issue) => `${issue.path}: ${issue.message}`).join("; "));
    this.name = "ConfigurationError";
    this.issues = issues;
  }
}

/**
 * Validates a configuration in the `@adguard/hostlist-compiler` format; throws `ConfigurationError`.
 * A value this module's schema already produced is returned as it is.
 */
export function parseConfiguration(input: unknown): Configuration {
  if (typeof input === "object" && input !== null && parsedConfigurations.has(input)) return input as Configuration;
  const result = configurationSchema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  throw configurationError(result.error.issues);
}

/**
 * The error for the schema's issues, their paths relative to the configuration (`prefix` is how
 * far into a larger value the configuration sits, e.g. `["configuration"]` in a request body).
 */
export function configurationError(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[] = [],
): ConfigurationError {
  return new ConfigurationError(
    issues.flatMap((issue) => describeIssue({ ...issue, path: issue.path.slice(prefix.length) } as z.core.$ZodIssue)),
  );
}

function validationsIn(transformations: readonly TransformationName[]): TransformationName[] {
  return VALIDATION_TRANSFORMATIONS.filter((name) => transformations.includes(name));
}

/**
 * A `/regex/` exclusion that cannot run would otherwise only fail in the middle of a compilation.
 * Only the cheap checks run here (no RE2 program is built for a configuration that may be over the
 * compile budget's caps); the rest when the compile builds the patterns.
 */
function checkPatterns(
  filtering: FilteringConfiguration,
  basePath: (string | number)[],
  context: z.core.$RefinementCtx,
): void {
  for (const key of ["exclusions", "inclusions"] as const) {
    filtering[key]?.forEach((pattern, index) => {
      if (!pattern) return;
      try {
        checkRegexPattern(pattern);
      } catch (error) {
        if (!(error instanceof InvalidPatternError)) throw error;
        context.addIssue({ code: "custom", path: [...basePath, key, index], message: error.message });
      }
    });
  }
}

function describeIssue(issue: z.core.$ZodIssue): ConfigurationIssue[] {
  const path = formatPath(issue.path);
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return [{ path, message: `required, expected ${issue.expected}` }];
      return [{ path, message: `expected ${issue.expected}, received ${describeValue(issue.input)}` }];
    case "invalid_value":
      return [{ path, message: `expected ${issue.values.map((value) => JSON.stringify(value)).join(" | ")}` }];
    case "too_small":
      return [{ path, message: issue.origin === "array" ? "must not be empty" : "must not be an empty string" }];
    case "unrecognized_keys":
      return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: "unknown key" }));
    default:
      return [{ path, message: issue.message }];
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let formatted = "";
  for (const segment of path) {
    if (typeof segment === "number") formatted += `[${segment}]`;
    else formatted += formatted ? `.${String(segment)}` : String(segment);
  }
  return formatted || "configuration";
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}
