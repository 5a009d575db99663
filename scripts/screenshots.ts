/**
 * `npm run screenshots`: drives the running app (`npm run dev` in another terminal, or APP_URL)
 * in Chromium and saves a PNG of each main page into docs/screenshots/. It signs in through the
 * development sign-in as a fresh admin, creates a key and compiles the demo preset so the pages
 * have something to show. It starts nothing and leaves nothing running.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { chromium, type Page } from "@playwright/test";
import { CHROMIUM_ARGS, findChromium } from "./lib/chromium";

const OUTPUT = "docs/screenshots";
const VIEWPORT = { width: 1280, height: 900 };

function appUrl(): string {
  if (process.env.APP_URL) return process.env.APP_URL;
  const state = ".data/dev-stack.json";
  if (!existsSync(state)) throw new Error("Start `npm run dev` first (or set APP_URL).");
  return JSON.parse(readFileSync(state, "utf8")).appUrl;
}

async function shoot(page: Page, name: string) {
  await page.waitForLoadState("networkidle");
  await page.screenshot({ path: `${OUTPUT}/${name}.png`, fullPage: true });
  console.log(`${OUTPUT}/${name}.png`);
}

async function main() {
  const baseURL = appUrl();
  mkdirSync(OUTPUT, { recursive: true });
  const { executablePath, source } = await findChromium();
  console.log(`Chromium: ${executablePath} (${source})`);
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ baseURL, viewport: VIEWPORT, colorScheme: "light" });
    const page = await context.newPage();

    await page.goto("/");
    await shoot(page, "01-landing");

    await page.goto("/dashboard");
    await page.waitForLoadState("networkidle");
    await page.getByLabel("Email").fill(`admin-${Date.now()}@example.com`);
    await page.getByLabel("Tier").selectOption("pro");
    await page.getByLabel("Role").selectOption("admin");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL("**/dashboard");

    await page.goto("/dashboard/compile");
    await page.waitForLoadState("networkidle");
    await page.getByRole("button", { name: "Compile", exact: true }).click();
    await page.getByTestId("playground-rule-count").waitFor();
    await shoot(page, "04-compile-playground");

    await page.getByRole("button", { name: "Run async" }).click();
    await page.waitForURL("**/dashboard/jobs");
    await page
      .getByTestId("jobs-table")
      .locator("tbody tr")
      .first()
      .getByText("succeeded")
      .waitFor({ timeout: 30_000 });
    await shoot(page, "05-jobs");

    await page.goto("/dashboard/keys");
    await page.waitForLoadState("networkidle");
    await page.getByLabel("Name", { exact: true }).fill("CI pipeline");
    await page.getByLabel("compile:async", { exact: true }).check();
    await page.getByRole("button", { name: "Create key" }).click();
    await page.getByTestId("new-key-secret").waitFor();
    await shoot(page, "03-api-keys");

    await page.goto("/dashboard");
    await shoot(page, "02-dashboard");

    await page.goto("/admin");
    await shoot(page, "06-admin");

    await page.goto("/docs");
    await shoot(page, "07-api-docs");

    const dark = await browser.newContext({ baseURL, viewport: VIEWPORT, colorScheme: "dark" });
    await dark.addCookies(await context.cookies());
    const darkPage = await dark.newPage();
    await darkPage.goto("/dashboard");
    await shoot(darkPage, "08-dashboard-dark");
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
