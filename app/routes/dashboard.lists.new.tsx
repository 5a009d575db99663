import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { LIST_NAME_MAX } from "~/api/schemas";
import { OUTPUT_FORMATS } from "~/compiler/formats/report";
import { everyText } from "~/components/lists";
import { Card, FieldError, inputClass, primaryButton, SelectField, TextField } from "~/components/ui";
import { LIST_VISIBILITIES } from "~/domain";
import { requireUser } from "~/services/auth.server";
import { parseCompileRequest } from "~/services/compilations.server";
import { readForm, validateForm } from "~/services/forms.server";
import { ApiError } from "~/services/http.server";
import { enqueueRefresh, listServicesOf } from "~/services/list-refresh.server";
import { createList, LIST_LIMITS } from "~/services/lists.server";

export const meta: MetaFunction = () => [{ title: "New list · Bloqr" }];

const asArray = (value: unknown) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

const createForm = z.object({
  intent: z.literal("create"),
  name: z.string().trim().min(1, "Give the list a name.").max(LIST_NAME_MAX, `At most ${LIST_NAME_MAX} characters.`),
  configuration: z.string().transform((text, context) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      context.addIssue({ code: "custom", message: "The configuration is not valid JSON." });
      return z.NEVER;
    }
  }),
  formats: z.preprocess(asArray, z.array(z.enum(OUTPUT_FORMATS)).min(1, "Pick at least one format.")),
  visibility: z.enum(LIST_VISIBILITIES).default("unlisted"),
  slug: z.string().trim().optional(),
  refreshMinutes: z.coerce.number().int().min(5),
});

// What the playground's "Publish" button posts: its configuration and format, to start the form with.
const publishForm = z.object({
  intent: z.literal("publish"),
  configuration: z.string(),
  outputFormat: z.enum(OUTPUT_FORMATS).default("adblock"),
});

export async function loader(args: LoaderFunctionArgs) {
  const user = await requireUser(args);
  return { minRefreshMinutes: LIST_LIMITS[user.tier].minRefreshMinutes, tier: user.tier };
}

export async function action(args: ActionFunctionArgs) {
  const user = await requireUser(args);
  const form = await readForm(args.request);
  if (form.get("intent") === "publish") {
    const parsed = validateForm(form, publishForm);
    if (!parsed.ok) return { errors: parsed.errors };
    let name = "";
    try {
      name = String((JSON.parse(parsed.data.configuration) as { name?: unknown }).name ?? "");
    } catch {}
    return { prefill: { name, configuration: parsed.data.configuration, formats: [parsed.data.outputFormat] } };
  }
  const parsed = validateForm(form, createForm);
  if (!parsed.ok) return { errors: parsed.errors };
  const { db } = args.context.database;
  try {
    const list = await createList(
      db,
      { userId: user.userId, tier: user.tier },
      {
        ...parsed.data,
        configuration: parseCompileRequest(parsed.data.configuration),
        slug: parsed.data.slug || undefined,
      },
      args.context.config.SOURCE_ALLOW_PRIVATE_HOSTS,
    );
    // The first version now, not at the next cron run.
    await enqueueRefresh(listServicesOf(args.context), list);
    return redirect(`/dashboard/lists/${list.id}`);
  } catch (error) {
    if (error instanceof ApiError) return { errors: { form: error.message } as Record<string, string> };
    throw error;
  }
}

const VISIBILITY_OPTIONS = [
  { value: "unlisted", label: "Unlisted (a secret URL)" },
  { value: "public", label: "Public (a slug you choose)" },
] satisfies { value: (typeof LIST_VISIBILITIES)[number]; label: string }[];

export default function NewList() {
  const { minRefreshMinutes, tier } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const prefill = result && "prefill" in result ? result.prefill : undefined;
  const errors: Record<string, string> = (result && "errors" in result && result.errors) || {};
  const choices = [5, 15, 60, 360, 720, 1440, 10080].filter((minutes) => minutes >= minRefreshMinutes);
  return (
    <main className="mt-8 space-y-6">
      <h1 className="text-3xl font-bold">New published list</h1>
      <Card title="List">
        <Form method="post" action="/dashboard/lists/new" className="grid gap-4" noValidate>
          <input type="hidden" name="intent" value="create" />
          <TextField
            id="list-name"
            name="name"
            label="Name"
            defaultValue={prefill?.name}
            maxLength={LIST_NAME_MAX}
            error={errors.name}
          />
          <div>
            <label htmlFor="list-configuration" className="block text-sm font-medium">
              Configuration (JSON: sources by URL, transformations, exclusions)
            </label>
            <textarea
              id="list-configuration"
              name="configuration"
              rows={10}
              defaultValue={prefill?.configuration}
              className={`${inputClass} font-mono text-sm`}
              aria-invalid={Boolean(errors.configuration)}
            />
            <FieldError id="list-configuration-error" message={errors.configuration} />
          </div>
          <fieldset>
            <legend className="text-sm font-medium">Formats (one subscribe URL each)</legend>
            <div className="mt-2 flex flex-wrap gap-3">
              {OUTPUT_FORMATS.map((format) => (
                <label key={format} className="flex items-center gap-2 text-sm">
                  <input
                    type="checkbox"
                    name="formats"
                    value={format}
                    defaultChecked={(prefill?.formats ?? ["adblock"]).includes(format)}
                  />
                  <code>{format}</code>
                </label>
              ))}
            </div>
            <FieldError id="list-formats-error" message={errors.formats} />
          </fieldset>
          <div className="grid gap-4 sm:grid-cols-3">
            <div>
              <SelectField
                id="list-refresh"
                name="refreshMinutes"
                label={`Refresh (${tier}: at most ${everyText(minRefreshMinutes)})`}
                options={choices.map((minutes) => ({ value: String(minutes), label: everyText(minutes) }))}
                defaultValue={String(minRefreshMinutes)}
              />
            </div>
            <div>
              <SelectField
                id="list-visibility"
                name="visibility"
                label="Visibility"
                options={VISIBILITY_OPTIONS}
                defaultValue="unlisted"
              />
            </div>
            <TextField id="list-slug" name="slug" label="Slug (public lists only)" placeholder="my-blocklist" />
          </div>
          <div>
            <FieldError id="list-form-error" message={errors.form} />
            <button type="submit" className={primaryButton}>
              Create list
            </button>
          </div>
        </Form>
      </Card>
    </main>
  );
}
