/**
 * The playground as a list maintainer uses it: lists pasted or uploaded one per box, the input
 * kept across submits without JavaScript, errors beside their field, and the rate limit explained.
 */
import { expect, test } from "@playwright/test";
import { CONFIGURATION_LABEL, downloadName, gotoHydrated, replaceSources, signInAt } from "./fixtures";

const configurationText = (name: string) =>
  JSON.stringify({ name, transformations: ["RemoveComments", "Compress", "Deduplicate", "RemoveEmptyLines"] }, null, 2);

test("raw-text sources: a pasted list and an uploaded file (hosts syntax) compile into one list", async ({ page }) => {
  await signInAt(page, "/dashboard/compile");
  await gotoHydrated(page, "/dashboard/compile");
  const name = `Pasted ${Date.now()}`;
  await replaceSources(page, [{ name: "My ads", text: "||ads.example.com^\n||ads.example.com^\n! a comment" }]);
  await page.getByRole("button", { name: "Add a source" }).click();
  await expect(page.getByTestId("source-box")).toHaveCount(2);
  await page.getByLabel("Or upload a file for source 2").setInputFiles({
    name: "hosts.txt",
    mimeType: "text/plain",
    buffer: Buffer.from("0.0.0.0 tracker.example.net\n0.0.0.0 ads.example.com\n"),
  });
  // the file is read into its box, named after the file
  await expect(page.getByLabel("Text of source 2")).toHaveValue(/tracker\.example\.net/);
  await expect(page.getByLabel("Name of source 2")).toHaveValue("hosts.txt");
  await page.getByLabel("Syntax of source 2").selectOption("hosts");
  await page.getByLabel(CONFIGURATION_LABEL).fill(configurationText(name));
  await page.getByRole("button", { name: "Compile", exact: true }).click();

  await expect(page.getByTestId("playground-rule-count")).toHaveText("2");
  const preview = page.getByTestId("playground-preview");
  // the pasted duplicate and the file's hosts line for the same host are one rule; the file's other host is in
  await expect(preview).toContainText("||ads.example.com^\n||tracker.example.net^");
  await expect(page.getByTestId("playground-download")).toHaveAttribute("download", downloadName(name));
});

test("an empty source box and broken JSON are named beside their fields, with line and column", async ({ page }) => {
  await signInAt(page, "/dashboard/compile");
  await gotoHydrated(page, "/dashboard/compile");
  await page.getByRole("button", { name: "Add a source" }).click();
  await page.getByLabel(CONFIGURATION_LABEL).fill('{\n  "name": "Broken",\n  "transformations": [,]\n}');
  await page.getByRole("button", { name: "Compile", exact: true }).click();
  await expect(page.locator("#configuration-error")).toHaveText(
    "The configuration is not valid JSON at line 3, column 23: unexpected token ','.",
  );
  await expect(page.getByLabel(CONFIGURATION_LABEL)).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#source-2-text-error")).toHaveText(
    "Paste the list or choose a file, or remove this source.",
  );
});

test("a source that cannot be loaded shows as failed in the result pane, not as loading", async ({ page }) => {
  await signInAt(page, "/dashboard/compile");
  await gotoHydrated(page, "/dashboard/compile");
  await replaceSources(page, []);
  await page
    .getByLabel(CONFIGURATION_LABEL)
    .fill(JSON.stringify({ name: "Unreachable", sources: [{ source: "https://lists.bloqr.invalid/missing.txt" }] }));
  await page.getByRole("button", { name: "Compile", exact: true }).click();
  await expect(page.getByTestId("playground-progress")).toContainText("Source 1: failed", { timeout: 30_000 });
  await expect(page.getByTestId("playground-error")).toBeVisible();
  await expect(page.getByText("Working…")).toHaveCount(0);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("every submit shows the submitted text again: invalid input is kept, the download is named after the list", async ({
    page,
  }) => {
    await signInAt(page, "/dashboard/compile");
    const name = `No script ${Date.now()}`;
    await replaceSources(page, [
      { name: "Mine", text: "||one.example^\n||two.example^" },
      { name: "Hosts", text: "0.0.0.0 three.example" },
    ]);
    await page.getByLabel("Syntax of source 2").selectOption("hosts");
    const broken = `{\n  "name": "${name}",\n  "transformations": ["Deduplicate"\n}`;
    await page.getByLabel(CONFIGURATION_LABEL).fill(broken);
    await page.getByRole("button", { name: "Compile", exact: true }).click();

    await expect(page.locator("#configuration-error")).toContainText("not valid JSON at line 4, column 1");
    await expect(page.getByLabel(CONFIGURATION_LABEL)).toHaveValue(broken);
    await expect(page.getByLabel("Text of source 1")).toHaveValue("||one.example^\n||two.example^");
    await expect(page.getByLabel("Name of source 2")).toHaveValue("Hosts");
    await expect(page.getByLabel("Syntax of source 2")).toHaveValue("hosts");

    await page.getByLabel(CONFIGURATION_LABEL).fill(configurationText(name));
    await page.getByTestId("playground-format").selectOption("hosts");
    await page.getByRole("button", { name: "Compile", exact: true }).click();
    await expect(page.getByTestId("playground-rule-count")).toHaveText("3");
    await expect(page.getByLabel(CONFIGURATION_LABEL)).toHaveValue(configurationText(name));
    await expect(page.getByLabel("Text of source 2")).toHaveValue("0.0.0.0 three.example");
    await expect(page.getByTestId("playground-format")).toHaveValue("hosts");
    await expect(page.getByTestId("playground-download")).toHaveAttribute("download", downloadName(name, "hosts"));
  });
});

test("rate limited: a countdown banner, the buttons wait for the window, the configuration is not blamed", async ({
  page,
}) => {
  // The window is the wall-clock minute: start early in one, so it cannot reset mid-test.
  const second = new Date().getUTCSeconds();
  if (second > 40) await page.waitForTimeout((61 - second) * 1000);
  await signInAt(page, "/dashboard/compile");
  await gotoHydrated(page, "/dashboard/compile");
  // Spend the free tier's 60 requests of this minute (the session shares the user's bucket).
  let status = 200;
  while (status !== 429) status = (await page.request.get("/api/me")).status();

  await page.getByRole("button", { name: "Compile", exact: true }).click();
  const banner = page.getByTestId("rate-limit-banner");
  await expect(banner).toContainText("Rate limit reached");
  const countdown = page.getByTestId("rate-limit-countdown");
  const first = Number(await countdown.textContent());
  expect(first).toBeGreaterThan(0);
  expect(first).toBeLessThanOrEqual(60);
  await expect.poll(async () => Number(await countdown.textContent()), { timeout: 5_000 }).toBeLessThan(first);
  await expect(page.getByRole("button", { name: "Compile", exact: true })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Run async" })).toBeDisabled();
  await expect(page.locator("#configuration-error")).toHaveCount(0);
  await expect(page.getByLabel(CONFIGURATION_LABEL)).toHaveAttribute("aria-invalid", "false");

  await gotoHydrated(page, "/dashboard");
  await expect(page.getByTestId("account-usage-reset")).toHaveText(/^The window resets at \d\d:\d\d:\d\d UTC\.$/);
});
