import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { z } from "zod";
import { KEY_NAME_MAX } from "~/api/schemas";
import { ConfirmForm } from "~/components/confirm-form";
import { CopyButton } from "~/components/copy-button";
import {
  Card,
  compactInputClass,
  DataTable,
  FieldError,
  formatDate,
  inputClass,
  primaryButton,
  SelectField,
  secondaryButton,
  TextField,
} from "~/components/ui";
import { API_KEY_SCOPES, isActiveKey } from "~/domain";
import {
  createApiKey,
  listApiKeys,
  MAX_ACTIVE_KEYS_PER_USER,
  maxKeyLimit,
  revokeApiKey,
  updateApiKey,
} from "~/services/api-keys.server";
import { requireUser } from "~/services/auth.server";
import { readForm, validateForm } from "~/services/forms.server";
import { ApiError } from "~/services/http.server";

export const meta: MetaFunction = () => [{ title: "API keys · Bloqr" }];

const EXPIRY_CHOICES = { never: null, "7": 7, "30": 30, "90": 90, "365": 365 } as const;

const keyName = z
  .string()
  .trim()
  .min(1, "Give the key a name.")
  .max(KEY_NAME_MAX, `At most ${KEY_NAME_MAX} characters.`);
const asArray = (value: unknown) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
/** Empty means "the tier's limit"; above the tier's maximum is refused here, beside the field. */
const keyLimit = (maxLimit: number, tier: string) =>
  z.preprocess(
    (value) => (value === "" || value === undefined ? undefined : Number(value)),
    z
      .number({ error: "A whole number, please." })
      .int("A whole number, please.")
      .min(1, "At least 1.")
      .max(maxLimit, `At most ${maxLimit} on the ${tier} tier.`)
      .optional(),
  );

const createForm = (maxLimit: number, tier: string) =>
  z.object({
    intent: z.literal("create"),
    name: keyName,
    scopes: z.preprocess(asArray, z.array(z.enum(API_KEY_SCOPES)).min(1, "Pick at least one scope.")),
    expiry: z.enum(Object.keys(EXPIRY_CHOICES) as [keyof typeof EXPIRY_CHOICES]).default("never"),
    rateLimitPerMinute: keyLimit(maxLimit, tier),
  });
const editForm = (maxLimit: number, tier: string) =>
  z.object({ intent: z.literal("edit"), id: z.uuid(), name: keyName, rateLimitPerMinute: keyLimit(maxLimit, tier) });
const revokeForm = z.object({ intent: z.literal("revoke"), id: z.uuid() });

/** What the create form sent, to fill it again beside its errors (a page without JavaScript reloads). */
const submittedKey = (form: FormData) => ({
  name: String(form.get("name") ?? ""),
  expiry: String(form.get("expiry") ?? "never"),
  scopes: form.getAll("scopes").map(String),
  rateLimitPerMinute: String(form.get("rateLimitPerMinute") ?? ""),
});

export async function loader(args: LoaderFunctionArgs) {
  const user = await requireUser(args);
  const keys = await listApiKeys(args.context.database.db, user.userId);
  return {
    keys,
    maxLimit: maxKeyLimit(user.tier),
    maxActiveKeys: MAX_ACTIVE_KEYS_PER_USER,
    tier: user.tier,
  };
}

export async function action(args: ActionFunctionArgs) {
  const user = await requireUser(args);
  const form = await readForm(args.request);
  const { db } = args.context.database;
  const owner = { userId: user.userId, tier: user.tier };
  try {
    switch (form.get("intent")) {
      case "create": {
        const parsed = validateForm(form, createForm(maxKeyLimit(user.tier), user.tier));
        if (!parsed.ok) return { intent: "create" as const, errors: parsed.errors, values: submittedKey(form) };
        const days = EXPIRY_CHOICES[parsed.data.expiry];
        const { key, plaintext } = await createApiKey(
          db,
          owner,
          {
            name: parsed.data.name,
            scopes: [...new Set(parsed.data.scopes)],
            expiresAt: days ? new Date(Date.now() + days * 86_400_000) : undefined,
            rateLimitPerMinute: parsed.data.rateLimitPerMinute,
          },
          args.context.analytics,
        );
        return { intent: "create" as const, created: { name: key.name, secret: plaintext } };
      }
      case "edit": {
        const parsed = validateForm(form, editForm(maxKeyLimit(user.tier), user.tier));
        if (!parsed.ok) return { intent: "edit" as const, id: String(form.get("id")), errors: parsed.errors };
        const { id, name, rateLimitPerMinute = null } = parsed.data;
        await updateApiKey(db, owner, id, { name, rateLimitPerMinute }, args.context.analytics);
        const limit = rateLimitPerMinute === null ? "the tier’s limit" : `${rateLimitPerMinute} per minute`;
        return { intent: "edit" as const, id, saved: `Saved “${name}”, ${limit}.` };
      }
      case "revoke": {
        const parsed = validateForm(form, revokeForm);
        if (!parsed.ok) throw new Response("Bad request", { status: 400 });
        await revokeApiKey(db, user.userId, parsed.data.id, args.context.analytics);
        return redirect("/dashboard/keys");
      }
      default:
        throw new Response("Unknown action", { status: 400 });
    }
  } catch (error) {
    // Service refusals (limit above the tier, 25 keys) are shown next to the form, not as an error page.
    if (error instanceof ApiError && error.status !== 404) {
      return {
        intent: String(form.get("intent")),
        id: String(form.get("id")),
        errors: { form: error.message } as Record<string, string>,
      };
    }
    if (error instanceof ApiError) throw new Response("Not found", { status: 404 });
    throw error;
  }
}

/**
 * The one sight of a new key's secret, Unkey-style: it replaces the create form until the user
 * confirms they have copied it (a required checkbox, so this holds without JavaScript too); then
 * a fresh page has an empty create form and no secret anywhere.
 */
function NewKeySecret({ name, secret }: { name: string; secret: string }) {
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => field.current?.focus(), []);
  return (
    <section
      aria-labelledby="new-key-title"
      className="rounded-xl border-2 border-amber-500 bg-amber-50 p-5 text-amber-950 dark:bg-amber-950 dark:text-amber-50"
      data-testid="new-key-panel"
    >
      <h2 id="new-key-title" className="font-semibold">
        Your new key “{name}”. Copy it now: it is shown only once and cannot be recovered.
      </h2>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <label htmlFor="new-key-secret" className="sr-only">
          New API key
        </label>
        <input
          ref={field}
          id="new-key-secret"
          data-testid="new-key-secret"
          readOnly
          value={secret}
          onFocus={(event) => event.currentTarget.select()}
          className={`${inputClass} max-w-xl font-mono`}
        />
        <CopyButton text={secret} />
      </div>
      <Form method="get" action="/dashboard/keys" className="mt-4 flex flex-wrap items-center gap-3">
        <label className="flex items-start gap-2 text-sm">
          <input type="checkbox" name="copied" value="yes" required className="mt-1" />
          <span>I have copied this key and stored it safely; it will not be shown again.</span>
        </label>
        <button type="submit" className={primaryButton}>
          Done
        </button>
      </Form>
    </section>
  );
}

function KeyEditForm({
  apiKey,
  errors,
  saved,
  maxLimit,
}: {
  apiKey: { id: string; name: string; prefix: string; rateLimitPerMinute: number | null };
  errors: Record<string, string>;
  saved?: string;
  maxLimit: number;
}) {
  const id = apiKey.id;
  return (
    <Form method="post" className="flex flex-wrap items-end gap-2">
      <input type="hidden" name="intent" value="edit" />
      <input type="hidden" name="id" value={id} />
      <TextField
        compact
        className="min-w-0"
        id={`name-${id}`}
        name="name"
        label={`Name of key ${apiKey.prefix}`}
        defaultValue={apiKey.name}
        maxLength={KEY_NAME_MAX}
        inputClassName={`${compactInputClass} w-40 max-w-full`}
        error={errors.name}
      />
      <TextField
        compact
        id={`limit-${id}`}
        name="rateLimitPerMinute"
        label={`Per minute of key ${apiKey.prefix} (empty: tier limit, at most ${maxLimit})`}
        inputMode="numeric"
        defaultValue={apiKey.rateLimitPerMinute ?? ""}
        placeholder="tier limit"
        inputClassName={`${compactInputClass} w-28`}
        error={errors.rateLimitPerMinute}
      />
      <button type="submit" className={secondaryButton}>
        Save
      </button>
      <FieldError id={`edit-${id}-error`} message={errors.form} />
      {saved && (
        <p role="status" className="w-full text-sm text-emerald-800 dark:text-emerald-300" data-testid="key-saved">
          {saved}
        </p>
      )}
    </Form>
  );
}

const EXPIRY_OPTIONS = [
  { value: "never", label: "Never" },
  { value: "7", label: "In 7 days" },
  { value: "30", label: "In 30 days" },
  { value: "90", label: "In 90 days" },
  { value: "365", label: "In a year" },
];

export default function Keys() {
  const { keys, maxLimit, maxActiveKeys, tier } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const [searchParams] = useSearchParams();
  const confirmId = searchParams.get("revoke");
  const errors: Record<string, string> = (result && "errors" in result && result.errors) || {};
  const createErrors = result?.intent === "create" ? errors : {};
  const values = result && "values" in result ? result.values : undefined;
  const created = result && "created" in result ? result.created : null;
  // expired keys stay listed with their expiry; the count is of keys that still work
  const active = keys.filter((key) => !key.revokedAt);
  const usable = keys.filter((key) => isActiveKey(key)).length;
  const revoked = keys.filter((key) => key.revokedAt);
  const busy = navigation.state === "submitting";

  return (
    <main className="mt-8 space-y-6">
      <h1 className="text-3xl font-bold">API keys</h1>
      {created ? (
        <NewKeySecret {...created} />
      ) : (
        <Card title="Create a key">
          <Form method="post" className="grid gap-4 sm:grid-cols-2" noValidate>
            <input type="hidden" name="intent" value="create" />
            <TextField
              id="key-name"
              name="name"
              label="Name"
              defaultValue={values?.name}
              maxLength={KEY_NAME_MAX}
              error={createErrors.name}
            />
            <div>
              <SelectField
                id="key-expiry"
                name="expiry"
                label="Expires"
                options={EXPIRY_OPTIONS}
                defaultValue={values?.expiry ?? "never"}
              />
            </div>
            <fieldset aria-describedby={createErrors.scopes ? "key-scopes-error" : undefined}>
              <legend className="text-sm font-medium">Scopes</legend>
              <div className="mt-2 grid grid-cols-2 gap-2">
                {API_KEY_SCOPES.map((scope) => (
                  <label key={scope} className="flex items-center gap-2 text-sm">
                    <input
                      type="checkbox"
                      name="scopes"
                      value={scope}
                      defaultChecked={values ? values.scopes.includes(scope) : scope === "compile"}
                    />
                    <code>{scope}</code>
                  </label>
                ))}
              </div>
              <FieldError id="key-scopes-error" message={createErrors.scopes} />
            </fieldset>
            <TextField
              id="key-limit"
              name="rateLimitPerMinute"
              label={`Requests per minute (optional, at most ${maxLimit} on the ${tier} tier)`}
              defaultValue={values?.rateLimitPerMinute}
              inputMode="numeric"
              error={createErrors.rateLimitPerMinute}
            />
            <div className="sm:col-span-2">
              <FieldError id="key-form-error" message={createErrors.form} />
              <button type="submit" className={primaryButton} disabled={busy}>
                Create key
              </button>
              <span className="ml-3 text-sm text-slate-600 dark:text-slate-400">
                {usable} of {maxActiveKeys} active keys
              </span>
            </div>
          </Form>
        </Card>
      )}

      <Card title="Your keys">
        {active.length === 0 ? (
          <p className="text-slate-600 dark:text-slate-400">No active keys.</p>
        ) : (
          <DataTable
            testId="keys-table"
            rows={active}
            rowKey={(key) => key.id}
            rowProps={(key) => ({ "data-key-name": key.name })}
            columns={[
              {
                header: "Name and limit",
                bare: true,
                cell: (key) => {
                  const own = result && "id" in result && result.id === key.id && result.intent === "edit";
                  return (
                    <KeyEditForm
                      apiKey={key}
                      errors={own ? errors : {}}
                      saved={own && "saved" in result ? result.saved : undefined}
                      maxLimit={maxLimit}
                    />
                  );
                },
              },
              { header: "Key", className: "font-mono", cell: (key) => `${key.prefix}…` },
              { header: "Scopes", cell: (key) => key.scopes.join(", ") },
              { header: "Created", cell: (key) => formatDate(key.createdAt) },
              { header: "Last used", cell: (key) => formatDate(key.lastUsedAt) },
              { header: "Expires", cell: (key) => formatDate(key.expiresAt) },
              {
                header: "Actions",
                bare: true,
                cell: (key) =>
                  confirmId === key.id ? (
                    // After "Revoke" the question is where the user is (the URL's #fragment scrolls to it).
                    <ConfirmForm
                      id="revoke-confirmation"
                      action="/dashboard/keys"
                      fields={{ intent: "revoke", id: key.id }}
                      question={`Revoke “${key.name}”? Scripts using it stop working.`}
                      confirm="Yes, revoke"
                      cancelTo="/dashboard/keys"
                    />
                  ) : (
                    <Link to={`/dashboard/keys?revoke=${key.id}#revoke-confirmation`} className={secondaryButton}>
                      Revoke<span className="sr-only"> {key.name}</span>
                    </Link>
                  ),
              },
            ]}
          />
        )}
      </Card>

      {revoked.length > 0 && (
        <Card title="Revoked keys">
          <DataTable
            testId="revoked-keys-table"
            rows={revoked}
            rowKey={(key) => key.id}
            rowProps={(key) => ({ "data-key-name": key.name })}
            columns={[
              { header: "Name", cell: (key) => key.name },
              { header: "Key", className: "font-mono", cell: (key) => `${key.prefix}…` },
              { header: "Created", cell: (key) => formatDate(key.createdAt) },
              { header: "Revoked", cell: (key) => formatDate(key.revokedAt) },
            ]}
          />
        </Card>
      )}
    </main>
  );
}
