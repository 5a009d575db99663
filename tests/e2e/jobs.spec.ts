/**
 * A job's own page: the list's name, start, duration, rules and lines per step; its download under
 * the one file-name scheme; "why isn't X in my list?" on its explanation; and Run again.
 */
import { expect, type Page, test } from "@playwright/test";
import { CONFIGURATION_LABEL, downloadName, gotoHydrated, replaceSources, signInAt } from "./fixtures";

/** Runs a pasted `0.0.0.0 com` list as a job from the playground and opens the job's page. */
async function runJob(page: Page, name: string) {
  await signInAt(page, "/dashboard/compile");
  await gotoHydrated(page, "/dashboard/compile");
  await replaceSources(page, [
    { name: "Ad servers", text: "||doubleclick.com^\n||criteo.com^\n||ads.example.org^\n||ads.example.org^" },
    { name: "Hosts", text: "0.0.0.0 com\n0.0.0.0 tracker.example.net\n" },
  ]);
  const configuration = { name, transformations: ["RemoveComments", "Compress", "Validate", "Deduplicate"] };
  await page.getByLabel(CONFIGURATION_LABEL).fill(JSON.stringify(configuration, null, 2));
  await page.getByRole("button", { name: "Run async" }).click();
  await expect(page).toHaveURL("/dashboard/jobs");
  const row = page.getByTestId("jobs-table").locator("tbody tr").first();
  await expect(row.getByRole("link", { name })).toBeVisible();
  await expect(row.getByTestId("job-status")).toHaveText("succeeded", { timeout: 30_000 });
  await row.getByRole("link", { name }).click();
  await expect(page).toHaveURL(/\/dashboard\/jobs\/[0-9a-f-]{36}$/);
}

test("a job's page shows the list's name, start, duration, rules and per-step counts; the download is named after the list", async ({
  page,
}) => {
  const name = `Job page ${Date.now()}`;
  await runJob(page, name);
  await expect(page.getByTestId("job-name")).toHaveText(name);
  // ||ads.example.org^ (once) and ||tracker.example.net^: the .com rules went with ||com^
  await expect(page.getByTestId("job-rule-count")).toHaveText("2");
  await expect(page.getByTestId("job-duration")).toHaveText(/^\d+(\.\d)? m?s$/);
  await expect(page.getByText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/).first()).toBeVisible();
  // each list step with its lines in and out; Compress dropped the .com rules under ||com^
  const steps = page.getByTestId("job-metrics");
  for (const step of ["Compress", "Validate", "Deduplicate"]) {
    await expect(steps.locator(`tr[data-step="${step}"]`).filter({ hasText: "list" })).toHaveCount(1);
  }
  await expect(steps.locator('tr[data-step="Compress"]').filter({ hasText: "list" })).toContainText("−");
  await expect(page.getByTestId("job-sources")).toContainText("Source 2");

  const downloadStarted = page.waitForEvent("download");
  await page.getByTestId("job-download-format").selectOption("hosts");
  await page.getByTestId("job-download").click();
  expect((await downloadStarted).suggestedFilename()).toMatch(downloadName(name, "hosts"));
});

test("why isn't doubleclick.com in my list? — asked on the job's page, answered from the job's explanation", async ({
  page,
}) => {
  await runJob(page, `Job explain ${Date.now()}`);
  await expect(page.getByTestId("explain-warnings")).toContainText("||com^ (from 0.0.0.0 com) in source 2");
  await page.getByLabel("Why isn't a host in my list?").fill("doubleclick.com");
  await page.getByRole("button", { name: "Look up" }).click();
  await expect(page.getByTestId("explain-search-answer")).toHaveText(
    "Compress (list): ||doubleclick.com^ (source 1) — covered by ||com^ (from 0.0.0.0 com, source 2)",
  );
});

test("Run again queues the same request as a new job and opens its page", async ({ page }) => {
  const name = `Job rerun ${Date.now()}`;
  await runJob(page, name);
  const first = page.url();
  await page.getByTestId("job-rerun").click();
  await expect(page).not.toHaveURL(first);
  await expect(page).toHaveURL(/\/dashboard\/jobs\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("job-name")).toHaveText(name);
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("job-status")).toHaveText("succeeded", { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByTestId("job-rule-count")).toHaveText("2");

  await page.goto("/dashboard/jobs");
  await expect(page.getByTestId("jobs-table").getByRole("link", { name })).toHaveCount(2);
});
