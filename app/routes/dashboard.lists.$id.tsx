import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { ConfirmForm } from "~/components/confirm-form";
import { CopyButton } from "~/components/copy-button";
import { everyText, SUBSCRIBE_HOW_TO } from "~/components/lists";
import {
  Card,
  DataTable,
  FieldError,
  formatDate,
  HiddenFields,
  inputClass,
  primaryButton,
  secondaryButton,
} from "~/components/ui";
import { requireUser } from "~/services/auth.server";
import { readForm, validateForm } from "~/services/forms.server";
import { ApiError } from "~/services/http.server";
import { diffVersions, discardHeld, listServicesOf, publishHeld, requestRefresh } from "~/services/list-refresh.server";
import {
  createEndpoint,
  deleteEndpoint,
  findEndpoint,
  listDeliveries,
  listEndpoints,
  publicDelivery,
  publicEndpoint,
  rotateEndpointSecret,
} from "~/services/list-webhooks.server";
import {
  currentVersion,
  deleteList,
  findOwnList,
  findVersion,
  listVersionsOf,
  publicList,
  publicVersion,
  rotateSlug,
} from "~/services/lists.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.list.name ?? "List"} · Bloqr` }];

// The history a page shows (and charts); older versions stay reachable through the API.
const HISTORY_ROWS = 30;
const DIFF_PAGE = 100;

const diffQuery = z.object({
  from: z.coerce.number().int().min(1),
  to: z.coerce.number().int().min(1),
  offset: z.coerce.number().int().min(0).default(0),
});

/** Someone else's list, or no list: the 404 page. */
async function ownList(args: LoaderFunctionArgs, userId: string) {
  try {
    return await findOwnList(args.context.database.db, userId, args.params.id);
  } catch (error) {
    if (error instanceof ApiError) throw new Response("Not found", { status: 404 });
    throw error;
  }
}

export async function loader(args: LoaderFunctionArgs) {
  const user = await requireUser(args);
  const list = await ownList(args, user.userId);
  const { db } = args.context.database;
  const [current, history, endpoints, deliveries] = await Promise.all([
    currentVersion(db, list),
    listVersionsOf(db, list.id, { limit: HISTORY_ROWS }),
    listEndpoints(db, list.id),
    listDeliveries(db, list.id),
  ]);
  const query = diffQuery.safeParse(Object.fromEntries(new URL(args.request.url).searchParams));
  let diff: Awaited<ReturnType<typeof diffVersions>> | null = null;
  let diffError: string | null = null;
  if (query.success) {
    try {
      const [from, to] = await Promise.all([
        findVersion(db, list.id, query.data.from),
        findVersion(db, list.id, query.data.to),
      ]);
      diff = await diffVersions(listServicesOf(args.context).bucket, from, to, {
        offset: query.data.offset,
        limit: DIFF_PAGE,
      });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      diffError = error.message;
    }
  }
  return {
    list: publicList(list, current, new URL(args.request.url).origin),
    versions: history.versions.map(publicVersion),
    endpoints: endpoints.map(publicEndpoint),
    deliveries: deliveries.map(publicDelivery),
    diff,
    diffError,
  };
}

const numbered = z.object({ number: z.coerce.number().int().min(1) });
const endpointForm = z.object({ id: z.uuid() });

export async function action(args: ActionFunctionArgs) {
  const user = await requireUser(args);
  const list = await ownList(args, user.userId);
  const form = await readForm(args.request);
  const services = listServicesOf(args.context);
  const { db, config } = services;
  const intent = String(form.get("intent"));
  try {
    switch (intent) {
      case "refresh":
        await requestRefresh(services, list);
        return { intent, message: "Refresh queued; reload in a few seconds." };
      case "rotate-slug":
        await rotateSlug(db, services.index, list);
        return { intent, message: "New URL made; the old one no longer works." };
      case "delete":
        await deleteList(db, services, list);
        return redirect("/dashboard/lists");
      case "publish":
      case "discard": {
        const parsed = validateForm(form, numbered);
        if (!parsed.ok) throw new Response("Bad request", { status: 400 });
        const version = await findVersion(db, list.id, parsed.data.number);
        if (intent === "publish") await publishHeld(services, list, version);
        else await discardHeld(services, list, version);
        return { intent, message: `Version ${version.number} ${intent === "publish" ? "published" : "discarded"}.` };
      }
      case "add-webhook": {
        const { endpoint, secret } = await createEndpoint(db, config, list, String(form.get("url") ?? ""));
        return { intent, secret: { url: endpoint.url, secret } };
      }
      case "rotate-secret":
      case "delete-webhook": {
        const parsed = validateForm(form, endpointForm);
        if (!parsed.ok) throw new Response("Bad request", { status: 400 });
        const endpoint = await findEndpoint(db, list, parsed.data.id);
        if (intent === "delete-webhook") {
          await deleteEndpoint(db, endpoint);
          return { intent, message: "Endpoint removed." };
        }
        const rotated = await rotateEndpointSecret(db, config, endpoint);
        return { intent, secret: { url: endpoint.url, secret: rotated.secret } };
      }
      default:
        throw new Response("Unknown action", { status: 400 });
    }
  } catch (error) {
    if (error instanceof ApiError && error.status !== 404) return { intent, error: error.message };
    if (error instanceof ApiError) throw new Response("Not found", { status: 404 });
    throw error;
  }
}

/** A one-button form: the action's `intent` and its hidden fields (works without JavaScript). */
function PostButton({
  intent,
  fields = {},
  label,
  className = secondaryButton,
}: {
  intent: string;
  fields?: Record<string, string | number>;
  label: string;
  className?: string;
}) {
  return (
    <Form method="post">
      <HiddenFields fields={{ intent, ...fields }} />
      <button type="submit" className={className}>
        {label}
      </button>
    </Form>
  );
}

type Version = ReturnType<typeof useLoaderData<typeof loader>>["versions"][number];

/** Rule counts of the versions shown, oldest left: a bar per version, held ones in amber. */
function RuleChart({ versions }: { versions: Version[] }) {
  const shown = [...versions].reverse();
  const max = Math.max(1, ...shown.map((version) => version.ruleCount));
  const width = 12;
  return (
    <svg
      role="img"
      aria-label={`Rule counts of the last ${shown.length} versions`}
      viewBox={`0 0 ${shown.length * width} 60`}
      className="h-24 w-full max-w-xl"
      preserveAspectRatio="none"
    >
      {shown.map((version, index) => {
        const height = Math.max(1, (version.ruleCount / max) * 58);
        return (
          <rect
            key={version.number}
            x={index * width + 1}
            y={60 - height}
            width={width - 2}
            height={height}
            className={version.status === "published" ? "fill-brand-600" : "fill-amber-500"}
          >
            <title>{`v${version.number}: ${version.ruleCount} rules (${version.status})`}</title>
          </rect>
        );
      })}
    </svg>
  );
}

export default function ListPage() {
  const { list, versions, endpoints, deliveries, diff, diffError } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const held = versions.filter((version) => version.status === "held");
  const previous = versions.find((version) => version.number < (list.currentVersion?.number ?? 0));
  return (
    <main className="mt-8 space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-3xl font-bold">{list.name}</h1>
        <div className="flex flex-wrap gap-2">
          <PostButton intent="refresh" label="Refresh now" className={primaryButton} />
          {searchParams.get("delete") ? (
            <ConfirmForm
              fields={{ intent: "delete" }}
              question="Delete this list? Its URLs stop working."
              confirm="Yes, delete"
              cancelTo="."
            />
          ) : (
            <Link to="?delete=1" className={secondaryButton}>
              Delete
            </Link>
          )}
        </div>
      </div>
      {result && "message" in result && (
        <p
          role="status"
          className="rounded-md bg-emerald-50 p-3 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-50"
        >
          {result.message}
        </p>
      )}
      {result && "error" in result && <FieldError id="list-action-error" message={result.error} />}
      {result && "secret" in result && result.secret && (
        <div
          role="status"
          className="rounded-xl border-2 border-amber-500 bg-amber-50 p-5 text-amber-950 dark:bg-amber-950 dark:text-amber-50"
        >
          <p className="font-semibold">Signing secret for {result.secret.url}. Copy it now: it is shown only once.</p>
          <div className="mt-3 flex flex-wrap items-center gap-2">
            <input
              readOnly
              value={result.secret.secret}
              data-testid="webhook-secret"
              className={`${inputClass} max-w-xl font-mono`}
              aria-label="Signing secret"
            />
            <CopyButton text={result.secret.secret} />
          </div>
        </div>
      )}

      <p className="text-slate-600 dark:text-slate-400" data-testid="list-state">
        Refreshed {everyText(list.refreshMinutes)} · last check {formatDate(list.lastCheckedAt)}
        {list.lastCheckOutcome ? ` (${list.lastCheckOutcome.replace("_", " ")})` : " — waiting for its first refresh"} ·
        next run {formatDate(list.nextRunAt)} · {list.visibility}
      </p>

      {held.length > 0 && (
        <Card title="Held back">
          <p className="mb-3 text-amber-800 dark:text-amber-200" data-testid="guardrail">
            The last good version keeps being served. {list.lastError}
          </p>
          {held.map((version) => (
            <div key={version.number} className="flex flex-wrap items-center gap-2">
              <span>
                Version {version.number}: {version.ruleCount} rules — {version.reason}
              </span>
              <PostButton intent="publish" fields={{ number: version.number }} label="Publish anyway" />
              <PostButton intent="discard" fields={{ number: version.number }} label="Discard" />
            </div>
          ))}
        </Card>
      )}

      <Card title="Subscribe">
        <ul className="space-y-3" data-testid="subscribe-urls">
          {Object.entries(list.urls).map(([format, url]) => (
            <li key={format} className="flex flex-wrap items-center gap-2">
              <code className="w-32 text-sm">{format}</code>
              <input
                readOnly
                value={url}
                aria-label={`${format} URL`}
                className={`${inputClass} max-w-xl font-mono text-sm`}
              />
              <CopyButton text={url} />
            </li>
          ))}
        </ul>
        <ul className="mt-4 space-y-1 text-sm text-slate-700 dark:text-slate-300">
          {SUBSCRIBE_HOW_TO.map((tip) => (
            <li key={tip.blocker}>
              <strong>{tip.blocker}</strong> ({list.urls[tip.format] ? tip.format : "adblock"} URL): {tip.how}
            </li>
          ))}
        </ul>
        {list.visibility === "unlisted" && (
          <div className="mt-4">
            <PostButton intent="rotate-slug" label="Make a new secret URL" />
          </div>
        )}
      </Card>

      <Card title="History">
        {versions.length === 0 ? (
          <p className="text-slate-600 dark:text-slate-400">No versions yet.</p>
        ) : (
          <>
            <RuleChart versions={versions} />
            <DataTable
              className="mt-4"
              testId="versions-table"
              rows={versions}
              rowKey={(version) => String(version.number)}
              columns={[
                { header: "Version", cell: (version) => `v${version.number}` },
                { header: "Status", cell: (version) => version.status },
                { header: "Rules", cell: (version) => version.ruleCount },
                { header: "Added", cell: (version) => `+${version.added}` },
                { header: "Removed", cell: (version) => `−${version.removed}` },
                { header: "Created", cell: (version) => formatDate(version.createdAt) },
                {
                  header: "Diff",
                  cell: (version) => {
                    // versions are newest first: the one before is the next row
                    const before = versions[versions.indexOf(version) + 1];
                    return (
                      before && (
                        <Link to={`?from=${before.number}&to=${version.number}`} className="text-brand-700 underline">
                          v{before.number} → v{version.number}
                        </Link>
                      )
                    );
                  },
                },
              ]}
            />
            <Form method="get" className="mt-4 flex flex-wrap items-end gap-2">
              <label className="text-sm">
                From
                <input
                  name="from"
                  inputMode="numeric"
                  defaultValue={diff?.from ?? previous?.number}
                  className={`${inputClass} w-24`}
                />
              </label>
              <label className="text-sm">
                To
                <input
                  name="to"
                  inputMode="numeric"
                  defaultValue={diff?.to ?? list.currentVersion?.number}
                  className={`${inputClass} w-24`}
                />
              </label>
              <button type="submit" className={secondaryButton}>
                Compare
              </button>
            </Form>
          </>
        )}
      </Card>

      {(diff || diffError) && (
        <Card title="Diff">
          {diffError && <FieldError id="diff-error" message={diffError} />}
          {diff && (
            <div data-testid="diff">
              <p className="mb-2">
                v{diff.from} → v{diff.to}: {diff.addedCount} added, {diff.removedCount} removed
              </p>
              <div className="grid gap-4 md:grid-cols-2">
                <pre className="overflow-x-auto rounded bg-emerald-50 p-3 text-sm dark:bg-emerald-950">
                  {diff.added.map((rule) => `+ ${rule}`).join("\n") || "(none)"}
                </pre>
                <pre className="overflow-x-auto rounded bg-red-50 p-3 text-sm dark:bg-red-950">
                  {diff.removed.map((rule) => `− ${rule}`).join("\n") || "(none)"}
                </pre>
              </div>
              {diff.nextOffset !== null && (
                <Link
                  to={`?from=${diff.from}&to=${diff.to}&offset=${diff.nextOffset}`}
                  className={`${secondaryButton} mt-3 inline-block`}
                >
                  Next {DIFF_PAGE}
                </Link>
              )}
            </div>
          )}
        </Card>
      )}

      <Card title="Webhooks">
        <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
          HTTPS endpoints get <code>list.updated</code>, <code>list.held</code> and <code>list.failed</code>, signed per
          the Standard Webhooks spec (verify with any Standard Webhooks or svix library).
        </p>
        <ul className="space-y-2">
          {endpoints.map((endpoint) => (
            <li key={endpoint.id} className="flex flex-wrap items-center gap-2">
              <code className="text-sm">{endpoint.url}</code>
              <PostButton intent="rotate-secret" fields={{ id: endpoint.id }} label="New secret" />
              <PostButton intent="delete-webhook" fields={{ id: endpoint.id }} label="Remove" />
            </li>
          ))}
        </ul>
        <Form method="post" className="mt-4 flex flex-wrap items-end gap-2">
          <input type="hidden" name="intent" value="add-webhook" />
          <label className="text-sm">
            Endpoint URL
            <input
              name="url"
              type="url"
              placeholder="https://example.com/hooks/bloqr"
              className={`${inputClass} w-96`}
            />
          </label>
          <button type="submit" className={secondaryButton}>
            Add endpoint
          </button>
        </Form>
        {deliveries.length > 0 && (
          <DataTable
            className="mt-4"
            testId="deliveries-table"
            rows={deliveries}
            rowKey={(delivery) => delivery.id}
            columns={[
              { header: "Event", cell: (delivery) => delivery.type },
              { header: "Endpoint", cell: (delivery) => delivery.url },
              { header: "Status", cell: (delivery) => delivery.status },
              { header: "Attempts", cell: (delivery) => delivery.attempts },
              { header: "Last error", cell: (delivery) => delivery.lastError ?? "—" },
              { header: "Created", cell: (delivery) => formatDate(delivery.createdAt) },
            ]}
          />
        )}
      </Card>
    </main>
  );
}
