/**
 * Published lists in Chromium against `npm run dev`: publish the playground's configuration, copy
 * the subscribe URL, fetch it as a blocker would, change the source, see version 2 in the history
 * and its diff. The list's source is a local list server on the port the stack allows
 * (E2E_SOURCE_PORT, see playwright.config.ts).
 */
import { expect, type Page, test } from "@playwright/test";
import { startSourceServer } from "../support/source-server.mjs";
import { gotoHydrated, signInAt } from "./fixtures";

const rules = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, index) => `||${prefix}-${index}.example^`);

let server: Awaited<ReturnType<typeof startSourceServer>>;
test.beforeAll(async () => {
  server = await startSourceServer(Number(process.env.E2E_SOURCE_PORT));
});
test.afterAll(async () => {
  await server?.close();
});

async function setSource(name: string, lines: string[]) {
  const response = await fetch(`${server.url}/mutable/${name}`, { method: "PUT", body: `${lines.join("\n")}\n` });
  expect(response.status).toBe(204);
}

/** Reloads the list page until the history shows `version` (the refresh runs on the local queue). */
async function waitForVersion(page: Page, version: number) {
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("versions-table")).toContainText(`v${version}`, { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
}

test("publish from the playground → copy the URL → fetch it → version 2 in the history → its diff", async ({
  page,
  context,
  request,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const name = `e2e-${Date.now()}`;
  await setSource(name, rules("ads", 6));
  await signInAt(page, "/dashboard/compile", { tier: "pro" });
  await gotoHydrated(page, "/dashboard/compile");
  const configuration = { name: "E2E list", sources: [{ source: `${server.url}/mutable/${name}` }] };
  await page.locator("#configuration").fill(JSON.stringify(configuration, null, 2));
  await page.getByRole("button", { name: "Publish as a list" }).click();

  await expect(page).toHaveURL(/\/dashboard\/lists\/new$/);
  await expect(page.getByLabel("Name")).toHaveValue("E2E list");
  await page.getByRole("button", { name: "Create list" }).click();
  await expect(page).toHaveURL(/\/dashboard\/lists\/[0-9a-f-]{36}$/);
  await waitForVersion(page, 1);

  await page.getByTestId("subscribe-urls").getByRole("button", { name: "Copy" }).first().click();
  const url = await page.evaluate(() => navigator.clipboard.readText());
  expect(url).toMatch(/\/l\/[0-9a-f]{32}\.txt$/);
  const first = await request.get(url);
  expect(first.status()).toBe(200);
  expect(await first.text()).toContain("||ads-5.example^");
  const again = await request.get(url, { headers: { "If-None-Match": first.headers().etag } });
  expect(again.status()).toBe(304);

  await setSource(name, [...rules("ads", 5), "||new.example^"]);
  await page.getByRole("button", { name: "Refresh now" }).click();
  await waitForVersion(page, 2);
  await expect(page.getByTestId("versions-table")).toContainText("+1");

  await page.getByRole("link", { name: "v1 → v2" }).click();
  await expect(page.getByTestId("diff")).toContainText("1 added, 1 removed");
  await expect(page.getByTestId("diff")).toContainText("+ ||new.example^");
  await expect(page.getByTestId("diff")).toContainText("− ||ads-5.example^");
  expect(await (await request.get(url)).text()).toContain("||new.example^");
});
