import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/cloudflare";
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
import { compileForCaller, compileResultBody, parseCompileRequest } from "~/services/compilations.server";
import { PLAYGROUND_FORM_MAX_BYTES, readForm } from "~/services/forms.server";
import { guardPage } from "~/services/guard.server";
import { enqueueJobs } from "~/services/jobs.server";
import { firstLines, lineCount } from "~/services/list-json.server";
import { readPlaygroundForm } from "~/services/playground.server";
import { MAX_SOURCE_BYTES } from "~/services/sources.server";

export const meta: MetaFunction = () => [{ title: "Compile · Bloqr" }];

// What the page shows of a list compiled without JavaScript; the download has all of it.
const PREVIEW_LINES = 200;
const megabytes = (bytes: number) => `${bytes / 1024 / 1024} MB`;

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args);
  const siteKey = args.context.config.TURNSTILE_SITE_KEY;
  return {
    presets: PRESETS,
    siteKey,
    turnstileTestMode: isTurnstileTestSiteKey(siteKey),
    maxFormBytes: PLAYGROUND_FORM_MAX_BYTES,
    tooLargeMessage:
      `The input is over ${megabytes(PLAYGROUND_FORM_MAX_BYTES)}: give the big lists as source URLs in the ` +
      `configuration instead (the server fetches up to ${megabytes(MAX_SOURCE_BYTES)} per source).`,
    tooLarge: new URL(args.request.url).searchParams.has("too-large"),
  };
}

/** What the action answers (in a Response, so the limit headers and status go with it). */
interface ActionData {
  input: PlaygroundInput;
  result?: ComponentProps<typeof Playground>["serverResult"];
  errors?: FieldErrors;
  rateLimited?: { retryAfterSeconds: number };
}

/**
 * The playground without JavaScript: compile here and show the result with the input as it was
 * sent, or queue the job — through the API's own steps (limit, configuration, Turnstile).
 */
export async function action(args: ActionFunctionArgs) {
  const user = await requireUser(args);
  const { intent, input, turnstileToken } = await readPlaygroundForm(await readForm(args.request));
  const answer = (data: ActionData, init?: ResponseInit) => Response.json(data, init);
  if (intent.kind === "load-preset") {
    const preset = PRESETS.find((candidate) => candidate.id === input.presetId) ?? PRESETS[0];
    return answer({ input: presetInput(preset, input.outputFormat) });
  }
  if (intent.kind === "add-source" || intent.kind === "remove-source")
    return answer({ input: editSources(input, intent) });
  const composed = composeRequest(input);
  if (!composed.ok) return answer({ input, errors: composed.errors }, { status: 400 });
  const { preFetchedContent } = composed;
  return guardPage(
    args,
    user,
    {
      turnstile: true,
      body: () => ({ configuration: parseCompileRequest(composed.configuration, preFetchedContent), turnstileToken }),
      onError: (error, limitHeaders) =>
        error.status === 429
          ? answer(
              { input, rateLimited: { retryAfterSeconds: Number(limitHeaders["Retry-After"]) || 60 } },
              { status: 429, headers: limitHeaders },
            )
          : answer(
              { input, errors: { configuration: error.message } },
              { status: error.status, headers: limitHeaders },
            ),
    },
    async ({ body: { configuration }, db }) => {
      const explain = pastedCharacters(preFetchedContent) <= PLAYGROUND_EXPLAIN_MAX_CHARACTERS;
      if (intent.kind === "async") {
        await enqueueJobs(
          db,
          args.context.services.queues,
          user,
          "standard",
          [{ configuration, preFetchedContent, explain }],
          args.context.analytics,
        );
        return redirect("/dashboard/jobs");
      }
      const outcome = await compileForCaller(args.context, user, "sync", {
        configuration,
        preFetchedContent,
        outputFormat: input.outputFormat,
        explain,
      });
      return answer({
        input,
        result: {
          ruleCount: outcome.ruleCount,
          cached: outcome.cached,
          compiledAt: outcome.compiledAt,
          preview: firstLines(outcome.text, PREVIEW_LINES),
          lineCount: lineCount(outcome.text),
          text: outcome.text,
          outputFormat: input.outputFormat,
          explanation: compileResultBody(outcome).explanation,
        },
      });
    },
  );
}

export default function Compile() {
  const { presets, siteKey, turnstileTestMode, maxFormBytes, tooLarge, tooLargeMessage } =
    useLoaderData<typeof loader>();
  const actionData = useActionData<ActionData>();
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
