/** Answers of the JSON API that several routes send; each route's own answers sit beside it. */
import { z } from "zod";
import { EXPLAIN_EXAMPLES_PER_REASON, OUTPUT_FORMATS } from "~/compiler";
import { API_KEY_SCOPES, COMPILATION_KINDS, COMPILATION_STATUSES, PRIORITIES } from "~/domain";
import { MAX_ACTIVE_JOBS } from "~/services/jobs.server";

const reasonCounts = z.record(
  z.string(),
  z.object({ count: z.number().int(), examples: z.array(z.string()).describe("Up to 5.") }),
);

export const formatReport = z
  .object({
    format: z.enum(OUTPUT_FORMATS),
    rulesRead: z.number().int(),
    rulesWritten: z.number().int(),
    dropped: reasonCounts,
    narrowed: reasonCounts.describe("Written, but matching fewer names than in the compiled list."),
    widened: reasonCounts.describe("Written, but matching more names than in the compiled list."),
  })
  .meta({ id: "FormatReport", description: "What an output format wrote of the list, and what it dropped and why." });

export const sourceMetrics = z.object({
  sourceIndex: z.number().int(),
  source: z.string(),
  linesLoaded: z.number().int(),
  linesKept: z.number().int(),
  headerLines: z.number().int().describe("The comment block written before its lines (`! Source: …`)."),
});

export const stepMetrics = z.object({
  scope: z.string(),
  sourceIndex: z.number().int().optional(),
  name: z.string(),
  linesBefore: z.number().int(),
  linesAfter: z.number().int(),
});

export const compileMetrics = z
  .object({
    sources: z.array(sourceMetrics),
    steps: z.array(stepMetrics),
    formats: z.array(formatReport),
    linesLoaded: z.number().int(),
    lineCount: z.number().int().describe("Lines in the result, header included."),
    ruleCount: z.number().int(),
  })
  .meta({ id: "CompileMetrics" });

const compiledList = {
  rules: z.array(z.string()).describe("The list, header included, one line per item."),
  ruleCount: z.number().int().describe("Lines that are neither blank nor comments."),
  compiledAt: z.iso.datetime(),
};

/** What an explained compile did, documented in docs/compiler.md. */
export const explanation = z
  .record(z.string(), z.unknown())
  .describe(
    "With `explain: true`: id (for GET /api/compile/explain), sources (linesLoaded, linesKept, rulesInList), " +
      "list (sourceLines, headerLines: what the first list step reads), steps (linesIn, linesOut, removed, added, " +
      `reasons and changes, each { count, examples (up to ${EXPLAIN_EXAMPLES_PER_REASON}) }), warnings ` +
      "(public_suffix, empty_source, unused_exclusion) and traceTruncated. See docs/compiler.md.",
  );

export const compileResult = z
  .object({
    success: z.literal(true),
    ...compiledList,
    cached: z.boolean().describe("Served from the 1 h result cache."),
    metrics: compileMetrics,
    explanation: explanation.optional(),
  })
  .meta({ id: "CompileResult" });

/** A job's stored list, once it succeeded. */
export const jobList = z.object({ ...compiledList, metrics: compileMetrics });

export const apiKey = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string().describe("The first characters of the key, to recognise it."),
    scopes: z.array(z.enum(API_KEY_SCOPES)),
    rateLimitPerMinute: z.number().int().nullable().describe("The key's own cap; null: the owner's tier limit."),
    createdAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable(),
    expiresAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "ApiKey" });

const priority = z.enum(PRIORITIES);

export const job = z
  .object({
    id: z.uuid(),
    name: z.string().nullable().describe("The configuration's `name`: the list's name."),
    kind: z.enum(COMPILATION_KINDS),
    status: z.enum(COMPILATION_STATUSES),
    priority,
    ruleCount: z.number().int().nullable(),
    durationMs: z.number().int().nullable(),
    attempts: z.number().int(),
    error: z.string().nullable(),
    explain: z.boolean().describe("Submitted with `explain: true`: GET /api/compile/explain?id={id} looks hosts up."),
    rerunnable: z
      .boolean()
      .describe("A finished async job whose request is kept: POST /api/compile/jobs/{id}/rerun runs it again."),
    createdAt: z.iso.datetime(),
    startedAt: z.iso.datetime().nullable(),
    finishedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "Job" });

const queued = {
  requestId: z.uuid(),
  status: z.literal("queued"),
  location: z.string().describe("Where the result will be: /api/queue/results/{requestId}."),
};

export const accepted = z.object({ ...queued, priority });

export const acceptedBatch = z.object({
  priority,
  requests: z.array(z.object({ id: z.string().describe("The item's id from the request."), ...queued })),
});

const capsByTier = Object.entries(MAX_ACTIVE_JOBS)
  .map(([tier, cap]) => `${tier} ${cap}`)
  .join(", ");

/** What a job submission answers beyond the guard's statuses (enqueueJobs throws them). */
export const JOB_SUBMISSION_ERRORS = {
  400: "`invalid_configuration` (the message names the item and path)",
  403: '`priority_not_allowed`: `priority: "high"` below the pro tier',
  413: "`compile_too_large`: a configuration over the compile budget's declared caps",
  429: `\`too_many_jobs\`: queued + running jobs per user are capped by tier (${capsByTier}); nothing was queued`,
  503: "the job queue is unavailable (`Retry-After`); the jobs are marked failed",
};
