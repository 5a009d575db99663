/**
 * `npm run screenshots`: drives the running app (`npm run dev` in another terminal, or APP_URL)
 * in Chromium and saves a PNG of each main page into docs/screenshots/. It signs in through the
 * development sign-in as a fresh admin, creates a key and runs the demo preset as a job so the
 * pages have something to show, then shoots every page at 1280 and 390 px, light and dark
 * (`<page>-<width>-<scheme>.png`) — the playground after a compile, with its explanation, and the
 * job's own page with its metrics and explanation. It starts nothing and leaves nothing running.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { chromium, type Page } from "@playwright/test";
import { CHROMIUM_ARGS, findChromium } from "./lib/chromium";

const OUTPUT = "docs/screenshots";
// A laptop and a phone (an iPhone's 390 px), each in both colour schemes.
const VARIANTS = [
  { width: 1280, height: 900, colorScheme: "light" },
  { width: 1280, height: 900, colorScheme: "dark" },
  { width: 390, height: 844, colorScheme: "light" },
  { width: 390, height: 844, colorScheme: "dark" },
] as const;
const PAGES = [
  { name: "landing", path: "/" },
  { name: "dashboard", path: "/dashboard" },
  { name: "api-keys", path: "/dashboard/keys" },
  { name: "compile-playground", path: "/dashboard/compile", compile: true },
  { name: "jobs", path: "/dashboard/jobs" },
  // the seeded job's page: its name, metrics, result and explanation
  { name: "job", path: "job" },
  { name: "admin", path: "/admin" },
  // the reference is long: its first screen says what the page is
  { name: "api-docs", path: "/docs", fullPage: false },
] as const;

function appUrl(): string {
  if (process.env.APP_URL) return process.env.APP_URL;
  const state = ".data/dev-stack.json";
  if (!existsSync(state)) throw new Error("Start `npm run dev` first (or set APP_URL).");
  return JSON.parse(readFileSync(state, "utf8")).appUrl;
}

async function shoot(page: Page, name: string, fullPage = true) {
  await page.waitForLoadState("networkidle");
  await page.screenshot({ path: `${OUTPUT}/${name}.png`, fullPage });
  console.log(`${OUTPUT}/${name}.png`);
}

/** Signs in as a fresh pro admin and gives every page something to show: a key, a compile, a job (its path). */
async function seed(page: Page): Promise<string> {
  await page.goto("/dashboard");
  await page.waitForLoadState("networkidle");
  await page.getByLabel("Email").fill(`admin-${Date.now()}@example.com`);
  await page.getByLabel("Tier").selectOption("pro");
  await page.getByLabel("Role").selectOption("admin");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL("**/dashboard");

  await page.goto("/dashboard/keys");
  await page.waitForLoadState("networkidle");
  await page.getByLabel("Name", { exact: true }).fill("CI pipeline");
  await page.getByLabel("compile:async", { exact: true }).check();
  await page.getByRole("button", { name: "Create key" }).click();
  await page.getByTestId("new-key-secret").waitFor();
  await shoot(page, "api-keys-new-secret-1280-light");
  await page.getByLabel(/I have copied this key/).check();
  await page.getByRole("button", { name: "Done" }).click();

  await page.goto("/dashboard/compile");
  await page.waitForLoadState("networkidle");
  await page.getByRole("button", { name: "Run async" }).click();
  await page.waitForURL("**/dashboard/jobs");
  const newest = page.getByTestId("jobs-table").locator("tbody tr").first();
  await newest.getByText("succeeded").waitFor({ timeout: 30_000 });
  return (await newest.getByRole("link").first().getAttribute("href")) ?? "/dashboard/jobs";
}

async function main() {
  const baseURL = appUrl();
  mkdirSync(OUTPUT, { recursive: true });
  const { executablePath, source } = await findChromium();
  console.log(`Chromium: ${executablePath} (${source})`);
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const first = await browser.newContext({ baseURL, viewport: { width: 1280, height: 900 }, colorScheme: "light" });
    const jobPath = await seed(await first.newPage());
    const cookies = await first.cookies();
    for (const { width, height, colorScheme } of VARIANTS) {
      const context = await browser.newContext({ baseURL, viewport: { width, height }, colorScheme });
      await context.addCookies(cookies);
      const page = await context.newPage();
      for (const shot of PAGES) {
        await page.goto(shot.path === "job" ? jobPath : shot.path);
        if ("compile" in shot) {
          await page.waitForLoadState("networkidle");
          await page.getByRole("button", { name: "Compile", exact: true }).click();
          await page.getByTestId("playground-rule-count").waitFor();
          await page.getByTestId("explanation").waitFor();
        }
        await shoot(page, `${shot.name}-${width}-${colorScheme}`, !("fullPage" in shot));
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
