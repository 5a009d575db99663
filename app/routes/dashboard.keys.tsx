import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { z } from "zod";
import { KEY_NAME_MAX } from "~/api/schemas";
import {
  Card,
  compactInputClass,
  DataTable,
  dangerButton,
  FieldError,
  formatDate,
  inputClass,
  primaryButton,
  SelectField,
  secondaryButton,
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
const optionalLimit = z.preprocess(
  (value) => (value === "" || value === undefined ? undefined : Number(value)),
  z.number({ error: "A whole number, please." }).int("A whole number, please.").min(1, "At least 1.").optional(),
);

const createForm = z.object({
  intent: z.literal("create"),
  name: keyName,
  scopes: z.preprocess(asArray, z.array(z.enum(API_KEY_SCOPES)).min(1, "Pick at least one scope.")),
  expiry: z.enum(Object.keys(EXPIRY_CHOICES) as [keyof typeof EXPIRY_CHOICES]).default("never"),
  rateLimitPerMinute: optionalLimit,
});
const renameForm = z.object({ intent: z.literal("rename"), id: z.uuid(), name: keyName });
const revokeForm = z.object({ intent: z.literal("revoke"), id: z.uuid() });

export async function loader(args: LoaderFunctionArgs) {
  const user = await requireUser(args);
  const keys = await listApiKeys(args.context.database.db, user.userId);
  return {
    keys,
    maxLimit: Number.isFinite(maxKeyLimit(user.tier)) ? maxKeyLimit(user.tier) : null,
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
        const parsed = validateForm(form, createForm);
        if (!parsed.ok) return { intent: "create" as const, errors: parsed.errors };
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
      case "rename": {
        const parsed = validateForm(form, renameForm);
        if (!parsed.ok) return { intent: "rename" as const, id: String(form.get("id")), errors: parsed.errors };
        await updateApiKey(db, owner, parsed.data.id, { name: parsed.data.name }, args.context.analytics);
        return { intent: "rename" as const, id: parsed.data.id, saved: true };
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
      return { intent: String(form.get("intent")), errors: { form: error.message } as Record<string, string> };
    }
    if (error instanceof ApiError) throw new Response("Not found", { status: 404 });
    throw error;
  }
}

function CopyButton({ text }: { text: string }) {
  const [copied, setCopied] = useState(false);
  const [canCopy, setCanCopy] = useState(false);
  useEffect(() => setCanCopy(typeof navigator !== "undefined" && Boolean(navigator.clipboard)), []);
  if (!canCopy) return null;
  return (
    <button
      type="button"
      className={secondaryButton}
      onClick={async () => {
        await navigator.clipboard.writeText(text);
        setCopied(true);
      }}
    >
      {copied ? "Copied" : "Copy"}
    </button>
  );
}

function NewKeySecret({ name, secret }: { name: string; secret: string }) {
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => field.current?.focus(), []);
  return (
    <div
      role="status"
      className="rounded-xl border-2 border-amber-500 bg-amber-50 p-5 text-amber-950 dark:bg-amber-950 dark:text-amber-50"
    >
      <p className="font-semibold">
        Your new key “{name}”. Copy it now: it is shown only once and cannot be recovered.
      </p>
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
    </div>
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
  const active = keys.filter((key) => isActiveKey(key));
  const busy = navigation.state === "submitting";

  return (
    <main className="mt-8 space-y-6">
      <h1 className="text-3xl font-bold">API keys</h1>
      {result && "created" in result && result.created && <NewKeySecret {...result.created} />}

      <Card title="Create a key">
        <Form method="post" className="grid gap-4 sm:grid-cols-2" noValidate>
          <input type="hidden" name="intent" value="create" />
          <div>
            <label htmlFor="key-name" className="block text-sm font-medium">
              Name
            </label>
            <input
              id="key-name"
              name="name"
              maxLength={KEY_NAME_MAX}
              className={inputClass}
              aria-invalid={Boolean(createErrors.name)}
              aria-describedby={createErrors.name ? "key-name-error" : undefined}
            />
            <FieldError id="key-name-error" message={createErrors.name} />
          </div>
          <div>
            <SelectField id="key-expiry" name="expiry" label="Expires" options={EXPIRY_OPTIONS} defaultValue="never" />
          </div>
          <fieldset aria-describedby={createErrors.scopes ? "key-scopes-error" : undefined}>
            <legend className="text-sm font-medium">Scopes</legend>
            <div className="mt-2 grid grid-cols-2 gap-2">
              {API_KEY_SCOPES.map((scope) => (
                <label key={scope} className="flex items-center gap-2 text-sm">
                  <input type="checkbox" name="scopes" value={scope} defaultChecked={scope === "compile"} />
                  <code>{scope}</code>
                </label>
              ))}
            </div>
            <FieldError id="key-scopes-error" message={createErrors.scopes} />
          </fieldset>
          <div>
            <label htmlFor="key-limit" className="block text-sm font-medium">
              Requests per minute (optional{maxLimit ? `, at most ${maxLimit} on the ${tier} tier` : ""})
            </label>
            <input
              id="key-limit"
              name="rateLimitPerMinute"
              inputMode="numeric"
              className={inputClass}
              aria-invalid={Boolean(createErrors.rateLimitPerMinute)}
              aria-describedby={createErrors.rateLimitPerMinute ? "key-limit-error" : undefined}
            />
            <FieldError id="key-limit-error" message={createErrors.rateLimitPerMinute} />
          </div>
          <div className="sm:col-span-2">
            <FieldError id="key-form-error" message={createErrors.form} />
            <button type="submit" className={primaryButton} disabled={busy}>
              Create key
            </button>
            <span className="ml-3 text-sm text-slate-600 dark:text-slate-400">
              {active.length} of {maxActiveKeys} active keys
            </span>
          </div>
        </Form>
      </Card>

      <Card title="Your keys">
        {keys.length === 0 ? (
          <p className="text-slate-600 dark:text-slate-400">No keys yet.</p>
        ) : (
          <DataTable
            testId="keys-table"
            rows={keys}
            rowKey={(key) => key.id}
            rowProps={(key) => ({ className: "align-top", "data-key-name": key.name })}
            columns={[
              {
                header: "Name",
                cell: (key) => {
                  const renameErrors =
                    result?.intent === "rename" && "id" in result && result.id === key.id ? errors : {};
                  return (
                    <>
                      {key.revokedAt ? (
                        <span>{key.name}</span>
                      ) : (
                        <Form method="post" className="flex gap-2">
                          <input type="hidden" name="intent" value="rename" />
                          <input type="hidden" name="id" value={key.id} />
                          <label htmlFor={`rename-${key.id}`} className="sr-only">
                            Name of key {key.prefix}
                          </label>
                          <input
                            id={`rename-${key.id}`}
                            name="name"
                            defaultValue={key.name}
                            maxLength={KEY_NAME_MAX}
                            className={`${compactInputClass} w-40`}
                            aria-invalid={Boolean(renameErrors.name)}
                          />
                          <button type="submit" className={secondaryButton}>
                            Rename
                          </button>
                        </Form>
                      )}
                      <FieldError id={`rename-${key.id}-error`} message={renameErrors.name} />
                    </>
                  );
                },
              },
              { header: "Key", className: "font-mono", cell: (key) => `${key.prefix}…` },
              { header: "Scopes", cell: (key) => key.scopes.join(", ") },
              { header: "Per minute", cell: (key) => key.rateLimitPerMinute ?? "tier limit" },
              { header: "Created", cell: (key) => formatDate(key.createdAt) },
              { header: "Last used", cell: (key) => formatDate(key.lastUsedAt) },
              { header: "Expires", cell: (key) => formatDate(key.expiresAt) },
              {
                header: <span className="sr-only">Actions</span>,
                cell: (key) =>
                  key.revokedAt ? (
                    <span className="text-slate-600 dark:text-slate-400">Revoked</span>
                  ) : confirmId === key.id ? (
                    <Form method="post" action="/dashboard/keys" className="flex flex-wrap items-center gap-2">
                      <input type="hidden" name="intent" value="revoke" />
                      <input type="hidden" name="id" value={key.id} />
                      <span>Revoke “{key.name}”? Scripts using it stop working.</span>
                      <button type="submit" className={dangerButton}>
                        Yes, revoke
                      </button>
                      <Link to="/dashboard/keys" className={secondaryButton}>
                        Cancel
                      </Link>
                    </Form>
                  ) : (
                    <Link to={`/dashboard/keys?revoke=${key.id}`} className={secondaryButton}>
                      Revoke
                    </Link>
                  ),
              },
            ]}
          />
        )}
      </Card>
    </main>
  );
}
