/**
 * The playground explains a compile: a hosts line `0.0.0.0 com` among the sources makes Compress
 * drop every .com rule and Validate then remove `||com^` — the result pane warns, lists the
 * removed rules with their reason and covering rule, and answers "why isn't X in my list?".
 */
import { expect, test } from "@playwright/test";
import { gotoHydrated, signInAt } from "./fixtures";

const ADS_URL = "https://lists.example.org/ad-servers.txt";
const HOSTS_URL = "https://lists.example.org/hosts.txt";
/** More rules than the preview shows, so it says how much it shows. */
const ORG_RULES = Array.from({ length: 250 }, (_, index) => `||ad${index}.example.org^`);

async function compileComList(page: import("@playwright/test").Page, javaScript = true) {
  await signInAt(page, "/dashboard/compile");
  if (javaScript) await gotoHydrated(page, "/dashboard/compile");
  const configuration = {
    name: `TLD check ${Date.now()}`,
    sources: [
      { name: "Ad servers", source: ADS_URL },
      { name: "Hosts", source: HOSTS_URL },
    ],
    transformations: ["RemoveComments", "Compress", "Validate", "Deduplicate"],
  };
  const preFetchedContent = {
    [ADS_URL]: ["||googlesyndication.com^", "||criteo.com^", "||doubleclick.com^", ...ORG_RULES].join("\n"),
    [HOSTS_URL]: "0.0.0.0 com\n0.0.0.0 tracker.example.net\n",
  };
  await page.getByLabel("Configuration (hostlist-compiler format)").fill(JSON.stringify(configuration, null, 2));
  await page.getByLabel(/Pre-fetched content/).fill(JSON.stringify(preFetchedContent, null, 2));
  await page.getByRole("button", { name: "Compile", exact: true }).click();
  await expect(page.getByTestId("explanation")).toBeVisible();
}

test("a compile with `0.0.0.0 com`: the warning appears, the removed rules say why and name ||com^ and its source", async ({
  page,
}) => {
  await compileComList(page);
  await expect(page.getByTestId("explain-warnings")).toContainText(
    "||com^ (from 0.0.0.0 com) in source 2 blocks a whole public suffix; Compress dropped 3 rules it covered, then Validate removed it.",
  );
  const covered = page.getByTestId("explain-reason").filter({ hasText: "covered by a parent rule: 3" });
  await covered.locator("summary").click();
  await expect(covered.getByTestId("explain-removed-rule").filter({ hasText: "||criteo.com^" })).toHaveText(
    "||criteo.com^ (source 1) — covered by ||com^ (from 0.0.0.0 com, source 2)",
  );
  const invalid = page.getByTestId("explain-reason").filter({ hasText: "invalid: 1" });
  await invalid.locator("summary").click();
  await expect(invalid).toContainText("||com^ (from 0.0.0.0 com, source 2) — invalid: com is a public suffix");
  // the counts add up: 253 + 2 source lines and 2 × 4 header lines enter the list steps
  await expect(page.getByTestId("explain-steps")).toContainText(
    "List: 255 lines from the sources + 8 source header lines = 263",
  );
  await expect(page.getByTestId("playground-preview-count")).toHaveText(
    /^Showing 200 of \d{3} lines: the download has them all\.$/,
  );
});

test("why isn't doubleclick.com in my list? — the search names the rule, its source and what removed it", async ({
  page,
}) => {
  await compileComList(page);
  await page.getByLabel("Why isn't a host in my list?").fill("doubleclick.com");
  await page.getByRole("button", { name: "Look up" }).click();
  await expect(page.getByTestId("explain-search-answer")).toHaveText(
    "Compress (list): ||doubleclick.com^ (source 1) — covered by ||com^ (from 0.0.0.0 com, source 2)",
  );
  await page.getByLabel("Why isn't a host in my list?").fill("never-listed.example");
  await page.getByRole("button", { name: "Look up" }).click();
  await expect(page.getByTestId("explain-search-answer")).toHaveText(
    "No rule naming never-listed.example was removed or changed by this compile.",
  );
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the page's own compile explains it too: the warning and the covered rules", async ({ page }) => {
    await compileComList(page, false);
    await expect(page.getByTestId("explain-warnings")).toContainText("||com^ (from 0.0.0.0 com) in source 2");
    await expect(page.getByTestId("explain-reason").filter({ hasText: "covered by a parent rule: 3" })).toBeVisible();
  });
});
