import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// The built bin (`npm install` runs scripts/build-cli.mjs), as tests/unit/compiler/cli.test.ts runs it.
const CLI = join(process.cwd(), "dist/bloqr.cjs");
const directory = mkdtempSync(join(tmpdir(), "bloqr-cli-formats-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const list = join(directory, "list.txt");
writeFileSync(list, "||ads.example.com^\n@@||ok.ads.example.com^\n0.0.0.0 tracker.example.org\n");
const configuration = join(directory, "configuration.json");
writeFileSync(configuration, JSON.stringify({ name: "My List", sources: [{ source: list }] }));

function runCli(...args: string[]) {
  const child = spawnSync(CLI, args, { encoding: "utf8", timeout: 60_000 });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

describe("bloqr --format", () => {
  it("one --format writes that format to the -o file", () => {
    const result = runCli("-c", configuration, "-o", "-", "--format", "hosts");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^#\n# Title: My List\n/);
    expect(result.stdout.endsWith("\n0.0.0.0 ads.example.com\n0.0.0.0 tracker.example.org\n")).toBe(true);
    expect(result.stdout).not.toContain("ok.ads.example.com");
  });

  it("several make -o a folder with one file per format, named after the list", () => {
    const folder = join(directory, "out");
    const result = runCli("-c", configuration, "-o", folder, "--format", "dnsmasq", "--format", "rpz", "-v");
    expect(result.status).toBe(0);
    expect(readdirSync(folder).sort()).toEqual(["my-list.dnsmasq.conf", "my-list.rpz.zone"]);
    expect(readFileSync(join(folder, "my-list.dnsmasq.conf"), "utf8")).toContain("\naddress=/tracker.example.org/\n");
    expect(readFileSync(join(folder, "my-list.rpz.zone"), "utf8")).toContain("\nads.example.com CNAME .\n");
    expect(result.stderr).toContain(
      "dnsmasq: 1 of 3 rules written; dropped: 1 allowlist_applied, 1 allowlisted; widened: 1 subdomains_added\n",
    );
    expect(result.stderr).toMatch(new RegExp(`^done: .* → ${folder}\n$`, "m"));
  });

  it("an unknown format, or several to stdout → exit 2 (bad arguments) and a one-line error", () => {
    const unknown = runCli("-c", configuration, "-o", "-", "--format", "pihole");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe(
      'error: unknown format "pihole" (one of: adblock, hosts, domains, dnsmasq, unbound, rpz, adguard-home)\n',
    );
    const several = runCli("-c", configuration, "-o", "-", "--format", "hosts", "--format", "rpz");
    expect(several.status).toBe(2);
    expect(several.stderr).toBe("error: several formats need -o <folder>, not -\n");
  });
});
