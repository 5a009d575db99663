/**
 * Published lists: a saved configuration owned by a user, served at `/l/{slug}.{ext}` and refreshed
 * on a schedule (list-refresh.server.ts). This module owns the rows — create, read, change, delete —
 * and the tier limits; list-files.server.ts owns the files and the subscribe path.
 */
import { and, asc, count, desc, eq, sql } from "drizzle-orm";
import type { Configuration, OutputFormat } from "~/compiler";
import { type List, type ListVersion, type ListVisibility, lists, listVersions, type Tier } from "~/db/schema";
import { checkCompileBudget } from "./compilations.server";
import type { Database } from "./db.server";
import { canonicalJson, sha256Hex } from "./digest.server";
import { ApiError } from "./http.server";
import {
  deleteIndexRecord,
  deleteListFiles,
  type ListIndexRecord,
  subscribePath,
  writeIndexRecord,
} from "./list-files.server";
import { checkSourceUrl } from "./source-urls";

export interface ListLimits {
  /** Lists one account may have. */
  lists: number;
  /** The shortest refresh interval: each refresh fetches every source and may compile. */
  minRefreshMinutes: number;
  /** Versions kept per list (rows and R2 files); older ones are deleted as new ones come. */
  keptVersions: number;
}

// The issue's tiers: free 3 lists refreshed at most daily, pro 50 at most hourly, admin unlimited
// (admin lists still wait for the cron, which runs every 5 minutes).
export const LIST_LIMITS: Record<Tier, ListLimits> = {
  free: { lists: 3, minRefreshMinutes: 24 * 60, keptVersions: 10 },
  pro: { lists: 50, minRefreshMinutes: 60, keptVersions: 100 },
  admin: { lists: Number.POSITIVE_INFINITY, minRefreshMinutes: 5, keptVersions: 1_000 },
};
// "Refresh now" queues a high-priority compile: once a minute per list is plenty for a person.
export const REFRESH_NOW_COOLDOWN_SECONDS = 60;
export const DEFAULT_SHRINK_THRESHOLD_PCT = 50;
// 128 bits: an unlisted list's URL is a capability (blockers cannot send credentials).
const UNLISTED_SLUG_BYTES = 16;

export interface ListInput {
  name: string;
  /** Parsed at the edge (the body schema, or the page's form). */
  configuration: Configuration;
  formats: OutputFormat[];
  refreshMinutes?: number;
  shrinkThresholdPct?: number;
  visibility: ListVisibility;
  slug?: string;
}

export type ListChanges = Partial<Omit<ListInput, "visibility" | "slug">>;

function randomSlug(): string {
  return [...crypto.getRandomValues(new Uint8Array(UNLISTED_SLUG_BYTES))]
    .map((byte) => byte.toString(16).padStart(2, "0"))
    .join("");
}

/** The configuration as a list keeps it: within the compile budget, fetching only URLs the source rules allow. */
function listConfiguration(configuration: Configuration, allowedPrivateHosts?: readonly string[]) {
  checkCompileBudget({ configuration });
  for (const [index, source] of configuration.sources.entries()) {
    const checked = checkSourceUrl(source.source, { allowedPrivateHosts });
    if (!checked.ok) {
      throw new ApiError(400, `sources[${index}].source: ${checked.message}`, { code: "invalid_configuration" });
    }
  }
  return configuration;
}

function refreshMinutesFor(tier: Tier, requested: number | undefined): number {
  const minimum = LIST_LIMITS[tier].minRefreshMinutes;
  if (requested === undefined) return minimum;
  if (requested < minimum) {
    throw new ApiError(403, `The ${tier} tier refreshes a list at most every ${minimum} minutes.`, {
      code: "tier_limit",
    });
  }
  return requested;
}

export async function createList(
  db: Database,
  owner: { userId: string; tier: Tier },
  input: ListInput,
  allowedPrivateHosts?: readonly string[],
): Promise<List> {
  const configuration = listConfiguration(input.configuration, allowedPrivateHosts);
  const refreshMinutes = refreshMinutesFor(owner.tier, input.refreshMinutes);
  const slug = input.visibility === "public" ? publicSlug(input.slug) : randomSlug();
  return db.transaction(async (tx) => {
    // One creator per user at a time, so two concurrent creates cannot both fit under the cap.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`lists:${owner.userId}`}))`);
    const [{ owned }] = await tx.select({ owned: count() }).from(lists).where(eq(lists.userId, owner.userId));
    const cap = LIST_LIMITS[owner.tier].lists;
    if (owned >= cap) {
      throw new ApiError(403, `The ${owner.tier} tier allows ${cap} published lists; delete one first.`, {
        code: "tier_limit",
      });
    }
    await assertSlugFree(tx, slug);
    const [list] = await tx
      .insert(lists)
      .values({
        userId: owner.userId,
        name: input.name,
        slug,
        visibility: input.visibility,
        configuration,
        formats: [...new Set(input.formats)],
        refreshMinutes,
        shrinkThresholdPct: input.shrinkThresholdPct ?? DEFAULT_SHRINK_THRESHOLD_PCT,
      })
      .returning();
    return list;
  });
}

function publicSlug(slug: string | undefined): string {
  if (!slug) throw new ApiError(400, "slug: a public list needs one.", { code: "invalid_request" });
  return slug;
}

async function assertSlugFree(db: Pick<Database, "select">, slug: string) {
  const [taken] = await db.select({ id: lists.id }).from(lists).where(eq(lists.slug, slug)).limit(1);
  if (taken) throw new ApiError(409, `The slug "${slug}" is taken.`, { code: "slug_taken" });
}

export async function listOwnLists(db: Database, userId: string) {
  return db
    .select({ list: lists, version: listVersions })
    .from(lists)
    .leftJoin(listVersions, eq(listVersions.id, lists.currentVersionId))
    .where(eq(lists.userId, userId))
    .orderBy(asc(lists.createdAt));
}

/** The owner's list; someone else's list and no list look the same (404). */
export async function findOwnList(db: Database, userId: string, id: string | undefined): Promise<List> {
  if (!id || !/^[0-9a-f-]{36}$/i.test(id)) throw new ApiError(404, "No such list.");
  const [list] = await db
    .select()
    .from(lists)
    .where(and(eq(lists.id, id), eq(lists.userId, userId)))
    .limit(1);
  if (!list) throw new ApiError(404, "No such list.");
  return list;
}

export async function updateList(
  db: Database,
  owner: { userId: string; tier: Tier },
  list: List,
  changes: ListChanges,
  allowedPrivateHosts?: readonly string[],
): Promise<List> {
  const values: Partial<typeof lists.$inferInsert> = { updatedAt: new Date() };
  if (changes.name !== undefined) values.name = changes.name;
  if (changes.configuration !== undefined) {
    values.configuration = listConfiguration(changes.configuration, allowedPrivateHosts);
    // Due at once: the next cron run compiles the new configuration.
    values.nextRunAt = new Date();
  }
  if (changes.formats !== undefined) {
    values.formats = [...new Set(changes.formats)];
    values.nextRunAt = new Date();
  }
  if (changes.refreshMinutes !== undefined)
    values.refreshMinutes = refreshMinutesFor(owner.tier, changes.refreshMinutes);
  if (changes.shrinkThresholdPct !== undefined) values.shrinkThresholdPct = changes.shrinkThresholdPct;
  const [updated] = await db.update(lists).set(values).where(eq(lists.id, list.id)).returning();
  return updated;
}

/** A new unguessable slug for an unlisted list: the old URL stops working at once. */
export async function rotateSlug(db: Database, index: KVNamespace, list: List): Promise<List> {
  if (list.visibility !== "unlisted") {
    throw new ApiError(409, "Only an unlisted list's slug is rotated; a public list keeps its chosen one.", {
      code: "not_unlisted",
    });
  }
  const [updated] = await db
    .update(lists)
    .set({ slug: randomSlug(), updatedAt: new Date() })
    .where(eq(lists.id, list.id))
    .returning();
  await moveIndexRecord(db, index, list.slug, updated);
  return updated;
}

async function moveIndexRecord(db: Database, index: KVNamespace, oldSlug: string, list: List) {
  await deleteIndexRecord(index, oldSlug);
  const current = await currentVersion(db, list);
  if (current) await writeIndexRecord(index, list.slug, indexRecordOf(list, current));
}

export async function deleteList(db: Database, bindings: { bucket: R2Bucket; index: KVNamespace }, list: List) {
  const versions = await db.select().from(listVersions).where(eq(listVersions.listId, list.id));
  await deleteIndexRecord(bindings.index, list.slug);
  await deleteListFiles(
    bindings.bucket,
    versions.flatMap((version) => Object.values(version.files)),
  );
  await db.delete(lists).where(eq(lists.id, list.id));
}

export async function currentVersion(db: Database, list: List): Promise<ListVersion | null> {
  if (!list.currentVersionId) return null;
  const [version] = await db.select().from(listVersions).where(eq(listVersions.id, list.currentVersionId)).limit(1);
  return version ?? null;
}

/** The subscribe path's record of a published version: only the formats the list serves. */
export function indexRecordOf(list: List, version: ListVersion): ListIndexRecord {
  const files = Object.fromEntries(Object.entries(version.files).filter(([format]) => list.formats.includes(format)));
  return {
    listId: list.id,
    name: list.name,
    version: version.number,
    publishedAt: (version.publishedAt ?? version.createdAt).toISOString(),
    files,
  };
}

export async function listVersionsOf(
  db: Database,
  listId: string,
  { limit, before }: { limit: number; before?: number },
) {
  const rows = await db
    .select()
    .from(listVersions)
    .where(and(eq(listVersions.listId, listId), before ? sql`${listVersions.number} < ${before}` : undefined))
    .orderBy(desc(listVersions.number))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return { versions: page, nextBefore: rows.length > limit ? page[page.length - 1].number : null };
}

export async function findVersion(db: Database, listId: string, number: number): Promise<ListVersion> {
  const [version] = await db
    .select()
    .from(listVersions)
    .where(and(eq(listVersions.listId, listId), eq(listVersions.number, number)))
    .limit(1);
  if (!version) throw new ApiError(404, `No version ${number} of this list.`);
  return version;
}

/** The configuration hash a refresh compares with: a changed configuration or format set compiles again. */
export async function listConfigHash(list: Pick<List, "configuration" | "formats">): Promise<string> {
  return sha256Hex(canonicalJson({ configuration: list.configuration, formats: [...list.formats].sort() }));
}

export function publicVersion(version: ListVersion) {
  return {
    number: version.number,
    status: version.status,
    ruleCount: version.ruleCount,
    added: version.added,
    removed: version.removed,
    reason: version.reason,
    contentHashes: Object.fromEntries(Object.entries(version.files).map(([format, file]) => [format, file.sha256])),
    sources: version.sources,
    createdAt: version.createdAt.toISOString(),
    publishedAt: version.publishedAt?.toISOString() ?? null,
  };
}

export function publicList(list: List, version: ListVersion | null, origin: string) {
  return {
    id: list.id,
    name: list.name,
    slug: list.slug,
    visibility: list.visibility,
    configuration: list.configuration,
    formats: list.formats,
    refreshMinutes: list.refreshMinutes,
    shrinkThresholdPct: list.shrinkThresholdPct,
    urls: Object.fromEntries(
      list.formats.map((format) => [format, new URL(subscribePath(list.slug, format as OutputFormat), origin).href]),
    ),
    currentVersion: version ? publicVersion(version) : null,
    nextRunAt: list.nextRunAt.toISOString(),
    lastCheckedAt: list.lastCheckedAt?.toISOString() ?? null,
    lastCheckOutcome: list.lastCheckOutcome,
    lastError: list.lastError,
    checks: list.checks,
    createdAt: list.createdAt.toISOString(),
  };
}
