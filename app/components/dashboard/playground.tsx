/**
 * The compile playground. Without JavaScript it is a plain form the page action answers; with
 * JavaScript it streams progress from /api/compile/stream and builds the download in the browser.
 */
import { useNavigate } from "@remix-run/react";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { listFileName } from "~/compiler/formats/names";
import { describeFormatReport, type FormatReport, OUTPUT_FORMATS, type OutputFormat } from "~/compiler/formats/report";
import type { Preset } from "~/presets";
import { TURNSTILE_DUMMY_TOKEN } from "~/presets";
import {
  ExplanationPane,
  type ExplanationResult,
  formatCount,
  PLAYGROUND_EXPLAIN_MAX_CHARACTERS,
} from "../playground/explanation";
import {
  composeRequest,
  editSources,
  type FieldErrors,
  listNameOf,
  type PastedSource,
  type PlaygroundInput,
  parseIntent,
  pastedCharacters,
  presetInput,
} from "../playground/input";
import { RateLimitBanner } from "../playground/rate-limit-banner";
import { SourceBoxes } from "../playground/source-boxes";
import { Card, FieldError, inputClass, primaryButton, secondaryButton } from "../ui";

interface Progress {
  key: number;
  text: string;
}

interface StreamResult {
  rules: string[];
  ruleCount: number;
  compiledAt: string;
  cached: boolean;
  explanation?: ExplanationResult;
}

type StreamEvent = { event: string; data: Record<string, unknown> };

/** Splits a Server-Sent Events body into its events as chunks arrive. */
async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<StreamEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let boundary = buffer.indexOf("\n\n");
    while (boundary !== -1) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      boundary = buffer.indexOf("\n\n");
      const event = /^event: (.+)$/m.exec(block)?.[1];
      const data = /^data: (.+)$/m.exec(block)?.[1];
      if (event && data) yield { event, data: JSON.parse(data) };
    }
  }
}

function progressText(event: StreamEvent): string | null {
  const data = event.data;
  switch (event.event) {
    case "source_start":
      return `Source ${Number(data.sourceIndex) + 1}: loading ${data.source}`;
    case "source_done":
      return `Source ${Number(data.sourceIndex) + 1}: ${formatCount(Number(data.linesLoaded))} lines loaded, ${formatCount(Number(data.linesKept))} kept (+ ${formatCount(Number(data.headerLines))} header lines in the list)`;
    case "transformation":
      return `${data.name} (${data.scope === "source" ? `source ${Number(data.sourceIndex) + 1}` : "list"}): ${formatCount(Number(data.linesBefore))} → ${formatCount(Number(data.linesAfter))} lines`;
    case "format":
      return describeFormatReport(data as unknown as FormatReport);
    default:
      return null;
  }
}

interface SubmittedResult {
  ruleCount: number;
  cached: boolean;
  compiledAt: string;
  preview: string[];
  lineCount: number;
  text: string;
  outputFormat: OutputFormat;
  explanation?: ExplanationResult;
}

export function Playground(props: {
  presets: Preset[];
  siteKey: string;
  turnstileTestMode: boolean;
  nonce: string;
  maxFormBytes: number;
  tooLargeMessage: string;
  /** The page was reached after a form over the cap (without JavaScript). */
  tooLarge: boolean;
  /** What the user sent without JavaScript, shown again as it was. */
  submitted?: PlaygroundInput;
  serverResult?: SubmittedResult;
  serverErrors?: FieldErrors;
  rateLimited?: { retryAfterSeconds: number };
}) {
  const { presets, siteKey, turnstileTestMode, nonce, serverResult, serverErrors, maxFormBytes, tooLargeMessage } =
    props;
  const navigate = useNavigate();
  const form = useRef<HTMLFormElement>(null);
  const [input, setInput] = useState<PlaygroundInput>(() => props.submitted ?? presetInput(presets[0]));
  const [errors, setErrors] = useState<FieldErrors>(
    serverErrors ?? (props.tooLarge ? { sources: tooLargeMessage } : {}),
  );
  // a new 429 gets a new key, so its banner counts down from its own Retry-After
  const [rateLimit, setRateLimit] = useState(
    props.rateLimited ? { key: 0, seconds: props.rateLimited.retryAfterSeconds } : null,
  );
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const [progress, setProgress] = useState<Progress[]>([]);
  const [result, setResult] = useState<StreamResult | null>(null);
  const [resultError, setResultError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  // the format and list name the shown result is in (the form may have changed since)
  const [resultFormat, setResultFormat] = useState<OutputFormat>(serverResult?.outputFormat ?? "adblock");
  const [resultName, setResultName] = useState(() => listNameOf(input.configuration));

  const update = (change: Partial<PlaygroundInput>) => setInput((previous) => ({ ...previous, ...change }));
  const updateSource = (index: number, change: Partial<PastedSource>) =>
    setInput((previous) => ({
      ...previous,
      sources: previous.sources.map((source, at) => (at === index ? { ...source, ...change } : source)),
    }));

  const choosePreset = (id: string) => {
    const next = presets.find((candidate) => candidate.id === id) ?? presets[0];
    setInput(presetInput(next, input.outputFormat));
    setResult(null);
    setProgress([]);
    setErrors({});
    setResultError(null);
  };

  const resetTurnstile = () => (window as { turnstile?: { reset(): void } }).turnstile?.reset();

  const run = async (intent: "compile" | "async") => {
    setErrors({});
    setResultError(null);
    setResult(null);
    setProgress([]);
    const composed = composeRequest(input);
    if (!composed.ok) {
      setErrors(composed.errors);
      return;
    }
    const token = (new FormData(form.current ?? undefined).get("cf-turnstile-response") as string | null) ?? "";
    const body = JSON.stringify({
      configuration: composed.configuration,
      preFetchedContent: composed.preFetchedContent,
      // a job keeps the adblock list; its page downloads it in any format
      ...(intent === "compile" ? { outputFormat: input.outputFormat } : {}),
      explain: pastedCharacters(composed.preFetchedContent) <= PLAYGROUND_EXPLAIN_MAX_CHARACTERS,
      turnstileToken: token,
    });
    if (new Blob([body]).size > maxFormBytes) {
      setErrors({ sources: tooLargeMessage });
      return;
    }
    setRunning(true);
    const started = new Set<number>();
    try {
      const response = await fetch(intent === "async" ? "/api/compile/async" : "/api/compile/stream", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body,
      });
      if (response.status === 429) {
        const seconds = Number(response.headers.get("Retry-After")) || 60;
        setRateLimit((previous) => ({ key: (previous?.key ?? 0) + 1, seconds }));
        return;
      }
      if (!response.ok || !response.body) {
        const problem = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
        setErrors({ configuration: problem?.error?.message ?? `The server answered ${response.status}.` });
        return;
      }
      if (intent === "async") {
        navigate("/dashboard/jobs");
        return;
      }
      let step = 0;
      const say = (text: string) => setProgress((previous) => [...previous, { key: step++, text }]);
      for await (const event of readEvents(response.body)) {
        if (event.event === "source_start") started.add(Number(event.data.sourceIndex));
        if (event.event === "source_done") started.delete(Number(event.data.sourceIndex));
        if (event.event === "result") {
          setResult(event.data as unknown as StreamResult);
          setResultFormat(input.outputFormat);
          setResultName(listNameOf(input.configuration));
        } else if (event.event === "error") {
          // a source that started and never finished is the one that failed
          for (const index of started) say(`Source ${index + 1}: failed`);
          setResultError((event.data as { error?: { message?: string } }).error?.message ?? "The compile failed.");
        } else {
          const text = progressText(event);
          if (text) say(text);
        }
      }
    } catch {
      setResultError("The connection to the server was lost.");
    } finally {
      setRunning(false);
      resetTurnstile();
    }
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    // "Publish" is a plain form post to the new-list page, with or without JavaScript.
    if (submitter?.value === "publish") return;
    event.preventDefault();
    const intent = parseIntent(submitter?.value ?? "compile");
    if (intent.kind === "compile" || intent.kind === "async") void run(intent.kind);
    else if (intent.kind === "load-preset") choosePreset(input.presetId);
    else setInput((previous) => editSources(previous, intent));
  };

  const fullText = result ? result.rules.join("\n") : serverResult?.text;
  // A streamed list can be megabytes: hand the browser a Blob rather than a data: URL.
  const [blobUrl, setBlobUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!result) return;
    const url = URL.createObjectURL(new Blob([result.rules.join("\n")], { type: "text/plain" }));
    setBlobUrl(url);
    return () => URL.revokeObjectURL(url);
  }, [result]);
  const ruleCount = result?.ruleCount ?? serverResult?.ruleCount;
  const preview = result ? result.rules.slice(0, 200) : serverResult?.preview;
  const lineCount = result?.rules.length ?? serverResult?.lineCount ?? 0;
  const explanation = result ? result.explanation : serverResult?.explanation;

  const blocked = running || (hydrated && rateLimit !== null);
  const fileName = listFileName(resultName, resultFormat, result?.compiledAt ?? serverResult?.compiledAt);

  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Card title="Input">
        <form ref={form} method="post" encType="multipart/form-data" onSubmit={onSubmit} className="space-y-4">
          {/* Enter in a text field submits with the form's first button: make that Compile, not Remove. */}
          <button type="submit" name="intent" value="compile" className="sr-only" tabIndex={-1} aria-hidden="true">
            Compile
          </button>
          <div>
            <label htmlFor="preset" className="block text-sm font-medium">
              Preset
            </label>
            <div className="flex gap-2">
              <select
                id="preset"
                name="preset"
                className={inputClass}
                value={input.presetId}
                onChange={(event) => choosePreset(event.target.value)}
              >
                {presets.map((candidate) => (
                  <option key={candidate.id} value={candidate.id}>
                    {candidate.label}
                  </option>
                ))}
              </select>
              <noscript>
                <button type="submit" name="intent" value="load-preset" className={`${secondaryButton} mt-1`}>
                  Load
                </button>
              </noscript>
            </div>
          </div>
          <SourceBoxes sources={input.sources} errors={errors} onChange={updateSource} />
          <div>
            <label htmlFor="configuration" className="block text-sm font-medium">
              Configuration (hostlist-compiler JSON; its own sources are fetched by URL)
            </label>
            <textarea
              id="configuration"
              name="configuration"
              rows={12}
              spellCheck={false}
              className={`${inputClass} font-mono text-xs`}
              value={input.configuration}
              onChange={(event) => update({ configuration: event.target.value })}
              aria-invalid={Boolean(errors.configuration)}
              aria-describedby={errors.configuration ? "configuration-error" : undefined}
            />
            <FieldError id="configuration-error" message={errors.configuration} />
          </div>
          {turnstileTestMode ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">
              <input type="hidden" name="cf-turnstile-response" value={TURNSTILE_DUMMY_TOKEN} />
              Turnstile is in test mode (test site key): the dummy token is sent.
            </p>
          ) : (
            <>
              <div className="cf-turnstile" data-sitekey={siteKey} data-action="compile" />
              <script src="https://challenges.cloudflare.com/turnstile/v0/api.js" async defer nonce={nonce} />
            </>
          )}
          <div>
            <label htmlFor="outputFormat" className="block text-sm font-medium">
              Output format
            </label>
            <select
              id="outputFormat"
              name="outputFormat"
              className={inputClass}
              value={input.outputFormat}
              onChange={(event) => update({ outputFormat: event.target.value as OutputFormat })}
              data-testid="playground-format"
            >
              {OUTPUT_FORMATS.map((format) => (
                <option key={format} value={format}>
                  {format}
                </option>
              ))}
            </select>
          </div>
          <div className="flex flex-wrap gap-3">
            <button type="submit" name="intent" value="compile" className={primaryButton} disabled={blocked}>
              {running ? "Compiling…" : "Compile"}
            </button>
            <button type="submit" name="intent" value="async" className={secondaryButton} disabled={blocked}>
              Run async
            </button>
            <button
              type="submit"
              name="intent"
              value="publish"
              formAction="/dashboard/lists/new"
              className={secondaryButton}
              disabled={running}
            >
              Publish as a list
            </button>
          </div>
        </form>
      </Card>
      <Card title="Result">
        {rateLimit && (
          <RateLimitBanner key={rateLimit.key} seconds={rateLimit.seconds} onReset={() => setRateLimit(null)} />
        )}
        {progress.length > 0 && (
          <ol className="mb-4 space-y-1 text-sm" data-testid="playground-progress" aria-live="polite">
            {progress.map((item) => (
              <li key={item.key}>{item.text}</li>
            ))}
          </ol>
        )}
        {resultError && (
          <p
            role="alert"
            data-testid="playground-error"
            className="mb-4 rounded-md bg-red-50 p-3 text-sm text-red-900 dark:bg-red-950 dark:text-red-100"
          >
            {resultError}
          </p>
        )}
        {fullText !== undefined && ruleCount !== undefined && preview ? (
          <div className="space-y-3">
            <p>
              <strong data-testid="playground-rule-count">{formatCount(ruleCount)}</strong> rules
              {(result?.cached ?? serverResult?.cached) ? " (from the cache)" : ""}.
            </p>
            <a
              data-testid="playground-download"
              className={`${secondaryButton} inline-block max-w-full break-all`}
              download={fileName}
              href={result && blobUrl ? blobUrl : `data:text/plain;charset=utf-8,${encodeURIComponent(fullText)}`}
            >
              Download {fileName}
            </a>
            {preview.length < lineCount && (
              <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="playground-preview-count">
                Showing {formatCount(preview.length)} of {formatCount(lineCount)} lines: the download has them all.
              </p>
            )}
            <pre
              className="max-h-96 overflow-auto rounded-lg bg-slate-950 p-4 text-xs text-slate-100"
              data-testid="playground-preview"
            >
              {preview.join("\n")}
            </pre>
            {explanation && <ExplanationPane explanation={explanation} />}
          </div>
        ) : (
          !resultError && (
            <p className="text-slate-600 dark:text-slate-400">
              {running ? "Working…" : "Compile a configuration to see the list here."}
            </p>
          )
        )}
      </Card>
    </div>
  );
}
