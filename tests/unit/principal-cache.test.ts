import { describe, expect, it } from "vitest";
import type { ApiKey, User } from "~/db/schema";
import {
  apiKeyCache,
  forgetApiKey,
  forgetUser,
  MAX_CACHED_PRINCIPALS,
  PRINCIPAL_CACHE_TTL_MS,
  sessionUserCache,
} from "~/services/principal-cache.server";

const user = (n: number) => ({ id: `user-${n}`, clerkUserId: `clerk-${n}` }) as User;
const key = (id: string) => ({ id }) as ApiKey;

describe("the principal cache", () => {
  it("an entry is served until PRINCIPAL_CACHE_TTL_MS after it was stored, then no more", () => {
    sessionUserCache.set("clerk-ttl", user(1), 1_000);
    expect(sessionUserCache.get("clerk-ttl", 1_000 + PRINCIPAL_CACHE_TTL_MS - 1)).toEqual(user(1));
    expect(sessionUserCache.get("clerk-ttl", 1_000 + PRINCIPAL_CACHE_TTL_MS)).toBeUndefined();
  });

  it(`holds at most ${MAX_CACHED_PRINCIPALS} entries: the least recently used goes first`, () => {
    for (let n = 0; n < MAX_CACHED_PRINCIPALS; n++) sessionUserCache.set(`lru-${n}`, user(n), 0);
    expect(sessionUserCache.get("lru-0", 1)).toEqual(user(0)); // used: now the most recent
    sessionUserCache.set("lru-new", user(-1), 1);
    expect(sessionUserCache.get("lru-1", 2)).toBeUndefined();
    expect(sessionUserCache.get("lru-0", 2)).toEqual(user(0));
    expect(sessionUserCache.get("lru-new", 2)).toEqual(user(-1));
  });

  it("forgetting a user drops their session row and every key they own, and nobody else's", () => {
    apiKeyCache.set("hash-a", { key: key("a"), owner: user(7) }, 0);
    apiKeyCache.set("hash-b", { key: key("b"), owner: user(8) }, 0);
    sessionUserCache.set("clerk-7", user(7), 0);
    forgetUser({ clerkUserId: "clerk-7" });
    expect(apiKeyCache.get("hash-a", 1)).toBeUndefined();
    expect(sessionUserCache.get("clerk-7", 1)).toBeUndefined();
    expect(apiKeyCache.get("hash-b", 1)).toBeDefined();
    forgetApiKey("b");
    expect(apiKeyCache.get("hash-b", 1)).toBeUndefined();
  });
});
