/** `outputFormat` wherever the API hands out a list: sync, text, stream, batch, job results and the job download. */
import { describe, expect, it, vi } from "vitest";
import { createKey, jsonBody, signIn, type TestAccount } from "./accounts";
import { browserCompile, configuration, preFetchedContent } from "./compile-fixtures";
import { bodyOf, call } from "./helpers";

/** The entries of a compiled list in a format: what remains without `#`/`;` comments, blank lines and preambles. */
const entriesOf = (lines: string[]) =>
  lines.filter((line) => line.trim() !== "" && !/^[#;!$@]/.test(line) && line !== "server:");

describe("outputFormat on POST /api/compile", () => {
  it("body outputFormat=hosts → the list as 0.0.0.0 entries, with the conversion report in metrics", async () => {
    const response = await call(
      "/api/compile",
      browserCompile({ configuration: configuration(), preFetchedContent, outputFormat: "hosts" }),
    );
    expect(response.status).toBe(200);
    const body = await bodyOf(response);
    expect(body.rules.slice(0, 2)).toEqual(["#", expect.stringMatching(/^# Title: Test list /)]);
    expect(entriesOf(body.rules)).toEqual(["0.0.0.0 ads.example.com", "0.0.0.0 malware.example.com"]);
    expect(body.metrics.formats).toEqual([
      {
        format: "hosts",
        rulesRead: 3,
        rulesWritten: 2,
        dropped: { has_modifiers: { count: 1, examples: ["||tracker.example.net^$third-party"] } },
        narrowed: {
          subdomains_not_covered: { count: 2, examples: ["||ads.example.com^", "||malware.example.com^"] },
        },
        widened: {},
      },
    ]);
  });

  it("?outputFormat=dnsmasq&format=text → the dnsmasq file as text/plain", async () => {
    const response = await call(
      "/api/compile?outputFormat=dnsmasq&format=text",
      browserCompile({ configuration: configuration(), preFetchedContent }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/plain; charset=utf-8");
    const text = await response.text();
    expect(entriesOf(text.split("\n"))).toEqual(["address=/ads.example.com/", "address=/malware.example.com/"]);
  });

  it("one compile serves every format: the same configuration in another format comes from the cache", async () => {
    const config = configuration();
    const adblock = await bodyOf(
      await call("/api/compile", browserCompile({ configuration: config, preFetchedContent })),
    );
    expect(adblock.cached).toBe(false);
    expect(adblock.metrics.formats.map((report: { format: string }) => report.format)).toEqual(["adblock"]);
    const rpz = await bodyOf(
      await call("/api/compile", browserCompile({ configuration: config, preFetchedContent, outputFormat: "rpz" })),
    );
    expect(rpz).toMatchObject({ cached: true, compiledAt: adblock.compiledAt });
    expect(rpz.rules).toContain("@ IN NS localhost.");
    expect(entriesOf(rpz.rules)).toEqual([
      "ads.example.com CNAME .",
      "*.ads.example.com CNAME .",
      "malware.example.com CNAME .",
      "*.malware.example.com CNAME .",
    ]);
  });

  it("an unknown format → 400 naming the field; body and query that disagree → 400", async () => {
    const unknownBody = await call(
      "/api/compile",
      browserCompile({ configuration: configuration(), preFetchedContent, outputFormat: "pihole" }),
    );
    expect(unknownBody.status).toBe(400);
    expect((await bodyOf(unknownBody)).error).toMatchObject({
      code: "invalid_request",
      message: expect.stringContaining("outputFormat"),
    });
    const unknownQuery = await call(
      "/api/compile?outputFormat=pihole",
      browserCompile({ configuration: configuration(), preFetchedContent }),
    );
    expect(unknownQuery.status).toBe(400);
    expect((await bodyOf(unknownQuery)).error.code).toBe("invalid_query");
    const conflict = await call(
      "/api/compile?outputFormat=hosts",
      browserCompile({ configuration: configuration(), preFetchedContent, outputFormat: "rpz" }),
    );
    expect(conflict.status).toBe(400);
    expect((await bodyOf(conflict)).error).toEqual({
      code: "invalid_request",
      message: 'outputFormat is "rpz" in the body but "hosts" in the query.',
    });
  });
});

describe("outputFormat on the stream and the batch", () => {
  it("the stream sends the conversion report as a format event before the result", async () => {
    const response = await call(
      "/api/compile/stream?outputFormat=unbound",
      browserCompile({ configuration: configuration(), preFetchedContent }),
    );
    expect(response.status).toBe(200);
    const events = [...(await response.text()).matchAll(/^event: (\w+)\ndata: (.*)$/gm)].map(([, name, data]) => ({
      name,
      data: JSON.parse(data),
    }));
    expect(events.map((event) => event.name).slice(-2)).toEqual(["format", "result"]);
    expect(events.at(-2)?.data).toMatchObject({ format: "unbound", rulesRead: 3, rulesWritten: 2 });
    expect(entriesOf(events.at(-1)?.data.rules)).toEqual([
      'local-zone: "ads.example.com." always_nxdomain',
      'local-zone: "malware.example.com." always_nxdomain',
    ]);
  });

  it("each batch item in its own format", async () => {
    const account = await signIn();
    const { secret } = await createKey(account, { name: "batch" });
    const response = await call("/api/compile/batch", {
      method: "POST",
      ...jsonBody(
        {
          items: [
            { id: "domains", configuration: configuration(), preFetchedContent, outputFormat: "domains" },
            { id: "adblock", configuration: configuration(), preFetchedContent },
          ],
        },
        { "X-API-Key": secret },
      ),
    });
    expect(response.status).toBe(200);
    const { results } = await bodyOf(response);
    expect(entriesOf(results[0].rules)).toEqual(["ads.example.com", "malware.example.com"]);
    expect(entriesOf(results[1].rules)).toContain("||tracker.example.net^$third-party");
  });
});

describe("outputFormat on a finished job", () => {
  async function finishedJob(account: TestAccount, config = configuration()): Promise<string> {
    const { secret } = await createKey(account, { name: "async", scopes: ["compile", "compile:async"] });
    const accepted = await bodyOf(
      await call("/api/compile/async", {
        method: "POST",
        ...jsonBody({ configuration: config, preFetchedContent }, { "X-API-Key": secret }),
      }),
    );
    await vi.waitFor(
      async () => {
        const job = await bodyOf(await call(`/api/queue/results/${accepted.requestId}`, { headers: account.headers }));
        if (job.status !== "succeeded") throw new Error(`job is ${job.status}`);
      },
      { timeout: 30_000, interval: 250 },
    );
    return accepted.requestId;
  }

  it("GET /api/queue/results/:id?outputFormat= converts the stored list; the dashboard download names the file", async () => {
    const account = await signIn();
    const uuid = crypto.randomUUID();
    const id = await finishedJob(account, configuration({ name: `Ads & Trackers ${uuid}` }));
    const job = await bodyOf(
      await call(`/api/queue/results/${id}?outputFormat=adguard-home`, { headers: account.headers }),
    );
    expect(job.result.metrics.formats).toEqual([
      expect.objectContaining({ format: "adguard-home", rulesWritten: 2, dropped: expect.any(Object) }),
    ]);
    expect(job.result.rules).not.toContain("||tracker.example.net^$third-party");
    expect(job.result.rules).toContain("||malware.example.com^");

    const bad = await call(`/api/queue/results/${id}?outputFormat=nope`, { headers: account.headers });
    expect(bad.status).toBe(400);

    const download = await call(`/dashboard/jobs/${id}/download?outputFormat=rpz`, {
      headers: { Cookie: account.cookie },
    });
    expect(download.status).toBe(200);
    // <slug of the list's name>-<YYYYMMDD of the compile>.<format's suffix>, as every list download
    const stem = `ads-trackers-${uuid}-${job.result.compiledAt.slice(0, 10).replaceAll("-", "")}`;
    expect(download.headers.get("Content-Disposition")).toBe(`attachment; filename="${stem}.rpz.zone"`);
    expect(await download.text()).toContain("\nmalware.example.com CNAME .\n");
    const adblock = await call(`/dashboard/jobs/${id}/download`, { headers: { Cookie: account.cookie } });
    expect(adblock.headers.get("Content-Disposition")).toBe(`attachment; filename="${stem}.txt"`);
  });
});
