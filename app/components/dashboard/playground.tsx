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
import { Card, FieldError, inputClass, primaryButton, secondaryButton } from "../ui";

interface ServerResult {
  ruleCount: number;
  cached: boolean;
  preview: string[];
  lineCount: number;
  text: string;
  outputFormat: OutputFormat;
  explanation?: ExplanationResult;
}

interface Progress {
  key: number;
  text: string;
}

interface StreamResult {
  rules: string[];
  ruleCount: number;
  cached: boolean;
  explanation?: ExplanationResult;
}

type StreamEvent = { event: string; data: Record<string, unknown> };

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

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

function downloadName(configurationText: string, format: OutputFormat): string {
  try {
    return listFileName(String(JSON.parse(configurationText).name ?? "list"), format);
  } catch {
    return listFileName("list", format);
  }
}

export function Playground(props: {
  presets: Preset[];
  siteKey: string;
  turnstileTestMode: boolean;
  nonce: string;
  serverResult?: ServerResult;
  serverErrors?: Record<string, string>;
}) {
  const { presets, siteKey, turnstileTestMode, nonce, serverResult, serverErrors } = props;
  const navigate = useNavigate();
  const form = useRef<HTMLFormElement>(null);
  const [presetId, setPresetId] = useState(presets[0].id);
  const preset = presets.find((candidate) => candidate.id === presetId) ?? presets[0];
  const [configuration, setConfiguration] = useState(pretty(preset.configuration));
  const [preFetched, setPreFetched] = useState(preset.preFetchedContent ? pretty(preset.preFetchedContent) : "");
  const [progress, setProgress] = useState<Progress[]>([]);
  const [result, setResult] = useState<StreamResult | null>(null);
  const [error, setError] = useState<string | null>(serverErrors?.configuration ?? null);
  const [running, setRunning] = useState(false);
  const [outputFormat, setOutputFormat] = useState<OutputFormat>(serverResult?.outputFormat ?? "adblock");
  // the format the shown result is in (the picker may have changed since)
  const [resultFormat, setResultFormat] = useState<OutputFormat>(serverResult?.outputFormat ?? "adblock");

  const choosePreset = (id: string) => {
    const next = presets.find((candidate) => candidate.id === id) ?? presets[0];
    setPresetId(next.id);
    setConfiguration(pretty(next.configuration));
    setPreFetched(next.preFetchedContent ? pretty(next.preFetchedContent) : "");
    setResult(null);
    setProgress([]);
    setError(null);
  };

  const requestBody = (intent: "compile" | "async") => {
    const token = (new FormData(form.current ?? undefined).get("cf-turnstile-response") as string | null) ?? "";
    return JSON.stringify({
      configuration: JSON.parse(configuration),
      ...(preFetched.trim() ? { preFetchedContent: JSON.parse(preFetched) } : {}),
      // a job keeps the adblock list; its page downloads it in any format
      ...(intent === "compile"
        ? { outputFormat, explain: preFetched.length <= PLAYGROUND_EXPLAIN_MAX_CHARACTERS }
        : {}),
      turnstileToken: token,
    });
  };

  const resetTurnstile = () => (window as { turnstile?: { reset(): void } }).turnstile?.reset();

  const run = async (intent: "compile" | "async") => {
    setError(null);
    setResult(null);
    setProgress([]);
    let body: string;
    try {
      body = requestBody(intent);
    } catch {
      setError("The configuration or the pre-fetched content is not valid JSON.");
      return;
    }
    setRunning(true);
    try {
      const response = await fetch(intent === "async" ? "/api/compile/async" : "/api/compile/stream", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body,
      });
      if (!response.ok || !response.body) {
        const problem = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
        setError(problem?.error?.message ?? `The server answered ${response.status}.`);
        return;
      }
      if (intent === "async") {
        navigate("/dashboard/jobs");
        return;
      }
      let step = 0;
      for await (const event of readEvents(response.body)) {
        if (event.event === "result") {
          setResult(event.data as unknown as StreamResult);
          setResultFormat(outputFormat);
        } else if (event.event === "error") {
          setError((event.data as { error?: { message?: string } }).error?.message ?? "The compile failed.");
        } else {
          const text = progressText(event);
          if (text) setProgress((previous) => [...previous, { key: step++, text }]);
        }
      }
    } catch {
      setError("The connection to the server was lost.");
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
    void run(submitter?.value === "async" ? "async" : "compile");
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

  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Card title="Configuration">
        <form ref={form} method="post" onSubmit={onSubmit} className="space-y-4">
          <div>
            <label htmlFor="preset" className="block text-sm font-medium">
              Preset
            </label>
            <select
              id="preset"
              className={inputClass}
              value={presetId}
              onChange={(event) => choosePreset(event.target.value)}
            >
              {presets.map((candidate) => (
                <option key={candidate.id} value={candidate.id}>
                  {candidate.label}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="configuration" className="block text-sm font-medium">
              Configuration (hostlist-compiler format)
            </label>
            <textarea
              id="configuration"
              name="configuration"
              rows={16}
              spellCheck={false}
              className={`${inputClass} font-mono text-xs`}
              value={configuration}
              onChange={(event) => setConfiguration(event.target.value)}
              aria-invalid={Boolean(error ?? serverErrors?.configuration)}
              aria-describedby="configuration-error"
            />
            <FieldError id="configuration-error" message={error ?? serverErrors?.configuration} />
          </div>
          <div>
            <label htmlFor="preFetchedContent" className="block text-sm font-medium">
              Pre-fetched content (optional: source URL → list text, used instead of downloading)
            </label>
            <textarea
              id="preFetchedContent"
              name="preFetchedContent"
              rows={6}
              spellCheck={false}
              className={`${inputClass} font-mono text-xs`}
              value={preFetched}
              onChange={(event) => setPreFetched(event.target.value)}
              aria-describedby="preFetchedContent-error"
            />
            <FieldError id="preFetchedContent-error" message={serverErrors?.preFetchedContent} />
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
              value={outputFormat}
              onChange={(event) => setOutputFormat(event.target.value as OutputFormat)}
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
            <button type="submit" name="intent" value="compile" className={primaryButton} disabled={running}>
              {running ? "Compiling…" : "Compile"}
            </button>
            <button type="submit" name="intent" value="async" className={secondaryButton} disabled={running}>
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
        {progress.length > 0 && (
          <ol className="mb-4 space-y-1 text-sm" data-testid="playground-progress" aria-live="polite">
            {progress.map((item) => (
              <li key={item.key}>{item.text}</li>
            ))}
          </ol>
        )}
        {fullText !== undefined && ruleCount !== undefined && preview ? (
          <div className="space-y-3">
            <p>
              <strong data-testid="playground-rule-count">{formatCount(ruleCount)}</strong> rules
              {(result?.cached ?? serverResult?.cached) ? " (from the cache)" : ""}.
            </p>
            <a
              data-testid="playground-download"
              className={secondaryButton}
              download={downloadName(configuration, resultFormat)}
              href={result && blobUrl ? blobUrl : `data:text/plain;charset=utf-8,${encodeURIComponent(fullText)}`}
            >
              Download {downloadName(configuration, resultFormat)}
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
          <p className="text-slate-600 dark:text-slate-400">
            {running ? "Working…" : "Compile a configuration to see the list here."}
          </p>
        )}
      </Card>
    </div>
  );
}
