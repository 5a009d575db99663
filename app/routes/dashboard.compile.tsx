import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/cloudflare";
import { useActionData, useLoaderData } from "@remix-run/react";
import type { ComponentProps } from "react";
import { Playground } from "~/components/dashboard/playground";
import { useNonce } from "~/components/nonce";
import { PLAYGROUND_EXPLAIN_MAX_CHARACTERS } from "~/components/playground/explanation";
import {
  composeRequest,
  editSources,
  type FieldErrors,
  type PlaygroundInput,
  pastedCharacters,
  presetInput,
} from "~/components/playground/input";
import { isTurnstileTestSiteKey, PRESETS } from "~/presets";
import { requireUser } from "~/services/auth.server";
import { checkedConfiguration, compileForCaller, compileResultBody } from "~/services/compilations.server";
import { PLAYGROUND_FORM_MAX_BYTES, readForm } from "~/services/forms.server";
import { checkPageCompile } from "~/services/guard.server";
import { ApiError } from "~/services/http.server";
import { compileQueues, enqueueJobs } from "~/services/jobs.server";
import { readPlaygroundForm } from "~/services/playground.server";
import { MAX_SOURCE_BYTES } from "~/services/sources.server";

export const meta: MetaFunction = () => [{ title: "Compile · Bloqr" }];

// What the page shows of a list compiled without JavaScript; the download has all of it.
const PREVIEW_LINES = 200;
const megabytes = (bytes: number) => `${bytes / 1024 / 1024} MB`;

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args);
  const siteKey = args.context.config.TURNSTILE_SITE_KEY;
  const tooLarge = new URL(args.request.url).searchParams.has("too-large");
  return {
    presets: PRESETS,
    siteKey,
    turnstileTestMode: isTurnstileTestSiteKey(siteKey),
    maxFormBytes: PLAYGROUND_FORM_MAX_BYTES,
    tooLargeMessage:
      `The input is over ${megabytes(PLAYGROUND_FORM_MAX_BYTES)}: give the big lists as source URLs in the ` +
      `configuration instead (the server fetches up to ${megabytes(MAX_SOURCE_BYTES)} per source).`,
    tooLarge,
  };
}

interface ActionData {
  input: PlaygroundInput;
  result?: ComponentProps<typeof Playground>["serverResult"];
  errors?: FieldErrors;
  rateLimited?: { retryAfterSeconds: number };
}

const retryAfterSeconds = (error: ApiError) => Number(new Headers(error.headers).get("Retry-After")) || 60;

/** The playground without JavaScript: compile here and show the result (and the input again), or queue the job. */
export async function action(args: ActionFunctionArgs) {
  const user = await requireUser(args);
  const { intent, input, turnstileToken } = await readPlaygroundForm(await readForm(args.request));
  if (intent.kind === "load-preset") {
    const preset = PRESETS.find((candidate) => candidate.id === input.presetId) ?? PRESETS[0];
    return { input: presetInput(preset, input.outputFormat) };
  }
  if (intent.kind === "add-source" || intent.kind === "remove-source") return { input: editSources(input, intent) };
  const composed = composeRequest(input);
  if (!composed.ok) return data({ input, errors: composed.errors }, { status: 400 });
  const { configuration, preFetchedContent } = composed;
  try {
    checkedConfiguration(configuration, preFetchedContent);
    await checkPageCompile(args, user, turnstileToken || null);
    if (intent.kind === "async") {
      await enqueueJobs(
        args.context.database.db,
        compileQueues(args.context.cloudflare.env),
        user,
        "standard",
        [{ configuration, preFetchedContent }],
        args.context.analytics,
      );
      return redirect("/dashboard/jobs");
    }
    const outcome = await compileForCaller(args.context, user, "sync", {
      configuration,
      preFetchedContent,
      outputFormat: input.outputFormat,
      explain: pastedCharacters(preFetchedContent) <= PLAYGROUND_EXPLAIN_MAX_CHARACTERS,
    });
    return {
      input,
      result: {
        ruleCount: outcome.ruleCount,
        cached: outcome.cached,
        preview: outcome.rules.slice(0, PREVIEW_LINES),
        lineCount: outcome.rules.length,
        text: outcome.text,
        outputFormat: input.outputFormat,
        explanation: compileResultBody(outcome).explanation,
      },
    };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 429) {
      return data({ input, rateLimited: { retryAfterSeconds: retryAfterSeconds(error) } }, { status: 429 });
    }
    return data({ input, errors: { configuration: error.message } }, { status: error.status });
  }
}

export default function Compile() {
  const { presets, siteKey, turnstileTestMode, maxFormBytes, tooLarge, tooLargeMessage } =
    useLoaderData<typeof loader>();
  // `data()` answers with a status; without single fetch's type augmentation its shape is stated here
  const actionData = useActionData() as ActionData | undefined;
  const nonce = useNonce();
  return (
    <main className="mt-8 space-y-6">
      <h1 className="text-3xl font-bold">Compile playground</h1>
      <Playground
        presets={presets}
        siteKey={siteKey}
        turnstileTestMode={turnstileTestMode}
        nonce={nonce}
        maxFormBytes={maxFormBytes}
        tooLargeMessage={tooLargeMessage}
        tooLarge={tooLarge && !actionData}
        submitted={actionData?.input}
        serverResult={actionData?.result}
        serverErrors={actionData?.errors}
        rateLimited={actionData?.rateLimited}
      />
    </main>
  );
}
