import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { findChromium } from "../../scripts/lib/chromium";

const saved = { CHROMIUM_PATH: process.env.CHROMIUM_PATH, PATH: process.env.PATH };
const directory = mkdtempSync(join(tmpdir(), "bloqr-chromium-"));

function fakeBrowser(name: string): string {
  const path = join(directory, name);
  writeFileSync(path, "#!/bin/sh\n");
  chmodSync(path, 0o755);
  return path;
}

afterAll(() => rmSync(directory, { recursive: true, force: true }));
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe("findChromium (the browser of the e2e suite and npm run screenshots)", () => {
  it("CHROMIUM_PATH comes first", async () => {
    process.env.CHROMIUM_PATH = fakeBrowser("my-chrome");
    process.env.PATH = directory;
    fakeBrowser("chromium");
    expect(await findChromium()).toEqual({ executablePath: join(directory, "my-chrome"), source: "CHROMIUM_PATH" });
  });

  it("a CHROMIUM_PATH that does not exist is an error, not a silent fallback", async () => {
    process.env.CHROMIUM_PATH = join(directory, "nothing-here");
    await expect(findChromium()).rejects.toThrow(/CHROMIUM_PATH is set to .*nothing-here, which does not exist/);
  });

  it("then a Chromium or Chrome on PATH", async () => {
    delete process.env.CHROMIUM_PATH;
    const pathDirectory = mkdtempSync(join(directory, "bin-"));
    writeFileSync(join(pathDirectory, "google-chrome"), "");
    process.env.PATH = pathDirectory;
    expect(await findChromium()).toEqual({ executablePath: join(pathDirectory, "google-chrome"), source: "system" });
  });

  it("with none of those on Linux, the Chromium shipped in @sparticuz/chromium, unpacked into the project", async () => {
    delete process.env.CHROMIUM_PATH;
    process.env.PATH = mkdtempSync(join(directory, "empty-"));
    process.env.PLAYWRIGHT_BROWSERS_PATH = mkdtempSync(join(directory, "no-downloads-"));
    try {
      const found = await findChromium();
      expect(found.source).toBe("@sparticuz/chromium");
      expect(found.executablePath).toMatch(/node_modules\/\.cache\/bloqr-chromium\/[\d.]+\/chromium$/);
    } finally {
      delete process.env.PLAYWRIGHT_BROWSERS_PATH;
    }
  });
});
