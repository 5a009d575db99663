import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/cloudflare";
import { useActionData, useLoaderData } from "@remix-run/react";
import type { ComponentProps } from "react";
import { z } from "zod";
import { OUTPUT_FORMATS } from "~/compiler/formats/report";
import { Playground } from "~/components/dashboard/playground";
import { useNonce } from "~/components/nonce";
import { PLAYGROUND_EXPLAIN_MAX_CHARACTERS } from "~/components/playground/explanation";
import { isTurnstileTestSiteKey, PRESETS } from "~/presets";
import { requireUser } from "~/services/auth.server";
import { compileForCaller, compileResultBody, parseCompileRequest } from "~/services/compilations.server";
import { readForm, validateForm } from "~/services/forms.server";
import { guardPage } from "~/services/guard.server";
import { enqueueJobs } from "~/services/jobs.server";

export const meta: MetaFunction = () => [{ title: "Compile · Bloqr" }];

// What the page shows of a list compiled without JavaScript; the download has all of it.
const PREVIEW_LINES = 200;

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args);
  const siteKey = args.context.config.TURNSTILE_SITE_KEY;
  return { presets: PRESETS, siteKey, turnstileTestMode: isTurnstileTestSiteKey(siteKey) };
}

const json = (label: string) =>
  z.string().transform((text, context) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      context.addIssue({ code: "custom", message: `${label} is not valid JSON.` });
      return z.NEVER;
    }
  });

const compileForm = z.object({
  intent: z.enum(["compile", "async"]),
  configuration: json("The configuration"),
  preFetchedContent: z.preprocess(
    (value) => (value === "" || value === undefined ? "{}" : value),
    json("The pre-fetched content").pipe(
      z.record(z.string(), z.string(), { error: "Map each source URL to its text." }),
    ),
  ),
  outputFormat: z.enum(OUTPUT_FORMATS).default("adblock"),
  "cf-turnstile-response": z.string().optional(),
});

/**
 * The playground without JavaScript: compile here and show the result, or queue the job — through
 * the API's own steps (limit, configuration, Turnstile), so analytics and limit headers match.
 */
export async function action(args: ActionFunctionArgs) {
  const user = await requireUser(args);
  const form = await readForm(args.request);
  const parsed = validateForm(form, compileForm);
  if (!parsed.ok) return Response.json({ errors: parsed.errors });
  const { intent, preFetchedContent, outputFormat } = parsed.data;
  return guardPage(
    args,
    user,
    {
      turnstile: true,
      body: () => ({
        configuration: parseCompileRequest(parsed.data.configuration, preFetchedContent),
        turnstileToken: parsed.data["cf-turnstile-response"],
      }),
      onError: (error, limitHeaders) =>
        Response.json({ errors: { configuration: error.message } }, { headers: limitHeaders }),
    },
    async ({ body: { configuration }, db }) => {
      if (intent === "async") {
        await enqueueJobs(
          db,
          args.context.services.queues,
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
        outputFormat,
        explain: pastedCharacters(preFetchedContent) <= PLAYGROUND_EXPLAIN_MAX_CHARACTERS,
      });
      return Response.json({
        result: {
          ruleCount: outcome.ruleCount,
          cached: outcome.cached,
          preview: outcome.rules.slice(0, PREVIEW_LINES),
          lineCount: outcome.rules.length,
          text: outcome.text,
          outputFormat,
          explanation: compileResultBody(outcome).explanation,
        },
      });
    },
  );
}

/** What the action answers (in a Response, so the limit headers go with it). */
type ActionData = { errors: Record<string, string> } | { result: ComponentProps<typeof Playground>["serverResult"] };

export default function Compile() {
  const { presets, siteKey, turnstileTestMode } = useLoaderData<typeof loader>();
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
        serverResult={actionData && "result" in actionData ? actionData.result : undefined}
        serverErrors={actionData && "errors" in actionData ? actionData.errors : undefined}
      />
    </main>
  );
}

const pastedCharacters = (content: Record<string, string>) =>
  Object.values(content).reduce((total, text) => total + text.length, 0);
