import { describe, expect, it } from "vitest";
import { call } from "./helpers";

describe("GET /", () => {
  it("renders the landing page on the server with security headers", async () => {
    const response = await call("/");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("<!DOCTYPE html>");
    expect(html).toContain("Every block list");
    expect(html).toContain('href="/sign-in"');
    expect(html).toContain('href="/docs"');

    const csp = response.headers.get("Content-Security-Policy") ?? "";
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(html).toContain(`nonce="${nonce}"`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get("Strict-Transport-Security")).toBe("max-age=31536000; includeSubDomains");
    expect(response.headers.get("Cache-Control")).toBe("private, no-store");
  });

  it("uses a fresh nonce per request", async () => {
    const first = (await call("/")).headers.get("Content-Security-Policy");
    const second = (await call("/")).headers.get("Content-Security-Policy");
    expect(first).not.toEqual(second);
  });
});
