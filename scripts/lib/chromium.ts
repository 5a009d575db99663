/**
 * The Chromium that Playwright drives (the e2e suite and `npm run screenshots`), so that a fresh
 * machine with nothing but Node and npm runs them. First found wins:
 *   1. `CHROMIUM_PATH`;
 *   2. a system Chromium or Chrome on PATH (Debian's `chromium`, `google-chrome`, …);
 *   3. the browser `npx playwright install chromium` downloaded;
 *   4. the Chromium inside the `@sparticuz/chromium` npm package (Linux x64/arm64), unpacked once
 *      into node_modules/.cache — per project, so no other user's /tmp can hand us a binary.
 * docs/decisions/0013-newcomer-path.md says why.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "@playwright/test";

/**
 * Without these Chromium phones home (component updates, sync, QUIC probes) and retries for the
 * whole run on a closed network; --no-sandbox because it refuses to start as root otherwise.
 */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const SYSTEM_NAMES = ["chromium", "chromium-browser", "google-chrome-stable", "google-chrome"];
const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");

export interface FoundChromium {
  executablePath: string;
  /** Where it came from, for the one line the callers print. */
  source: "CHROMIUM_PATH" | "system" | "playwright" | "@sparticuz/chromium";
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

function systemChromium(): string | undefined {
  for (const name of SYSTEM_NAMES) {
    const found = onPath(name);
    if (found) return found;
  }
  return undefined;
}

function playwrightChromium(): string | undefined {
  try {
    const path = chromium.executablePath();
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The package unpacks into `os.tmpdir()` and trusts whatever `chromium` it finds there. We point
 * it at a fresh private folder and move the result into place in one rename, so parallel
 * Playwright workers never see a half-written binary.
 */
async function npmChromium(): Promise<string | undefined> {
  if (process.platform !== "linux") return undefined;
  const manifest = join(PROJECT_ROOT, "node_modules/@sparticuz/chromium/package.json");
  if (!existsSync(manifest)) return undefined;
  const { version } = JSON.parse(readFileSync(manifest, "utf8"));
  const target = join(PROJECT_ROOT, "node_modules/.cache/bloqr-chromium", version);
  const binary = join(target, "chromium");
  if (existsSync(binary)) return binary;

  mkdirSync(dirname(target), { recursive: true });
  const staging = mkdtempSync(`${target}.partial-`);
  const savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = staging;
  try {
    const { default: packaged } = await import("@sparticuz/chromium");
    await packaged.executablePath();
  } finally {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
  }
  try {
    renameSync(staging, target);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another worker finished first
  }
  return binary;
}

export async function findChromium(): Promise<FoundChromium> {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH is set to ${fromEnv}, which does not exist.`);
    return { executablePath: fromEnv, source: "CHROMIUM_PATH" };
  }
  const system = systemChromium();
  if (system) return { executablePath: system, source: "system" };
  const downloaded = playwrightChromium();
  if (downloaded) return { executablePath: downloaded, source: "playwright" };
  const packaged = await npmChromium();
  if (packaged) return { executablePath: packaged, source: "@sparticuz/chromium" };
  throw new Error(
    "No Chromium found. Set CHROMIUM_PATH, install Chromium or Chrome, or run `npx playwright install chromium`.",
  );
}
