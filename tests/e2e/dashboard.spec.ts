/**
 * The dashboard as a user drives it in Chromium against `npm run dev`: keys, the playground,
 * jobs and admin, with and without JavaScript.
 */
import { readFile } from "node:fs/promises";
import { type APIRequestContext, expect, type Page, test } from "@playwright/test";
import { composeRequest, presetInput } from "../../app/components/playground/input";
import { API_KEY_SCOPES } from "../../app/domain";
import { PRESETS } from "../../app/presets";
import { downloadName, gotoHydrated, signInAt, uniqueEmail } from "./fixtures";

const demo = PRESETS.find((preset) => preset.id === "demo")!;
const ruleLines = (text: string) => text.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("!"));

async function createKeyInUi(page: Page, name: string, scopes: string[] = ["compile"]) {
  await gotoHydrated(page, "/dashboard/keys");
  await page.getByLabel("Name", { exact: true }).fill(name);
  for (const scope of API_KEY_SCOPES) {
    await page.getByLabel(scope, { exact: true }).setChecked(scopes.includes(scope));
  }
  await page.getByRole("button", { name: "Create key" }).click();
  const secret = page.getByTestId("new-key-secret");
  await expect(secret).toHaveValue(/^bqk_/);
  return secret.inputValue();
}

/** Confirms the one-time secret was copied, which closes it. */
async function acknowledgeSecret(page: Page) {
  await page.getByLabel(/I have copied this key/).check();
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByTestId("new-key-secret")).toHaveCount(0);
}

async function compileWithKey(request: APIRequestContext, key: string) {
  return request.post("/api/compile", {
    headers: { "X-API-Key": key },
    data: { configuration: demo.configuration, preFetchedContent: demo.preFetchedContent },
  });
}

test("sign in → create a key → compile with it → the compile shows up → revoke → the key gets 401", async ({
  page,
  context,
  request,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signInAt(page, "/dashboard/keys");
  const secret = await createKeyInUi(page, "e2e key");
  await expect(page.getByText("shown only once")).toBeVisible();

  await page.getByRole("button", { name: "Copy" }).click();
  await expect(page.getByRole("button", { name: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);

  // The plaintext is gone after a reload: only the prefix is listed.
  await page.reload();
  await expect(page.getByTestId("new-key-secret")).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);
  await expect(page.getByTestId("keys-table")).toContainText(secret.slice(0, 12));

  const compiled = await compileWithKey(request, secret);
  expect(compiled.status()).toBe(200);
  const body = await compiled.json();

  await page.goto("/dashboard");
  await expect(page.getByTestId("recent-jobs")).toContainText("sync");
  await expect(page.getByTestId("recent-jobs")).toContainText(`${body.ruleCount} rules`);
  await expect(page.getByTestId("compile-chart")).toContainText("1 compiles in the last 30 days");
  await page.goto("/dashboard/jobs");
  await expect(page.getByTestId("jobs-table").getByTestId("job-status").first()).toHaveText("succeeded");

  await page.goto("/dashboard/keys");
  await page.getByRole("link", { name: "Revoke" }).click();
  await page.getByRole("button", { name: "Yes, revoke" }).click();
  await expect(page.getByTestId("revoked-keys-table")).toContainText("e2e key");
  const refused = await compileWithKey(request, secret);
  expect(refused.status()).toBe(401);
});

test("playground: a preset compiles with progress, the download matches the API; async succeeds without a reload", async ({
  page,
  request,
}) => {
  await signInAt(page, "/dashboard/keys");
  const key = await createKeyInUi(page, "playground check");
  await gotoHydrated(page, "/dashboard/compile");
  await page.getByLabel("Preset").selectOption("demo");
  // A configuration of its own, so this compile is not served from another test's cache.
  const name = `Playground ${Date.now()}`;
  const input = presetInput(demo);
  input.configuration = JSON.stringify({ ...JSON.parse(input.configuration), name }, null, 2);
  await page.getByLabel(/^Configuration/).fill(input.configuration);
  await page.getByRole("button", { name: "Compile", exact: true }).click();
  // the demo's lists are shown as pasted sources, and sent as such
  const composed = composeRequest(input);
  if (!composed.ok) throw new Error("the demo preset does not compose");

  const progress = page.getByTestId("playground-progress");
  await expect(progress).toContainText("Source 1: loading");
  await expect(progress).toContainText("Deduplicate (list)");
  await expect(page.getByTestId("playground-rule-count")).toBeVisible();

  const downloadStarted = page.waitForEvent("download");
  await page.getByTestId("playground-download").click();
  const download = await downloadStarted;
  expect(download.suggestedFilename()).toMatch(downloadName(name));
  const downloaded = await readFile((await download.path())!, "utf8");

  const api = await (
    await request.post("/api/compile", {
      headers: { "X-API-Key": key },
      data: { configuration: composed.configuration, preFetchedContent: composed.preFetchedContent },
    })
  ).json();
  expect(ruleLines(downloaded)).toEqual(ruleLines(api.rules.join("\n")));
  expect(ruleLines(downloaded).length).toBe(api.ruleCount);
  await expect(page.getByTestId("playground-rule-count")).toHaveText(String(api.ruleCount));

  // Async: the jobs page refreshes itself until the job has succeeded.
  await page.getByRole("button", { name: "Run async" }).click();
  await expect(page).toHaveURL("/dashboard/jobs");
  await page.evaluate(() => {
    (window as unknown as { notReloaded: boolean }).notReloaded = true;
  });
  const newest = page.getByTestId("jobs-table").locator("tbody tr").first();
  await expect(newest).toContainText("async");
  await expect(newest.getByTestId("job-status")).toHaveText("succeeded", { timeout: 30_000 });
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
});

test("admin promotes a user to pro → that user's limit is 300 on the next request", async ({ browser, request }) => {
  const userContext = await browser.newContext();
  const userPage = await userContext.newPage();
  const userEmail = await signInAt(userPage, "/dashboard/keys");
  const key = await createKeyInUi(userPage, "limit check");
  const before = await request.get("/api/me", { headers: { "X-API-Key": key } });
  expect(before.headers()["ratelimit-limit"]).toBe("60");

  const adminContext = await browser.newContext();
  const adminPage = await adminContext.newPage();
  await signInAt(adminPage, "/admin", { role: "admin", email: uniqueEmail("admin") });
  await adminPage.getByLabel("Search by email or Clerk user id").fill(userEmail);
  await adminPage.getByRole("button", { name: "Search" }).click();
  const row = adminPage.locator(`tr[data-user-email="${userEmail}"]`);
  await row.getByLabel(`Tier of ${userEmail}`).selectOption("pro");
  await row.getByRole("button", { name: "Save" }).click();
  await expect(adminPage.getByTestId("admin-confirm")).toContainText(
    `Change ${userEmail} from free / user to pro / user?`,
  );
  await expect(adminPage.getByTestId("admin-confirm")).toBeFocused();
  await adminPage.getByRole("button", { name: "Yes, change it" }).click();
  await expect(adminPage.getByTestId("admin-message")).toHaveText("Saved: pro / user.");

  const after = await request.get("/api/me", { headers: { "X-API-Key": key } });
  expect(after.headers()["ratelimit-limit"]).toBe("300");
  expect((await after.json()).tier).toBe("pro");
  await userContext.close();
  await adminContext.close();
});

test("the one-time secret stays until its copy is acknowledged; then the create form is empty again", async ({
  page,
}) => {
  await signInAt(page, "/dashboard/keys");
  const secret = await createKeyInUi(page, "acknowledged key");
  // the create form is replaced while the secret shows, so nothing else can hide it
  await expect(page.getByRole("button", { name: "Create key" })).toHaveCount(0);
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByTestId("new-key-secret")).toHaveValue(secret);
  await acknowledgeSecret(page);
  expect(await page.content()).not.toContain(secret);
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue("");
  await expect(page.getByLabel("compile", { exact: true })).toBeChecked();
  await expect(page.getByTestId("keys-table")).toContainText(secret.slice(0, 12));
});

test("keys: the per-key limit is edited in place, a limit above the tier is refused beside the field", async ({
  page,
}) => {
  await signInAt(page, "/dashboard/keys");
  await createKeyInUi(page, "limited");
  await acknowledgeSecret(page);
  const row = page.locator('tr[data-key-name="limited"]');
  await row.getByLabel(/^Per minute of key/).fill("500");
  await row.getByRole("button", { name: "Save" }).click();
  await expect(row.getByRole("alert")).toHaveText("At most 60 on the free tier.");
  await row.getByLabel(/^Per minute of key/).fill("15");
  await row.getByLabel(/^Name of key/).fill("limited to 15");
  await row.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("key-saved")).toHaveText("Saved “limited to 15”, 15 per minute.");
  await page.getByRole("link", { name: /^Revoke/ }).click();
  await expect(page.locator("#revoke-confirmation")).toBeFocused();
  await page.getByRole("button", { name: "Yes, revoke" }).click();
  await expect(page.getByTestId("revoked-keys-table")).toContainText("limited to 15");
  await expect(page.getByTestId("keys-table")).toHaveCount(0);
});

test("admin: taking away your own admin role is refused, after a confirmation, and nothing changes", async ({
  page,
}) => {
  const email = uniqueEmail("admin");
  await signInAt(page, "/admin", { role: "admin", email });
  await page.getByLabel("Search by email or Clerk user id").fill(email);
  await page.getByRole("button", { name: "Search" }).click();
  const row = page.locator(`tr[data-user-email="${email}"]`);
  await row.getByLabel(`Role of ${email}`).selectOption("user");
  await row.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("admin-confirm")).toContainText("from free / admin to free / user?");
  await page.getByRole("button", { name: "Yes, change it" }).click();
  await expect(page.getByTestId("admin-message")).toHaveText(
    "You cannot take away your own admin role; another administrator can.",
  );
  // still an administrator: the page still opens
  await page.goto("/admin");
  await expect(page.getByRole("heading", { name: "Admin" })).toBeVisible();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("creating and revoking a key still works", async ({ page, request }) => {
    await signInAt(page, "/dashboard/keys");
    const secret = await createKeyInUi(page, "no-js key", ["compile"]);
    expect((await request.get("/api/me", { headers: { "X-API-Key": secret } })).status()).toBe(200);

    await page.getByRole("link", { name: "Revoke" }).click();
    await expect(page).toHaveURL(/revoke=/);
    await page.getByRole("button", { name: "Yes, revoke" }).click();
    await expect(page).toHaveURL("/dashboard/keys");
    await expect(page.getByTestId("revoked-keys-table")).toContainText("no-js key");
    expect((await request.get("/api/me", { headers: { "X-API-Key": secret } })).status()).toBe(401);
  });

  test("a field error is shown next to the field", async ({ page }) => {
    await signInAt(page, "/dashboard/keys");
    await page.getByRole("button", { name: "Create key" }).click();
    await expect(page.locator("#key-name-error")).toHaveText("Give the key a name.");
  });
});
