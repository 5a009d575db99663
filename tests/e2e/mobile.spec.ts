/**
 * Every page at 390 px (an iPhone's width) in light and dark: nothing scrolls sideways, tables
 * stack into rows, and a keyboard user can skip the header.
 */
import { expect, type Page, test } from "@playwright/test";
import { gotoHydrated, signInAt, uniqueEmail } from "./fixtures";

test.use({ viewport: { width: 390, height: 844 } });

async function expectNoSidewaysScroll(page: Page, label: string) {
  await page.waitForLoadState("networkidle");
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth, `${label}: page is ${scrollWidth} px wide in a ${innerWidth} px window`).toBeLessThanOrEqual(
    innerWidth,
  );
}

test("signed out: landing, docs, sign-in and a 404 fit 390 px", async ({ page }) => {
  for (const path of ["/", "/docs", "/sign-in", "/no-such-page"]) {
    await page.goto(path);
    await expectNoSidewaysScroll(page, path);
  }
});

for (const colorScheme of ["light", "dark"] as const) {
  test(`signed in (${colorScheme}): every dashboard and admin page fits 390 px, with data in its tables`, async ({
    page,
  }) => {
    await page.emulateMedia({ colorScheme });
    await signInAt(page, "/dashboard/compile", { role: "admin", email: uniqueEmail("mobile") });
    await page.waitForLoadState("networkidle");
    await expectNoSidewaysScroll(page, "/dashboard/compile");
    await page.getByRole("button", { name: "Compile", exact: true }).click();
    await expect(page.getByTestId("playground-rule-count")).toBeVisible();
    await expectNoSidewaysScroll(page, "/dashboard/compile after a compile");

    await page.getByRole("button", { name: "Run async" }).click();
    await expect(page).toHaveURL("/dashboard/jobs");
    await expect(page.getByTestId("jobs-table").getByTestId("job-status").first()).toHaveText("succeeded", {
      timeout: 30_000,
    });
    await expectNoSidewaysScroll(page, "/dashboard/jobs");
    await page.getByTestId("jobs-table").getByRole("link").first().click();
    await expect(page).toHaveURL(/\/dashboard\/jobs\/[0-9a-f-]+$/);
    await expectNoSidewaysScroll(page, "/dashboard/jobs/:id");

    await gotoHydrated(page, "/dashboard/keys");
    await page.getByLabel("Name", { exact: true }).fill("a key with a rather long name for a phone");
    await page.getByRole("button", { name: "Create key" }).click();
    await expect(page.getByTestId("new-key-secret")).toBeVisible();
    await expectNoSidewaysScroll(page, "/dashboard/keys with a new secret");
    await page.getByLabel(/I have copied this key/).check();
    await page.getByRole("button", { name: "Done" }).click();
    await page.getByRole("link", { name: /^Revoke/ }).click();
    await expectNoSidewaysScroll(page, "/dashboard/keys asking to revoke");
    await page.getByRole("button", { name: "Yes, revoke" }).click();
    await expect(page.getByTestId("revoked-keys-table")).toBeVisible();
    await expectNoSidewaysScroll(page, "/dashboard/keys with a revoked key");

    for (const path of ["/dashboard", "/admin", "/docs", "/"]) {
      await page.goto(path);
      await expectNoSidewaysScroll(page, path);
    }
  });
}

test("a skip link is the first stop of the keyboard and jumps past the header", async ({ page }) => {
  await gotoHydrated(page, "/");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/#content$/);
  await expect(page.locator("#content")).toBeFocused();
});
