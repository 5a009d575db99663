/**
 * The product's events in one typed place. Each event becomes a data point in Workers Analytics
 * Engine (binding ANALYTICS, dataset `bloqr_events`) and, unless it is per-request noise, one
 * structured JSON log line. Events carry ids, outcomes, codes and numbers only — never a token,
 * key, secret, email address or request body — so either sink is safe to hand to an operator.
 *
 * Data point layout (dashboards and SQL API queries address columns by position, so it is fixed):
 *
 *   index1   event type: auth | rate_limit | turnstile | compile | key | webhook | health
 *   blob1    type        blob2  outcome      blob3  subject (principal kind, compile kind, Clerk event type)
 *   blob4    tier        blob5  code/reason  blob6  id (job, API key, svix delivery)
 *   double1  1 (count)   double2 duration ms double3 rule count  double4 attempts  double5 HTTP status
 *
 * e.g. `SELECT blob2 AS outcome, SUM(_sample_interval) AS n FROM bloqr_events
 *       WHERE index1 = 'compile' AND timestamp > NOW() - INTERVAL '1' DAY GROUP BY outcome`.
 */
import type { WebhookOutcome } from "~/domain";

export type PrincipalKind = "anonymous" | "session" | "apiKey" | "adminKey";
export type CompileKind = "sync" | "stream" | "batch" | "async";

interface Common {
  /** Who or what the event is about: a principal kind, a compile kind, a Clerk event type. */
  subject?: string;
  tier?: string;
  /** A machine-readable error code, or a short reason that carries no user data. */
  code?: string;
  reason?: string;
  /** A job, API key or svix delivery id (never a secret). */
  id?: string;
  durationMs?: number;
  ruleCount?: number;
  attempts?: number;
  status?: number;
  /** Anything else worth a log line; not written to Analytics Engine. */
  detail?: Record<string, string | number | boolean | null | undefined>;
}

export type AnalyticsEvent = Common &
  (
    | { type: "auth"; outcome: "identified" | "rejected" | "denied"; subject: PrincipalKind }
    | { type: "rate_limit"; outcome: "limited" | "store_failed"; subject: PrincipalKind }
    | { type: "turnstile"; outcome: "passed" | "failed" | "unavailable"; subject: PrincipalKind }
    | {
        type: "compile";
        outcome:
          | "succeeded"
          | "failed"
          | "queued"
          | "queue_failed"
          | "retry"
          | "busy"
          | "dead_lettered"
          | "redelivery_ignored"
          | "message_invalid";
        subject: CompileKind;
      }
    | { type: "key"; outcome: "created" | "updated" | "revoked"; id: string }
    | { type: "webhook"; outcome: WebhookOutcome | "rejected" | "failed" }
    | { type: "health"; outcome: "db_down" }
  );

type Level = "log" | "warn" | "error" | "none";

// One data point per guarded request already counts identifications; a log line each would be noise.
const SILENT = new Set(["auth.identified"]);
const ERRORS = new Set([
  "rate_limit.store_failed",
  "turnstile.unavailable",
  "compile.queue_failed",
  "webhook.failed",
  "health.db_down",
]);
const WARNINGS = new Set([
  "auth.rejected",
  "auth.denied",
  "rate_limit.limited",
  "turnstile.failed",
  "webhook.rejected",
]);

// Analytics Engine allows 16 KB of blobs per point; a reason is a sentence, not a document.
const MAX_REASON_CHARS = 200;

function levelOf(event: AnalyticsEvent): Level {
  const name = `${event.type}.${event.outcome}`;
  if (SILENT.has(name)) return "none";
  if (ERRORS.has(name)) return "error";
  // An unexpected failure (not a refused source or a bad configuration) is ours to look at.
  if (event.type === "compile" && event.outcome === "failed" && event.code === "internal_error") return "error";
  if (WARNINGS.has(name)) return "warn";
  return "log";
}

const truncate = (text: string | undefined) =>
  text && text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS - 1)}…` : text;

function dataPointOf(event: AnalyticsEvent): AnalyticsEngineDataPoint {
  return {
    indexes: [event.type],
    blobs: [
      event.type,
      event.outcome,
      event.subject ?? "",
      event.tier ?? "",
      truncate(event.code ?? event.reason) ?? "",
      event.id ?? "",
    ],
    doubles: [1, event.durationMs ?? 0, event.ruleCount ?? 0, event.attempts ?? 0, event.status ?? 0],
  };
}

function logLineOf(event: AnalyticsEvent): string {
  const { type, outcome, detail, reason, ...fields } = event;
  return JSON.stringify({ event: `${type}.${outcome}`, ...fields, reason: truncate(reason), ...detail });
}

export interface Analytics {
  record(event: AnalyticsEvent): void;
}

/**
 * A recorder writing to `dataset` (when bound) and the logs. Recording never throws: losing a data
 * point must not fail the request it describes.
 */
export function analyticsFor(dataset: AnalyticsEngineDataset | undefined): Analytics {
  return {
    record(event) {
      try {
        dataset?.writeDataPoint(dataPointOf(event));
      } catch {
        // Analytics Engine is best effort by design; the log line below still tells the story.
      }
      const level = levelOf(event);
      if (level !== "none") console[level](logLineOf(event));
    },
  };
}

/**
 * An unexpected error as the logs may show it: name, message, stack frames and the cause's code.
 * Drizzle appends a failed query's parameters to its message (emails, Clerk ids, key hashes);
 * they are cut, and so is the cause's message, which may quote a value from the request.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) {
    // Remix hands over thrown responses as { status, statusText, data }.
    const response = error as { status?: unknown; statusText?: unknown } | null;
    if (typeof response?.status === "number")
      return `ErrorResponse ${response.status} ${response.statusText ?? ""}`.trim();
    return String(error);
  }
  const message = error.message.split("\nparams:")[0];
  const frames = (error.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line));
  const cause = error.cause as { code?: unknown; name?: unknown } | undefined;
  const causeCode = typeof cause?.code === "string" ? cause.code : undefined;
  const causeName = typeof cause?.name === "string" ? cause.name : undefined;
  const because = causeCode || causeName ? ` (cause: ${[causeName, causeCode].filter(Boolean).join(" ")})` : "";
  return [`${error.name}: ${message}${because}`, ...frames].join("\n");
}

/** For callers outside a request's context (the dashboard's forms, scripts): logs only. */
export const logOnlyAnalytics: Analytics = analyticsFor(undefined);
