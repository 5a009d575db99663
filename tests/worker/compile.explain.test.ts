import { describe, expect, it } from "vitest";
import { browserCompile, rulesOf } from "./compile-fixtures";
import { bodyOf, call, errorShape } from "./helpers";

const ADS_URL = "https://lists.example.org/ad-servers.txt";
const HOSTS_URL = "https://lists.example.org/tld-hosts.txt";

/** A hosts line `0.0.0.0 com` beside a list of .com ad servers; a fresh name per call, so a cold cache. */
function comCompile(extra: Record<string, unknown> = {}) {
  return browserCompile({
    configuration: {
      name: `TLD ${crypto.randomUUID()}`,
      sources: [
        { name: "Ad servers", source: ADS_URL },
        { name: "Hosts", source: HOSTS_URL },
      ],
      transformations: ["RemoveComments", "Compress", "Validate", "Deduplicate"],
    },
    preFetchedContent: {
      [ADS_URL]: "||googlesyndication.com^\n||criteo.com^\n||ads.example.org^\n",
      [HOSTS_URL]: "0.0.0.0 com\n",
    },
    ...extra,
  });
}

const lookup = (id: string, host: string) =>
  call(`/api/compile/explain?id=${id}&host=${encodeURIComponent(host)}`, {
    headers: { "CF-Connecting-IP": "198.51.100.7" },
  });

describe("POST /api/compile with explain: true", () => {
  it("explains the compile: the .com rules covered by ||com^ from source 2, Validate's reason, the warning", async () => {
    const response = await call("/api/compile", comCompile({ explain: true }));
    expect(response.status).toBe(200);
    const body = await bodyOf(response);
    expect(rulesOf(body.rules)).toEqual(["||ads.example.org^"]);
    const { explanation } = body;
    expect(explanation.id).toMatch(/^[0-9a-f]{64}$/);
    const compress = explanation.steps.find(
      (step: { scope: string; name: string }) => step.scope === "list" && step.name === "Compress",
    );
    expect(compress.reasons).toEqual([
      {
        reason: "covered",
        count: 2,
        examples: [
          expect.objectContaining({
            rule: "||googlesyndication.com^",
            source: 0,
            parent: { rule: "||com^", original: "0.0.0.0 com", source: 1 },
          }),
          expect.objectContaining({ rule: "||criteo.com^", source: 0 }),
        ],
      },
    ]);
    expect(explanation.warnings).toContainEqual(
      expect.objectContaining({ code: "public_suffix", covered: 2, removedBy: "Validate" }),
    );
  });

  it("without explain the answer has no explanation", async () => {
    const body = await bodyOf(await call("/api/compile", comCompile()));
    expect(body.explanation).toBeUndefined();
  });

  it("a cached list compiled without explain is compiled again to explain it", async () => {
    const request = comCompile();
    const plain = await bodyOf(await call("/api/compile", request));
    expect(plain.cached).toBe(false);
    const explainedRequest = {
      ...request,
      body: JSON.stringify({ ...JSON.parse(String(request.body)), explain: true }),
    };
    const explained = await bodyOf(await call("/api/compile", explainedRequest));
    expect(explained.explanation.warnings.length).toBeGreaterThan(0);
    const again = await bodyOf(await call("/api/compile", explainedRequest));
    expect(again).toMatchObject({ cached: true, explanation: { id: explained.explanation.id } });
  });

  it("explain must be a boolean → 400", async () => {
    const response = await call("/api/compile", comCompile({ explain: "yes" }));
    expect(response.status).toBe(400);
    expect(await bodyOf(response)).toMatchObject(errorShape("invalid_request"));
  });
});

describe("POST /api/compile/stream with explain: true", () => {
  it("sends step_explained after each transformation and the explanation before the result", async () => {
    const response = await call("/api/compile/stream", comCompile({ explain: true }));
    const names = [...(await response.text()).matchAll(/^event: (\w+)$/gm)].map(([, name]) => name);
    expect(names.filter((name) => name === "step_explained")).toHaveLength(
      names.filter((name) => name === "transformation").length,
    );
    expect(names.slice(-2)).toEqual(["explanation", "result"]);
  });
});

describe("GET /api/compile/explain", () => {
  it("why isn't criteo.com in my list? — its rule, its source, and the ||com^ that covered it", async () => {
    const { explanation } = await bodyOf(await call("/api/compile", comCompile({ explain: true })));
    const response = await lookup(explanation.id, "criteo.com");
    expect(response.status).toBe(200);
    expect(await bodyOf(response)).toEqual({
      host: "criteo.com",
      traceTruncated: false,
      entries: [
        expect.objectContaining({
          rule: "||criteo.com^",
          source: 0,
          reason: "covered",
          step: "Compress",
          parent: { rule: "||com^", original: "0.0.0.0 com", source: 1 },
        }),
      ],
    });
  });

  it("an id no explained compile has → 404", async () => {
    const response = await lookup("0".repeat(64), "criteo.com");
    expect(response.status).toBe(404);
    expect(await bodyOf(response)).toMatchObject(errorShape("not_found"));
  });

  it("a malformed id or host → 400 naming the field", async () => {
    const badId = await lookup("nope", "criteo.com");
    expect(badId.status).toBe(400);
    expect((await bodyOf(badId)).error.message).toContain("id");
    const badHost = await lookup("0".repeat(64), "<script>");
    expect(badHost.status).toBe(400);
    expect((await bodyOf(badHost)).error.message).toContain("host");
  });
});
