/** Shared steps of the browser tests: signing in through the development sign-in form. */
import { expect, type Page } from "@playwright/test";
import { FORMAT_FILE_SUFFIXES, fileSlug } from "../../app/compiler/formats/names";
import type { OutputFormat } from "../../app/compiler/formats/report";

/** Every list download's name: `<slug of the list's name>-<YYYYMMDD of the compile>.<format's suffix>`. */
export const downloadName = (listName: string, format: OutputFormat = "adblock") =>
  new RegExp(`^${fileSlug(listName)}-\\d{8}\\.${FORMAT_FILE_SUFFIXES[format].replaceAll(".", "\\.")}$`);

export const uniqueEmail = (label: string) => `${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;

export async function devSignIn(page: Page, email: string, role: "user" | "admin" = "user", tier = "free") {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Tier").selectOption(tier);
  await page.getByLabel("Role").selectOption(role);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Signs in from a fresh page and lands on `path`. */
export async function signInAt(
  page: Page,
  path: string,
  options: { email?: string; role?: "user" | "admin"; tier?: string } = {},
) {
  const email = options.email ?? uniqueEmail("user");
  await page.goto(path);
  await expect(page).toHaveURL(/\/sign-in/);
  await page.waitForLoadState("networkidle");
  await devSignIn(page, email, options.role ?? "user", options.tier ?? "free");
  await expect(page).toHaveURL(path);
  return email;
}

/** Navigates and waits until the page's scripts have loaded, so typing is not lost to hydration. */
export async function gotoHydrated(page: Page, path: string) {
  await page.goto(path);
  await page.waitForLoadState("networkidle");
}

/** The playground's configuration editor (its own sources are fetched by URL). */
export const CONFIGURATION_LABEL = "Configuration (hostlist-compiler JSON; its own sources are fetched by URL)";

/** Replaces the playground's source boxes with these pasted lists, with or without JavaScript. */
export async function replaceSources(page: Page, lists: { name: string; text: string }[]) {
  const boxes = page.getByTestId("source-box");
  // each click waits for its box to go or come: without JavaScript it is a page load
  for (let count = await boxes.count(); count > 0; count--) {
    await page.getByRole("button", { name: "Remove source 1" }).click();
    await expect(boxes).toHaveCount(count - 1);
  }
  for (const [index, list] of lists.entries()) {
    await page.getByRole("button", { name: "Add a source" }).click();
    await expect(boxes).toHaveCount(index + 1);
    await page.getByLabel(`Name of source ${index + 1}`).fill(list.name);
    await page.getByLabel(`Text of source ${index + 1}`).fill(list.text);
  }
}
